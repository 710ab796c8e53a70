import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Account, call, expectError, registerUser } from '../helpers/auth-flows.js';
import {
  advance,
  createBillingTestApp,
  DAY_MS,
  getSubscription,
  recordUsage,
  runDueJobs,
  setSubscriptionRow,
  subscriptionRowOf,
} from '../helpers/billing-flows.js';
import { buyNumber } from '../helpers/numbers-flows.js';
import {
  addCardRequest,
  callsSince,
  cardholder,
  createStripeTestApp,
  listCards,
  listCardsRequest,
  PRICE_IDS,
  providerUsageJobsOf,
  PUBLISHABLE_KEY,
  removeCardRequest,
  requestsSince,
  saveCard,
  setDefaultRequest,
  setupIntentRequest,
  startCardSetup,
  type StripeTestApp,
  stripeSubscriber,
  subscribeRequest,
  userCall,
} from '../helpers/stripe-flows.js';
import type { TestApp } from '../helpers/test-app.js';

/*
 * Paid plans through Stripe (BILLING=stripe): cards saved with a SetupIntent,
 * subscriptions started, changed and cancelled at Stripe under the user's
 * lock, Stripe's answer mirrored into our row. Stripe is the Stripe double,
 * reached by the real SDK; every test reads both what Stripe was asked
 * (and with which Idempotency-Key) and what the user sees.
 */

const START = '2031-04-10T09:00:00.000Z';
const PERIOD_END = '2031-05-10T09:00:00.000Z';
const unix = (iso: string) => Date.parse(iso) / 1000;

