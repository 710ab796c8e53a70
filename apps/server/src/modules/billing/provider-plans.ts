import { randomUUID } from 'node:crypto';
import {
  type BillingInterval,
  type PaymentMethod,
  type PlanChange,
  type PlanTier,
  planRank,
  type Subscription,
} from '@commpro/contracts';
import type { Database } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import {
  BillingProviderError,
  type PaidTier,
  type PaymentProvider,
  type ProviderSubscription,
} from '../../providers/billing/payment-provider.port.js';
import type { BillingRepository, SubscriptionRow } from './billing.repository.js';
import type { Buyer } from './invoices.js';
import type { ProviderSync } from './provider-sync.js';

/** The provider's refusals in our words; its own message stays in the cause, for the logs. */
export function fromProviderError(error: unknown): unknown {
  if (!(error instanceof BillingProviderError)) return error;
  const cause = { cause: error };
  switch (error.reason) {
    case 'CARD_DECLINED':
      return new AppError('PAYMENT_FAILED', 'Your card was declined; try another card', {
        ...cause,
        details: [{ field: 'paymentMethodId', message: 'The card was declined', code: 'CARD_DECLINED' }],
      });
    case 'NOT_FOUND':
      return new AppError('NOT_FOUND', 'Payment method not found', cause);
    case 'INVALID_REQUEST':
      return new AppError('BAD_REQUEST', 'The payment provider refused this request', cause);
    case 'RATE_LIMITED':
      return new AppError('SERVICE_UNAVAILABLE', 'Payments are busy; try again in a minute', {
        ...cause,
        retryAfter: 60,
      });
    default:
      return new AppError('PROVIDER_UNAVAILABLE', 'The payment provider could not be reached; try again', cause);
  }
}

/** What the plan rules lend the provider's side; the same rules as local billing. */
export interface PlansCore {
  ensure(userId: string, tx?: Database): Promise<SubscriptionRow>;
  toDto(sub: SubscriptionRow): Subscription;
  assertFits(userId: string, tier: PlanTier, tx: Database): Promise<void>;
  effectiveTier(sub: SubscriptionRow): PlanTier;
  buyerOf(userId: string, tx: Database): Promise<Buyer>;
  /** Local billing's answer to a preview: the same rules, so the same estimate. */
  preview(
    userId: string,
    input: { tier: PlanTier; interval?: BillingInterval | undefined },
  ): Promise<Omit<PlanChange, 'subscription'>>;
}

/**
 * Plan changes and payment methods through the payment provider: the user's
 * row locked while the provider acts, its answer mirrored into our row in the
 * same transaction (its webhooks confirm it later, or repair it if our commit
 * failed). Each action has an idempotency key of its own, which the SDK reuses
 * when it retries after a timeout.
 */
