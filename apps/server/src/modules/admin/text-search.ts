import { type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/**
 * Accent- and case-insensitive matching that runs the same on PostgreSQL and
 * PGlite (which has no `unaccent`): both sides are folded with translate()
 * over the Latin letters our users' names use. Capitals are listed too, since
 * lower() leaves them as they are under the C locale.
 */
const ACCENTED = 'àáâãäåāăąçćĉčďđèéêëēĕėęěĝğġģĥìíîïĩīĭįıĵķĺļľłñńņňòóôõöøōŏőŕŗřśŝşšţťŧùúûüũūŭůűųŵýÿŷźżž';
const ACCENTED_UPPER = ACCENTED.toUpperCase();
const BASE = [...ACCENTED].map(baseLetter).join('');
const FROM = ACCENTED + ACCENTED_UPPER;
const TO = BASE + BASE;

function baseLetter(letter: string): string {
  const special: Record<string, string> = { đ: 'd', ı: 'i', ł: 'l', ø: 'o', ŧ: 't' };
  return special[letter] ?? letter.normalize('NFD').replace(/\p{M}/gu, '');
}

/** What a search box typed, folded the same way as the columns. */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** `%text%` for LIKE, with the caller's own % and _ taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Whether the folded column contains the folded text. */
export function foldedContains(column: AnyPgColumn | SQL, text: string): SQL {
  return sql`translate(lower(coalesce(${column}, '')), ${FROM}, ${TO}) like ${containsPattern(foldText(text))}`;
}

/** The digits and + of a typed phone number, for matching E.164 columns; undefined when too short to mean one. */
export function phoneFragment(text: string): string | undefined {
  const fragment = text.replace(/[\s().-]/g, '');
  return /^\+?\d{3,}$/.test(fragment) ? fragment : undefined;
}
