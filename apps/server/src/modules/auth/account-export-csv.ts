/** A value of an exported record, as its JSON file holds it. */
export type ExportValue = string | number | boolean | null | readonly unknown[] | Record<string, unknown>;
export type ExportRecord = Record<string, ExportValue>;

/**
 * A spreadsheet runs a cell starting with one of these as a formula, which
 * whoever wrote the text (a contact, a sender) could use (OWASP "CSV
 * Injection"). A leading single quote makes it text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A phone number is shown as written: Excel does not read "+33…" alone as a formula. */
const E164 = /^\+[1-9]\d{1,14}$/;

/** RFC 4180: a field holding a comma, a quote or a line break is quoted, with its quotes doubled. */
function quote(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (E164.test(text)) return text;
  return quote(FORMULA_START.test(text) ? `'${text}` : text);
}

/**
 * Records as CSV for a spreadsheet: UTF-8 with a byte order mark (so Excel
 * reads accents right), CRLF line ends, one column per key in `columns`;
 * nested values (tags, invoice lines) are written as JSON text.
 */
export function toCsv(columns: readonly string[], records: readonly ExportRecord[]): string {
  const lines = [columns.map(quote).join(','), ...records.map((r) => columns.map((c) => csvCell(r[c])).join(','))];
  return `\uFEFF${lines.map((line) => `${line}\r\n`).join('')}`;
}
