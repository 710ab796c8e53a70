import type { Locale } from '../../shared/i18n/i18n';

/** "€1,234.50" / "1 234,50 €" from integer cents, whole euros without decimals. */
export function formatEurCents(cents: number, locale: Locale): string {
  const whole = cents % 100 === 0;
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: 'EUR',
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: 2,
  }).format(cents / 100);
}

export function formatCount(value: number, locale: Locale): string {
  return new Intl.NumberFormat(locale).format(value);
}

/** An error rate (0 to 1) as "12.5 %"; below a tenth of a percent but not zero reads "<0.1 %", never "0 %". */
export function formatRate(rate: number, locale: Locale): string {
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  if (rate > 0 && rate < 0.001) return `<${percent.format(0.001)}`;
  return percent.format(rate);
}

/** "Ada Lovelace", else the email: how operators recognise an account. */
export function personName(person: { firstName: string | null; lastName: string | null; email: string }): string {
  const name = [person.firstName, person.lastName].filter(Boolean).join(' ').trim();
  return name || person.email;
}

/** "24 Nov" for a chart's day axis, read as the UTC date the server counted. */
export function formatDay(isoDate: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(
    new Date(`${isoDate}T00:00:00Z`),
  );
}

/**
 * The UTC calendar period the server counts over ("Nov 1, 2026 – Nov 30, 2026"): its end is the
 * start of the next one, so the last day shown is the one before; read in UTC, like the counts.
 */
export function formatPeriod(period: { start: string; end: string }, locale: Locale): { start: string; end: string } {
  const format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  return { start: format.format(new Date(period.start)), end: format.format(new Date(Date.parse(period.end) - 1)) };
}

/** "reason: spam, tier: BUSINESS": an entry's details on one line. */
export function detailsText(details: Record<string, unknown> | null): string {
  if (!details) return '';
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

/** The filter's options with the chosen one kept, when the current page no longer lists it. */
export function withChosen(options: string[], chosen: string): string[] {
  return chosen && !options.includes(chosen) ? [...options, chosen] : options;
}

export const REASON_MIN = 3;
export const REASON_MAX = 500;

/** What is wrong with a reason as the server takes it (trimmed, 3 to 500 characters); null when nothing. */
export function checkReason(reason: string): 'short' | 'long' | null {
  const trimmed = reason.trim();
  if (trimmed.length < REASON_MIN) return 'short';
  if (trimmed.length > REASON_MAX) return 'long';
  return null;
}
