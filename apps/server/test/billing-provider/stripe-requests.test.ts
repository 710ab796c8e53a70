import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BillingProviderError, type PaymentProvider } from '../../src/providers/billing/payment-provider.port.js';
import { createStripeProvider } from '../../src/providers/billing/stripe-provider.js';
import {
  type Answer,
  cardJson,
  customerJson,
  type FakeStripe,
  PERIOD_END,
  PERIOD_START,
  PRICES,
  scheduleJson,
  startFakeStripe,
  type StripeRequest,
  stripeError,
  subscriptionJson,
} from './fake-stripe.js';

/*
 * What the adapter asks of Stripe for each operation, as the real SDK sends
 * it to a local endpoint: method, path, form parameters and the
 * Idempotency-Key of every write, and what it makes of Stripe's answers.
 */

/** Answers by `METHOD /path`; anything unexpected is a 404 the test will show. */
let routes: Record<string, Answer | ((req: StripeRequest) => Answer)>;
let fake: FakeStripe;
let provider: PaymentProvider;

beforeAll(async () => {
  fake = await startFakeStripe((req) => {
    const route = routes[`${req.method} ${req.path}`];
    if (!route) return stripeError(404, { type: 'invalid_request_error', code: 'unexpected_route' });
    return typeof route === 'function' ? route(req) : route;
  });
  provider = createStripeProvider({
    secretKey: 'sk_test_fake',
    webhookSecret: 'whsec_fake',
    prices: PRICES,
    apiBaseUrl: fake.url,
    maxNetworkRetries: 0,
  });
});

afterAll(() => fake.close());

beforeEach(() => {
  routes = {};
  fake.requests.length = 0;
});

/** The requests Stripe received, as `METHOD /path`. */
const calls = () => fake.requests.map((r) => `${r.method} ${r.path}`);
const request = (method: string, path: string): StripeRequest => {
  const found = fake.requests.find((r) => r.method === method && r.path === path);
  if (!found) throw new Error(`Stripe received no ${method} ${path}; it received ${calls().join(', ')}`);
  return found;
};

