import { randomBytes } from 'node:crypto';
import { type PaymentMethod, PLANS, type Subscription } from '@commpro/contracts';
import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { expect } from 'vitest';
import { billingEvents } from '../../src/modules/billing/billing.table.js';
import { notifications } from '../../src/modules/notifications/notifications.table.js';
import { jobs } from '../../src/platform/jobs/jobs.table.js';
import { type Account, registerUser, type Response } from './auth-flows.js';
import { createBillingTestApp, subscriptionRowOf } from './billing-flows.js';
import { type StripeDouble, type StripePrice, startStripeDouble } from './stripe-double.js';
import type { TestApp } from './test-app.js';

/*
 * The app with BILLING=stripe, its Stripe API calls answered by the Stripe
 * double on the app's clock, and what a test needs to act as a user with
 * cards and as Stripe sending webhooks.
 */

export const WEBHOOK_SECRET = 'whsec_commpro_test';
export const PUBLISHABLE_KEY = 'pk_test_commpro';
export const PROVIDER_USAGE_JOB = 'billing.provider-usage';
export const WEBHOOK_PATH = '/api/billing/webhooks/stripe';

export const PRICE_IDS = {
  STARTER: { MONTHLY: 'price_starter_monthly', ANNUAL: 'price_starter_annual' },
  BUSINESS: { MONTHLY: 'price_business_monthly', ANNUAL: 'price_business_annual' },
  ENTERPRISE: { MONTHLY: 'price_enterprise_monthly', ANNUAL: 'price_enterprise_annual' },
} as const;

/** Our plans' prices, as the operator made them in the Stripe dashboard. */
const STRIPE_PRICES: Record<string, StripePrice> = Object.fromEntries(
  (['STARTER', 'BUSINESS', 'ENTERPRISE'] as const).flatMap((tier) => {
    const name = `CommPro ${tier.charAt(0)}${tier.slice(1).toLowerCase()}`;
    return [
      [PRICE_IDS[tier].MONTHLY, { unitAmount: PLANS[tier].monthlyPriceCents, interval: 'month', name }],
      [PRICE_IDS[tier].ANNUAL, { unitAmount: PLANS[tier].annualMonthlyPriceCents * 12, interval: 'year', name }],
    ];
  }),
);

export interface StripeTestApp extends TestApp {
  stripe: StripeDouble;
}

/** The billing test app (clock at `start`) with BILLING=stripe against the Stripe double; VAT 20 % on Stripe's invoices. */
export async function createStripeTestApp(start: string): Promise<StripeTestApp> {
  // The double starts first (the app needs its URL), then reads the app's clock.
  const started: { app?: TestApp } = {};
  const stripe = await startStripeDouble({
    prices: STRIPE_PRICES,
    clock: () => started.app?.clock.now ?? new Date(start),
    taxPercent: 20,
  });
  const t = await createBillingTestApp(start, {
    BILLING: 'stripe',
    STRIPE_SECRET_KEY: 'sk_test_commpro',
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_PUBLISHABLE_KEY: PUBLISHABLE_KEY,
    STRIPE_PRICE_STARTER_MONTHLY: PRICE_IDS.STARTER.MONTHLY,
    STRIPE_PRICE_STARTER_ANNUAL: PRICE_IDS.STARTER.ANNUAL,
    STRIPE_PRICE_BUSINESS_MONTHLY: PRICE_IDS.BUSINESS.MONTHLY,
    STRIPE_PRICE_BUSINESS_ANNUAL: PRICE_IDS.BUSINESS.ANNUAL,
    STRIPE_PRICE_ENTERPRISE_MONTHLY: PRICE_IDS.ENTERPRISE.MONTHLY,
    STRIPE_PRICE_ENTERPRISE_ANNUAL: PRICE_IDS.ENTERPRISE.ANNUAL,
    STRIPE_API_URL: stripe.url,
  }).catch(async (error: unknown) => {
    await stripe.close();
    throw error;
  });
  started.app = t;
  return {
    ...t,
    stripe,
    async close() {
      await t.close();
      await stripe.close();
    },
  };
}

// ---------------------------------------------------------------------------
// Cards, as the web's card form and settings page use them.

const addresses = new Map<string, string>();
/**
 * Each user calls from an address of their own, as real users do: the card
 * routes are limited per address (10 a minute), which one test file's users
 * would otherwise share.
 */
function addressOf(user: Account): string {
  let address = addresses.get(user.id);
  if (!address) {
    const n = addresses.size + 1;
    address = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    addresses.set(user.id, address);
  }
  return address;
}

