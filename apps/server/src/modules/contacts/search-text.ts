import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** Letters that do not decompose into a base letter and an accent. */
const LIGATURES: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ı: 'i' };

/** Lower case without accents: "Hélène" and "HELENE" both become "helene". */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđı]/g, (c) => LIGATURES[c] ?? c)
    .replace(/\s+/g, ' ')
    .trim();
}

/** The searchable words of a contact, folded: names, company, email. */
export function searchTextOf(c: {
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  email: string | null;
}): string {
  return fold([c.firstName, c.lastName, c.company, c.email].filter(Boolean).join(' '));
}

/**
 * The number's digits as people type them: international (33612345678) and
 * national (0612345678), so "06 12", "+33 6 12" and "612" all find it.
 */
export function phoneDigitsOf(e164: string): string {
  const international = e164.replace(/\D/g, '');
  const national = parsePhoneNumberFromString(e164)?.formatNational().replace(/\D/g, '');
  return national && national !== international ? `${international} ${national}` : international;
}

/** The digits of a query, when it is written like (part of) a phone number. */
export function queryDigits(query: string): string {
  if (!/^[\d\s+\-()./]+$/.test(query)) return '';
  // "+33 (0)6 …", as business cards write it: the (0) is the national trunk prefix, not part of the number.
  return query
    .replace(/\(0\)/g, '')
    .replace(/^\s*(\+|00)/, '')
    .replace(/\D/g, '');
}