let t: StripeTestApp;
beforeAll(async () => {
  t = await createStripeTestApp(START);
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => {
  t.clock.now = new Date(START);
  t.stripe.recover();
});

const changePlanRequest = (user: Account, payload: object) => userCall(t, user, 'PUT', '/api/billing/upgrade', payload);
const cancelRequest = (user: Account, payload?: object) => userCall(t, user, 'POST', '/api/billing/cancel', payload);

describe('Stripe takes payment', () => {
  it('the plans say so with the publishable key for the card form, and the subscription says provider stripe', async () => {
    const plans = await call(t, 'GET', '/api/billing/plans');
    expect(plans.statusCode, plans.body).toBe(200);
    expect(plans.json().payments).toEqual({ provider: 'stripe', stripePublishableKey: PUBLISHABLE_KEY });
    const user = await registerUser(t);
    expect(await getSubscription(t, user.accessToken)).toMatchObject({ tier: 'FREE', provider: 'stripe' });
  });
});

describe('cards', () => {
  it('a SetupIntent makes the Stripe customer once, keyed on the user, and hands back its client secret', async () => {
    const user = await registerUser(t, { firstName: 'Ada', lastName: 'Lovelace' });
    const from = t.stripe.requests.length;
    // Two card forms opened at once (two tabs): one customer.
    const [first, second] = await Promise.all([setupIntentRequest(t, user), setupIntentRequest(t, user)]);
    const third = await setupIntentRequest(t, user);
    for (const res of [first!, second!, third]) expect(res.statusCode, res.body).toBe(201);

    const customers = [...t.stripe.customers.values()].filter((c) => c.metadata.userId === user.id);
    expect(customers).toHaveLength(1);
    const customer = customers[0]!;
    expect(customer).toMatchObject({ email: user.email, name: 'Ada Lovelace' });
    expect((await subscriptionRowOf(t, user.id))!.stripeCustomerId).toBe(customer.id);
    const creates = requestsSince(t, from).filter((r) => r.method === 'POST' && r.path === '/v1/customers');
    expect(creates.length).toBeGreaterThan(0);
    for (const create of creates) expect(create.idempotencyKey).toBe(`customer:${user.id}`);

    const intents = requestsSince(t, from).filter((r) => r.path === '/v1/setup_intents');
    expect(intents).toHaveLength(3);
    for (const intent of intents) {
      expect(intent.params).toMatchObject({ customer: customer.id, usage: 'off_session' });
    }
    // A secret per form, each from Stripe.
    const secrets = [first!, second!, third].map((res) => res.json().clientSecret as string);
    expect(new Set(secrets).size).toBe(3);
    for (const secret of secrets) expect(secret).toMatch(/^seti_\w+_secret_/);
  });

  it('the first card becomes the default even unasked; a second one only when asked', async () => {
    const user = await registerUser(t);
    expect(await listCards(t, user)).toEqual([]);
    const customerId = await startCardSetup(t, user);
    const first = t.stripe.createCard(customerId, { last4: '4242' });
    const added = await addCardRequest(t, user, first, false);
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toEqual({
      id: first,
      brand: 'visa',
      last4: '4242',
      expMonth: 12,
      expYear: 2040,
      isDefault: true,
    });
    expect(t.stripe.customers.get(customerId)!.defaultPaymentMethod).toBe(first);

    const second = t.stripe.createCard(customerId, { last4: '0005' });
    const res = await addCardRequest(t, user, second);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ id: second, isDefault: false });
    expect(t.stripe.customers.get(customerId)!.defaultPaymentMethod).toBe(first);

    const third = t.stripe.createCard(customerId, { last4: '1881' });
    expect((await addCardRequest(t, user, third, true)).json()).toMatchObject({ id: third, isDefault: true });

    const cards = await listCards(t, user);
    expect(cards.map((c) => [c.last4, c.isDefault]).sort()).toEqual([
      ['0005', false],
      ['1881', true],
      ['4242', false],
    ]);
  });

  it('sets another card as the default, at Stripe', async () => {
    const { user, customerId, card } = await cardholder(t);
    const other = await saveCard(t, user, { last4: '0005' });
    expect(other.isDefault).toBe(false);

    const res = await setDefaultRequest(t, user, other.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: other.id, last4: '0005', isDefault: true });
    expect(t.stripe.customers.get(customerId)!.defaultPaymentMethod).toBe(other.id);
    const cards = await listCards(t, user);
    expect(cards.find((c) => c.id === card.id)!.isDefault).toBe(false);
    expect(cards.find((c) => c.id === other.id)!.isDefault).toBe(true);
  });

  it('removes a card: detached at Stripe and gone from the list', async () => {
    const { user, card } = await cardholder(t);
    const other = await saveCard(t, user, { last4: '0005' });
    const res = await removeCardRequest(t, user, other.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ success: true });
    expect(t.stripe.cards.get(other.id)).toMatchObject({ customer: null, detached: true });
    expect((await listCards(t, user)).map((c) => c.id)).toEqual([card.id]);
  });

  it('removing the default card leaves the plan another card to renew with', async () => {
    const { user, customerId, card } = await cardholder(t);
    const other = await saveCard(t, user, { last4: '0005' });
    expect((await subscribeRequest(t, user, { tier: 'STARTER' })).statusCode).toBe(201);

    const res = await removeCardRequest(t, user, card.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(await listCards(t, user)).toEqual([expect.objectContaining({ id: other.id, isDefault: true })]);
    expect(t.stripe.customers.get(customerId)!.defaultPaymentMethod).toBe(other.id);
  });

  it("another user's card is not found: not made default, not removed, still its owner's", async () => {
    const owner = await cardholder(t);
    const other = await cardholder(t);
    const from = t.stripe.requests.length;
    expectError(await setDefaultRequest(t, other.user, owner.card.id), 404, 'NOT_FOUND');
    expectError(await removeCardRequest(t, other.user, owner.card.id), 404, 'NOT_FOUND');
    // Nor taken over: Stripe refuses to attach a card that is someone else's.
    const taken = await addCardRequest(t, other.user, owner.card.id);
    expect(taken.statusCode, taken.body).toBeGreaterThanOrEqual(400);
    expect(taken.statusCode).toBeLessThan(500);

    expect(t.stripe.cards.get(owner.card.id)).toMatchObject({ customer: owner.customerId, detached: false });
    expect(t.stripe.customers.get(owner.customerId)!.defaultPaymentMethod).toBe(owner.card.id);
    expect(t.stripe.customers.get(other.customerId)!.defaultPaymentMethod).toBe(other.card.id);
    // Nor paid with.
    expectError(
      await subscribeRequest(t, other.user, { tier: 'STARTER', paymentMethodId: owner.card.id }),
      404,
      'NOT_FOUND',
    );
    expect(callsSince(t, from)).not.toContain('POST /v1/subscriptions');
    expect(callsSince(t, from)).not.toContain(`POST /v1/payment_methods/${owner.card.id}/detach`);
    expect((await listCards(t, owner.user)).map((c) => c.id)).toEqual([owner.card.id]);
  });

  it('the last card cannot go while a paid plan renews with it (409 LAST_PAYMENT_METHOD); once the plan ends, it can', async () => {
    const { user, card, stripeSubscriptionId } = await stripeSubscriber(t, 'STARTER');
    const from = t.stripe.requests.length;
    const refused = expectError(await removeCardRequest(t, user, card.id), 409, 'CONFLICT');
    expect(refused.details).toEqual([expect.objectContaining({ code: 'LAST_PAYMENT_METHOD' })]);
    expect(callsSince(t, from).filter((c) => c.endsWith('/detach'))).toEqual([]);
    expect(t.stripe.cards.get(card.id)!.customer).not.toBeNull();

    // Set to end with the period: nothing left to renew.
    expect((await cancelRequest(user)).statusCode).toBe(200);
    expect(t.stripe.subscriptions.get(stripeSubscriptionId)!.cancelAtPeriodEnd).toBe(true);
    const res = await removeCardRequest(t, user, card.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(await listCards(t, user)).toEqual([]);
  });

  it('a user who never set a card up: an empty list without asking Stripe, and no card to change', async () => {
    const user = await registerUser(t);
    const from = t.stripe.requests.length;
    expect(await listCards(t, user)).toEqual([]);
    expectError(await setDefaultRequest(t, user, 'pm_unknown'), 404, 'NOT_FOUND');
    expectError(await removeCardRequest(t, user, 'pm_unknown'), 404, 'NOT_FOUND');
    expect(requestsSince(t, from)).toEqual([]);
  });

  it('Stripe unreachable while listing cards: 502 PROVIDER_UNAVAILABLE, with none of Stripe’s words', async () => {
    const { user } = await cardholder(t);
    t.stripe.fail();
    const res = expectError(await listCardsRequest(t, user), 502, 'PROVIDER_UNAVAILABLE');
    expect(JSON.stringify(res)).not.toContain('STRIPE-OWN-WORDS');
  });
});

