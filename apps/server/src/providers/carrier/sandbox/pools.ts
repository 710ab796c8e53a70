import type { Capabilities, CountryCode, NumberRequirements, NumberType } from '@commpro/contracts';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/*
 * The numbers the sandbox carrier may hand out. The sandbox never routes
 * traffic off the instance, so these are identifiers inside it; we still take
 * them only from ranges nobody can be reached on, so a number copied out of
 * the app and dialled from a real phone rings no one.
 *
 * Sources (see also shared/REFERENCE.md §7):
 * - GB: Ofcom, "Telephone numbers for use in TV and radio drama programmes"
 *   (stakeholders.ofcom.org.uk/telecoms/numbering/guidance-tele-no/numbers-for-drama),
 *   as reproduced in public code and BBC News (bbc.com/news/blogs-magazine-monitor-32348371).
 * - DE: Bundesnetzagentur, Mitteilung Nr. 148/2021, Amtsblatt 7/2021 p. 489
 *   ("Rufnummern für Medienproduktionen"), reported by teltarif.de news 84487.
 *   It also lists twelve mobile numbers/ranges given by the operators; that
 *   list was not retrieved, so Germany offers LOCAL numbers only.
 * - FR: ARCEP's numbers reserved for fiction, corroborated by several
 *   independent public codebases citing ARCEP (primary text not retrieved).
 *   The 03 53 01 and 09 39 98 blocks seen elsewhere are unverified and left out.
 * - US: NANP 555-0100…555-0199, reserved for fictional use in every
 *   geographic area code (NANPA). Not offered for toll-free: toll-free numbers
 *   (800, 888, …) are not assigned by central-office code but one by one from
 *   the SMS/800 database (Somos), 555 there is an ordinary exchange and
 *   800-555-xxxx numbers have been in real use, so nothing in the references
 *   makes 8XX-555-01xx fictional. The NANP does not separate mobile from
 *   fixed numbers, so the US offers LOCAL numbers only (as Twilio does).
 * - ES and IT publish no fiction range. We use blocks their national
 *   numbering plans leave unassigned: they are NOT official fiction numbers,
 *   only numbers that belong to no one today. Check before relying on them:
 *   ES: Plan nacional de numeración telefónica (Real Decreto 2296/2004,
 *   Anexo), assignments in the CNMC numbering registry (numeracion.cnmc.es).
 *   IT: AGCOM, Piano di numerazione nel settore delle telecomunicazioni
 *   (Delibera 8/15/CIR and amendments), assignments in AGCOM's registry.
 *   Cross-check: the number metadata shipped in libphonenumber-js 1.13.16
 *   (Google libphonenumber), built from those registries, classifies none of
 *   these blocks as in use (ES fixedLine pattern skips 929 and 989; ES mobile
 *   covers 6 and 71-74/78, not 79; IT fixedLine skips the 0127 and 0129
 *   districts; IT mobile covers 31-39, not 30).
 *
 * libphonenumber-js rejects several of these ranges (GB 07700 900, 01632 960 and
 * 0115 496 0,
 * FR 06 39 98, all ES and IT blocks), so callers validate sandbox numbers with
 * `isSandboxNumber`/`describeSandboxNumber` rather than `isValid()`.
 */

export interface NumberPool {
  countryCode: CountryCode;
  type: NumberType;
  /** The national significant number every number of the pool starts with. */
  prefix: string;
  /** How many free digits follow the prefix (the pool holds 10^freeDigits numbers). */
  freeDigits: number;
  /** Where a local number belongs, or what a non-geographic range is. */
  region: string;
}

const CALLING_CODES: Record<CountryCode, string> = {
  FR: '33',
  US: '1',
  GB: '44',
  DE: '49',
  ES: '34',
  IT: '39',
};

/** Countries whose national form puts a trunk 0 before the national significant number. */
const TRUNK_ZERO: ReadonlySet<CountryCode> = new Set<CountryCode>(['FR', 'GB', 'DE']);

function pool(
  countryCode: CountryCode,
  type: NumberType,
  prefix: string,
  freeDigits: number,
  region: string,
): NumberPool {
  return { countryCode, type, prefix, freeDigits, region };
}

const US_AREAS: ReadonlyArray<[string, string]> = [
  ['202', 'Washington, DC'],
  ['206', 'Seattle, WA'],
  ['212', 'New York, NY'],
  ['213', 'Los Angeles, CA'],
  ['303', 'Denver, CO'],
  ['305', 'Miami, FL'],
  ['312', 'Chicago, IL'],
  ['404', 'Atlanta, GA'],
  ['415', 'San Francisco, CA'],
  ['512', 'Austin, TX'],
  ['617', 'Boston, MA'],
  ['702', 'Las Vegas, NV'],
];

