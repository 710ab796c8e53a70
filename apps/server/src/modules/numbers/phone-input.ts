import { COUNTRIES, type CountryCode } from '@commpro/contracts';
import { getCountryCallingCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { E164 } from '../../providers/carrier/carrier.port.js';

/** The region a national-form number is read in when the caller names none: CommPro's home market. */
const DEFAULT_REGION: CountryCode = 'FR';

/**
 * Reads a number written any way a person writes one ("01 99 00 12 34",
 * "+33 1 99 00 12 34", "0033199001234") as E.164. `isPossible` (length), not
 * `isValid` (ranges): fiction and newly opened ranges fail the latter.
 */
export function toE164(input: string, region: CountryCode = DEFAULT_REGION): E164 | undefined {
  const international = input.trim().replace(/^00/, '+');
  const parsed = parsePhoneNumberFromString(international, region);
  return parsed?.isPossible() ? (parsed.number as E164) : undefined;
}

/**
 * The country a number belongs to, when it is one we sell in. Ranges the
 * metadata does not know (fiction ranges, newly opened blocks) have no
 * country, so the calling code decides among ours.
 */
export function countryOf(e164: E164): CountryCode | undefined {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return undefined;
  const country = parsed.country;
  return country
    ? COUNTRIES.find((c) => c === country)
    : COUNTRIES.find((c) => getCountryCallingCode(c) === parsed.countryCallingCode);
}
