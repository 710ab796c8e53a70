import { BillingInterval, PLAN_TIERS, type PaymentMethod } from '@commpro/contracts';
import Stripe from 'stripe';
import {
  BillingProviderError,
  type PaidTier,
  type PaymentProvider,
  type ProviderInvoice,
  type ProviderStatus,
  type ProviderSubscription,
  WebhookSignatureError,
} from './payment-provider.port.js';

export interface StripeProviderOptions {
  secretKey: string;
  webhookSecret: string;
  /** The Stripe price of each paid plan and interval (config.billing.prices). */
  prices: Readonly<Record<PaidTier, Readonly<Record<BillingInterval, string>>>>;
  /** Where the SDK sends API calls instead of https://api.stripe.com (tests point it at a local endpoint). */
  apiBaseUrl?: string | undefined;
  /** Retries of a call that failed on the network, a 409 or a 5xx, under the same idempotency key; the SDK's default is 2. */
  maxNetworkRetries?: number | undefined;
  /** Per-request timeout; the SDK's default is 80 s. */
  timeoutMs?: number | undefined;
}

/** Prices are in euros, like every amount in our ledger. */
const CURRENCY = 'eur';

/** No customer of ours saves anywhere near this many cards. */
const MAX_PAYMENT_METHODS = 100;

const STATUSES: ReadonlyMap<string, ProviderStatus> = new Map<string, ProviderStatus>([
  ['active', 'ACTIVE'],
  ['trialing', 'TRIALING'],
  ['past_due', 'PAST_DUE'],
  // Retries are exhausted but the subscription was kept (a dashboard setting): still owed, not ended.
  ['unpaid', 'PAST_DUE'],
  ['canceled', 'CANCELLED'],
  // The first payment never came and Stripe gave up after 23 hours: it never started.
  ['incomplete_expired', 'CANCELLED'],
  ['incomplete', 'INCOMPLETE'],
  // Only when a trial ends without a payment method: waiting for one, as an incomplete start does.
  ['paused', 'INCOMPLETE'],
]);

const INVOICE_STATUSES: ReadonlySet<string> = new Set<ProviderInvoice['status']>([
  'draft',
  'open',
  'paid',
  'void',
  'uncollectible',
]);

const SUBSCRIPTION_EVENTS = {
  'customer.subscription.created': 'subscription.created',
  'customer.subscription.updated': 'subscription.updated',
  'customer.subscription.deleted': 'subscription.deleted',
} as const;

const INVOICE_EVENTS = {
  'invoice.paid': 'invoice.paid',
  'invoice.payment_failed': 'invoice.payment_failed',
  'invoice.finalized': 'invoice.finalized',
} as const;

const fromUnix = (seconds: number) => new Date(seconds * 1000);
const idOf = (ref: string | { id: string }) => (typeof ref === 'string' ? ref : ref.id);

/** An answer we cannot read: retried later (a webhook is redelivered), and the message says what to fix. */
const unreadable = (message: string) => new BillingProviderError('UNAVAILABLE', message);

/** Stripe's errors in our words; Stripe's message stays in `cause`. */
function toBillingProviderError(error: InstanceType<typeof Stripe.errors.StripeError>): BillingProviderError {
  const cause = { cause: error };
  if (error instanceof Stripe.errors.StripeCardError) {
    return new BillingProviderError('CARD_DECLINED', 'The card was declined', cause);
  }
  if (error.code === 'resource_missing') {
    return new BillingProviderError('NOT_FOUND', 'Stripe has no such customer, subscription or payment method', cause);
  }
  if (
    error instanceof Stripe.errors.StripeAuthenticationError ||
    error instanceof Stripe.errors.StripePermissionError
  ) {
    return new BillingProviderError('AUTHENTICATION', 'Stripe refused our API key', cause);
  }
  if (error instanceof Stripe.errors.StripeRateLimitError) {
    return new BillingProviderError('RATE_LIMITED', 'Too many requests to Stripe; try again shortly', cause);
  }
  if (
    error instanceof Stripe.errors.StripeInvalidRequestError ||
    error instanceof Stripe.errors.StripeIdempotencyError
  ) {
    return new BillingProviderError('INVALID_REQUEST', 'Stripe refused the request', cause);
  }
  return new BillingProviderError('UNAVAILABLE', 'Stripe is unavailable', cause);
}

