import { sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import type { BillingService } from '../billing/billing.service.js';
import type { CallsRepository } from './calls.repository.js';

/** The calendar month a usage belongs to (UTC), until billing (issue 7) owns billing periods. */
const monthStart = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
const monthEnd = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));

/** Prices are stored to the ten-thousandth of a euro; computing in those units keeps floats out of money. */
const TEN_THOUSANDTHS = 10_000;

/**
 * The plan's call minutes: checked before a call rings, charged when it ends.
 * Both run under the user's row lock, so concurrent calls see each other.
 */
export function createCallMinutes(deps: { billing: BillingService; repo: CallsRepository; clock: () => Date }) {
  const lockUser = (tx: Database, userId: string) =>
    tx.execute(sql`select id from users where id = ${userId} for update`);

  return {
    /**
     * Refuses a new call when the plan has no overage and its minutes are
     * spent; each other call still live counts as the minute it will at least cost.
     */
    async ensureAvailable(tx: Database, userId: string, exceptCallId?: string): Promise<void> {
      await lockUser(tx, userId);
      const plan = await deps.billing.currentPlan(userId, tx);
      if (plan.overage) return;
      const used = await deps.repo.minutesUsedSince(userId, monthStart(deps.clock()), tx);
      const live = await deps.repo.countLive(userId, tx, exceptCallId);
      if (used + live < plan.minutesPerMonth) return;
      const upgradeTo = plan.tier === 'FREE' ? 'STARTER' : null;
      throw new AppError(
        'PLAN_LIMIT_REACHED',
        `You have used the ${plan.minutesPerMonth} call minutes your ${plan.tier} plan includes this month` +
          (upgradeTo ? `; upgrade to ${upgradeTo} for more` : ''),
        { limit: { resource: 'minutes', allowed: plan.minutesPerMonth, plan: plan.tier, upgradeTo } },
      );
    },

    /**
     * Records a finished call's minutes (once per call: usage_records has a
     * unique call id) and returns what they cost beyond the allowance.
     */
    async charge(tx: Database, call: { id: string; userId: string }, minutes: number): Promise<number> {
      await lockUser(tx, call.userId);
      const now = deps.clock();
      const plan = await deps.billing.currentPlan(call.userId, tx);
      const used = await deps.repo.minutesUsedSince(call.userId, monthStart(now), tx);
      const beyond = Math.max(0, used + minutes - Math.max(plan.minutesPerMonth, used));
      const unit = plan.overage && beyond > 0 ? Math.round(plan.overage.minute * TEN_THOUSANDTHS) : 0;
      const total = (unit * beyond) / TEN_THOUSANDTHS;
      await deps.billing.recordUsage(
        {
          userId: call.userId,
          subscriptionId: plan.subscriptionId,
          type: 'CALL_MINUTES',
          quantity: minutes,
          unitCost: unit / TEN_THOUSANDTHS,
          totalCost: total,
          callId: call.id,
          periodStart: monthStart(now),
          periodEnd: monthEnd(now),
        },
        tx,
      );
      return total;
    },
  };
}

export type CallMinutes = ReturnType<typeof createCallMinutes>;
