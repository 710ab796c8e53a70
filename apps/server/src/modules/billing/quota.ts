import type { PlanTier } from '@commpro/contracts';
import type { Database } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import type { BillingRepository } from './billing.repository.js';
import type { BillingService } from './billing.service.js';

/** Stored costs are EUR to the ten-thousandth; unit prices are millicents (1/100,000 EUR). */
const MILLICENTS_PER_EURO = 100_000;

type Metered = 'SMS_SENT' | 'MMS_SENT' | 'CALL_MINUTES';

const WORDS: Record<Metered, { resource: 'sms' | 'mms' | 'minutes'; unit: string }> = {
  SMS_SENT: { resource: 'sms', unit: 'SMS' },
  MMS_SENT: { resource: 'mms', unit: 'MMS' },
  CALL_MINUTES: { resource: 'minutes', unit: 'call minutes' },
};

/**
 * The one answer to "may this user use this, and what does it cost?" for
 * everything metered (SMS segments, MMS, call minutes). Every question runs
 * under the user's row lock inside the caller's transaction, so two requests
 * at the last unit of allowance cannot both pass. FREE stops at its limits;
 * paid plans go on at their overage price.
 */
export function createQuota(deps: { billing: BillingService; repo: BillingRepository }) {
  async function standing(tx: Database, userId: string, type: Metered) {
    await deps.repo.lockUser(userId, tx);
    const plan = await deps.billing.currentPlan(userId, tx);
    const used = await deps.repo.usedSince(userId, type, plan.periodStart, tx);
    const allowance =
      type === 'SMS_SENT' ? plan.smsPerMonth : type === 'MMS_SENT' ? plan.mmsPerMonth : plan.minutesPerMonth;
    const key = type === 'SMS_SENT' ? 'sms' : type === 'MMS_SENT' ? 'mms' : 'minute';
    const unitMillicents = plan.overageMillicents ? plan.overageMillicents[key] : null;
    return { plan, used, allowance, unitMillicents };
  }

  function limitReached(type: Metered, tier: PlanTier, allowance: number): AppError {
    const { resource, unit } = WORDS[type];
    const upgradeTo = tier === 'FREE' ? 'STARTER' : null;
    return new AppError(
      'PLAN_LIMIT_REACHED',
      allowance === 0
        ? `Your ${tier} plan does not include ${unit}` + (upgradeTo ? `; upgrade to ${upgradeTo} to use them` : '')
        : `You have used the ${allowance} ${unit} your ${tier} plan includes this month` +
            (upgradeTo ? `; upgrade to ${upgradeTo} for more` : ''),
      { limit: { resource, allowed: allowance, plan: tier, upgradeTo } },
    );
  }

  /** Records `units` of usage and returns its cost in EUR (units beyond the allowance at the overage price). */
  async function charge(
    tx: Database,
    userId: string,
    type: Metered,
    units: number,
    options: { callId?: string; enforce: boolean },
  ): Promise<number> {
    const { plan, used, allowance, unitMillicents } = await standing(tx, userId, type);
    if (options.enforce && used + units > allowance && unitMillicents === null) {
      throw limitReached(type, plan.tier, allowance);
    }
    const beyond = Math.max(0, used + units - Math.max(allowance, used));
    const unit = beyond > 0 ? (unitMillicents ?? 0) : 0;
    const totalMillicents = unit * beyond;
    await deps.billing.recordUsage(
      {
        userId,
        subscriptionId: plan.subscriptionId,
        type,
        quantity: units,
        unitCost: unit / MILLICENTS_PER_EURO,
        totalCost: totalMillicents / MILLICENTS_PER_EURO,
        callId: options.callId,
        periodStart: plan.periodStart,
        periodEnd: plan.periodEnd,
      },
      tx,
    );
    return totalMillicents / MILLICENTS_PER_EURO;
  }

  return {
    /** Messages are charged as they are sent: refused (402) past a FREE limit. */
    consume: (tx: Database, userId: string, type: 'SMS_SENT' | 'MMS_SENT', units: number) =>
      charge(tx, userId, type, units, { enforce: true }),

    /**
     * Before a call rings: refused when the plan has no overage and its minutes
     * are spent; each other live call counts as the minute it will at least cost.
     */
    async ensureMinutes(tx: Database, userId: string, liveCalls: () => Promise<number>): Promise<void> {
      const { plan, used, allowance, unitMillicents } = await standing(tx, userId, 'CALL_MINUTES');
      // Counted under the lock `standing` took: a call placed concurrently is either seen here or waits.
      if (unitMillicents === null && used + (await liveCalls()) >= allowance) {
        throw limitReached('CALL_MINUTES', plan.tier, allowance);
      }
    },

    /** A call's minutes when it ends: always recorded (the call happened), once per call. */
    chargeMinutes: (tx: Database, call: { id: string; userId: string }, minutes: number) =>
      charge(tx, call.userId, 'CALL_MINUTES', minutes, { callId: call.id, enforce: false }),
  };
}

export type Quota = ReturnType<typeof createQuota>;
