import { type CountryCode, PLANS } from '@commpro/contracts';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../platform/db/client.js';
import type { JobHandler, JobQueue } from '../../platform/jobs/job-queue.js';
import { users } from '../auth/auth.table.js';
import type { BillingService } from '../billing/billing.service.js';
import { addMonths } from '../../platform/calendar.js';
import { RENEW_JOB } from './numbers.service.js';
import { numberPrice } from './pricing.js';
import { phoneNumbers } from './numbers.table.js';

/**
 * At the end of a number's paid month: renew it for another month (usage
 * record, next renewal queued), or suspend it when the account is disabled or
 * the plan no longer covers it (a downgrade left more numbers than allowed:
 * the most recently bought ones are suspended first).
 */
export function createNumberRenewalHandler(deps: {
  db: Database;
  billing: BillingService;
  jobs: Pick<JobQueue, 'enqueue'>;
}): JobHandler {
  return async (payload) => {
    const numberId = String(payload.numberId);
    const periodEnd = new Date(String(payload.periodEnd));
    const next = await deps.db.transaction(async (tx) => {
      const [row] = await tx
        .select({ number: phoneNumbers, userActive: users.isActive })
        .from(phoneNumbers)
        .innerJoin(users, eq(users.id, phoneNumbers.userId))
        .where(eq(phoneNumbers.id, numberId))
        .for('update', { of: phoneNumbers });
      // Released, or already renewed by an earlier run of this job: nothing to do.
      if (!row || row.number.status !== 'ACTIVE' || row.number.expiresAt?.getTime() !== periodEnd.getTime()) {
        return undefined;
      }
      const { number } = row;
      const plan = await deps.billing.currentPlan(number.userId, tx);
      const held = await tx
        .select({ id: phoneNumbers.id })
        .from(phoneNumbers)
        .where(and(eq(phoneNumbers.userId, number.userId), inArray(phoneNumbers.status, ['ACTIVE'])))
        .orderBy(asc(phoneNumbers.purchasedAt));
      const rank = held.findIndex((h) => h.id === number.id) + 1;
      const covered = rank <= plan.includedNumbers || PLANS[plan.tier].extraNumberPriceCents !== null;
      if (!row.userActive || !covered) {
        await tx.update(phoneNumbers).set({ status: 'SUSPENDED' }).where(eq(phoneNumbers.id, number.id));
        return undefined;
      }
      const nextEnd = addMonths(periodEnd, 1, number.purchasedAt.getUTCDate());
      // Re-priced each month: a number beyond the plan's included ones becomes included once others are released.
      const monthlyCost =
        rank <= plan.includedNumbers
          ? numberPrice(number.countryCode as CountryCode, number.numberType).monthlyCost
          : plan.extraNumberPriceCents! / 100;
      await tx.update(phoneNumbers).set({ expiresAt: nextEnd, monthlyCost }).where(eq(phoneNumbers.id, number.id));
      await deps.billing.recordUsage(
        {
          userId: number.userId,
          subscriptionId: plan.subscriptionId,
          type: 'PHONE_NUMBER',
          quantity: 1,
          unitCost: monthlyCost,
          totalCost: monthlyCost,
          phoneNumberId: number.id,
          periodStart: periodEnd,
          periodEnd: nextEnd,
        },
        tx,
      );
      return nextEnd;
    });
    if (next) {
      await deps.jobs.enqueue(
        RENEW_JOB,
        { numberId, periodEnd: next.toISOString() },
        { runAt: next, dedupeKey: `${RENEW_JOB}:${numberId}:${next.toISOString()}` },
      );
    }
  };
}
