import type { CountryCode, NumberType } from '@commpro/contracts';

/**
 * What a number costs the customer, in EUR, from the seed's Buy Number
 * wireframe: a local number €2/month, a mobile €5/month, no setup fee. The
 * seed names no toll-free price; toll-free numbers cost the carrier more, so
 * they take the higher of its two figures. One price in every country until a
 * price list says otherwise.
 */
const MONTHLY: Record<NumberType, number> = { LOCAL: 2, MOBILE: 5, TOLL_FREE: 5 };

export function numberPrice(_country: CountryCode, type: NumberType): { monthlyCost: number; setupCost: number } {
  return { monthlyCost: MONTHLY[type], setupCost: 0 };
}