const GB_CITIES: ReadonlyArray<[string, string]> = [
  ['2079460', 'London'],
  ['1134960', 'Leeds'],
  ['1144960', 'Sheffield'],
  ['1154960', 'Nottingham'],
  ['1164960', 'Leicester'],
  ['1174960', 'Bristol'],
  ['1184960', 'Reading'],
  ['1214960', 'Birmingham'],
  ['1314960', 'Edinburgh'],
  ['1414960', 'Glasgow'],
  ['1514960', 'Liverpool'],
  ['1614960', 'Manchester'],
  ['1914980', 'Tyneside'],
  ['2890180', 'Belfast'],
  ['2920180', 'Cardiff'],
  ['1632960', 'Drama area code'],
];

export const SANDBOX_POOLS: readonly NumberPool[] = [
  // GB: Ofcom drama numbers.
  ...GB_CITIES.map(([prefix, city]) => pool('GB', 'LOCAL', prefix, 3, city)),
  pool('GB', 'MOBILE', '7700900', 3, 'Mobile'),
  pool('GB', 'TOLL_FREE', '8081570', 3, 'Freephone'),
  // DE: BNetzA drama numbers, 1000 per city.
  pool('DE', 'LOCAL', '3023125', 3, 'Berlin'),
  pool('DE', 'LOCAL', '6990009', 3, 'Frankfurt am Main'),
  pool('DE', 'LOCAL', '4066969', 3, 'Hamburg'),
  pool('DE', 'LOCAL', '2214710', 3, 'Köln'),
  pool('DE', 'LOCAL', '8999998', 3, 'München'),
  // FR: ARCEP fiction numbers, one block per geographic zone and one mobile block.
  pool('FR', 'LOCAL', '19900', 4, 'Île-de-France'),
  pool('FR', 'LOCAL', '26191', 4, 'Nord-Ouest'),
  pool('FR', 'LOCAL', '46571', 4, 'Sud-Est'),
  pool('FR', 'LOCAL', '53649', 4, 'Sud-Ouest'),
  pool('FR', 'MOBILE', '63998', 4, 'Mobile'),
  // US: NXX-555-0100…0199 in real area codes.
  ...US_AREAS.map(([area, city]) => pool('US', 'LOCAL', `${area}55501`, 2, city)),
  // ES: unassigned by plan (see above), not official fiction numbers.
  pool('ES', 'LOCAL', '92900', 4, 'Geographic range 929 (no province)'),
  pool('ES', 'LOCAL', '98900', 4, 'Geographic range 989 (no province)'),
  pool('ES', 'MOBILE', '79000', 4, 'Mobile range 79 (unassigned)'),
  // IT: unassigned by plan (see above), not official fiction numbers.
  pool('IT', 'LOCAL', '012700', 4, 'District 0127 (unassigned)'),
  pool('IT', 'LOCAL', '012900', 4, 'District 0129 (unassigned)'),
  pool('IT', 'MOBILE', '309000', 4, 'Mobile range 30x (unassigned)'),
];

export interface OfferTerms {
  capabilities: Capabilities;
  requirements: NumberRequirements;
}

const VOICE_ONLY: Capabilities = { voice: true, sms: false, mms: false };
const FULL: Capabilities = { voice: true, sms: true, mms: true };

/**
 * What each offered country/type can do, what the buyer must provide and what
 * it costs; one table so the numbers module and the UI show the same thing.
 *
 * Capabilities follow the real networks: landlines and freephone numbers in
 * Europe take calls only; every mobile network in the six countries carries
 * SMS and MMS; US local numbers do voice, SMS and MMS.
 *
 * Requirements (shared/REFERENCE.md §4): the US asks nothing; the UK asks for
 * an address; FR, DE, ES and IT ask for an address plus identity/business
 * documents (Germany: local numbers only for businesses with an address in the
 * area). Twilio warns these rules change: they are hints for the buyer, the
 * real carrier's answer wins.
 */
const OFFER_TERMS: Record<CountryCode, Partial<Record<NumberType, OfferTerms>>> = {
  GB: {
    LOCAL: { capabilities: VOICE_ONLY, requirements: 'ADDRESS' },
    MOBILE: { capabilities: FULL, requirements: 'ADDRESS' },
    TOLL_FREE: { capabilities: VOICE_ONLY, requirements: 'ADDRESS' },
  },
  DE: {
    LOCAL: { capabilities: VOICE_ONLY, requirements: 'IDENTITY' },
  },
  FR: {
    LOCAL: { capabilities: VOICE_ONLY, requirements: 'IDENTITY' },
    MOBILE: { capabilities: FULL, requirements: 'IDENTITY' },
  },
  US: {
    LOCAL: { capabilities: FULL, requirements: 'NONE' },
  },
  ES: {
    LOCAL: { capabilities: VOICE_ONLY, requirements: 'IDENTITY' },
    MOBILE: { capabilities: FULL, requirements: 'IDENTITY' },
  },
  IT: {
    LOCAL: { capabilities: VOICE_ONLY, requirements: 'IDENTITY' },
    MOBILE: { capabilities: FULL, requirements: 'IDENTITY' },
  },
};

