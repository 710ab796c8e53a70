import { COUNTRIES, PLAN_TIERS, type CountryCode, type PlanLimitInfo, type PlanTier } from '@commpro/contracts';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Locale } from '../../shared/i18n/i18n';

/** "+33 6 39 98 12 34" from "+33639981234"; the input unchanged when it cannot be parsed. */
export function formatPhone(e164: string): string {
  try {
    return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
  } catch {
    return e164;
  }
}

/** A number as typed ("06 12 34 56 78"), read in `country` when it has no +code, formatted internationally. */
export function formatPhoneInput(input: string, country: CountryCode): string {
  try {
    return parsePhoneNumberFromString(input, country)?.formatInternational() ?? input;
  } catch {
    return input;
  }
}

/** The number typed, in E.164, read in the line's country when it has no +code; null when it is not a number. */
export function toE164(input: string, country: CountryCode | undefined): string | null {
  try {
    const parsed = parsePhoneNumberFromString(input.trim(), country);
    return parsed?.isPossible() ? parsed.number : null;
  } catch {
    return null;
  }
}

/** "France", "Royaume-Uni"… in the person's language. */
export function countryName(code: CountryCode, locale: Locale): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** "€1.50" / "1,50 €". */
export function formatPrice(amount: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' }).format(amount);
}

/** Whole cents as the API gives plan prices, shown without float arithmetic on the way. */
export function formatCents(cents: number, locale: Locale): string {
  return formatPrice(cents / 100, locale);
}

export function formatDate(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(iso));
}

const ZONE_COUNTRIES: [RegExp, CountryCode][] = [
  [/^Europe\/Paris$/, 'FR'],
  [/^Europe\/(London|Belfast)$/, 'GB'],
  [/^Europe\/(Berlin|Busingen)$/, 'DE'],
  [/^(Europe\/Madrid|Atlantic\/Canary|Africa\/Ceuta)$/, 'ES'],
  [/^Europe\/Rome$/, 'IT'],
  [/^(America\/|US\/|Pacific\/Honolulu)/, 'US'],
];

/** The country to search first: the one of the person's time zone when we offer it, else France. */
export function defaultCountry(timeZone: string | undefined): CountryCode {
  if (timeZone) for (const [pattern, code] of ZONE_COUNTRIES) if (pattern.test(timeZone)) return code;
  return 'FR';
}

export function isCountryCode(value: string): value is CountryCode {
  return (COUNTRIES as readonly string[]).includes(value);
}

export interface PlanLimit {
  /** The plan the person is on and how many numbers it includes. */
  current: PlanTier;
  included: number;
  /** The cheapest plan that allows one more number. */
  upgrade: PlanTier | undefined;
}

/** Reads a 402 PLAN_LIMIT_REACHED's `limit` (numbers only); null when it is not one we can describe. */
export function planLimitOf(limit: PlanLimitInfo | undefined): PlanLimit | null {
  if (!limit || limit.resource !== 'numbers') return null;
  const isTier = (tier: string | null): tier is PlanTier => (PLAN_TIERS as readonly string[]).includes(tier ?? '');
  if (!isTier(limit.plan)) return null;
  return {
    current: limit.plan,
    included: limit.allowed,
    upgrade: isTier(limit.upgradeTo) ? limit.upgradeTo : undefined,
  };
}
