import { countSegments } from '@commpro/contracts';
import type { Locale, Translate } from '../../shared/i18n/i18n';

const DAY = 24 * 3600 * 1000;

function startOfDay(at: number): number {
  const date = new Date(at);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
}

/** Whole calendar days between `iso` and `now` (0 today, 1 yesterday), in the device's time zone. */
export function daysAgo(iso: string, now: number = Date.now()): number {
  return Math.round((startOfDay(now) - startOfDay(Date.parse(iso))) / DAY);
}

function capitalize(text: string, locale: Locale): string {
  return text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);
}

/** "10:23", "10:23 AM". */
export function formatTime(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { hour: locale === 'fr' ? '2-digit' : 'numeric', minute: '2-digit' }).format(
    new Date(iso),
  );
}

/** A step of a delivery: "8:32:04 AM" today, with the date before. */
export function formatStepTime(iso: string, locale: Locale, now: number = Date.now()): string {
  const today = daysAgo(iso, now) === 0;
  return new Intl.DateTimeFormat(
    locale,
    today ? { timeStyle: 'medium' } : { dateStyle: 'short', timeStyle: 'medium' },
  ).format(new Date(iso));
}

/**
 * The time on a conversation row, like a phone's messages app: "Just now",
 * "5 min ago", "10:23 AM" today, "Yesterday", a weekday this week, else a short date.
 */
export function formatListTime(iso: string, locale: Locale, now: number = Date.now()): string {
  const at = Date.parse(iso);
  const minutes = Math.floor((now - at) / 60_000);
  if (minutes < 1) return locale === 'fr' ? 'À l’instant' : 'Just now';
  const days = daysAgo(iso, now);
  if (minutes < 60 && days === 0) {
    return new Intl.RelativeTimeFormat(locale, { style: 'short' }).format(-minutes, 'minute');
  }
  if (days <= 0) return formatTime(iso, locale);
  if (days === 1) return capitalize(new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(-1, 'day'), locale);
  if (days < 7) return capitalize(new Intl.DateTimeFormat(locale, { weekday: 'long' }).format(at), locale);
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(locale, sameYear ? { day: 'numeric', month: 'short' } : { dateStyle: 'short' }).format(
    at,
  );
}

/** The separator above a day's messages: "Today", "Yesterday", "Monday 3 March". */
export function formatDayLabel(iso: string, locale: Locale, now: number = Date.now()): string {
  const days = daysAgo(iso, now);
  const at = Date.parse(iso);
  if (days <= 1) {
    return capitalize(new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(-days, 'day'), locale);
  }
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  return capitalize(
    new Intl.DateTimeFormat(locale, {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      ...(sameYear ? {} : { year: 'numeric' }),
    }).format(at),
    locale,
  );
}

export interface SegmentInfo {
  segments: number;
  remaining: number;
  unicode: boolean;
}

/** What the composer shows while typing: how many SMS the text makes and how much room the last one has. */
export function segmentInfo(text: string): SegmentInfo | null {
  if (!text) return null;
  const count = countSegments(text);
  return { segments: count.segments, remaining: count.remainingInSegment, unicode: count.encoding === 'UCS-2' };
}

/**
 * Where the browser loads a picture of a message: our own signed media URLs
 * (absolute, on the server's public address, for the carrier) are read from
 * this origin, which serves the same API, so the page's own-origin policy
 * allows them whatever address the server was told it has. Others stay as they are.
 */
export function photoSrc(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname.startsWith('/api/media/') ? `${parsed.pathname}${parsed.search}` : url;
  } catch {
    return url;
  }
}

/** The images carriers deliver by MMS, and how big one may be (the server checks both again). */
export const MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;
export const MEDIA_MAX_BYTES = 5_000_000;

/** "7.2 MB", "850 KB", as the person's locale writes numbers (decimal units, like the limit). */
export function formatBytes(bytes: number, locale: string): string {
  const mb = bytes / 1_000_000;
  if (mb >= 1) return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(mb)} MB`;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(Math.max(1, bytes / 1000))} KB`;
}

/** Why a picture cannot be attached, before any upload; null when it may go. */
export function checkPicture(file: Pick<File, 'size' | 'type'>, t: Translate, locale: string): string | null {
  // An empty type (some systems) is left to the server, which reads the bytes.
  if (file.type && !(MEDIA_TYPES as readonly string[]).includes(file.type)) return t('messages.attach.notPicture');
  if (file.size > MEDIA_MAX_BYTES) return t('messages.attach.tooBig', { size: formatBytes(file.size, locale) });
  return null;
}