export function userCall(
  t: TestApp,
  user: Account,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  payload?: unknown,
): Promise<Response> {
  return t.app.inject({
    method,
    url,
    remoteAddress: addressOf(user),
    headers: { authorization: `Bearer ${user.accessToken}` },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

export const setupIntentRequest = (t: TestApp, user: Account) =>
  userCall(t, user, 'POST', '/api/billing/payment-methods/setup-intent');
export const addCardRequest = (t: TestApp, user: Account, paymentMethodId: string, setAsDefault?: boolean) =>
  userCall(t, user, 'POST', '/api/billing/payment-methods', {
    paymentMethodId,
    ...(setAsDefault === undefined ? {} : { setAsDefault }),
  });
export const listCardsRequest = (t: TestApp, user: Account) => userCall(t, user, 'GET', '/api/billing/payment-methods');
export const setDefaultRequest = (t: TestApp, user: Account, id: string) =>
  userCall(t, user, 'PUT', `/api/billing/payment-methods/${id}/default`);
export const removeCardRequest = (t: TestApp, user: Account, id: string) =>
  userCall(t, user, 'DELETE', `/api/billing/payment-methods/${id}`);

export async function listCards(t: TestApp, user: Account): Promise<PaymentMethod[]> {
  const res = await listCardsRequest(t, user);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** The card form's first step: a SetupIntent, which gives the user a Stripe customer. Answers that customer. */
export async function startCardSetup(t: StripeTestApp, user: Account): Promise<string> {
  const res = await setupIntentRequest(t, user);
  expect(res.statusCode, res.body).toBe(201);
  const customerId = (await subscriptionRowOf(t, user.id))?.stripeCustomerId;
  expect(customerId, 'the Stripe customer kept on the subscription').toMatch(/^cus_/);
  return customerId!;
}

/** The whole card form: SetupIntent, the card saved by Stripe Elements, then handed to us. */
export async function saveCard(
  t: StripeTestApp,
  user: Account,
  options: { declines?: boolean; last4?: string; setAsDefault?: boolean } = {},
): Promise<PaymentMethod> {
  const customerId = await startCardSetup(t, user);
  const pm = t.stripe.createCard(customerId, options);
  const res = await addCardRequest(t, user, pm, options.setAsDefault);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

export interface Cardholder {
  user: Account;
  customerId: string;
  card: PaymentMethod;
}

export async function cardholder(t: StripeTestApp, options: { declines?: boolean } = {}): Promise<Cardholder> {
  const user = await registerUser(t);
  const card = await saveCard(t, user, options);
  const customerId = (await subscriptionRowOf(t, user.id))!.stripeCustomerId!;
  return { user, customerId, card };
}

export function subscribeRequest(t: TestApp, user: Account, payload: object): Promise<Response> {
  return userCall(t, user, 'POST', '/api/billing/subscribe', payload);
}

/** A user with a card, on `tier` (monthly) through Stripe; answers the Stripe subscription's id too. */
export async function stripeSubscriber(
  t: StripeTestApp,
  tier: 'STARTER' | 'BUSINESS' | 'ENTERPRISE',
): Promise<Cardholder & { subscription: Subscription; stripeSubscriptionId: string }> {
  const holder = await cardholder(t);
  const res = await subscribeRequest(t, holder.user, { tier });
  expect(res.statusCode, res.body).toBe(201);
  const stripeSubscriptionId = (await subscriptionRowOf(t, holder.user.id))!.stripeSubscriptionId!;
  expect(stripeSubscriptionId).toMatch(/^sub_/);
  return { ...holder, subscription: res.json(), stripeSubscriptionId };
}

/** The requests Stripe received since `from` (an index into the double's record). */
export const requestsSince = (t: StripeTestApp, from: number) => t.stripe.requests.slice(from);
export const callsSince = (t: StripeTestApp, from: number) =>
  requestsSince(t, from).map((r) => `${r.method} ${r.path}`);

// ---------------------------------------------------------------------------
// Webhooks, as Stripe sends them.

/** An event as Stripe sends it; `created` in Unix seconds from the app's clock, as Stripe's clock and ours agree. */
export function stripeEvent(
  type: string,
  object: unknown,
  created: Date,
  id = `evt_${randomBytes(12).toString('hex')}`,
): string {
  return JSON.stringify({
    id,
    object: 'event',
    type,
    created: Math.floor(created.getTime() / 1000),
    api_version: '2026-10-28.endive',
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
  });
}

/**
 * POSTs an event body as Stripe does, signed with stripe-node's own test
 * signer (the signature's time is the real time: Stripe's tolerance is checked
 * against the real clock, not the app's). `signature: null` sends none.
 */
export function postStripeEvent(
  t: TestApp,
  payload: string,
  options: { secret?: string; timestamp?: number; signedPayload?: string; signature?: string | null } = {},
): Promise<Response> {
  const signature =
    options.signature !== undefined
      ? options.signature
      : Stripe.webhooks.generateTestHeaderString({
          payload: options.signedPayload ?? payload,
          secret: options.secret ?? WEBHOOK_SECRET,
          ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
        });
  return t.app.inject({
    method: 'POST',
    url: WEBHOOK_PATH,
    headers: {
      'content-type': 'application/json',
      ...(signature === null ? {} : { 'stripe-signature': signature }),
    },
    payload,
  });
}

/** Sends an event and expects Stripe's delivery to succeed. */
export async function deliver(t: TestApp, payload: string): Promise<void> {
  const res = await postStripeEvent(t, payload);
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json()).toEqual({ received: true });
}

export function billingEventRows(t: TestApp) {
  return t.database.handle.db.select().from(billingEvents);
}

export function billingNotificationsOf(t: TestApp, userId: string) {
  return t.database.handle.db
    .select()
    .from(notifications)
    .where(eq(notifications.userId, userId))
    .then((rows) => rows.filter((row) => row.type === 'BILLING'));
}

export async function providerUsageJobsOf(t: TestApp, userId: string) {
  const rows = await t.database.handle.db.select().from(jobs).where(eq(jobs.kind, PROVIDER_USAGE_JOB));
  return rows.filter((row) => row.payload.userId === userId);
}
