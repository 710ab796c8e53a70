import { FINAL_CALL_STATUSES, MISSED_CALL_STATUSES, type Call } from '@commpro/contracts';
import type { Locale } from '../../shared/i18n/i18n';

/** "0:42", "12:05", "1:02:09": a call's length or its running timer. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

/** Seconds since the call was answered, for the running timer; null before it is. */
export function elapsedSince(answeredAt: string | null, now: number): number | null {
  if (!answeredAt) return null;
  return Math.max(0, Math.floor((now - Date.parse(answeredAt)) / 1000));
}

/** An inbound call nobody answered (the history's red rows). */
export function isMissed(call: Pick<Call, 'direction' | 'status'>): boolean {
  return call.direction === 'INBOUND' && MISSED_CALL_STATUSES.includes(call.status);
}

/** An outbound call that ended without being answered (failed, busy, unanswered, cancelled). */
export function isUnanswered(call: Pick<Call, 'direction' | 'status'>): boolean {
  return call.direction === 'OUTBOUND' && isFinal(call) && call.status !== 'COMPLETED';
}

export function isFinal(call: Pick<Call, 'status'>): boolean {
  return FINAL_CALL_STATUSES.includes(call.status);
}

/** "2 min", "1 min": billable time, rounded up to the started minute by the server. */
export function billableMinutes(call: Pick<Call, 'billableDurationSeconds'>): number {
  return Math.ceil(call.billableDurationSeconds / 60);
}

/** "€0.00" / "0,12 €"; null when the call is not priced yet. */
export function formatCost(call: Pick<Call, 'cost' | 'costCurrency'>, locale: Locale): string | null {
  if (call.cost === null) return null;
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency: call.costCurrency || 'EUR' }).format(call.cost);
  } catch {
    return `${call.cost} ${call.costCurrency}`;
  }
}

/**
 * A number written any way people write them, as typed or pasted ("+33 6 12 34 56 78",
 * "(555) 010-1234", "tel:+33612345678"), reduced to what a keypad can dial:
 * digits, a leading +, * and #.
 */
export function dialable(input: string): string {
  const text = input.trim().replace(/^tel:/i, '');
  return (text.startsWith('+') ? '+' : '') + text.replace(/[^0-9*#]/g, '');
}

/** My line and the other party's number, whichever way the call went. */
export function endsOf(call: Pick<Call, 'direction' | 'from' | 'to'>): { mine: string; their: string } {
  return call.direction === 'OUTBOUND' ? { mine: call.from, their: call.to } : { mine: call.to, their: call.from };
}

/** The numbers I talked with most recently, newest first, without repeats: the dialer's suggestions. */
export function recentNumbers(calls: readonly Call[], max = 5): string[] {
  const seen = new Set<string>();
  for (const call of calls) {
    seen.add(endsOf(call).their);
    if (seen.size === max) break;
  }
  return [...seen];
}
