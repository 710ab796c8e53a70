import type { CountryCode, NumberType } from '@commpro/contracts';

/** What we charge for a number, in euros. */
export interface NumberPrice {
  monthlyCost: number;
  setupCost: number;
}

/**
 * The seed's figure: €2 a month per number ("Phone number (FR): €2/mois par
 * numéro"), no setup fee. The seed gives no other figure, so every country and
 * type costs the same for now. Twilio's AvailablePhoneNumbers list returns no
 * prices, and what we charge is our decision, not the carrier's: the sandbox and
 * Twilio carriers both read this table so a user sees the same price on either.
 */
export const NUMBER_PRICES: Readonly<Record<CountryCode, Readonly<Record<NumberType, NumberPrice>>>> = (() => {
  const seed: NumberPrice = Object.freeze({ monthlyCost: 2, setupCost: 0 });
  const byType = Object.freeze({ LOCAL: seed, MOBILE: seed, TOLL_FREE: seed });
  return Object.freeze({ FR: byType, US: byType, GB: byType, DE: byType, ES: byType, IT: byType });
})();

export function numberPrice(countryCode: CountryCode, type: NumberType): NumberPrice {
  return NUMBER_PRICES[countryCode][type];
}