export function createProviderPlans(deps: {
  db: Database;
  repo: BillingRepository;
  payments: PaymentProvider;
  sync: ProviderSync;
  core: PlansCore;
  clock: () => Date;
}) {
  const { db, repo, payments, sync, core } = deps;
  const key = (action: string, sub: SubscriptionRow) => `${action}:${sub.id}:${randomUUID()}`;

  async function provider<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw fromProviderError(error);
    }
  }

  /** The user's customer at the provider, made on first need and kept on the subscription row. */
  async function customerOf(userId: string): Promise<string> {
    const sub = await core.ensure(userId);
    if (sub.stripeCustomerId) return sub.stripeCustomerId;
    const buyer = await core.buyerOf(userId, db);
    const created = await provider(() => payments.ensureCustomer({ id: userId, email: buyer.email, name: buyer.name }));
    return repo.setCustomer(sub.id, created);
  }

  /** Under the user's lock, with the subscription read inside it. */
  function locked<T>(userId: string, run: (tx: Database, sub: SubscriptionRow) => Promise<T>): Promise<T> {
    return db.transaction(async (tx) => {
      await repo.lockUser(userId, tx);
      return run(tx, await core.ensure(userId, tx));
    });
  }

  const mirrorNow = (tx: Database, sub: SubscriptionRow, answer: ProviderSubscription) =>
    sync.mirror(tx, sub, answer, deps.clock());

  /** The provider dropped the change waiting for the period's end (an upgrade, a cancellation): so do we. */
  const withoutScheduledChange = (tx: Database, sub: SubscriptionRow) =>
    sub.scheduledTier || sub.scheduledInterval
      ? repo.updateSubscription(sub.id, { scheduledTier: null, scheduledInterval: null }, tx)
      : sub;

  /** The provider subscription a paid plan runs on; an operator's plan (set without payment) has none. */
  function followed(sub: SubscriptionRow): string {
    if (!sub.stripeSubscriptionId) {
      throw new AppError('CONFLICT', 'Your plan was set by an operator, not paid by card; ask them to change it');
    }
    return sub.stripeSubscriptionId;
  }

  /**
   * An upgrade refused (a declined card) after the adapter released the
   * change waiting for the period's end, which Stripe requires first: the
   * change waits again, as our row still says. Best effort: the refusal is
   * what the user is told.
   */
  async function putBackScheduledChange(sub: SubscriptionRow, subscriptionId: string): Promise<void> {
    const tier = sub.scheduledTier;
    if (!tier || tier === 'FREE') return;
    await payments
      .changePlan({
        subscriptionId,
        tier,
        interval: sub.scheduledInterval ?? sub.interval,
        when: 'period_end',
        idempotencyKey: key('keep-downgrade', sub),
      })
      .catch(() => undefined);
  }

  /**
   * The plan the user pays for: the provider subscription's while there is
   * one — unpaid beyond the grace its limits are FREE's, but it still runs and
   * bills — else the plan in force.
   */
  const paidPlan = (sub: SubscriptionRow): PlanTier => (sub.stripeSubscriptionId ? sub.tier : core.effectiveTier(sub));

  async function hasDefaultCard(customerId: string): Promise<boolean> {
    const methods = await provider(() => payments.listPaymentMethods(customerId));
    return methods.some((m) => m.isDefault);
  }

  async function subscribe(
    userId: string,
    input: { tier: PaidTier; interval: BillingInterval; paymentMethodId?: string | undefined },
  ): Promise<Subscription> {
    const customerId = await customerOf(userId);
    return locked(userId, async (tx, sub) => {
      if (paidPlan(sub) !== 'FREE') {
        throw new AppError('CONFLICT', `You are already on ${sub.tier}; change plan instead`, {
          details: [{ field: 'tier', message: 'Change plan instead', code: 'ALREADY_SUBSCRIBED' }],
        });
      }
      const paymentMethodId = input.paymentMethodId;
      if (paymentMethodId) {
        // The card named here becomes the default, the one renewals charge and the cards page changes: a card
        // given to the subscription itself would win over the default at Stripe, whatever the user sets later.
        await provider(() =>
          payments.setDefaultPaymentMethod({ customerId, paymentMethodId, idempotencyKey: key('subscribe-card', sub) }),
        );
      } else if (!(await hasDefaultCard(customerId))) {
        throw new AppError('PAYMENT_METHOD_REQUIRED', 'Add a card before choosing a paid plan', {
          details: [{ field: 'paymentMethodId', message: 'Add a card first', code: 'PAYMENT_METHOD_REQUIRED' }],
        });
      }
      const started = await provider(() =>
        payments.startSubscription({
          customerId,
          tier: input.tier,
          interval: input.interval,
          idempotencyKey: key('subscribe', sub),
        }),
      );
      // The FREE period ends here: its numbers go on the paid plan's next invoice.
      await sync.reportUsage(tx, {
        userId,
        customerId,
        providerSubscriptionId: started.id,
        from: sub.currentPeriodStart.toISOString(),
        to: deps.clock().toISOString(),
      });
      return core.toDto(await mirrorNow(tx, { ...sub, stripeCustomerId: customerId }, started));
    });
  }

  return {
    subscribe,

    async changePlan(
      userId: string,
      input: { tier: PlanTier; interval?: BillingInterval | undefined; preview: boolean },
    ): Promise<PlanChange> {
      // Estimated by the same rules as local billing; the provider's own invoice follows by webhook.
      const estimate = await core.preview(userId, input);
      if (input.preview) return { ...estimate, subscription: core.toDto(await core.ensure(userId)) };
      const current = paidPlan(await core.ensure(userId));
      if (current === 'FREE' && input.tier !== 'FREE') {
        const subscription = await subscribe(userId, { tier: input.tier, interval: input.interval ?? 'MONTHLY' });
        return { ...estimate, subscription, invoiceId: null };
      }
      return locked(userId, async (tx, sub) => {
        const subscriptionId = followed(sub);
        const interval = input.interval ?? sub.interval;
        const result = (s: SubscriptionRow): PlanChange => ({
          ...estimate,
          subscription: core.toDto(s),
          invoiceId: null,
        });
        if (input.tier === current && interval === sub.interval) {
          const answer = sub.cancelAtPeriodEnd
            ? await provider(() => payments.reactivate({ subscriptionId, idempotencyKey: key('reactivate', sub) }))
            : await provider(() =>
                payments.dropScheduledChange({ subscriptionId, idempotencyKey: key('keep-plan', sub) }),
              );
          const kept = await mirrorNow(tx, sub, answer);
          return result(await repo.updateSubscription(kept.id, { scheduledTier: null, scheduledInterval: null }, tx));
        }
        if (input.tier !== 'FREE' && planRank(input.tier) > planRank(current)) {
          const tier = input.tier;
          const answer = await provider(() =>
            payments.changePlan({ subscriptionId, tier, interval, when: 'now', idempotencyKey: key('upgrade', sub) }),
          ).catch(async (error: unknown) => {
            await putBackScheduledChange(sub, subscriptionId);
            throw error;
          });
          return result(await withoutScheduledChange(tx, await mirrorNow(tx, sub, answer)));
        }
        await core.assertFits(userId, input.tier, tx);
        if (input.tier === 'FREE') {
          const answer = await provider(() =>
            payments.cancel({ subscriptionId, atPeriodEnd: true, idempotencyKey: key('downgrade', sub) }),
          );
          return result(await withoutScheduledChange(tx, await mirrorNow(tx, sub, answer)));
        }
        const tier = input.tier;
        const answer = await provider(() =>
          payments.changePlan({
            subscriptionId,
            tier,
            interval,
            when: 'period_end',
            idempotencyKey: key('downgrade', sub),
          }),
        );
        const mirrored = await mirrorNow(tx, sub, answer);
        return result(
          await repo.updateSubscription(mirrored.id, { scheduledTier: tier, scheduledInterval: interval }, tx),
        );
      });
    },

    async cancel(userId: string, atPeriodEnd: boolean): Promise<Subscription> {
      return locked(userId, async (tx, sub) => {
        if (paidPlan(sub) === 'FREE') throw new AppError('CONFLICT', 'There is no paid plan to cancel');
        const subscriptionId = followed(sub);
        if (!atPeriodEnd) await core.assertFits(userId, 'FREE', tx);
        const answer = await provider(() =>
          payments.cancel({ subscriptionId, atPeriodEnd, idempotencyKey: key('cancel', sub) }),
        );
        return core.toDto(await withoutScheduledChange(tx, await mirrorNow(tx, sub, answer)));
      });
    },

    async reactivate(userId: string): Promise<Subscription> {
      return locked(userId, async (tx, sub) => {
        if (!sub.cancelAtPeriodEnd) {
          throw new AppError('CONFLICT', 'The subscription is not set to end; nothing to reactivate');
        }
        const subscriptionId = followed(sub);
        const answer = await provider(() =>
          payments.reactivate({ subscriptionId, idempotencyKey: key('reactivate', sub) }),
        );
        return core.toDto(await mirrorNow(tx, sub, answer));
      });
    },

    async paymentMethods(userId: string): Promise<PaymentMethod[]> {
      const sub = await core.ensure(userId);
      const customerId = sub.stripeCustomerId;
      return customerId ? provider(() => payments.listPaymentMethods(customerId)) : [];
    },

    async setupIntent(userId: string): Promise<{ clientSecret: string }> {
      const customerId = await customerOf(userId);
      return provider(() =>
        payments.createSetupIntent({ customerId, idempotencyKey: `setup:${userId}:${randomUUID()}` }),
      );
    },

    async addPaymentMethod(
      userId: string,
      input: { paymentMethodId: string; setAsDefault: boolean },
    ): Promise<PaymentMethod> {
      const customerId = await customerOf(userId);
      // The first card is the one renewals charge, whatever the form said.
      const setAsDefault = input.setAsDefault || !(await hasDefaultCard(customerId));
      return provider(() =>
        payments.attachPaymentMethod({
          customerId,
          paymentMethodId: input.paymentMethodId,
          setAsDefault,
          idempotencyKey: `add-card:${userId}:${randomUUID()}`,
        }),
      );
    },

    async setDefaultPaymentMethod(userId: string, paymentMethodId: string): Promise<PaymentMethod> {
      const sub = await core.ensure(userId);
      const customerId = sub.stripeCustomerId;
      if (!customerId) throw new AppError('NOT_FOUND', 'Payment method not found');
      return provider(() =>
        payments.setDefaultPaymentMethod({ customerId, paymentMethodId, idempotencyKey: key('default-card', sub) }),
      );
    },

    async removePaymentMethod(userId: string, paymentMethodId: string): Promise<void> {
      const sub = await core.ensure(userId);
      const customerId = sub.stripeCustomerId;
      if (!customerId) throw new AppError('NOT_FOUND', 'Payment method not found');
      const methods = await provider(() => payments.listPaymentMethods(customerId));
      const removed = methods.find((m) => m.id === paymentMethodId);
      if (!removed) throw new AppError('NOT_FOUND', 'Payment method not found');
      if (methods.length === 1 && sub.stripeSubscriptionId && !sub.cancelAtPeriodEnd) {
        throw new AppError('CONFLICT', 'Your plan renews with this card: add another card before removing it', {
          details: [{ field: 'id', message: 'Add another card first', code: 'LAST_PAYMENT_METHOD' }],
        });
      }
      // Stripe does not pick another default: renewals would find no card to charge.
      const next = removed.isDefault ? methods.find((m) => m.id !== paymentMethodId) : undefined;
      if (next) {
        await provider(() =>
          payments.setDefaultPaymentMethod({
            customerId,
            paymentMethodId: next.id,
            idempotencyKey: key('default-card', sub),
          }),
        );
      }
      await provider(() =>
        payments.detachPaymentMethod({ customerId, paymentMethodId, idempotencyKey: key('remove-card', sub) }),
      );
    },

    /** A webhook's raw body and signature; a bad signature throws WebhookSignatureError, a redelivery changes nothing. */
    async webhook(rawBody: Buffer, signature: string | undefined): Promise<void> {
      await sync.apply(payments.parseWebhook(rawBody, signature));
    },
  };
}

export type ProviderPlans = ReturnType<typeof createProviderPlans>;
