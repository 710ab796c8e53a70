import type { NotificationPreferences } from '@commpro/contracts';

export interface QuietHoursForm {
  enabled: boolean;
  /** As a time input gives it: "22:00", "22:00:00" with seconds, or "" when cleared. */
  start: string;
  end: string;
}

export type QuietHoursError = 'invalid' | 'same';
export type QuietHoursResult =
  | { ok: true; value: NotificationPreferences['quietHours'] }
  | { ok: false; errors: Partial<Record<'start' | 'end', QuietHoursError>> };

const TIME = /^([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d(\.\d+)?)?$/;

/** "22:00" from what a time input gives, or null when it is not a time of day. */
export function clockTime(value: string): string | null {
  const match = TIME.exec(value.trim());
  return match ? `${match[1]}:${match[2]}` : null;
}

/** The form's quiet hours as the API takes them (null when off), or why they cannot be saved. */
export function validateQuietHours(form: QuietHoursForm): QuietHoursResult {
  if (!form.enabled) return { ok: true, value: null };
  const start = clockTime(form.start);
  const end = clockTime(form.end);
  const errors: Partial<Record<'start' | 'end', QuietHoursError>> = {};
  if (!start) errors.start = 'invalid';
  if (!end) errors.end = 'invalid';
  else if (start === end) errors.end = 'same';
  if (!start || !end || start === end) return { ok: false, errors };
  return { ok: true, value: { start, end } };
}

/** Quiet hours that start in the evening and end in the morning run across midnight. */
export function isOvernight(start: string, end: string): boolean {
  return start > end;
}

/** The form's starting point: the saved hours, or an evening-to-morning suggestion when off. */
export function quietHoursForm(saved: NotificationPreferences['quietHours']): QuietHoursForm {
  return saved ? { enabled: true, ...saved } : { enabled: false, start: '22:00', end: '07:00' };
}

/** "7:00 AM" / "07:00" for an "HH:MM" clock time, as the person's language writes it. */
export function formatClockTime(value: string, locale: string): string {
  const time = clockTime(value);
  if (!time) return value;
  const [hours, minutes] = time.split(':').map(Number);
  return new Intl.DateTimeFormat(locale, {
    hour: locale === 'fr' ? '2-digit' : 'numeric',
    minute: '2-digit',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(2000, 0, 1, hours, minutes)));
}