describe('subscribing', () => {
  it('without any card: 402 PAYMENT_METHOD_REQUIRED, no subscription asked of Stripe, still FREE', async () => {
    const user = await registerUser(t);
    const from = t.stripe.requests.length;
    const res = expectError(await subscribeRequest(t, user, { tier: 'STARTER' }), 402, 'PAYMENT_METHOD_REQUIRED');
    expect(res.details).toEqual([expect.objectContaining({ code: 'PAYMENT_METHOD_REQUIRED' })]);
    expect(callsSince(t, from).filter((c) => c.includes('/v1/subscriptions'))).toEqual([]);
    expect(await subscriptionRowOf(t, user.id)).toMatchObject({ tier: 'FREE', stripeSubscriptionId: null });
  });

  it('with a card: a Stripe subscription on the plan’s price that fails rather than stays unpaid, mirrored into our row', async () => {
    const { user, customerId, card } = await cardholder(t);
    const from = t.stripe.requests.length;
    const res = await subscribeRequest(t, user, { tier: 'BUSINESS', interval: 'MONTHLY' });
    expect(res.statusCode, res.body).toBe(201);

    const creates = requestsSince(t, from).filter((r) => r.method === 'POST' && r.path === '/v1/subscriptions');
    expect(creates).toHaveLength(1);
    expect(creates[0]!.params).toEqual({
      customer: customerId,
      'items[0][price]': PRICE_IDS.BUSINESS.MONTHLY,
      'items[0][quantity]': '1',
      payment_behavior: 'error_if_incomplete',
    });
    const row = await subscriptionRowOf(t, user.id);
    expect(creates[0]!.idempotencyKey).toMatch(new RegExp(`^subscribe:${row!.id}:`));
    const [stripeSub] = [...t.stripe.subscriptions.values()].filter((s) => s.customer === customerId);
    expect(stripeSub).toMatchObject({ status: 'active', price: PRICE_IDS.BUSINESS.MONTHLY });
    // Charged to the default card, the first period paid.
    expect(t.stripe.invoices.get(stripeSub!.latestInvoice!)).toMatchObject({ status: 'paid' });
    expect(t.stripe.customers.get(customerId)!.defaultPaymentMethod).toBe(card.id);

    expect(row).toMatchObject({
      tier: 'BUSINESS',
      interval: 'MONTHLY',
      status: 'ACTIVE',
      amountCents: 3500,
      stripeCustomerId: customerId,
      stripeSubscriptionId: stripeSub!.id,
    });
    expect(res.json()).toEqual({
      id: row!.id,
      tier: 'BUSINESS',
      status: 'ACTIVE',
      interval: 'MONTHLY',
      currentPeriodStart: START,
      currentPeriodEnd: PERIOD_END,
      cancelAtPeriodEnd: false,
      cancelledAt: null,
      scheduledChange: null,
      amountCents: 3500,
      currency: 'EUR',
      pastDue: null,
      provider: 'stripe',
    });
    expect(stripeSub).toMatchObject({ periodStart: unix(START), periodEnd: unix(PERIOD_END) });
  });

  it('on an annual plan with the card the form just saved: charged to it, and it is the card renewals charge', async () => {
    const user = await registerUser(t);
    const customerId = await startCardSetup(t, user);
    const other = await saveCard(t, user, { last4: '0005' });
    // Saved by Stripe Elements (attached by the SetupIntent) and named when subscribing, not made default before.
    const pm = t.stripe.createCard(customerId);
    const from = t.stripe.requests.length;
    const res = await subscribeRequest(t, user, { tier: 'STARTER', interval: 'ANNUAL', paymentMethodId: pm });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      tier: 'STARTER',
      interval: 'ANNUAL',
      amountCents: 14_400,
      currentPeriodEnd: '2032-04-10T09:00:00.000Z',
    });
    const create = requestsSince(t, from).find((r) => r.method === 'POST' && r.path === '/v1/subscriptions')!;
    expect(create.params).toMatchObject({ 'items[0][price]': PRICE_IDS.STARTER.ANNUAL });
    const stripeSub = t.stripe.subscriptions.get((await subscriptionRowOf(t, user.id))!.stripeSubscriptionId!)!;
    expect(t.stripe.invoices.get(stripeSub.latestInvoice!)).toMatchObject({ status: 'paid', paidWith: pm });
    const cards = await listCards(t, user);
    expect(cards.find((c) => c.id === pm)!.isDefault).toBe(true);
    expect(cards.find((c) => c.id === other.id)!.isDefault).toBe(false);
  });

  it('the card made default after subscribing with another is the one the renewal charges', async () => {
    const user = await registerUser(t);
    const customerId = await startCardSetup(t, user);
    const chosen = t.stripe.createCard(customerId);
    expect((await subscribeRequest(t, user, { tier: 'STARTER', paymentMethodId: chosen })).statusCode).toBe(201);
    const stripeSubscriptionId = (await subscriptionRowOf(t, user.id))!.stripeSubscriptionId!;
    const other = await saveCard(t, user, { last4: '0005' });
    expect((await setDefaultRequest(t, user, other.id)).statusCode).toBe(200);

    // "Charge renewals to this card": the first card has since stopped working.
    t.stripe.declineCard(chosen);
    t.clock.now = new Date(PERIOD_END);
    const { invoiceId } = t.stripe.renew(stripeSubscriptionId);
    expect(t.stripe.invoices.get(invoiceId!)).toMatchObject({ status: 'paid', paidWith: other.id });
    expect(t.stripe.subscriptions.get(stripeSubscriptionId)!.status).toBe('active');
  });

  it('a declined card: 402 PAYMENT_FAILED (CARD_DECLINED), no subscription at Stripe, still FREE', async () => {
    const { user, customerId } = await cardholder(t, { declines: true });
    const res = expectError(await subscribeRequest(t, user, { tier: 'STARTER' }), 402, 'PAYMENT_FAILED');
    expect(res.details).toEqual([expect.objectContaining({ code: 'CARD_DECLINED' })]);
    expect(JSON.stringify(res)).not.toContain('STRIPE-OWN-WORDS');
    expect([...t.stripe.subscriptions.values()].filter((s) => s.customer === customerId)).toEqual([]);
    expect(await subscriptionRowOf(t, user.id)).toMatchObject({
      tier: 'FREE',
      status: 'ACTIVE',
      stripeSubscriptionId: null,
    });
    expect(await getSubscription(t, user.accessToken)).toMatchObject({ tier: 'FREE', amountCents: 0 });
  });

  it('Stripe failing (500): the SDK retries under the same key, then 502 PROVIDER_UNAVAILABLE, still FREE', async () => {
    const { user, customerId } = await cardholder(t);
    t.stripe.fail((req) => req.path === '/v1/subscriptions');
    const from = t.stripe.requests.length;
    expectError(await subscribeRequest(t, user, { tier: 'STARTER' }), 502, 'PROVIDER_UNAVAILABLE');
    const attempts = requestsSince(t, from).filter((r) => r.path === '/v1/subscriptions');
    expect(attempts.length).toBeGreaterThan(1);
    expect(new Set(attempts.map((a) => a.idempotencyKey)).size).toBe(1);
    expect([...t.stripe.subscriptions.values()].filter((s) => s.customer === customerId)).toEqual([]);
    expect(await subscriptionRowOf(t, user.id)).toMatchObject({ tier: 'FREE', stripeSubscriptionId: null });

    // Stripe back: the user tries again and it works.
    t.stripe.recover();
    expect((await subscribeRequest(t, user, { tier: 'STARTER' })).statusCode).toBe(201);
  });

  it('the FREE period it ends owes its number: reported to Stripe for the new subscription’s next invoice', async () => {
    const holder = await cardholder(t);
    await buyNumber(t, holder.user.accessToken);
    const user = await advance(t, holder.user, 3 * DAY_MS);
    const res = await subscribeRequest(t, user, { tier: 'STARTER' });
    expect(res.statusCode, res.body).toBe(201);
    const stripeSubscriptionId = (await subscriptionRowOf(t, user.id))!.stripeSubscriptionId!;
    const [job] = await providerUsageJobsOf(t, user.id);
    expect(job?.payload).toMatchObject({
      customerId: holder.customerId,
      providerSubscriptionId: stripeSubscriptionId,
      from: START,
      to: t.clock.now.toISOString(),
    });
    await runDueJobs(t);
    const items = t.stripe.invoiceItems.filter((i) => i.customer === holder.customerId);
    expect(items.map((i) => [i.subscription, i.description, i.amount])).toEqual([
      [stripeSubscriptionId, 'Phone numbers', 500],
    ]);
    expect(items[0]!.invoice).toBeNull();
  });

  it('subscribe pressed twice at once: one Stripe subscription, the other press refused', async () => {
    const { user, customerId } = await cardholder(t);
    const results = await Promise.all([
      subscribeRequest(t, user, { tier: 'STARTER' }),
      subscribeRequest(t, user, { tier: 'STARTER' }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect([...t.stripe.subscriptions.values()].filter((s) => s.customer === customerId)).toHaveLength(1);
  });

  it('already on a paid plan: 409 ALREADY_SUBSCRIBED, no second Stripe subscription', async () => {
    const { user, customerId } = await stripeSubscriber(t, 'STARTER');
    const res = expectError(await subscribeRequest(t, user, { tier: 'BUSINESS' }), 409, 'CONFLICT');
    expect(res.details).toEqual([expect.objectContaining({ code: 'ALREADY_SUBSCRIBED' })]);
    expect([...t.stripe.subscriptions.values()].filter((s) => s.customer === customerId)).toHaveLength(1);
  });

  it('unpaid beyond the grace (limits down to FREE’s), the plan still runs at Stripe: no second subscription', async () => {
    const { user, customerId } = await stripeSubscriber(t, 'STARTER');
    await setSubscriptionRow(t, user.id, { status: 'PAST_DUE', pastDueAt: new Date(Date.parse(START) - 8 * DAY_MS) });
    expect((await getSubscription(t, user.accessToken)).status).toBe('PAST_DUE');
    const res = expectError(await subscribeRequest(t, user, { tier: 'STARTER' }), 409, 'CONFLICT');
    expect(res.details).toEqual([expect.objectContaining({ code: 'ALREADY_SUBSCRIBED' })]);
    expect([...t.stripe.subscriptions.values()].filter((s) => s.customer === customerId)).toHaveLength(1);
    // And it can still be cancelled, so Stripe stops trying to charge it.
    const cancelled = await cancelRequest(user, { cancelAtPeriodEnd: false });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ tier: 'FREE', status: 'ACTIVE', pastDue: null });
    expect([...t.stripe.subscriptions.values()].find((s) => s.customer === customerId)!.status).toBe('canceled');
  });
});

