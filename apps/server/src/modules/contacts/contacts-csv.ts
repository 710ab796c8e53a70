import type { VCardContact } from './vcard.js';

/**
 * The contacts export as CSV (RFC 4180), made for spreadsheets: it starts
 * with a UTF-8 byte order mark, without which Excel reads the file as the
 * local ANSI code page and garbles accents.
 */

const HEADER = ['First name', 'Last name', 'Phone number', 'Email', 'Company', 'Tags', 'Favorite', 'Notes', 'Created'];

/** A number as we store it (E.164): safe to leave alone although it starts with `+`. */
const E164 = /^\+[1-9]\d{1,14}$/;

export function contactsToCsv(contacts: readonly (VCardContact & { isFavorite: boolean; createdAt: Date })[]): string {
  const rows = contacts.map((c) => [
    cell(c.firstName),
    cell(c.lastName),
    E164.test(c.phoneNumber) ? quote(c.phoneNumber) : cell(c.phoneNumber),
    cell(c.email),
    cell(c.company),
    cell(c.tags.join('; ')),
    c.isFavorite ? 'yes' : 'no',
    cell(c.notes),
    c.createdAt.toISOString(),
  ]);
  return `\uFEFF${[HEADER.map(quote), ...rows].map((row) => `${row.join(',')}\r\n`).join('')}`;
}

/**
 * A spreadsheet runs a cell starting with one of these as a formula, which
 * an attacker who wrote the contact could use (OWASP "CSV Injection"). A
 * leading single quote makes it text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

function cell(value: string | null): string {
  const text = value ?? '';
  return quote(FORMULA_START.test(text) ? `'${text}` : text);
}

/** RFC 4180: a field holding a comma, a quote or a line break is quoted, with its quotes doubled. */
function quote(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
