import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../platform/db/client.js';
import type { JobQueue } from '../../platform/jobs/job-queue.js';
import {
  type BillingEvent,
  BillingProviderError,
  type PaymentProvider,
  type ProviderInvoice,
  type ProviderSubscription,
} from '../../providers/billing/payment-provider.port.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import type { BillingRepository, SubscriptionRow } from './billing.repository.js';
import type { Buyer, Invoices } from './invoices.js';

/** Reports a closed period's numbers and overage to the provider, durably (retried until it answers). */
export const PROVIDER_USAGE_JOB = 'billing.provider-usage';

export const ProviderUsagePayload = z.object({
  userId: z.uuid(),
  customerId: z.string(),
  /** Added to this subscription's next invoice; null: invoiced on its own now (the subscription has ended). */
  providerSubscriptionId: z.string().nullable(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
});
export type ProviderUsagePayload = z.infer<typeof ProviderUsagePayload>;

const DAY_MS = 86_400_000;

/** What the rest of billing lends the provider's side: the row's shape and the FREE plan's period. */
export interface SyncCore {
  priceOf(tier: SubscriptionRow['tier'], interval: SubscriptionRow['interval']): number;
  freePeriodFrom(start: Date): { currentPeriodStart: Date; currentPeriodEnd: Date; billingAnchorDay: number };
  scheduleRollover(sub: SubscriptionRow, tx: Database): Promise<void>;
  buyerOf(userId: string, tx: Database): Promise<Buyer>;
  arrears(userId: string, from: Date, to: Date): Promise<{ description: string; amountCents: number; kind: string }[]>;
  graceDays: number;
}

export interface ProviderSyncDeps {
  db: Database;
  repo: BillingRepository;
  invoices: Invoices;
  payments: PaymentProvider;
  notifications: Pick<NotificationsService, 'notify'>;
  jobs: Pick<JobQueue, 'enqueue'>;
  core: SyncCore;
  clock: () => Date;
}

const dateOf = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Keeps our subscriptions and invoices in step with the payment provider,
 * which is the truth once a plan is paid through it: from the answers to our
 * own requests and from its webhooks, each event applied once and never over
 * a newer state.
 */
export function createProviderSync(deps: ProviderSyncDeps) {
  const { repo, core } = deps;

  async function reportUsage(tx: Database, payload: ProviderUsagePayload): Promise<void> {
    if (new Date(payload.to) <= new Date(payload.from)) return;
    const key = `${PROVIDER_USAGE_JOB}:${payload.customerId}:${payload.from}:${payload.to}`;
    await deps.jobs.enqueue(PROVIDER_USAGE_JOB, { ...payload }, { dedupeKey: key }, tx);
  }

  async function notifyPastDue(tx: Database, sub: SubscriptionRow, since: Date): Promise<void> {
    const limitsDropAt = new Date(since.getTime() + core.graceDays * DAY_MS);
    await deps.notifications.notify(
      sub.userId,
      {
        type: 'BILLING',
        title: 'Your payment failed',
        body:
          `We could not charge your card for your ${sub.tier} plan. Update your payment method before ` +
          `${dateOf(limitsDropAt)}: after that your limits drop to the FREE plan's, and numbers beyond it are ` +
          `kept for 30 days before they are released.`,
        data: { reason: 'PAYMENT_FAILED', limitsDropAt: limitsDropAt.toISOString() },
      },
      tx,
    );
  }

  /** A provider subscription that has ended: the account is FREE from `at`, and what the period used is billed. */
  async function endProviderSubscription(tx: Database, sub: SubscriptionRow, at: Date): Promise<SubscriptionRow> {
    if (sub.stripeCustomerId) {
      await reportUsage(tx, {
        userId: sub.userId,
        customerId: sub.stripeCustomerId,
        providerSubscriptionId: null,
        from: sub.currentPeriodStart.toISOString(),
        to: (at < sub.currentPeriodEnd ? at : sub.currentPeriodEnd).toISOString(),
      });
    }
    const free = await repo.updateSubscription(
      sub.id,
      {
        tier: 'FREE',
        interval: 'MONTHLY',
        status: 'ACTIVE',
        amountCents: 0,
        cancelAtPeriodEnd: false,
        cancelledAt: sub.cancelledAt ?? at,
        scheduledTier: null,
        scheduledInterval: null,
        pastDueAt: null,
        stripeSubscriptionId: null,
        providerSyncedAt: at,
        ...core.freePeriodFrom(at),
      },
      tx,
    );
    await core.scheduleRollover(free, tx);
    return free;
  }

  /**
   * Our row from the provider's subscription as it was at `at`. Older than
   * what we last read, it changes nothing; another subscription than the one
   * we follow is not ours to apply.
   */
  async function mirror(
    tx: Database,
    sub: SubscriptionRow,
    provider: ProviderSubscription,
    at: Date,
  ): Promise<SubscriptionRow> {
    if (sub.providerSyncedAt && at < sub.providerSyncedAt) return sub;
    const followed = sub.stripeSubscriptionId === provider.id;
    if (!followed && sub.stripeSubscriptionId !== null) return sub;
    if (provider.status === 'CANCELLED') {
      return followed ? endProviderSubscription(tx, sub, at) : sub;
    }
    // Not started (its first payment outstanding): nothing to apply until it is.
    if (provider.status === 'INCOMPLETE') return sub;
    const newPeriod = followed && provider.currentPeriodStart > sub.currentPeriodStart;
    if (newPeriod && sub.stripeCustomerId) {
      await reportUsage(tx, {
        userId: sub.userId,
        customerId: sub.stripeCustomerId,
        providerSubscriptionId: provider.id,
        from: sub.currentPeriodStart.toISOString(),
        to: provider.currentPeriodStart.toISOString(),
      });
    }
    const pastDue = provider.status === 'PAST_DUE';
    const scheduledApplied =
      newPeriod || (sub.scheduledTier === provider.tier && sub.scheduledInterval === provider.interval);
    const updated = await repo.updateSubscription(
      sub.id,
      {
        tier: provider.tier,
        interval: provider.interval,
        status: provider.status,
        amountCents: core.priceOf(provider.tier, provider.interval),
        currentPeriodStart: provider.currentPeriodStart,
        currentPeriodEnd: provider.currentPeriodEnd,
        billingAnchorDay: provider.currentPeriodStart.getUTCDate(),
        cancelAtPeriodEnd: provider.cancelAtPeriodEnd,
        cancelledAt: provider.cancelAtPeriodEnd ? (sub.cancelledAt ?? at) : null,
        ...(scheduledApplied ? { scheduledTier: null, scheduledInterval: null } : {}),
        pastDueAt: pastDue ? (sub.pastDueAt ?? at) : null,
        stripeSubscriptionId: provider.id,
        providerSyncedAt: at,
      },
      tx,
    );
    if (pastDue && !sub.pastDueAt) await notifyPastDue(tx, updated, at);
    return updated;
  }

  /** An invoice of the subscription we follow: recorded, and its payment or failure moves the subscription. */
  async function applyInvoice(
    tx: Database,
    sub: SubscriptionRow,
    type: 'invoice.paid' | 'invoice.payment_failed' | 'invoice.finalized',
    invoice: ProviderInvoice,
    at: Date,
  ): Promise<void> {
    const recorded = await deps.invoices.record(tx, sub, await core.buyerOf(sub.userId, tx), invoice, at);
    const ofFollowed = invoice.subscriptionId !== null && invoice.subscriptionId === sub.stripeSubscriptionId;
    if (!ofFollowed || (sub.providerSyncedAt && at < sub.providerSyncedAt)) return;
    if (type === 'invoice.payment_failed' && recorded?.status !== 'paid' && sub.status !== 'PAST_DUE') {
      const updated = await repo.updateSubscription(
        sub.id,
        { status: 'PAST_DUE', pastDueAt: sub.pastDueAt ?? at, providerSyncedAt: at },
        tx,
      );
      await notifyPastDue(tx, updated, at);
    }
    if (type === 'invoice.paid' && sub.status === 'PAST_DUE') {
      await repo.updateSubscription(sub.id, { status: 'ACTIVE', pastDueAt: null, providerSyncedAt: at }, tx);
    }
  }

  return {
    mirror,
    reportUsage,

    /** A verified webhook event, applied at most once: false when its id was seen before. */
    async apply(event: BillingEvent): Promise<boolean> {
      return deps.db.transaction(async (tx) => {
        const stripeType = event.type === 'ignored' || event.type === 'unreadable' ? event.stripeType : event.type;
        if (!(await repo.claimEvent({ id: event.id, type: stripeType, occurredAt: event.createdAt }, tx))) {
          return false;
        }
        if (event.type === 'ignored') return true;
        if (event.type === 'unreadable') {
          // One of ours we cannot read (a STRIPE_PRICE_* missing): fail, unclaimed, so Stripe redelivers it once
          // the setting is fixed. Another product's customer on the same account: nothing of ours, let it go.
          if (await repo.subscriptionOfProvider({ customerId: event.customerId, subscriptionId: null }, deps.db)) {
            throw new BillingProviderError('UNAVAILABLE', `Stripe event ${event.id}: ${event.problem}`);
          }
          return true;
        }
        const ids =
          'subscription' in event
            ? { customerId: event.subscription.customerId, subscriptionId: event.subscription.id }
            : { customerId: event.invoice.customerId, subscriptionId: event.invoice.subscriptionId };
        // Another system's customer on the same Stripe account: nothing of ours to change.
        const owner = await repo.subscriptionOfProvider(ids, deps.db);
        if (!owner) return true;
        // The user's lock before the subscription's, the order our own plan changes take them in while they wait
        // for the provider, which sends this event meanwhile: the other order deadlocked against them. NO KEY
        // UPDATE waits for those (FOR UPDATE) yet lets the period's rollover, which holds the subscription and
        // then writes an invoice naming the user (FOR KEY SHARE), finish first.
        await tx.execute(sql`select id from users where id = ${owner.userId} for no key update`);
        const sub = await repo.subscriptionOfProvider(ids, tx);
        if (!sub) return true;
        if ('subscription' in event) {
          await mirror(
            tx,
            sub,
            event.type === 'subscription.deleted' ? { ...event.subscription, status: 'CANCELLED' } : event.subscription,
            event.createdAt,
          );
        } else {
          await applyInvoice(tx, sub, event.type, event.invoice, event.createdAt);
        }
        return true;
      });
    },

    /** The job: a closed period's numbers and overage, on the subscription's next invoice or invoiced now. */
    async runUsageReport(payload: ProviderUsagePayload): Promise<void> {
      const lines = (await core.arrears(payload.userId, new Date(payload.from), new Date(payload.to))).filter(
        (line) => line.amountCents > 0,
      );
      const key = `usage:${payload.customerId}:${payload.from}:${payload.to}`;
      if (payload.providerSubscriptionId === null) {
        if (lines.length) await deps.payments.billNow({ customerId: payload.customerId, lines, idempotencyKey: key });
        return;
      }
      for (const line of lines) {
        await deps.payments.reportOverage({
          customerId: payload.customerId,
          subscriptionId: payload.providerSubscriptionId,
          description: line.description,
          amountCents: line.amountCents,
          idempotencyKey: `${key}:${line.kind}`,
        });
      }
    },
  };
}

export type ProviderSync = ReturnType<typeof createProviderSync>;