describe('plan changes', () => {
  it('up now: the item’s price replaced, the proration invoiced and charged at once; same period, new plan', async () => {
    const subscriber = await stripeSubscriber(t, 'STARTER');
    const { stripeSubscriptionId } = subscriber;
    const user = await advance(t, subscriber.user, 15 * DAY_MS);
    const from = t.stripe.requests.length;
    const res = await changePlanRequest(user, { tier: 'BUSINESS' });
    expect(res.statusCode, res.body).toBe(200);

    const update = requestsSince(t, from).find(
      (r) => r.method === 'POST' && r.path === `/v1/subscriptions/${stripeSubscriptionId}`,
    )!;
    const stripeSub = t.stripe.subscriptions.get(stripeSubscriptionId)!;
    expect(update.params).toEqual({
      'items[0][id]': stripeSub.itemId,
      'items[0][price]': PRICE_IDS.BUSINESS.MONTHLY,
      proration_behavior: 'always_invoice',
      payment_behavior: 'error_if_incomplete',
    });
    // Half the period left: 1750 for BUSINESS less 750 back for STARTER, paid now.
    const proration = t.stripe.invoices.get(stripeSub.latestInvoice!)!;
    expect(proration).toMatchObject({ status: 'paid', billingReason: 'subscription_update' });
    expect(proration.lines.map((l) => l.amount)).toEqual([-750, 1750]);

    expect(res.json()).toMatchObject({
      effective: 'NOW',
      prorationCents: 1000,
      invoiceId: null,
      subscription: {
        tier: 'BUSINESS',
        amountCents: 3500,
        currentPeriodStart: START,
        currentPeriodEnd: PERIOD_END,
        scheduledChange: null,
        provider: 'stripe',
      },
    });
    expect(await subscriptionRowOf(t, user.id)).toMatchObject({ tier: 'BUSINESS', stripeSubscriptionId });
  });

  it('a preview says what a change would cost and changes nothing, at Stripe or here', async () => {
    const subscriber = await stripeSubscriber(t, 'STARTER');
    const user = await advance(t, subscriber.user, 15 * DAY_MS);
    const from = t.stripe.requests.length;
    const res = await changePlanRequest(user, { tier: 'BUSINESS', preview: true });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ effective: 'NOW', prorationCents: 1000, subscription: { tier: 'STARTER' } });
    expect(requestsSince(t, from).filter((r) => r.method !== 'GET')).toEqual([]);
    expect(t.stripe.subscriptions.get(subscriber.stripeSubscriptionId)!.price).toBe(PRICE_IDS.STARTER.MONTHLY);
    expect((await subscriptionRowOf(t, user.id))!.tier).toBe('STARTER');
  });

  it('up to an annual plan: a yearly period from today, and the month cut short reported with what it used', async () => {
    const subscriber = await stripeSubscriber(t, 'STARTER');
    await recordUsage(t, subscriber.user.id, 'SMS_SENT', 510, { totalCost: 1 });
    const user = await advance(t, subscriber.user, 10 * DAY_MS);
    const now = t.clock.now.toISOString();
    const res = await changePlanRequest(user, { tier: 'BUSINESS', interval: 'ANNUAL' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().subscription).toMatchObject({
      tier: 'BUSINESS',
      interval: 'ANNUAL',
      amountCents: 34_800,
      currentPeriodStart: now,
      currentPeriodEnd: '2032-04-20T09:00:00.000Z',
    });
    const [job] = (await providerUsageJobsOf(t, user.id)).filter((j) => j.payload.to === now);
    expect(job?.payload).toMatchObject({
      providerSubscriptionId: subscriber.stripeSubscriptionId,
      from: START,
      to: now,
    });
    await runDueJobs(t);
    expect(
      t.stripe.invoiceItems
        .filter((i) => i.subscription === subscriber.stripeSubscriptionId)
        .map((i) => [i.description, i.amount]),
    ).toEqual([['SMS beyond the plan', 100]]);
  });

  it('up with a declined card: 402 PAYMENT_FAILED, still on the old plan at Stripe and with us', async () => {
    const { user, card, stripeSubscriptionId } = await stripeSubscriber(t, 'STARTER');
    t.stripe.declineCard(card.id);
    expectError(await changePlanRequest(user, { tier: 'ENTERPRISE' }), 402, 'PAYMENT_FAILED');
    expect(t.stripe.subscriptions.get(stripeSubscriptionId)!.price).toBe(PRICE_IDS.STARTER.MONTHLY);
    expect(await subscriptionRowOf(t, user.id)).toMatchObject({ tier: 'STARTER', amountCents: 1500 });
  });

  it('down at the period’s end through a schedule: this plan until then, the new one after; scheduledChange says so', async () => {
    const { user, stripeSubscriptionId } = await stripeSubscriber(t, 'BUSINESS');
    const from = t.stripe.requests.length;
    const res = await changePlanRequest(user, { tier: 'STARTER' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      effective: 'PERIOD_END',
      subscription: {
        tier: 'BUSINESS',
        amountCents: 3500,
        scheduledChange: { tier: 'STARTER', interval: 'MONTHLY', at: PERIOD_END },
      },
    });
    const stripeSub = t.stripe.subscriptions.get(stripeSubscriptionId)!;
    expect(stripeSub.price).toBe(PRICE_IDS.BUSINESS.MONTHLY);
    const schedule = t.stripe.schedules.get(stripeSub.schedule!)!;
    expect(schedule).toMatchObject({ status: 'active', endBehavior: 'release' });
    expect(schedule.phases).toEqual([
      { price: PRICE_IDS.BUSINESS.MONTHLY, quantity: 1, start: unix(START), end: unix(PERIOD_END) },
      { price: PRICE_IDS.STARTER.MONTHLY, quantity: 1, start: unix(PERIOD_END), end: unix('2031-06-10T09:00:00.000Z') },
    ]);
    // Nothing charged now.
    expect(callsSince(t, from)).not.toContain(`POST /v1/subscriptions/${stripeSubscriptionId}`);
    expect((await getSubscription(t, user.accessToken)).scheduledChange).toEqual({
      tier: 'STARTER',
      interval: 'MONTHLY',
      at: PERIOD_END,
    });
  });

  it('down is refused while the numbers do not fit the smaller plan (409 TOO_MANY_NUMBERS), nothing scheduled', async () => {
    const { user, stripeSubscriptionId } = await stripeSubscriber(t, 'BUSINESS');
    await buyNumber(t, user.accessToken);
    await buyNumber(t, user.accessToken);
    const res = expectError(await changePlanRequest(user, { tier: 'STARTER' }), 409, 'CONFLICT');
    expect(res.details).toEqual([expect.objectContaining({ field: 'tier', code: 'TOO_MANY_NUMBERS' })]);
    expect(t.stripe.subscriptions.get(stripeSubscriptionId)!.schedule).toBeNull();
    expect((await getSubscription(t, user.accessToken)).scheduledChange).toBeNull();
  });

  it('back to the current plan drops the waiting change: its schedule released, the plan renews as it is', async () => {
    const { user, stripeSubscriptionId } = await stripeSubscriber(t, 'BUSINESS');
    expect((await changePlanRequest(user, { tier: 'STARTER' })).statusCode).toBe(200);
    const scheduleId = t.stripe.subscriptions.get(stripeSubscriptionId)!.schedule!;
    const res = await changePlanRequest(user, { tier: 'BUSINESS' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().subscription).toMatchObject({
      tier: 'BUSINESS',
      scheduledChange: null,
      cancelAtPeriodEnd: false,
    });
    expect(t.stripe.schedules.get(scheduleId)!.status).toBe('released');
    expect(t.stripe.subscriptions.get(stripeSubscriptionId)).toMatchObject({
      schedule: null,
      price: PRICE_IDS.BUSINESS.MONTHLY,
    });
  });

  it('up while a change down waits: the waiting change is gone, at Stripe and on the subscription', async () => {
    const { user, stripeSubscriptionId } = await stripeSubscriber(t, 'BUSINESS');
    expect((await changePlanRequest(user, { tier: 'STARTER' })).statusCode).toBe(200);
    const res = await changePlanRequest(user, { tier: 'ENTERPRISE' });
    expect(res.statusCode, res.body).toBe(200);
    expect(t.stripe.subscriptions.get(stripeSubscriptionId)).toMatchObject({
      schedule: null,
      price: PRICE_IDS.ENTERPRISE.MONTHLY,
    });
    expect(res.json().subscription).toMatchObject({ tier: 'ENTERPRISE', scheduledChange: null });
    expect((await getSubscription(t, user.accessToken)).scheduledChange).toBeNull();
  });

  it('up with a declined card while a change down waits: the change still waits, at Stripe and here', async () => {
    const { user, card, stripeSubscriptionId } = await stripeSubscriber(t, 'BUSINESS');
    expect((await changePlanRequest(user, { tier: 'STARTER' })).statusCode).toBe(200);
    t.stripe.declineCard(card.id);
    expectError(await changePlanRequest(user, { tier: 'ENTERPRISE' }), 402, 'PAYMENT_FAILED');

    expect((await getSubscription(t, user.accessToken)).scheduledChange).toMatchObject({ tier: 'STARTER' });
    const stripeSub = t.stripe.subscriptions.get(stripeSubscriptionId)!;
    expect(stripeSub.price).toBe(PRICE_IDS.BUSINESS.MONTHLY);
    expect(stripeSub.schedule).not.toBeNull();
    expect(t.stripe.schedules.get(stripeSub.schedule!)!.phases.map((p) => p.price)).toEqual([
      PRICE_IDS.BUSINESS.MONTHLY,
      PRICE_IDS.STARTER.MONTHLY,
    ]);
  });

  it('down to FREE cancels at the period’s end; keeping the plan (reactivate) undoes it', async () => {
    const { user, stripeSubscriptionId } = await stripeSubscriber(t, 'STARTER');
    const res = await changePlanRequest(user, { tier: 'FREE' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      effective: 'PERIOD_END',
      subscription: { tier: 'STARTER', cancelAtPeriodEnd: true, currentPeriodEnd: PERIOD_END },
    });
    expect(t.stripe.subscriptions.get(stripeSubscriptionId)).toMatchObject({
      status: 'active',
      cancelAtPeriodEnd: true,
    });

    const from = t.stripe.requests.length;
    const kept = await userCall(t, user, 'POST', '/api/billing/reactivate');
    expect(kept.statusCode, kept.body).toBe(200);
    expect(kept.json()).toMatchObject({ tier: 'STARTER', cancelAtPeriodEnd: false, cancelledAt: null });
    expect(t.stripe.subscriptions.get(stripeSubscriptionId)!.cancelAtPeriodEnd).toBe(false);
    const update = requestsSince(t, from).find((r) => r.method === 'POST')!;
    expect(update.params).toEqual({ cancel_at_period_end: 'false' });
    // Nothing left to undo.
    expectError(await userCall(t, user, 'POST', '/api/billing/reactivate'), 409, 'CONFLICT');
  });

  it('cancel at the period’s end while a change down waits: only the cancellation is left', async () => {
    const { user, stripeSubscriptionId } = await stripeSubscriber(t, 'BUSINESS');
    expect((await changePlanRequest(user, { tier: 'STARTER' })).statusCode).toBe(200);
    const res = await cancelRequest(user);
    expect(res.statusCode, res.body).toBe(200);
    expect(t.stripe.subscriptions.get(stripeSubscriptionId)).toMatchObject({ schedule: null, cancelAtPeriodEnd: true });
    expect(res.json()).toMatchObject({ tier: 'BUSINESS', cancelAtPeriodEnd: true, scheduledChange: null });
  });

  it('cancel now: deleted at Stripe, FREE at once, and what the cut-short period used billed by a job of its own', async () => {
    const subscriber = await stripeSubscriber(t, 'STARTER');
    const { customerId, stripeSubscriptionId } = subscriber;
    let user = await advance(t, subscriber.user, 60_000);
    await buyNumber(t, user.accessToken);
    // 20 SMS beyond STARTER's 500, at €0.10.
    await recordUsage(t, user.id, 'SMS_SENT', 520, { totalCost: 2 });
    user = await advance(t, user, 10 * DAY_MS);
    const cancelledAt = t.clock.now.toISOString();

    const from = t.stripe.requests.length;
    const res = await cancelRequest(user, { cancelAtPeriodEnd: false });
    expect(res.statusCode, res.body).toBe(200);
    expect(callsSince(t, from)).toContain(`DELETE /v1/subscriptions/${stripeSubscriptionId}`);
    expect(t.stripe.subscriptions.get(stripeSubscriptionId)!.status).toBe('canceled');
    expect(res.json()).toMatchObject({
      tier: 'FREE',
      status: 'ACTIVE',
      amountCents: 0,
      cancelAtPeriodEnd: false,
      cancelledAt,
      currentPeriodStart: cancelledAt,
    });
    expect(await subscriptionRowOf(t, user.id)).toMatchObject({
      stripeSubscriptionId: null,
      stripeCustomerId: customerId,
    });

    const [job] = await providerUsageJobsOf(t, user.id).then((jobs) =>
      jobs.filter((j) => j.payload.providerSubscriptionId === null),
    );
    expect(job?.payload).toMatchObject({ customerId, from: START, to: cancelledAt });
    await runDueJobs(t);

    // An invoice of its own, with only these lines, finalized so Stripe charges it.
    const billed = [...t.stripe.invoices.values()].filter(
      (i) => i.customer === customerId && i.billingReason === 'manual',
    );
    expect(billed).toHaveLength(1);
    expect(billed[0]!.status).toBe('open');
    expect(billed[0]!.lines.map((l) => [l.description, l.amount])).toEqual([
      ['Phone numbers', 500],
      ['SMS beyond the plan', 200],
    ]);
    const invoiceRequests = requestsSince(t, from).filter((r) => r.path === '/v1/invoices');
    expect(invoiceRequests[0]!.params).toMatchObject({
      customer: customerId,
      pending_invoice_items_behavior: 'exclude',
    });

    // The job ran once: run again, nothing more is billed.
    await runDueJobs(t);
    expect(
      [...t.stripe.invoices.values()].filter((i) => i.customer === customerId && i.billingReason === 'manual'),
    ).toHaveLength(1);
  });

  it('cancel now is refused while the numbers do not fit FREE, and nothing is cancelled at Stripe', async () => {
    const { user, stripeSubscriptionId } = await stripeSubscriber(t, 'BUSINESS');
    await buyNumber(t, user.accessToken);
    await buyNumber(t, user.accessToken);
    const res = expectError(await cancelRequest(user, { cancelAtPeriodEnd: false }), 409, 'CONFLICT');
    expect(res.details).toEqual([expect.objectContaining({ code: 'TOO_MANY_NUMBERS' })]);
    expect(t.stripe.subscriptions.get(stripeSubscriptionId)!.status).toBe('active');
  });
});

