import type { CountryCode, NumberType } from '@commpro/contracts';

/**
 * What a number costs the customer, in EUR. The seed prices a number at
 * €2/month (its FR carrier cost) with no setup fee; one figure for every
 * country and type until a price list says otherwise.
 */
export function numberPrice(_country: CountryCode, _type: NumberType): { monthlyCost: number; setupCost: number } {
  return { monthlyCost: 2, setupCost: 0 };
}
