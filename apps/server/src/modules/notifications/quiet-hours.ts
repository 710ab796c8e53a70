/** Minutes after midnight at `at` in `timeZone` (an IANA name; UTC when it is not one). */
export function minuteOfDay(at: Date, timeZone: string): number {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(at);
  } catch {
    return at.getUTCHours() * 60 + at.getUTCMinutes();
  }
  const value = (type: 'hour' | 'minute') => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return value('hour') * 60 + value('minute');
}

/**
 * Whether `at` falls in the quiet window [start, end) of the user's day. A
 * window whose start is after its end runs across midnight (22:00–07:00); an
 * empty one (start = end) is never quiet.
 */
export function isQuiet(at: Date, timeZone: string, window: { start: number; end: number } | null): boolean {
  if (!window || window.start === window.end) return false;
  const now = minuteOfDay(at, timeZone);
  return window.start < window.end ? now >= window.start && now < window.end : now >= window.start || now < window.end;
}

export const toMinute = (clock: string): number => {
  const [h, m] = clock.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

export const toClock = (minute: number): string =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