/** The terms of a country/type the sandbox offers; undefined when it offers none. */
export function offerTerms(countryCode: CountryCode, type: NumberType): OfferTerms | undefined {
  const terms = OFFER_TERMS[countryCode][type];
  return terms ? { ...terms, capabilities: { ...terms.capabilities } } : undefined;
}

/** The types the sandbox offers in a country. */
export function offeredTypes(countryCode: CountryCode): NumberType[] {
  return (['LOCAL', 'MOBILE', 'TOLL_FREE'] as const).filter((type) => OFFER_TERMS[countryCode][type] !== undefined);
}

export function callingCode(countryCode: CountryCode): string {
  return CALLING_CODES[countryCode];
}

export function poolSize(p: NumberPool): number {
  return 10 ** p.freeDigits;
}

/** The n-th number of a pool (0 ≤ n < poolSize) as its national significant number. */
export function nationalNumberAt(p: NumberPool, n: number): string {
  return p.prefix + String(n).padStart(p.freeDigits, '0');
}

export function toE164(countryCode: CountryCode, nationalNumber: string): string {
  return `+${CALLING_CODES[countryCode]}${nationalNumber}`;
}

export interface SandboxNumber {
  phoneNumber: string;
  nationalNumber: string;
  countryCode: CountryCode;
  type: NumberType;
  region: string;
}

/** Which pool an E.164 number belongs to, if any. */
export function describeSandboxNumber(e164: string): SandboxNumber | undefined {
  if (!/^\+\d{8,15}$/.test(e164)) return undefined;
  const digits = e164.slice(1);
  for (const p of SANDBOX_POOLS) {
    const code = CALLING_CODES[p.countryCode];
    if (!digits.startsWith(code)) continue;
    const national = digits.slice(code.length);
    if (national.length === p.prefix.length + p.freeDigits && national.startsWith(p.prefix)) {
      return {
        phoneNumber: e164,
        nationalNumber: national,
        countryCode: p.countryCode,
        type: p.type,
        region: p.region,
      };
    }
  }
  return undefined;
}

/** True when the number is one the sandbox carrier hands out (whether or not it is taken). */
export function isSandboxNumber(e164: string): boolean {
  return describeSandboxNumber(e164) !== undefined;
}

/**
 * How the number is shown: national form for the US ("(415) 555-0134", as
 * Twilio's friendly names), international form elsewhere ("+33 1 99 00 12 34").
 * libphonenumber-js formats by leading digits, so it formats the ranges it
 * calls invalid too; the fallback only guards against a metadata change.
 */
export function formatSandboxNumber(countryCode: CountryCode, nationalNumber: string): string {
  const e164 = toE164(countryCode, nationalNumber);
  const parsed = parsePhoneNumberFromString(e164);
  if (parsed) {
    const formatted = countryCode === 'US' ? parsed.formatNational() : parsed.formatInternational();
    if (/\s/.test(formatted)) return formatted;
  }
  return `+${CALLING_CODES[countryCode]} ${nationalNumber}`;
}

/**
 * The national prefixes an `areaCode` filter may mean: as typed, and without
 * the trunk prefix a person writes in front of it (0 in FR/GB/DE, 1 in the US).
 * Spanish numbers have no trunk prefix and Italian ones keep their 0.
 */
export function areaCodePrefixes(countryCode: CountryCode, areaCode: string): string[] {
  const digits = areaCode.replace(/\D/g, '');
  if (digits === '') return [];
  const prefixes = [digits];
  if (TRUNK_ZERO.has(countryCode) && digits.startsWith('0')) prefixes.push(digits.slice(1));
  if (countryCode === 'US' && digits.startsWith('1')) prefixes.push(digits.slice(1));
  return prefixes.filter((p) => p !== '');
}

/** A `contains` pattern (digits, `*` = any one digit) as a regular expression; undefined if it holds anything else. */
export function containsPattern(contains: string): RegExp | undefined {
  if (!/^[0-9*]+$/.test(contains)) return undefined;
  return new RegExp(contains.replaceAll('*', '\\d'));
}

/**
 * Whether a number matches `contains`: searched in the national significant
 * number, in the E.164 digits, and in the national form with its trunk 0.
 */
export function matchesContains(countryCode: CountryCode, nationalNumber: string, pattern: RegExp): boolean {
  return (
    pattern.test(nationalNumber) ||
    pattern.test(CALLING_CODES[countryCode] + nationalNumber) ||
    (TRUNK_ZERO.has(countryCode) && pattern.test(`0${nationalNumber}`))
  );
}

/** Whether any number of the pool can start with one of the prefixes. */
export function poolMatchesPrefixes(p: NumberPool, prefixes: readonly string[]): boolean {
  return prefixes.some((prefix) => {
    const common = Math.min(prefix.length, p.prefix.length);
    return prefix.slice(0, common) === p.prefix.slice(0, common) && prefix.length <= p.prefix.length + p.freeDigits;
  });
}
