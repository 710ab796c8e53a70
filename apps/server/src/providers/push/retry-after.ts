/**
 * Seconds to wait from a `Retry-After` header (RFC 9110: delay-seconds or an
 * HTTP date), or undefined when absent or unreadable.
 */
export function retryAfterSeconds(value: string | null | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}
