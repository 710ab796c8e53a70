/** The seed's four plans: the one definition of prices and limits (billing owns it from issue 7 on). */
export const PLAN_TIERS = ['FREE', 'STARTER', 'BUSINESS', 'ENTERPRISE'] as const;
export type PlanTier = (typeof PLAN_TIERS)[number];

export interface Plan {
  tier: PlanTier;
  /** EUR per month, billed monthly / billed annually. */
  monthlyPrice: number;
  annualMonthlyPrice: number;
  includedNumbers: number;
  /** EUR per month for each number beyond the included ones; null: no extra numbers on this plan. */
  extraNumberPrice: number | null;
  smsPerMonth: number;
  minutesPerMonth: number;
  mmsPerMonth: number;
  /** EUR per unit beyond the allowance; null: blocked (FREE) or negotiated (ENTERPRISE). */
  overage: { sms: number; minute: number; mms: number } | null;
}

export const PLANS: Readonly<Record<PlanTier, Plan>> = {
  FREE: {
    tier: 'FREE',
    monthlyPrice: 0,
    annualMonthlyPrice: 0,
    includedNumbers: 1,
    extraNumberPrice: null,
    smsPerMonth: 50,
    minutesPerMonth: 50,
    mmsPerMonth: 0,
    overage: null,
  },
  STARTER: {
    tier: 'STARTER',
    monthlyPrice: 15,
    annualMonthlyPrice: 12,
    includedNumbers: 1,
    extraNumberPrice: null,
    smsPerMonth: 500,
    minutesPerMonth: 500,
    mmsPerMonth: 100,
    overage: { sms: 0.1, minute: 0.02, mms: 0.15 },
  },
  BUSINESS: {
    tier: 'BUSINESS',
    monthlyPrice: 35,
    annualMonthlyPrice: 29,
    includedNumbers: 3,
    extraNumberPrice: 5,
    smsPerMonth: 2000,
    minutesPerMonth: 2000,
    mmsPerMonth: 500,
    overage: { sms: 0.08, minute: 0.015, mms: 0.12 },
  },
  ENTERPRISE: {
    tier: 'ENTERPRISE',
    monthlyPrice: 119,
    annualMonthlyPrice: 99,
    includedNumbers: 10,
    extraNumberPrice: 4,
    smsPerMonth: 10000,
    minutesPerMonth: 10000,
    mmsPerMonth: 2000,
    overage: null,
  },
};

/** The cheapest plan that includes at least `numbers` numbers: the one a 402 points to. */
export function planForNumbers(numbers: number): PlanTier | undefined {
  return PLAN_TIERS.find((tier) => {
    const plan = PLANS[tier];
    return plan.includedNumbers >= numbers || plan.extraNumberPrice !== null;
  });
}
