import { type CountryCode, PLANS } from '@commpro/contracts';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../platform/db/client.js';
import type { JobHandler, JobQueue } from '../../platform/jobs/job-queue.js';
import { users } from '../auth/auth.table.js';
import { CarrierError, type NumbersCarrier } from '../../providers/carrier/carrier.port.js';
import type { BillingService } from '../billing/billing.service.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import { addMonths } from '../../platform/calendar.js';
import { RENEW_JOB } from './numbers.service.js';
import { numberPrice } from './pricing.js';
import { phoneNumbers } from './numbers.table.js';

/** How long a number the plan no longer covers keeps receiving before it is released. */
export const GRACE_DAYS = 30;
/** Days before the release when the owner is reminded. */
const REMINDER_DAYS_BEFORE = 7;
export const GRACE_REMINDER_JOB = 'numbers.grace-reminder';

const DAY_MS = 86_400_000;
const dateOf = (at: Date) => at.toISOString().slice(0, 10);

export interface RenewalDeps {
  db: Database;
  billing: BillingService;
  carrier: Pick<NumbersCarrier, 'releaseNumber'>;
  notifications: NotificationsService;
  jobs: Pick<JobQueue, 'enqueue'>;
  clock: () => Date;
}

/**
 * At the end of a number's paid month: renew it for another month (usage
 * record, next renewal queued); suspend it when the account is disabled.
 * When the plan no longer covers it (a cancellation or a downgrade left more
 * numbers than allowed: the most recently bought ones first), the safety net:
 * it keeps receiving calls and texts, free, for GRACE_DAYS with a notice and a
 * reminder, and is released only then, unless the plan covers it again.
 */
export function createNumberRenewalHandler(deps: RenewalDeps): JobHandler {
  return async (payload) => {
    const numberId = String(payload.numberId);
    const periodEnd = new Date(String(payload.periodEnd));
    const outcome = await deps.db.transaction(async (tx) => {
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
      if (!row.userActive) {
        await tx.update(phoneNumbers).set({ status: 'SUSPENDED' }).where(eq(phoneNumbers.id, number.id));
        return undefined;
      }
      const plan = await deps.billing.currentPlan(number.userId, tx);
      const held = await tx
        .select({ id: phoneNumbers.id })
        .from(phoneNumbers)
        .where(and(eq(phoneNumbers.userId, number.userId), inArray(phoneNumbers.status, ['ACTIVE'])))
        .orderBy(asc(phoneNumbers.purchasedAt));
      const rank = held.findIndex((h) => h.id === number.id) + 1;
      const covered = rank <= plan.includedNumbers || PLANS[plan.tier].extraNumberPriceCents !== null;
      if (!covered) {
        if (number.graceEndsAt && periodEnd.getTime() >= number.graceEndsAt.getTime()) {
          await tx
            .update(phoneNumbers)
            .set({ status: 'CANCELLED', releasedAt: deps.clock(), graceEndsAt: null })
            .where(eq(phoneNumbers.id, number.id));
          await deps.notifications.notify(
            number.userId,
            {
              type: 'BILLING',
              title: `${number.phoneNumber} was released`,
              body: `Your plan no longer included it, and its ${GRACE_DAYS}-day grace period has ended.`,
              data: { numberId: number.id, phoneNumber: number.phoneNumber },
            },
            tx,
          );
          return { release: number.carrierSid, next: undefined };
        }
        const graceEndsAt = new Date(periodEnd.getTime() + GRACE_DAYS * DAY_MS);
        await tx
          .update(phoneNumbers)
          .set({ graceEndsAt, expiresAt: graceEndsAt })
          .where(eq(phoneNumbers.id, number.id));
        await deps.notifications.notify(
          number.userId,
          {
            type: 'BILLING',
            title: `${number.phoneNumber} will be released on ${dateOf(graceEndsAt)}`,
            body: 'Your plan no longer includes this number. It keeps receiving calls and texts until then; upgrade or release another number to keep it.',
            data: { numberId: number.id, phoneNumber: number.phoneNumber, graceEndsAt: graceEndsAt.toISOString() },
          },
          tx,
        );
        await deps.jobs.enqueue(
          GRACE_REMINDER_JOB,
          { numberId: number.id, graceEndsAt: graceEndsAt.toISOString() },
          {
            runAt: new Date(graceEndsAt.getTime() - REMINDER_DAYS_BEFORE * DAY_MS),
            dedupeKey: `${GRACE_REMINDER_JOB}:${number.id}:${graceEndsAt.toISOString()}`,
          },
          tx,
        );
        return { release: null, next: graceEndsAt };
      }
      const nextEnd = addMonths(periodEnd, 1, number.purchasedAt.getUTCDate());
      // Re-priced each month: a number beyond the plan's included ones becomes included once others are released.
      const monthlyCost =
        rank <= plan.includedNumbers
          ? numberPrice(number.countryCode as CountryCode, number.numberType).monthlyCost
          : plan.extraNumberPriceCents! / 100;
      await tx
        .update(phoneNumbers)
        .set({ expiresAt: nextEnd, monthlyCost, graceEndsAt: null })
        .where(eq(phoneNumbers.id, number.id));
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
      return { release: null, next: nextEnd };
    });
    if (outcome?.release) {
      // Already gone at the carrier is what we wanted; anything else is retried by the job queue.
      await deps.carrier.releaseNumber(outcome.release).catch((error: unknown) => {
        if (!(error instanceof CarrierError && error.reason === 'NOT_FOUND')) throw error;
      });
    }
    const next = outcome?.next;
    if (next) {
      await deps.jobs.enqueue(
        RENEW_JOB,
        { numberId, periodEnd: next.toISOString() },
        { runAt: next, dedupeKey: `${RENEW_JOB}:${numberId}:${next.toISOString()}` },
      );
    }
  };
}

/** A week before a number in its grace period is released, the owner is told again. */
export function createGraceReminderHandler(deps: Pick<RenewalDeps, 'db' | 'notifications'>): JobHandler {
  return async (payload) => {
    const graceEndsAt = new Date(String(payload.graceEndsAt));
    const [number] = await deps.db
      .select()
      .from(phoneNumbers)
      .where(eq(phoneNumbers.id, String(payload.numberId)));
    // Covered again, released, or a newer grace period: this reminder is moot.
    if (!number || number.status !== 'ACTIVE' || number.graceEndsAt?.getTime() !== graceEndsAt.getTime()) return;
    await deps.notifications.notify(number.userId, {
      type: 'BILLING',
      title: `${number.phoneNumber} will be released on ${dateOf(graceEndsAt)}`,
      body: `${REMINDER_DAYS_BEFORE} days left: upgrade your plan or release another number to keep it.`,
      data: { numberId: number.id, phoneNumber: number.phoneNumber, graceEndsAt: graceEndsAt.toISOString() },
    });
  };
}