describe('customers and cards', () => {
  it('creates the customer with the user id in its metadata, keyed on the user so a retry makes no second one', async () => {
    routes['POST /v1/customers'] = { body: customerJson('cus_new') };
    const user = { id: 'user-1', email: 'ada@example.com', name: 'Ada Lovelace' };
    expect(await provider.ensureCustomer(user)).toBe('cus_new');
    await provider.ensureCustomer(user);
    expect(fake.requests).toHaveLength(2);
    for (const req of fake.requests) {
      expect(req.params).toEqual({ email: 'ada@example.com', name: 'Ada Lovelace', 'metadata[userId]': 'user-1' });
      expect(req.idempotencyKey).toBe('customer:user-1');
    }
  });

  it('creates a card-only setup intent for off-session charges and hands back its client secret', async () => {
    routes['POST /v1/setup_intents'] = {
      body: { id: 'seti_1', object: 'setup_intent', client_secret: 'seti_1_secret_abc' },
    };
    expect(await provider.createSetupIntent({ customerId: 'cus_1', idempotencyKey: 'k-setup' })).toEqual({
      clientSecret: 'seti_1_secret_abc',
    });
    const req = request('POST', '/v1/setup_intents');
    expect(req.params).toEqual({
      customer: 'cus_1',
      usage: 'off_session',
      'allowed_payment_method_types[0]': 'card',
    });
    expect(req.idempotencyKey).toBe('k-setup');
  });

  it("lists the customer's cards, the default one marked from the customer's invoice settings", async () => {
    routes['GET /v1/customers/cus_1'] = { body: customerJson('cus_1', 'pm_2') };
    routes['GET /v1/payment_methods'] = {
      body: { object: 'list', has_more: false, data: [cardJson('pm_1'), cardJson('pm_2', 'cus_1', '0005')] },
    };
    expect(await provider.listPaymentMethods('cus_1')).toEqual([
      { id: 'pm_1', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030, isDefault: false },
      { id: 'pm_2', brand: 'visa', last4: '0005', expMonth: 12, expYear: 2030, isDefault: true },
    ]);
    expect(request('GET', '/v1/payment_methods').params).toEqual({ customer: 'cus_1', type: 'card', limit: '100' });
  });

  it('attaches a card and makes it the default, each write under its own key derived from the caller’s', async () => {
    routes['POST /v1/payment_methods/pm_1/attach'] = { body: cardJson('pm_1') };
    routes['POST /v1/customers/cus_1'] = { body: customerJson('cus_1', 'pm_1') };
    const saved = await provider.attachPaymentMethod({
      customerId: 'cus_1',
      paymentMethodId: 'pm_1',
      setAsDefault: true,
      idempotencyKey: 'k-add',
    });
    expect(saved).toEqual({ id: 'pm_1', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030, isDefault: true });
    expect(calls()).toEqual(['POST /v1/payment_methods/pm_1/attach', 'POST /v1/customers/cus_1']);
    const attach = request('POST', '/v1/payment_methods/pm_1/attach');
    expect(attach.params).toEqual({ customer: 'cus_1' });
    expect(attach.idempotencyKey).toBe('k-add:attach');
    const makeDefault = request('POST', '/v1/customers/cus_1');
    expect(makeDefault.params).toEqual({ 'invoice_settings[default_payment_method]': 'pm_1' });
    expect(makeDefault.idempotencyKey).toBe('k-add:default');
  });

  it('attaches a card without touching the default, and says whether it is the default', async () => {
    routes['POST /v1/payment_methods/pm_1/attach'] = { body: cardJson('pm_1') };
    routes['GET /v1/customers/cus_1'] = { body: customerJson('cus_1', 'pm_other') };
    const saved = await provider.attachPaymentMethod({
      customerId: 'cus_1',
      paymentMethodId: 'pm_1',
      setAsDefault: false,
      idempotencyKey: 'k-add',
    });
    expect(saved.isDefault).toBe(false);
    expect(calls()).toEqual(['POST /v1/payment_methods/pm_1/attach', 'GET /v1/customers/cus_1']);
  });

  it("makes the customer's own card the default, under the caller's key, and says it is", async () => {
    routes['GET /v1/payment_methods/pm_2'] = { body: cardJson('pm_2', 'cus_1', '0005') };
    routes['POST /v1/customers/cus_1'] = { body: customerJson('cus_1', 'pm_2') };
    const card = await provider.setDefaultPaymentMethod({
      customerId: 'cus_1',
      paymentMethodId: 'pm_2',
      idempotencyKey: 'k-default',
    });
    expect(card).toEqual({ id: 'pm_2', brand: 'visa', last4: '0005', expMonth: 12, expYear: 2030, isDefault: true });
    expect(calls()).toEqual(['GET /v1/payment_methods/pm_2', 'POST /v1/customers/cus_1']);
    const update = request('POST', '/v1/customers/cus_1');
    expect(update.params).toEqual({ 'invoice_settings[default_payment_method]': 'pm_2' });
    expect(update.idempotencyKey).toBe('k-default');
  });

  it.each([
    ['another customer', 'cus_other'],
    ['no customer', null],
  ])('refuses, as NOT_FOUND, to make default a card that belongs to %s, and changes nothing', async (_, owner) => {
    routes['GET /v1/payment_methods/pm_2'] = { body: cardJson('pm_2', owner) };
    const error = await provider
      .setDefaultPaymentMethod({ customerId: 'cus_1', paymentMethodId: 'pm_2', idempotencyKey: 'k-default' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillingProviderError);
    expect((error as BillingProviderError).reason).toBe('NOT_FOUND');
    expect(calls()).toEqual(['GET /v1/payment_methods/pm_2']);
  });

  it("detaches the customer's own card", async () => {
    routes['GET /v1/payment_methods/pm_1'] = { body: cardJson('pm_1', 'cus_1') };
    routes['POST /v1/payment_methods/pm_1/detach'] = { body: cardJson('pm_1', null) };
    await provider.detachPaymentMethod({ customerId: 'cus_1', paymentMethodId: 'pm_1', idempotencyKey: 'k-del' });
    expect(request('POST', '/v1/payment_methods/pm_1/detach').idempotencyKey).toBe('k-del');
  });

  it.each([
    ['another customer', 'cus_other'],
    ['no customer', null],
  ])('refuses, as NOT_FOUND, to detach a card that belongs to %s, and detaches nothing', async (_, owner) => {
    routes['GET /v1/payment_methods/pm_1'] = { body: cardJson('pm_1', owner) };
    const error = await provider
      .detachPaymentMethod({ customerId: 'cus_1', paymentMethodId: 'pm_1', idempotencyKey: 'k-del' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillingProviderError);
    expect((error as BillingProviderError).reason).toBe('NOT_FOUND');
    expect(calls()).toEqual(['GET /v1/payment_methods/pm_1']);
  });
});

describe('subscriptions', () => {
  it('starts a subscription on the plan’s price, with the card given, failing rather than left incomplete', async () => {
    routes['POST /v1/subscriptions'] = {
      body: subscriptionJson({ id: 'sub_new', price: PRICES.BUSINESS.ANNUAL }),
    };
    const sub = await provider.startSubscription({
      customerId: 'cus_1',
      tier: 'BUSINESS',
      interval: 'ANNUAL',
      paymentMethodId: 'pm_1',
      idempotencyKey: 'k-start',
    });
    expect(sub).toEqual({
      id: 'sub_new',
      customerId: 'cus_1',
      status: 'ACTIVE',
      tier: 'BUSINESS',
      interval: 'ANNUAL',
      currentPeriodStart: new Date('2026-03-01T00:00:00Z'),
      currentPeriodEnd: new Date('2026-04-01T00:00:00Z'),
      cancelAtPeriodEnd: false,
    });
    const req = request('POST', '/v1/subscriptions');
    expect(req.params).toEqual({
      customer: 'cus_1',
      'items[0][price]': 'price_business_y',
      'items[0][quantity]': '1',
      default_payment_method: 'pm_1',
      payment_behavior: 'error_if_incomplete',
    });
    expect(req.idempotencyKey).toBe('k-start');
  });

  it("leaves the payment method to the customer's default when none is given", async () => {
    routes['POST /v1/subscriptions'] = { body: subscriptionJson() };
    await provider.startSubscription({
      customerId: 'cus_1',
      tier: 'STARTER',
      interval: 'MONTHLY',
      idempotencyKey: 'k',
    });
    expect(request('POST', '/v1/subscriptions').params).not.toHaveProperty('default_payment_method');
  });

  it('reads a subscription back into our plan by its price', async () => {
    routes['GET /v1/subscriptions/sub_1'] = { body: subscriptionJson({ price: PRICES.ENTERPRISE.MONTHLY }) };
    expect(await provider.getSubscription('sub_1')).toMatchObject({ tier: 'ENTERPRISE', interval: 'MONTHLY' });
    expect(request('GET', '/v1/subscriptions/sub_1').idempotencyKey).toBeUndefined();
  });

  it('refuses to guess the plan of a price no STRIPE_PRICE_* setting names, and says which', async () => {
    routes['GET /v1/subscriptions/sub_1'] = { body: subscriptionJson({ price: 'price_made_in_dashboard' }) };
    const error = await provider.getSubscription('sub_1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BillingProviderError);
    expect(error).toMatchObject({ reason: 'UNAVAILABLE' });
    expect((error as Error).message).toContain('price_made_in_dashboard');
  });
});

describe('plan changes', () => {
  it('upgrades now: replaces the item’s price and invoices the proration at once', async () => {
    routes['GET /v1/subscriptions/sub_1'] = { body: subscriptionJson() };
    routes['POST /v1/subscriptions/sub_1'] = { body: subscriptionJson({ price: PRICES.BUSINESS.MONTHLY }) };
    const sub = await provider.changePlan({
      subscriptionId: 'sub_1',
      tier: 'BUSINESS',
      interval: 'MONTHLY',
      when: 'now',
      idempotencyKey: 'k-up',
    });
    expect(sub.tier).toBe('BUSINESS');
    expect(calls()).toEqual(['GET /v1/subscriptions/sub_1', 'POST /v1/subscriptions/sub_1']);
    const update = request('POST', '/v1/subscriptions/sub_1');
    expect(update.params).toEqual({
      'items[0][id]': 'si_1',
      'items[0][price]': 'price_business_m',
      proration_behavior: 'always_invoice',
      payment_behavior: 'error_if_incomplete',
    });
    expect(update.idempotencyKey).toBe('k-up');
  });

  it('releases a change waiting for the period’s end before changing now, which Stripe would otherwise refuse', async () => {
    routes['GET /v1/subscriptions/sub_1'] = { body: subscriptionJson({ schedule: 'sub_sched_1' }) };
    routes['POST /v1/subscription_schedules/sub_sched_1/release'] = { body: scheduleJson() };
    routes['POST /v1/subscriptions/sub_1'] = { body: subscriptionJson({ price: PRICES.BUSINESS.MONTHLY }) };
    await provider.changePlan({
      subscriptionId: 'sub_1',
      tier: 'BUSINESS',
      interval: 'MONTHLY',
      when: 'now',
      idempotencyKey: 'k-up',
    });
    expect(calls()).toEqual([
      'GET /v1/subscriptions/sub_1',
      'POST /v1/subscription_schedules/sub_sched_1/release',
      'POST /v1/subscriptions/sub_1',
    ]);
    expect(request('POST', '/v1/subscription_schedules/sub_sched_1/release').idempotencyKey).toBe('k-up:release');
  });

  it('downgrades at the period’s end through a schedule: the current price until then, the new one after', async () => {
    routes['GET /v1/subscriptions/sub_1'] = { body: subscriptionJson({ price: PRICES.BUSINESS.MONTHLY }) };
    routes['POST /v1/subscription_schedules'] = { body: scheduleJson() };
    routes['POST /v1/subscription_schedules/sub_sched_1'] = { body: scheduleJson() };
    const sub = await provider.changePlan({
      subscriptionId: 'sub_1',
      tier: 'STARTER',
      interval: 'ANNUAL',
      when: 'period_end',
      idempotencyKey: 'k-down',
    });
    // Nothing changes before the period's end.
    expect(sub).toMatchObject({ tier: 'BUSINESS', interval: 'MONTHLY' });
    expect(calls()).toEqual([
      'GET /v1/subscriptions/sub_1',
      'POST /v1/subscription_schedules',
      'POST /v1/subscription_schedules/sub_sched_1',
    ]);
    const create = request('POST', '/v1/subscription_schedules');
    expect(create.params).toEqual({ from_subscription: 'sub_1' });
    expect(create.idempotencyKey).toBe('k-down:schedule');
    const phases = request('POST', '/v1/subscription_schedules/sub_sched_1');
    expect(phases.params).toEqual({
      end_behavior: 'release',
      'phases[0][items][0][price]': 'price_business_m',
      'phases[0][items][0][quantity]': '1',
      'phases[0][start_date]': String(PERIOD_START),
      'phases[0][end_date]': String(PERIOD_END),
      'phases[1][items][0][price]': 'price_starter_y',
      'phases[1][items][0][quantity]': '1',
      'phases[1][duration][interval]': 'year',
      'phases[1][duration][interval_count]': '1',
    });
    expect(phases.idempotencyKey).toBe('k-down:phases');
  });

  it('rewrites the schedule already waiting rather than making a second one', async () => {
    routes['GET /v1/subscriptions/sub_1'] = {
      body: subscriptionJson({ price: PRICES.ENTERPRISE.MONTHLY, schedule: 'sub_sched_1' }),
    };
    routes['GET /v1/subscription_schedules/sub_sched_1'] = { body: scheduleJson() };
    routes['POST /v1/subscription_schedules/sub_sched_1'] = { body: scheduleJson() };
    await provider.changePlan({
      subscriptionId: 'sub_1',
      tier: 'STARTER',
      interval: 'MONTHLY',
      when: 'period_end',
      idempotencyKey: 'k-down2',
    });
    expect(calls()).toEqual([
      'GET /v1/subscriptions/sub_1',
      'GET /v1/subscription_schedules/sub_sched_1',
      'POST /v1/subscription_schedules/sub_sched_1',
    ]);
    expect(request('POST', '/v1/subscription_schedules/sub_sched_1').params).toMatchObject({
      'phases[0][items][0][price]': 'price_enterprise_m',
      'phases[1][items][0][price]': 'price_starter_m',
      'phases[1][duration][interval]': 'month',
    });
  });

  it('drops a waiting change by releasing its schedule, and does nothing when none waits', async () => {
    routes['GET /v1/subscriptions/sub_1'] = { body: subscriptionJson({ schedule: 'sub_sched_1' }) };
    routes['POST /v1/subscription_schedules/sub_sched_1/release'] = { body: scheduleJson() };
    await provider.dropScheduledChange({ subscriptionId: 'sub_1', idempotencyKey: 'k-keep' });
    expect(request('POST', '/v1/subscription_schedules/sub_sched_1/release').idempotencyKey).toBe('k-keep');

    fake.requests.length = 0;
    routes['GET /v1/subscriptions/sub_1'] = { body: subscriptionJson() };
    await provider.dropScheduledChange({ subscriptionId: 'sub_1', idempotencyKey: 'k-keep' });
    expect(calls()).toEqual(['GET /v1/subscriptions/sub_1']);
  });
});

describe('cancellation', () => {
  it('cancels at the period’s end, releasing a waiting change first', async () => {
    routes['GET /v1/subscriptions/sub_1'] = { body: subscriptionJson({ schedule: 'sub_sched_1' }) };
    routes['POST /v1/subscription_schedules/sub_sched_1/release'] = { body: scheduleJson() };
    routes['POST /v1/subscriptions/sub_1'] = { body: subscriptionJson({ cancelAtPeriodEnd: true }) };
    const sub = await provider.cancel({ subscriptionId: 'sub_1', atPeriodEnd: true, idempotencyKey: 'k-cancel' });
    expect(sub.cancelAtPeriodEnd).toBe(true);
    expect(calls()).toEqual([
      'GET /v1/subscriptions/sub_1',
      'POST /v1/subscription_schedules/sub_sched_1/release',
      'POST /v1/subscriptions/sub_1',
    ]);
    const update = request('POST', '/v1/subscriptions/sub_1');
    expect(update.params).toEqual({ cancel_at_period_end: 'true' });
    expect(update.idempotencyKey).toBe('k-cancel');
    expect(request('POST', '/v1/subscription_schedules/sub_sched_1/release').idempotencyKey).toBe('k-cancel:release');
  });

  it('cancels now with a DELETE, and a retry on a cancelled subscription sends nothing more', async () => {
    routes['GET /v1/subscriptions/sub_1'] = { body: subscriptionJson() };
    routes['DELETE /v1/subscriptions/sub_1'] = { body: subscriptionJson({ status: 'canceled' }) };
    const sub = await provider.cancel({ subscriptionId: 'sub_1', atPeriodEnd: false, idempotencyKey: 'k-now' });
    expect(sub.status).toBe('CANCELLED');
    expect(calls()).toEqual(['GET /v1/subscriptions/sub_1', 'DELETE /v1/subscriptions/sub_1']);
    // Stripe ignores idempotency keys on DELETE; the adapter sends none rather than pretend.
    expect(request('DELETE', '/v1/subscriptions/sub_1').idempotencyKey).toBeUndefined();

    fake.requests.length = 0;
    routes['GET /v1/subscriptions/sub_1'] = { body: subscriptionJson({ status: 'canceled' }) };
    const again = await provider.cancel({ subscriptionId: 'sub_1', atPeriodEnd: false, idempotencyKey: 'k-now' });
    expect(again.status).toBe('CANCELLED');
    expect(calls()).toEqual(['GET /v1/subscriptions/sub_1']);
  });

  it('reactivates by clearing cancel_at_period_end', async () => {
    routes['POST /v1/subscriptions/sub_1'] = { body: subscriptionJson() };
    const sub = await provider.reactivate({ subscriptionId: 'sub_1', idempotencyKey: 'k-back' });
    expect(sub.cancelAtPeriodEnd).toBe(false);
    const update = request('POST', '/v1/subscriptions/sub_1');
    expect(update.params).toEqual({ cancel_at_period_end: 'false' });
    expect(update.idempotencyKey).toBe('k-back');
  });
});

describe('overage', () => {
  it('adds an invoice item in euro cents to the subscription’s next invoice', async () => {
    routes['POST /v1/invoiceitems'] = { body: { id: 'ii_1', object: 'invoiceitem' } };
    await provider.reportOverage({
      customerId: 'cus_1',
      subscriptionId: 'sub_1',
      description: 'SMS beyond the plan',
      amountCents: 1234,
      idempotencyKey: 'k-overage',
    });
    const req = request('POST', '/v1/invoiceitems');
    expect(req.params).toEqual({
      customer: 'cus_1',
      subscription: 'sub_1',
      amount: '1234',
      currency: 'eur',
      description: 'SMS beyond the plan',
    });
    expect(req.idempotencyKey).toBe('k-overage');
  });
});

describe('billing now', () => {
  it('invoices the lines on their own (nothing else pending), in euro cents, and finalizes so Stripe charges it', async () => {
    routes['POST /v1/invoices'] = { body: { id: 'in_now', object: 'invoice', status: 'draft' } };
    routes['POST /v1/invoiceitems'] = { body: { id: 'ii_1', object: 'invoiceitem' } };
    routes['POST /v1/invoices/in_now/finalize'] = { body: { id: 'in_now', object: 'invoice', status: 'open' } };
    await provider.billNow({
      customerId: 'cus_1',
      lines: [
        { description: 'Phone numbers', amountCents: 500 },
        { description: 'SMS beyond the plan', amountCents: 240 },
      ],
      idempotencyKey: 'k-bill',
    });
    expect(calls()).toEqual([
      'POST /v1/invoices',
      'POST /v1/invoiceitems',
      'POST /v1/invoiceitems',
      'POST /v1/invoices/in_now/finalize',
    ]);
    const [create, first, second, finalize] = fake.requests;
    expect(create!.params).toEqual({
      customer: 'cus_1',
      currency: 'eur',
      collection_method: 'charge_automatically',
      pending_invoice_items_behavior: 'exclude',
      auto_advance: 'true',
    });
    expect(first!.params).toEqual({
      customer: 'cus_1',
      invoice: 'in_now',
      amount: '500',
      currency: 'eur',
      description: 'Phone numbers',
    });
    expect(second!.params).toMatchObject({ invoice: 'in_now', amount: '240', description: 'SMS beyond the plan' });
    expect(finalize!.params).toEqual({ auto_advance: 'true' });
    // Each write under its own key from the caller's: a retry of the whole job repeats none of them.
    expect(fake.requests.map((r) => r.idempotencyKey)).toEqual([
      'k-bill:invoice',
      'k-bill:line:0',
      'k-bill:line:1',
      'k-bill:finalize',
    ]);
  });

  it('a line Stripe refuses stops before the invoice is finalized, so nothing half-made is charged', async () => {
    routes['POST /v1/invoices'] = { body: { id: 'in_now', object: 'invoice', status: 'draft' } };
    routes['POST /v1/invoiceitems'] = stripeError(400, { type: 'invalid_request_error' });
    const error = await provider
      .billNow({
        customerId: 'cus_1',
        lines: [{ description: 'Phone numbers', amountCents: 500 }],
        idempotencyKey: 'k',
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'INVALID_REQUEST' });
    expect(calls()).toEqual(['POST /v1/invoices', 'POST /v1/invoiceitems']);
  });
});

describe('retries', () => {
  it('retries a 500 under the same idempotency key, so Stripe does the write once', async () => {
    const retrying = createStripeProvider({
      secretKey: 'sk_test_fake',
      webhookSecret: 'whsec_fake',
      prices: PRICES,
      apiBaseUrl: fake.url,
      maxNetworkRetries: 1,
    });
    let attempts = 0;
    routes['POST /v1/invoiceitems'] = () =>
      ++attempts === 1 ? stripeError(500, { type: 'api_error' }) : { body: { id: 'ii_1', object: 'invoiceitem' } };
    await retrying.reportOverage({
      customerId: 'cus_1',
      subscriptionId: 'sub_1',
      description: 'Call minutes beyond the plan',
      amountCents: 300,
      idempotencyKey: 'k-once',
    });
    expect(fake.requests.map((r) => r.idempotencyKey)).toEqual(['k-once', 'k-once']);
  });
});