function endpointOf(apiBaseUrl: string | undefined): Pick<Stripe.StripeConfig, 'host' | 'port' | 'protocol'> {
  if (!apiBaseUrl) return {};
  const url = new URL(apiBaseUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port || (protocol === 'http' ? 80 : 443), protocol };
}

/** The Stripe adapter: our plans as Stripe prices, our statuses from Stripe's, Stripe's errors in our words. */
export function createStripeProvider(options: StripeProviderOptions): PaymentProvider {
  const stripe = new Stripe(options.secretKey, {
    ...endpointOf(options.apiBaseUrl),
    ...(options.maxNetworkRetries === undefined ? {} : { maxNetworkRetries: options.maxNetworkRetries }),
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
  });

  const planOfPrice = new Map<string, { tier: PaidTier; interval: BillingInterval }>();
  for (const tier of PLAN_TIERS.filter((t): t is PaidTier => t !== 'FREE')) {
    for (const interval of BillingInterval.options) planOfPrice.set(options.prices[tier][interval], { tier, interval });
  }

  async function call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      // Anything else is ours (a BillingProviderError already, or a bug) and goes up as it is.
      throw error instanceof Stripe.errors.StripeError ? toBillingProviderError(error) : error;
    }
  }

  /** Our subscriptions hold one item, whose price names the plan and which carries the period. */
  function itemOf(sub: Stripe.Subscription): Stripe.SubscriptionItem {
    const [item, ...others] = sub.items.data;
    if (!item || others.length > 0) {
      throw unreadable(`Stripe subscription ${sub.id} has ${sub.items.data.length} items; ours have exactly one`);
    }
    return item;
  }

  function toSubscription(sub: Stripe.Subscription): ProviderSubscription {
    const item = itemOf(sub);
    const plan = planOfPrice.get(item.price.id);
    if (!plan) {
      throw unreadable(
        `Stripe subscription ${sub.id} is on price ${item.price.id}, which no STRIPE_PRICE_* setting names`,
      );
    }
    const status = STATUSES.get(sub.status);
    if (!status) throw unreadable(`Stripe subscription ${sub.id} has a status we do not know: ${sub.status}`);
    return {
      id: sub.id,
      customerId: idOf(sub.customer),
      status,
      tier: plan.tier,
      interval: plan.interval,
      currentPeriodStart: fromUnix(item.current_period_start),
      currentPeriodEnd: fromUnix(item.current_period_end),
      cancelAtPeriodEnd: sub.cancel_at_period_end,
    };
  }

  function toInvoice(invoice: Stripe.Invoice): ProviderInvoice {
    const status = invoice.status;
    if (!status || !INVOICE_STATUSES.has(status)) {
      throw unreadable(`Stripe invoice ${invoice.id} has a status we do not know: ${status}`);
    }
    if (!invoice.customer) throw unreadable(`Stripe invoice ${invoice.id} has no customer`);
    // A subscription invoice's own period is the one before (when its pending items were added);
    // its lines carry the periods actually billed. Our invoices hold well under the 10 lines an event embeds.
    const lines = invoice.lines.data;
    const periodStart = lines.length ? Math.min(...lines.map((l) => l.period.start)) : invoice.period_start;
    const periodEnd = lines.length ? Math.max(...lines.map((l) => l.period.end)) : invoice.period_end;
    const subscription = invoice.parent?.subscription_details?.subscription;
    return {
      id: invoice.id,
      customerId: idOf(invoice.customer),
      subscriptionId: subscription ? idOf(subscription) : null,
      status: status as ProviderInvoice['status'],
      totalCents: invoice.total,
      amountDueCents: invoice.amount_due,
      amountPaidCents: invoice.amount_paid,
      periodStart: fromUnix(periodStart),
      periodEnd: fromUnix(periodEnd),
      lines: lines.map((line) => ({
        description: line.description ?? '',
        // A line without a quantity is a one-off amount, such as an overage we reported.
        quantity: line.quantity ?? 1,
        amountCents: line.amount,
      })),
    };
  }

  function toPaymentMethod(pm: Stripe.PaymentMethod, defaultId: string | null): PaymentMethod {
    if (!pm.card) throw new BillingProviderError('INVALID_REQUEST', 'Only cards can be saved as payment methods');
    return {
      id: pm.id,
      brand: pm.card.brand,
      last4: pm.card.last4,
      expMonth: pm.card.exp_month,
      expYear: pm.card.exp_year,
      isDefault: pm.id === defaultId,
    };
  }

  async function customer(customerId: string): Promise<Stripe.Customer> {
    const found = await stripe.customers.retrieve(customerId);
    if (found.deleted) throw new BillingProviderError('NOT_FOUND', 'This Stripe customer was deleted');
    return found;
  }

  async function ownedPaymentMethod(customerId: string, paymentMethodId: string): Promise<Stripe.PaymentMethod> {
    const pm = await stripe.paymentMethods.retrieve(paymentMethodId);
    // Someone else's card answers as a missing one: which cards exist is not this customer's business.
    if (!pm.customer || idOf(pm.customer) !== customerId) {
      throw new BillingProviderError('NOT_FOUND', 'This customer has no such payment method');
    }
    return pm;
  }

  const defaultPaymentMethodOf = (c: Stripe.Customer) => {
    const ref = c.invoice_settings.default_payment_method;
    return ref ? idOf(ref) : null;
  };

  function priceOf(tier: PaidTier, interval: BillingInterval): string {
    return options.prices[tier][interval];
  }

  /**
   * Ends the schedule that holds a change for the period's end, keeping the
   * subscription as it is now. Stripe refuses to change the plan or the
   * cancellation of a subscription a schedule manages.
   */
  async function releaseSchedule(sub: Stripe.Subscription, idempotencyKey: string): Promise<void> {
    if (!sub.schedule) return;
    await stripe.subscriptionSchedules.release(idOf(sub.schedule), {}, { idempotencyKey });
  }

  /**
   * The plan in force until the period's end, then the new price for a
   * period, after which the schedule lets go and the subscription renews on
   * its own. A schedule already there (an earlier change) is rewritten.
   */
  async function scheduleChange(sub: Stripe.Subscription, price: string, interval: BillingInterval, key: string) {
    const item = itemOf(sub);
    const schedule = sub.schedule
      ? await stripe.subscriptionSchedules.retrieve(idOf(sub.schedule))
      : await stripe.subscriptionSchedules.create({ from_subscription: sub.id }, { idempotencyKey: `${key}:schedule` });
    const current = schedule.current_phase;
    if (!current) throw unreadable(`Stripe subscription schedule ${schedule.id} has no current phase`);
    await stripe.subscriptionSchedules.update(
      schedule.id,
      {
        end_behavior: 'release',
        phases: [
          {
            items: [{ price: item.price.id, quantity: item.quantity ?? 1 }],
            start_date: current.start_date,
            end_date: current.end_date,
          },
          {
            items: [{ price, quantity: 1 }],
            duration: { interval: interval === 'ANNUAL' ? 'year' : 'month', interval_count: 1 },
          },
        ],
      },
      { idempotencyKey: `${key}:phases` },
    );
  }

  return {
    ensureCustomer: (user) =>
      call(async () => {
        const created = await stripe.customers.create(
          { email: user.email, name: user.name, metadata: { userId: user.id } },
          { idempotencyKey: `customer:${user.id}` },
        );
        return created.id;
      }),

    createSetupIntent: ({ customerId, idempotencyKey }) =>
      call(async () => {
        const intent = await stripe.setupIntents.create(
          // off_session: renewals charge the card while its owner is away.
          { customer: customerId, usage: 'off_session', allowed_payment_method_types: ['card'] },
          { idempotencyKey },
        );
        if (!intent.client_secret) throw unreadable(`Stripe setup intent ${intent.id} came without a client secret`);
        return { clientSecret: intent.client_secret };
      }),

    listPaymentMethods: (customerId) =>
      call(async () => {
        const [owner, methods] = await Promise.all([
          customer(customerId),
          stripe.paymentMethods.list({ customer: customerId, type: 'card', limit: MAX_PAYMENT_METHODS }),
        ]);
        const defaultId = defaultPaymentMethodOf(owner);
        return methods.data.map((pm) => toPaymentMethod(pm, defaultId));
      }),

    attachPaymentMethod: ({ customerId, paymentMethodId, setAsDefault, idempotencyKey }) =>
      call(async () => {
        const pm = await stripe.paymentMethods.attach(
          paymentMethodId,
          { customer: customerId },
          { idempotencyKey: `${idempotencyKey}:attach` },
        );
        const owner = setAsDefault
          ? await stripe.customers.update(
              customerId,
              { invoice_settings: { default_payment_method: paymentMethodId } },
              { idempotencyKey: `${idempotencyKey}:default` },
            )
          : await customer(customerId);
        return toPaymentMethod(pm, defaultPaymentMethodOf(owner));
      }),

    setDefaultPaymentMethod: ({ customerId, paymentMethodId, idempotencyKey }) =>
      call(async () => {
        const pm = await ownedPaymentMethod(customerId, paymentMethodId);
        const owner = await stripe.customers.update(
          customerId,
          { invoice_settings: { default_payment_method: paymentMethodId } },
          { idempotencyKey },
        );
        return toPaymentMethod(pm, defaultPaymentMethodOf(owner));
      }),

    detachPaymentMethod: ({ customerId, paymentMethodId, idempotencyKey }) =>
      call(async () => {
        await ownedPaymentMethod(customerId, paymentMethodId);
        await stripe.paymentMethods.detach(paymentMethodId, {}, { idempotencyKey });
      }),

    startSubscription: ({ customerId, tier, interval, paymentMethodId, idempotencyKey }) =>
      call(async () => {
        const sub = await stripe.subscriptions.create(
          {
            customer: customerId,
            items: [{ price: priceOf(tier, interval), quantity: 1 }],
            ...(paymentMethodId ? { default_payment_method: paymentMethodId } : {}),
            // A refused first payment is an error (CARD_DECLINED), not an incomplete subscription left behind.
            payment_behavior: 'error_if_incomplete',
          },
          { idempotencyKey },
        );
        return toSubscription(sub);
      }),

    getSubscription: (subscriptionId) =>
      call(async () => toSubscription(await stripe.subscriptions.retrieve(subscriptionId))),

    changePlan: ({ subscriptionId, tier, interval, when, idempotencyKey }) =>
      call(async () => {
        const sub = await stripe.subscriptions.retrieve(subscriptionId);
        const price = priceOf(tier, interval);
        if (when === 'period_end') {
          await scheduleChange(sub, price, interval, idempotencyKey);
          return toSubscription(sub);
        }
        await releaseSchedule(sub, `${idempotencyKey}:release`);
        const updated = await stripe.subscriptions.update(
          subscriptionId,
          {
            items: [{ id: itemOf(sub).id, price }],
            proration_behavior: 'always_invoice',
            // The upgrade applies only once its proration is paid; a refused card changes nothing.
            payment_behavior: 'error_if_incomplete',
          },
          { idempotencyKey },
        );
        return toSubscription(updated);
      }),

    dropScheduledChange: ({ subscriptionId, idempotencyKey }) =>
      call(async () => {
        const sub = await stripe.subscriptions.retrieve(subscriptionId);
        await releaseSchedule(sub, idempotencyKey);
        return toSubscription(sub);
      }),

    cancel: ({ subscriptionId, atPeriodEnd, idempotencyKey }) =>
      call(async () => {
        const sub = await stripe.subscriptions.retrieve(subscriptionId);
        // A cancelled subscription stays cancelled: a retry finds nothing left to do.
        if (sub.status === 'canceled') return toSubscription(sub);
        await releaseSchedule(sub, `${idempotencyKey}:release`);
        const ended = atPeriodEnd
          ? await stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true }, { idempotencyKey })
          : // A DELETE; Stripe ignores idempotency keys on those, and the check above makes a retry safe.
            await stripe.subscriptions.cancel(subscriptionId);
        return toSubscription(ended);
      }),

    reactivate: ({ subscriptionId, idempotencyKey }) =>
      call(async () =>
        toSubscription(
          await stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: false }, { idempotencyKey }),
        ),
      ),

    reportOverage: ({ customerId, subscriptionId, description, amountCents, idempotencyKey }) =>
      call(async () => {
        await stripe.invoiceItems.create(
          {
            customer: customerId,
            subscription: subscriptionId,
            amount: amountCents,
            currency: CURRENCY,
            description,
          },
          { idempotencyKey },
        );
      }),

    billNow: ({ customerId, lines, idempotencyKey }) =>
      call(async () => {
        const invoice = await stripe.invoices.create(
          {
            customer: customerId,
            currency: CURRENCY,
            collection_method: 'charge_automatically',
            // Only the lines below: nothing else pending on the customer slips in.
            pending_invoice_items_behavior: 'exclude',
            auto_advance: true,
          },
          { idempotencyKey: `${idempotencyKey}:invoice` },
        );
        for (const [index, line] of lines.entries()) {
          await stripe.invoiceItems.create(
            {
              customer: customerId,
              invoice: invoice.id,
              amount: line.amountCents,
              currency: CURRENCY,
              description: line.description,
            },
            { idempotencyKey: `${idempotencyKey}:line:${index}` },
          );
        }
        await stripe.invoices.finalizeInvoice(
          invoice.id,
          { auto_advance: true },
          { idempotencyKey: `${idempotencyKey}:finalize` },
        );
      }),

    parseWebhook(rawBody, signatureHeader) {
      if (!signatureHeader) throw new WebhookSignatureError('The Stripe-Signature header is missing');
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(rawBody, signatureHeader, options.webhookSecret);
      } catch (error) {
        if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
          throw new WebhookSignatureError('The Stripe signature does not match, or is too old', { cause: error });
        }
        throw error;
      }
      const base = { id: event.id, createdAt: fromUnix(event.created) };
      switch (event.type) {
        case 'customer.subscription.created':
        case 'customer.subscription.updated':
        case 'customer.subscription.deleted':
          try {
            return { ...base, type: SUBSCRIPTION_EVENTS[event.type], subscription: toSubscription(event.data.object) };
          } catch (error) {
            // Whose it is decides: the billing module retries ours and lets another product's go.
            if (!(error instanceof BillingProviderError)) throw error;
            return {
              ...base,
              type: 'unreadable',
              stripeType: event.type,
              customerId: idOf(event.data.object.customer),
              problem: error.message,
            };
          }
        case 'invoice.paid':
        case 'invoice.payment_failed':
        case 'invoice.finalized':
          return { ...base, type: INVOICE_EVENTS[event.type], invoice: toInvoice(event.data.object) };
        default:
          return { ...base, type: 'ignored', stripeType: event.type };
      }
    },
  };
}
