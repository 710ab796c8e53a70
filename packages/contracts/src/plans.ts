/**
 * The seed's four plans: the one definition of prices and limits. Money is in
 * integer cents; per-unit overage prices, some below a cent (€0.015 a
 * minute), are in millicents (1/1000 of a cent).
 */
export const PLAN_TIERS = ['FREE', 'STARTER', 'BUSINESS', 'ENTERPRISE'] as const;
export type PlanTier = (typeof PLAN_TIERS)[number];

export interface Plan {
  tier: PlanTier;
  /** Billed monthly, per month. */
  monthlyPriceCents: number;
  /** Billed annually, per month (the year costs twelve of these). */
  annualMonthlyPriceCents: number;
  includedNumbers: number;
  /** Per month for each number beyond the included ones; null: no extra numbers on this plan. */
  extraNumberPriceCents: number | null;
  smsPerMonth: number;
  minutesPerMonth: number;
  mmsPerMonth: number;
  /** Per unit beyond the allowance, in millicents; null: blocked at the allowance (FREE) or negotiated (ENTERPRISE). */
  overageMillicents: { sms: number; minute: number; mms: number } | null;
}

export const PLANS: Readonly<Record<PlanTier, Plan>> = {
  FREE: {
    tier: 'FREE',
    monthlyPriceCents: 0,
    annualMonthlyPriceCents: 0,
    includedNumbers: 1,
    extraNumberPriceCents: null,
    smsPerMonth: 50,
    minutesPerMonth: 50,
    mmsPerMonth: 0,
    overageMillicents: null,
  },
  STARTER: {
    tier: 'STARTER',
    monthlyPriceCents: 1500,
    annualMonthlyPriceCents: 1200,
    includedNumbers: 1,
    extraNumberPriceCents: null,
    smsPerMonth: 500,
    minutesPerMonth: 500,
    mmsPerMonth: 100,
    overageMillicents: { sms: 10_000, minute: 2_000, mms: 15_000 },
  },
  BUSINESS: {
    tier: 'BUSINESS',
    monthlyPriceCents: 3500,
    annualMonthlyPriceCents: 2900,
    includedNumbers: 3,
    extraNumberPriceCents: 500,
    smsPerMonth: 2000,
    minutesPerMonth: 2000,
    mmsPerMonth: 500,
    overageMillicents: { sms: 8_000, minute: 1_500, mms: 12_000 },
  },
  ENTERPRISE: {
    tier: 'ENTERPRISE',
    monthlyPriceCents: 11900,
    annualMonthlyPriceCents: 9900,
    includedNumbers: 10,
    extraNumberPriceCents: 400,
    smsPerMonth: 10000,
    minutesPerMonth: 10000,
    mmsPerMonth: 2000,
    overageMillicents: null,
  },
};

/** The cheapest plan that includes at least `numbers` numbers: the one a 402 points to. */
export function planForNumbers(numbers: number): PlanTier | undefined {
  return PLAN_TIERS.find((tier) => {
    const plan = PLANS[tier];
    return plan.includedNumbers >= numbers || plan.extraNumberPriceCents !== null;
  });
}

/** Where a plan stands among the others: a higher rank is an upgrade. */
export const planRank = (tier: PlanTier): number => PLAN_TIERS.indexOf(tier);