describe('idempotency keys', () => {
  it('every write a user’s whole journey sends to Stripe carries a key of ours, one per distinct request', async () => {
    const from = t.stripe.requests.length;
    let user = await registerUser(t);
    const first = await saveCard(t, user);
    const second = await saveCard(t, user, { last4: '0005' });
    expect((await setDefaultRequest(t, user, second.id)).statusCode).toBe(200);
    expect((await subscribeRequest(t, user, { tier: 'STARTER' })).statusCode).toBe(201);
    user = await advance(t, user, DAY_MS);
    expect((await changePlanRequest(user, { tier: 'ENTERPRISE' })).statusCode).toBe(200);
    expect((await changePlanRequest(user, { tier: 'BUSINESS' })).statusCode).toBe(200);
    expect((await changePlanRequest(user, { tier: 'STARTER', interval: 'ANNUAL' })).statusCode).toBe(200);
    expect((await changePlanRequest(user, { tier: 'ENTERPRISE' })).statusCode).toBe(200);
    expect((await cancelRequest(user)).statusCode).toBe(200);
    expect((await userCall(t, user, 'POST', '/api/billing/reactivate')).statusCode).toBe(200);
    expect((await removeCardRequest(t, user, first.id)).statusCode).toBe(200);
    expect((await cancelRequest(user, { cancelAtPeriodEnd: false })).statusCode).toBe(200);
    await runDueJobs(t);

    const writes = requestsSince(t, from).filter((r) => r.method === 'POST' || r.method === 'DELETE');
    // Every kind of write the journey makes was made.
    expect(
      new Set(writes.map((w) => `${w.method} ${w.path.replace(/\/(cus|pm|sub|sub_sched|in)_\w+/g, '/:id')}`)),
    ).toEqual(
      new Set([
        'POST /v1/customers',
        'POST /v1/setup_intents',
        'POST /v1/payment_methods/:id/attach',
        'POST /v1/customers/:id',
        'POST /v1/subscriptions',
        'POST /v1/subscriptions/:id',
        'POST /v1/subscription_schedules',
        'POST /v1/subscription_schedules/:id',
        'POST /v1/subscription_schedules/:id/release',
        'POST /v1/payment_methods/:id/detach',
        'DELETE /v1/subscriptions/:id',
      ]),
    );
    for (const write of writes) {
      if (write.method === 'DELETE') {
        // Stripe ignores keys on a DELETE; it has no body to repeat either.
        expect(write.params).toEqual({});
        continue;
      }
      // Ours, not the one stripe-node makes up for a POST sent without: a retry of our action reuses it.
      expect(write.idempotencyKey, `${write.method} ${write.path}`).toBeDefined();
      expect(write.idempotencyKey).not.toMatch(/^stripe-node-retry-/);
    }
    // One key, one request: no two different writes share a key (Stripe would refuse the second).
    const byKey = new Map<string, string>();
    for (const write of writes.filter((w) => w.idempotencyKey)) {
      const request = `${write.path} ${JSON.stringify(write.params)}`;
      expect(byKey.get(write.idempotencyKey!) ?? request, write.idempotencyKey).toBe(request);
      byKey.set(write.idempotencyKey!, request);
    }
  });
});

describe('with local billing', () => {
  let local: TestApp;
  beforeAll(async () => {
    local = await createBillingTestApp(START);
  });
  afterAll(async () => {
    await local?.close();
  });

  it('there are no cards: the list is empty, a card cannot be set up or added (409), nor changed (404)', async () => {
    const user = await registerUser(local);
    const list = await userCall(local, user, 'GET', '/api/billing/payment-methods');
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json()).toEqual([]);
    expectError(await userCall(local, user, 'POST', '/api/billing/payment-methods/setup-intent'), 409, 'CONFLICT');
    expectError(await addCardRequest(local, user, 'pm_1'), 409, 'CONFLICT');
    expectError(await setDefaultRequest(local, user, 'pm_1'), 404, 'NOT_FOUND');
    expectError(await removeCardRequest(local, user, 'pm_1'), 404, 'NOT_FOUND');
  });
});
