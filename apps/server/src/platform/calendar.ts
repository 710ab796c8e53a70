/**
 * `months` calendar months after `date`, on the anchor day (the day a
 * subscription or a number was started), or the month's last day when it is
 * shorter: Jan 31 → Feb 28 → Mar 31.
 */
export function addMonths(date: Date, months: number, anchorDay: number = date.getUTCDate()): Date {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const next = new Date(date);
  next.setUTCFullYear(year, month, Math.min(anchorDay, lastDay));
  return next;
}
