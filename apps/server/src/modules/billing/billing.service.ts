import {
  type BillingInterval,
  type CurrentUsage,
  type InvoiceLine,
  type InvoiceList,
  type Invoice,
  type PaymentMethod,
  PLAN_TIERS,
  PLANS,
  type Plan,
  type PlanChange,
  type PlansResponse,
  type PlanTier,
  planRank,
  type Subscription,
  type UsageRecord as UsageRecordDto,
} from '@commpro/contracts';
import { and, eq, inArray } from 'drizzle-orm';
import { addMonths } from '../../platform/calendar.js';
import type { Database } from '../../platform/db/client.js';
import { AppError, notFound } from '../../platform/errors.js';
import type { JobQueue } from '../../platform/jobs/job-queue.js';
import type { PaidTier, PaymentProvider } from '../../providers/billing/payment-provider.port.js';
import { users } from '../auth/auth.table.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import { phoneNumbers } from '../numbers/numbers.table.js';
import type { BillingRepository, SubscriptionRow } from './billing.repository.js';
import { usageRecords } from './billing.table.js';
import type { Buyer, Invoices } from './invoices.js';
import { createProviderPlans } from './provider-plans.js';
import { createProviderSync, type ProviderUsagePayload } from './provider-sync.js';

export const ROLLOVER_JOB = 'billing.rollover';

/** Days an unpaid subscription keeps its plan's limits before they drop to FREE's. */
export const PAST_DUE_GRACE_DAYS = 7;

export type UsageRecord = typeof usageRecords.$inferInsert;
export type EffectivePlan = Plan & {
  subscriptionId: string;
  periodStart: Date;
  periodEnd: Date;
};

const DAY_MS = 86_400_000;
const HELD_NUMBER_STATUSES = ['PENDING', 'ACTIVE', 'SUSPENDED'] as const;

export const priceOf = (tier: PlanTier, interval: BillingInterval): number =>
  interval === 'ANNUAL' ? PLANS[tier].annualMonthlyPriceCents * 12 : PLANS[tier].monthlyPriceCents;

const periodEndOf = (start: Date, interval: BillingInterval, anchorDay = start.getUTCDate()): Date =>
  addMonths(start, interval === 'ANNUAL' ? 12 : 1, anchorDay);

/** The plan whose limits apply: an unpaid subscription keeps its plan for the grace period, a cancelled one is FREE. */
export function effectiveTier(sub: SubscriptionRow, now: Date): PlanTier {
  if (sub.status === 'ACTIVE' || sub.status === 'TRIALING') return sub.tier;
  if (
    sub.status === 'PAST_DUE' &&
    sub.pastDueAt &&
    now.getTime() < sub.pastDueAt.getTime() + PAST_DUE_GRACE_DAYS * DAY_MS
  ) {
    return sub.tier;
  }
  return 'FREE';
}

const ARREARS: [InvoiceLine['kind'], 'PHONE_NUMBER' | 'SMS_SENT' | 'MMS_SENT' | 'CALL_MINUTES', string][] = [
  ['PHONE_NUMBERS', 'PHONE_NUMBER', 'Phone numbers'],
  ['SMS_OVERAGE', 'SMS_SENT', 'SMS beyond the plan'],
  ['MMS_OVERAGE', 'MMS_SENT', 'MMS beyond the plan'],
  ['MINUTES_OVERAGE', 'CALL_MINUTES', 'Call minutes beyond the plan'],
];

/** What a period's usage costs beyond its plan, one line per kind, each rounded once to the cent. */
function arrearsLines(usage: Map<string, { quantity: number; cents: number }>): InvoiceLine[] {
  return ARREARS.flatMap(([kind, type, description]) => {
    const used = usage.get(type);
    return used && used.cents > 0
      ? [{ kind, description, quantity: 1, unitPriceCents: used.cents, amountCents: used.cents }]
      : [];
  });
}

const planLabel = (tier: PlanTier, interval: BillingInterval) =>
  `CommPro ${tier.charAt(0)}${tier.slice(1).toLowerCase()} plan (${interval === 'ANNUAL' ? 'annual' : 'monthly'})`;

/** Who takes payment: nobody (local billing), or a payment provider with the key the web's card form uses. */
export type Payments = { provider: 'local' } | { provider: 'stripe'; port: PaymentProvider; publishableKey: string };

