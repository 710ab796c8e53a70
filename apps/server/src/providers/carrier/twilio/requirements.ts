import type { CountryCode, NumberRequirements, NumberType } from '@commpro/contracts';

/**
 * Where Twilio asks for an approved Regulatory Bundle (an end-user identity
 * plus supporting documents) before the number can be bought; without one the
 * purchase fails with 21649. Sources (REFERENCE.md §4): Twilio's "regulated
 * number bundle provisioning requirement" changelog, the per-country guidelines
 * (twilio.com/guidelines/{iso}/regulatory) and the Regulations API, which lists
 * a regulation for each of these types in DE, FR, IT, ES and GB (UK: local and
 * national, mobile and toll-free). Twilio says the rules change: when one does,
 * change this table; `address_requirements` in the search result still covers
 * the address part on its own.
 */
const BUNDLE_REQUIRED: Readonly<Partial<Record<CountryCode, readonly NumberType[]>>> = {
  DE: ['LOCAL', 'MOBILE', 'TOLL_FREE'],
  FR: ['LOCAL', 'MOBILE', 'TOLL_FREE'],
  IT: ['LOCAL', 'MOBILE', 'TOLL_FREE'],
  ES: ['LOCAL', 'MOBILE', 'TOLL_FREE'],
  GB: ['LOCAL', 'MOBILE', 'TOLL_FREE'],
};

export function bundleRequired(countryCode: CountryCode, type: NumberType): boolean {
  return BUNDLE_REQUIRED[countryCode]?.includes(type) ?? false;
}

/**
 * What the buyer must provide, from Twilio's `address_requirements`
 * (`none` | `any` | `local` | `foreign`) and the bundle table above; identity
 * documents include an address, so IDENTITY wins.
 */
export function twilioRequirements(
  countryCode: CountryCode,
  type: NumberType,
  addressRequirements: string | null | undefined,
): NumberRequirements {
  if (bundleRequired(countryCode, type)) return 'IDENTITY';
  if (addressRequirements && addressRequirements !== 'none') return 'ADDRESS';
  return 'NONE';
}