export interface BillingServiceDeps {
  db: Database;
  repo: BillingRepository;
  invoices: Invoices;
  jobs: Pick<JobQueue, 'enqueue'>;
  notifications: Pick<NotificationsService, 'notify'>;
  vatRatePercent: number;
  payments: Payments;
  clock: () => Date;
}

const LOCAL_ONLY = 'Local billing takes no payment method: plan changes apply without payment';

/**
 * Plans, subscriptions, usage and invoices. Local billing: plan changes take
 * effect without payment and invoices are issued paid. With a payment
 * provider, paid plans run on its subscriptions (provider-plans) and its
 * invoices are recorded as they come (provider-sync); FREE stays ours. Money
 * is in integer cents throughout; the one rounding is per invoice line.
 */
export function createBillingService(deps: BillingServiceDeps) {
  const { db, repo, clock } = deps;
  const localBilling = deps.payments.provider === 'local';

  async function scheduleRollover(sub: SubscriptionRow, tx: Database): Promise<void> {
    await deps.jobs.enqueue(
      ROLLOVER_JOB,
      { subscriptionId: sub.id, periodEnd: sub.currentPeriodEnd.toISOString() },
      { runAt: sub.currentPeriodEnd, dedupeKey: `${ROLLOVER_JOB}:${sub.id}:${sub.currentPeriodEnd.toISOString()}` },
      tx,
    );
  }

  /** The user's subscription, FREE from now if there is none yet (accounts made before billing, or by the CLI). */
  async function ensure(userId: string, tx: Database = db): Promise<SubscriptionRow> {
    const existing = await repo.subscriptionOf(userId, tx);
    if (existing) return existing;
    const now = clock();
    const created = await repo.insertFree(userId, now, periodEndOf(now, 'MONTHLY'), tx);
    if (created) await scheduleRollover(created, tx);
    const row = created ?? (await repo.subscriptionOf(userId, tx));
    if (!row) throw notFound('Account');
    return row;
  }

  async function buyerOf(userId: string, tx: Database): Promise<Buyer> {
    const [user] = await tx
      .select({ email: users.email, firstName: users.firstName, lastName: users.lastName, company: users.companyName })
      .from(users)
      .where(eq(users.id, userId));
    if (!user) throw notFound('Account');
    const name = [user.firstName, user.lastName].filter(Boolean).join(' ');
    return { name: name || user.email, company: user.company, email: user.email };
  }

  async function heldNumbers(userId: string, tx: Database): Promise<number> {
    const rows = await tx
      .select({ id: phoneNumbers.id })
      .from(phoneNumbers)
      .where(and(eq(phoneNumbers.userId, userId), inArray(phoneNumbers.status, [...HELD_NUMBER_STATUSES])));
    return rows.length;
  }

  function toDto(sub: SubscriptionRow): Subscription {
    return {
      id: sub.id,
      tier: sub.tier,
      status: sub.status,
      interval: sub.interval,
      currentPeriodStart: sub.currentPeriodStart.toISOString(),
      currentPeriodEnd: sub.currentPeriodEnd.toISOString(),
      cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
      cancelledAt: sub.cancelledAt?.toISOString() ?? null,
      scheduledChange:
        sub.scheduledTier || sub.scheduledInterval
          ? {
              tier: sub.scheduledTier ?? sub.tier,
              interval: sub.scheduledInterval ?? sub.interval,
              at: sub.currentPeriodEnd.toISOString(),
            }
          : null,
      amountCents: sub.amountCents,
      currency: 'EUR',
      pastDue: sub.pastDueAt
        ? {
            since: sub.pastDueAt.toISOString(),
            limitsDropAt: new Date(sub.pastDueAt.getTime() + PAST_DUE_GRACE_DAYS * DAY_MS).toISOString(),
          }
        : null,
      provider: deps.payments.provider,
    };
  }

  /** The numbers a plan cannot hold: a downgrade waits until they are released. */
  async function assertFits(userId: string, tier: PlanTier, tx: Database): Promise<void> {
    const plan = PLANS[tier];
    const held = await heldNumbers(userId, tx);
    if (held > plan.includedNumbers && plan.extraNumberPriceCents === null) {
      const extra = held - plan.includedNumbers;
      throw new AppError(
        'CONFLICT',
        `The ${tier} plan includes ${plan.includedNumbers} number${plan.includedNumbers > 1 ? 's' : ''} and you have ${held}; ` +
          `release ${extra} number${extra > 1 ? 's' : ''} first`,
        {
          details: [
            {
              field: 'tier',
              message: `Release ${extra} number${extra > 1 ? 's' : ''} first`,
              code: 'TOO_MANY_NUMBERS',
            },
          ],
        },
      );
    }
  }

  /**
   * A period cut short (a new plan starting now, a cancellation now): its
   * numbers and usage beyond the plan so far, to invoice with the change.
   */
  async function closedEarly(tx: Database, sub: SubscriptionRow, now: Date): Promise<InvoiceLine[]> {
    return arrearsLines(await repo.usageBetween(sub.userId, sub.currentPeriodStart, now, tx));
  }

  /** Starts a paid plan now: a new period from today, invoiced in full with what the cut-short period owes. */
  async function startPaid(tx: Database, sub: SubscriptionRow, tier: PlanTier, interval: BillingInterval) {
    const now = clock();
    const amountCents = priceOf(tier, interval);
    const owed = await closedEarly(tx, sub, now);
    const updated = await repo.updateSubscription(
      sub.id,
      {
        tier,
        interval,
        status: 'ACTIVE',
        amountCents,
        currentPeriodStart: now,
        currentPeriodEnd: periodEndOf(now, interval),
        billingAnchorDay: now.getUTCDate(),
        cancelAtPeriodEnd: false,
        cancelledAt: null,
        scheduledTier: null,
        scheduledInterval: null,
        pastDueAt: null,
      },
      tx,
    );
    await scheduleRollover(updated, tx);
    const invoice = await deps.invoices.issue(
      tx,
      updated,
      await buyerOf(sub.userId, tx),
      // From the cut-short period's start when it owes something, else the new period alone.
      { start: owed.length ? sub.currentPeriodStart : updated.currentPeriodStart, end: updated.currentPeriodEnd },
      [
        { kind: 'PLAN', description: planLabel(tier, interval), quantity: 1, unitPriceCents: amountCents, amountCents },
        ...owed,
      ],
      { paid: localBilling },
    );
    return { updated, invoice, owed };
  }

  /** What the rest of the period is worth at `cents` per period, to the cent. */
  function remainingShare(sub: SubscriptionRow, cents: number): number {
    const total = sub.currentPeriodEnd.getTime() - sub.currentPeriodStart.getTime();
    const left = Math.max(0, sub.currentPeriodEnd.getTime() - clock().getTime());
    return total > 0 ? Math.round((cents * left) / total) : 0;
  }

  /** Local billing: plan changes apply at once without payment, invoices issued paid. */
  const local = {
    async subscribe(userId: string, input: { tier: PlanTier; interval: BillingInterval }): Promise<Subscription> {
      return db.transaction(async (tx) => {
        await repo.lockUser(userId, tx);
        const sub = await ensure(userId, tx);
        if (effectiveTier(sub, clock()) !== 'FREE') {
          throw new AppError('CONFLICT', `You are already on ${sub.tier}; change plan instead`, {
            details: [{ field: 'tier', message: 'Change plan instead', code: 'ALREADY_SUBSCRIBED' }],
          });
        }
        return toDto((await startPaid(tx, sub, input.tier, input.interval)).updated);
      });
    },

    /**
     * Any plan change. Up: now, the rest of the period charged at the price
     * difference (a new interval starts a new period, crediting what is left
     * of the old one). Down or to another interval: at the end of the period,
     * once the numbers fit. Back to the current plan: drops a scheduled change.
     */
    async changePlan(
      userId: string,
      input: { tier: PlanTier; interval?: BillingInterval | undefined; preview: boolean },
    ): Promise<PlanChange> {
      return db.transaction(async (tx) => {
        await repo.lockUser(userId, tx);
        const sub = await ensure(userId, tx);
        const current = effectiveTier(sub, clock());
        const interval = input.interval ?? sub.interval;
        const same = input.tier === current && interval === sub.interval;
        const result = (
          s: SubscriptionRow,
          effective: 'NOW' | 'PERIOD_END',
          prorationCents: number,
          invoiceId: string | null,
          owed: InvoiceLine[] = [],
        ) => ({
          subscription: toDto(s),
          effective,
          prorationCents,
          owedCents: owed.reduce((sum, line) => sum + line.amountCents, 0),
          invoiceId,
        });
        if (same) {
          if (!sub.scheduledTier && !sub.scheduledInterval && !sub.cancelAtPeriodEnd) {
            throw new AppError('CONFLICT', `You are already on ${current} (${interval.toLowerCase()})`);
          }
          if (input.preview) return result(sub, 'NOW', 0, null);
          const kept = await repo.updateSubscription(
            sub.id,
            { scheduledTier: null, scheduledInterval: null, cancelAtPeriodEnd: false, cancelledAt: null },
            tx,
          );
          return result(kept, 'NOW', 0, null);
        }
        if (current === 'FREE') {
          if (input.tier === 'FREE') throw new AppError('CONFLICT', 'You are already on FREE');
          const price = priceOf(input.tier, interval);
          if (input.preview) return result(sub, 'NOW', price, null, await closedEarly(tx, sub, clock()));
          const { updated, invoice, owed } = await startPaid(tx, sub, input.tier, interval);
          return result(updated, 'NOW', price, invoice?.id ?? null, owed);
        }
        const upgrade = planRank(input.tier) > planRank(current);
        if (!upgrade) {
          await assertFits(userId, input.tier, tx);
          if (input.preview) return result(sub, 'PERIOD_END', 0, null);
          const scheduled = await repo.updateSubscription(
            sub.id,
            { scheduledTier: input.tier, scheduledInterval: input.tier === 'FREE' ? 'MONTHLY' : interval },
            tx,
          );
          return result(scheduled, 'PERIOD_END', 0, null);
        }
        const newPrice = priceOf(input.tier, interval);
        const sameInterval = interval === sub.interval;
        const prorationCents = sameInterval
          ? remainingShare(sub, newPrice - sub.amountCents)
          : Math.max(0, newPrice - remainingShare(sub, sub.amountCents));
        const now = clock();
        const owed = sameInterval ? [] : await closedEarly(tx, sub, now);
        if (input.preview) return result(sub, 'NOW', prorationCents, null, owed);
        const upgraded = await repo.updateSubscription(
          sub.id,
          {
            tier: input.tier,
            interval,
            amountCents: newPrice,
            scheduledTier: null,
            scheduledInterval: null,
            ...(sameInterval
              ? {}
              : {
                  currentPeriodStart: now,
                  currentPeriodEnd: periodEndOf(now, interval),
                  billingAnchorDay: now.getUTCDate(),
                }),
          },
          tx,
        );
        if (!sameInterval) await scheduleRollover(upgraded, tx);
        const invoice = await deps.invoices.issue(
          tx,
          upgraded,
          await buyerOf(userId, tx),
          { start: sameInterval ? now : upgraded.currentPeriodStart, end: upgraded.currentPeriodEnd },
          [
            {
              kind: 'PRORATION',
              description: `${planLabel(input.tier, interval)}, from ${current} for the rest of the period`,
              quantity: 1,
              unitPriceCents: prorationCents,
              amountCents: prorationCents,
            },
            ...owed,
          ],
          { paid: localBilling },
        );
        return result(upgraded, 'NOW', prorationCents, invoice?.id ?? null, owed);
      });
    },

    async cancel(userId: string, atPeriodEnd: boolean): Promise<Subscription> {
      return db.transaction(async (tx) => {
        await repo.lockUser(userId, tx);
        const sub = await ensure(userId, tx);
        if (effectiveTier(sub, clock()) === 'FREE') throw new AppError('CONFLICT', 'There is no paid plan to cancel');
        const now = clock();
        if (atPeriodEnd) {
          return toDto(await repo.updateSubscription(sub.id, { cancelAtPeriodEnd: true, cancelledAt: now }, tx));
        }
        await assertFits(userId, 'FREE', tx);
        const owed = await closedEarly(tx, sub, now);
        const ended = await repo.updateSubscription(
          sub.id,
          {
            tier: 'FREE',
            interval: 'MONTHLY',
            status: 'ACTIVE',
            amountCents: 0,
            cancelAtPeriodEnd: false,
            cancelledAt: now,
            scheduledTier: null,
            scheduledInterval: null,
            currentPeriodStart: now,
            currentPeriodEnd: periodEndOf(now, 'MONTHLY'),
            billingAnchorDay: now.getUTCDate(),
          },
          tx,
        );
        await scheduleRollover(ended, tx);
        // The plan was paid in advance; what the cut-short period used beyond it is invoiced now.
        await deps.invoices.issue(
          tx,
          ended,
          await buyerOf(userId, tx),
          { start: sub.currentPeriodStart, end: now },
          owed,
          {
            paid: localBilling,
          },
        );
        return toDto(ended);
      });
    },

    async reactivate(userId: string): Promise<Subscription> {
      return db.transaction(async (tx) => {
        await repo.lockUser(userId, tx);
        const sub = await ensure(userId, tx);
        if (!sub.cancelAtPeriodEnd) {
          throw new AppError('CONFLICT', 'The subscription is not set to end; nothing to reactivate');
        }
        return toDto(await repo.updateSubscription(sub.id, { cancelAtPeriodEnd: false, cancelledAt: null }, tx));
      });
    },
  };

  const provider = deps.payments.provider === 'stripe' ? providerSide(deps.payments.port) : null;

  /** The provider's side, lent the same plan rules as local billing. */
  function providerSide(port: PaymentProvider) {
    const sync = createProviderSync({
      db,
      repo,
      invoices: deps.invoices,
      payments: port,
      notifications: deps.notifications,
      jobs: deps.jobs,
      clock,
      core: {
        priceOf,
        freePeriodFrom: (start) => ({
          currentPeriodStart: start,
          currentPeriodEnd: periodEndOf(start, 'MONTHLY'),
          billingAnchorDay: start.getUTCDate(),
        }),
        scheduleRollover,
        buyerOf,
        arrears: async (userId, from, to) => arrearsLines(await repo.usageBetween(userId, from, to)),
        graceDays: PAST_DUE_GRACE_DAYS,
      },
    });
    const plans = createProviderPlans({
      db,
      repo,
      payments: port,
      sync,
      clock,
      core: {
        ensure,
        toDto,
        assertFits,
        effectiveTier: (sub) => effectiveTier(sub, clock()),
        buyerOf,
        preview: async (userId, input) => {
          const { subscription: _, ...estimate } = await local.changePlan(userId, { ...input, preview: true });
          return estimate;
        },
      },
    });
    return { sync, plans };
  }

  /** Payment methods exist only with a provider: local billing has none to show and takes none. */
  function withProvider() {
    if (!provider) throw new AppError('CONFLICT', LOCAL_ONLY);
    return provider;
  }

  return {
    ensure,

    /** The plan in force and its period; other modules ask it before acting (inside their transaction). */
    async currentPlan(userId: string, tx: Database = db): Promise<EffectivePlan> {
      const sub = await ensure(userId, tx);
      return {
        ...PLANS[effectiveTier(sub, clock())],
        subscriptionId: sub.id,
        periodStart: sub.currentPeriodStart,
        periodEnd: sub.currentPeriodEnd,
      };
    },

    /** Pass the caller's transaction so the usage is written with the change it charges for, or not at all. */
    async recordUsage(record: UsageRecord, tx: Database = db): Promise<void> {
      // Periods are read by when usage happened, on the app's clock like everything else.
      await tx.insert(usageRecords).values({ createdAt: clock(), ...record });
    },

    plans(): PlansResponse {
      return {
        currency: 'EUR',
        vatRatePercent: deps.vatRatePercent,
        payments:
          deps.payments.provider === 'stripe'
            ? { provider: 'stripe', stripePublishableKey: deps.payments.publishableKey }
            : { provider: 'local' },
        plans: PLAN_TIERS.map((tier) => {
          const plan = PLANS[tier];
          return {
            tier,
            monthlyPriceCents: plan.monthlyPriceCents,
            annualMonthlyPriceCents: plan.annualMonthlyPriceCents,
            annualPriceCents: plan.annualMonthlyPriceCents * 12,
            limits: {
              phoneNumbers: plan.includedNumbers,
              smsSent: plan.smsPerMonth,
              mmsSent: plan.mmsPerMonth,
              callMinutes: plan.minutesPerMonth,
            },
            extraNumberPriceCents: plan.extraNumberPriceCents,
            overageMillicents: plan.overageMillicents,
          };
        }),
      };
    },

    async subscription(userId: string): Promise<Subscription> {
      return toDto(await ensure(userId));
    },

    subscribe: (
      userId: string,
      input: { tier: PaidTier; interval: BillingInterval; paymentMethodId?: string | undefined },
    ) => (provider ? provider.plans.subscribe(userId, input) : local.subscribe(userId, input)),

    changePlan: (
      userId: string,
      input: { tier: PlanTier; interval?: BillingInterval | undefined; preview: boolean },
    ) => (provider ? provider.plans.changePlan(userId, input) : local.changePlan(userId, input)),

    cancel: (userId: string, atPeriodEnd: boolean) =>
      provider ? provider.plans.cancel(userId, atPeriodEnd) : local.cancel(userId, atPeriodEnd),

    reactivate: (userId: string) => (provider ? provider.plans.reactivate(userId) : local.reactivate(userId)),

    paymentMethods: async (userId: string): Promise<PaymentMethod[]> =>
      provider ? provider.plans.paymentMethods(userId) : [],

    setupIntent: (userId: string) => withProvider().plans.setupIntent(userId),

    addPaymentMethod: (userId: string, input: { paymentMethodId: string; setAsDefault: boolean }) =>
      withProvider().plans.addPaymentMethod(userId, input),

    setDefaultPaymentMethod: (userId: string, paymentMethodId: string) => {
      if (!provider) throw new AppError('NOT_FOUND', 'Payment method not found');
      return provider.plans.setDefaultPaymentMethod(userId, paymentMethodId);
    },

    removePaymentMethod: async (userId: string, paymentMethodId: string) => {
      if (!provider) throw new AppError('NOT_FOUND', 'Payment method not found');
      await provider.plans.removePaymentMethod(userId, paymentMethodId);
    },

    /** Null without a provider: there is no webhook to take. */
    providerWebhook: provider ? provider.plans.webhook : null,

    /** The job that reports a closed period's usage to the provider. */
    reportProviderUsage: (payload: ProviderUsagePayload) => withProvider().sync.runUsageReport(payload),

    /** An operator's change: the plan at once, without payment or invoice (local billing). */
    async setPlan(userId: string, tier: PlanTier): Promise<boolean> {
      try {
        await db.transaction(async (tx) => {
          const sub = await ensure(userId, tx);
          if (sub.stripeSubscriptionId) {
            throw new AppError('CONFLICT', 'This plan is paid by card through Stripe; change it there or by the user');
          }
          await repo.updateSubscription(
            sub.id,
            {
              tier,
              status: 'ACTIVE',
              amountCents: priceOf(tier, sub.interval),
              scheduledTier: null,
              scheduledInterval: null,
              pastDueAt: null,
            },
            tx,
          );
        });
        return true;
      } catch (error) {
        if (error instanceof AppError && error.code === 'NOT_FOUND') return false;
        throw error;
      }
    },

    /**
     * The end of a billing period (a durable job): the next period's plan
     * (after any scheduled change or cancellation) invoiced in advance, the
     * ended period's numbers and overage in arrears, then the next rollover.
     */
    async rollover(subscriptionId: string, periodEnd: Date): Promise<void> {
      await db.transaction(async (tx) => {
        const sub = await repo.subscriptionById(subscriptionId, tx);
        // A plan paid through the provider renews there; its webhooks move the period.
        if (!sub || sub.stripeSubscriptionId || sub.currentPeriodEnd.getTime() !== periodEnd.getTime()) return;
        const tier: PlanTier = sub.cancelAtPeriodEnd ? 'FREE' : (sub.scheduledTier ?? sub.tier);
        const interval: BillingInterval = tier === 'FREE' ? 'MONTHLY' : (sub.scheduledInterval ?? sub.interval);
        const usage = await repo.usageBetween(sub.userId, sub.currentPeriodStart, sub.currentPeriodEnd, tx);
        const next = await repo.updateSubscription(
          sub.id,
          {
            tier,
            interval,
            amountCents: priceOf(tier, interval),
            currentPeriodStart: sub.currentPeriodEnd,
            // On the day the subscription started: a period from 31 January ends 28 February, then 31 March.
            currentPeriodEnd: periodEndOf(sub.currentPeriodEnd, interval, sub.billingAnchorDay),
            cancelAtPeriodEnd: false,
            scheduledTier: null,
            scheduledInterval: null,
            ...(sub.cancelAtPeriodEnd ? { status: 'ACTIVE' as const } : {}),
          },
          tx,
        );
        await scheduleRollover(next, tx);
        const lines: InvoiceLine[] = [];
        if (next.amountCents > 0) {
          lines.push({
            kind: 'PLAN',
            description: planLabel(tier, interval),
            quantity: 1,
            unitPriceCents: next.amountCents,
            amountCents: next.amountCents,
          });
        }
        lines.push(...arrearsLines(usage));
        await deps.invoices.issue(
          tx,
          next,
          await buyerOf(sub.userId, tx),
          { start: sub.currentPeriodStart, end: next.currentPeriodEnd },
          lines,
          { paid: localBilling },
        );
      });
    },

    async currentUsage(userId: string): Promise<CurrentUsage> {
      const sub = await ensure(userId);
      const plan = PLANS[effectiveTier(sub, clock())];
      const usage = await repo.usageBetween(sub.userId, sub.currentPeriodStart, sub.currentPeriodEnd);
      const of = (type: 'CALL_MINUTES' | 'SMS_SENT' | 'MMS_SENT' | 'PHONE_NUMBER') =>
        usage.get(type) ?? { quantity: 0, cents: 0 };
      const euros = (cents: number) => cents / 100;
      const breakdown = {
        calls: of('CALL_MINUTES').cents,
        sms: of('SMS_SENT').cents,
        mms: of('MMS_SENT').cents,
        phoneNumbers: of('PHONE_NUMBER').cents,
      };
      return {
        period: { start: sub.currentPeriodStart.toISOString(), end: sub.currentPeriodEnd.toISOString() },
        usage: {
          callMinutes: of('CALL_MINUTES').quantity,
          smsSent: of('SMS_SENT').quantity,
          mmsSent: of('MMS_SENT').quantity,
          phoneNumbers: await heldNumbers(userId, db),
        },
        costs: {
          total: euros(breakdown.calls + breakdown.sms + breakdown.mms + breakdown.phoneNumbers),
          breakdown: {
            calls: euros(breakdown.calls),
            sms: euros(breakdown.sms),
            mms: euros(breakdown.mms),
            phoneNumbers: euros(breakdown.phoneNumbers),
          },
        },
        limits: {
          callMinutes: plan.minutesPerMonth,
          smsSent: plan.smsPerMonth,
          mmsSent: plan.mmsPerMonth,
          phoneNumbers: plan.includedNumbers,
        },
      };
    },

    async usageHistory(userId: string, from: Date, to: Date): Promise<UsageRecordDto[]> {
      const rows = await repo.usageRecordsBetween(userId, from, to);
      return rows.map((r) => ({
        id: r.id,
        type: r.type,
        quantity: r.quantity,
        unitCost: r.unitCost,
        totalCost: r.totalCost,
        currency: r.currency,
        periodStart: r.periodStart.toISOString(),
        periodEnd: r.periodEnd.toISOString(),
        createdAt: r.createdAt.toISOString(),
      }));
    },

    async invoices(userId: string, page: { limit: number; offset: number }): Promise<InvoiceList> {
      const { rows, total } = await repo.listInvoices(userId, page);
      return { invoices: rows.map(deps.invoices.toDto), total };
    },

    async invoice(userId: string, id: string): Promise<Invoice> {
      const row = await repo.invoiceOwned(userId, id);
      if (!row) throw notFound('Invoice');
      return deps.invoices.toDto(row);
    },

    async invoicePdf(userId: string, id: string): Promise<{ number: string; pdf: Buffer }> {
      const row = await repo.invoiceOwned(userId, id);
      if (!row) throw notFound('Invoice');
      return { number: row.number, pdf: deps.invoices.pdf(row) };
    },
  };
}

export type BillingService = ReturnType<typeof createBillingService>;
