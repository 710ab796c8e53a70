import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { type ProviderStatus, WebhookSignatureError } from '../../src/providers/billing/payment-provider.port.js';
import { createStripeProvider } from '../../src/providers/billing/stripe-provider.js';
import { invoiceJson, PERIOD_END, PERIOD_START, PRICES, subscriptionJson } from './fake-stripe.js';

/*
 * Webhooks signed the way Stripe signs them (stripe-node's own
 * generateTestHeaderString), checked and turned into our BillingEvents.
 */

const SECRET = 'whsec_test_secret';
const provider = createStripeProvider({ secretKey: 'sk_test_fake', webhookSecret: SECRET, prices: PRICES });

const CREATED = Date.UTC(2026, 2, 15, 12) / 1000;

function eventJson(type: string, object: unknown, id = 'evt_1') {
  return JSON.stringify({
    id,
    object: 'event',
    type,
    created: CREATED,
    api_version: '2026-10-28.endive',
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
  });
}

function sign(payload: string, options: { secret?: string; timestamp?: number } = {}): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? SECRET,
    ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
  });
}

function rejected(run: () => unknown): WebhookSignatureError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookSignatureError);
    return error as WebhookSignatureError;
  }
  throw new Error('the webhook was accepted');
}

describe('webhook signatures', () => {
  const payload = eventJson('customer.subscription.updated', subscriptionJson());

  it('accepts a payload Stripe signed, as a string or as the raw Buffer', () => {
    expect(provider.parseWebhook(payload, sign(payload)).id).toBe('evt_1');
    expect(provider.parseWebhook(Buffer.from(payload), sign(payload)).id).toBe('evt_1');
  });

  it('refuses a body changed after signing', () => {
    const tampered = payload.replace('"cancel_at_period_end":false', '"cancel_at_period_end":true');
    expect(tampered).not.toBe(payload);
    const error = rejected(() => provider.parseWebhook(tampered, sign(payload)));
    expect(error.cause).toBeInstanceOf(Stripe.errors.StripeSignatureVerificationError);
  });

  it('refuses a payload signed with another secret', () => {
    rejected(() => provider.parseWebhook(payload, sign(payload, { secret: 'whsec_someone_else' })));
  });

  it('refuses a signature older than the 300 s tolerance (a replay), and accepts one just inside it', () => {
    const now = Math.floor(Date.now() / 1000);
    rejected(() => provider.parseWebhook(payload, sign(payload, { timestamp: now - 301 })));
    expect(provider.parseWebhook(payload, sign(payload, { timestamp: now - 290 })).id).toBe('evt_1');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['not a Stripe signature', 'sha256=abc'],
  ])('refuses a request whose signature header is %s', (_, header) => {
    rejected(() => provider.parseWebhook(payload, header));
  });
});

describe('subscription events', () => {
  it.each([
    ['customer.subscription.created', 'subscription.created'],
    ['customer.subscription.updated', 'subscription.updated'],
    ['customer.subscription.deleted', 'subscription.deleted'],
  ] as const)('turns %s into %s with the subscription in our terms', (stripeType, type) => {
    const payload = eventJson(
      stripeType,
      subscriptionJson({ id: 'sub_9', customer: 'cus_9', price: PRICES.ENTERPRISE.ANNUAL, cancelAtPeriodEnd: true }),
      'evt_sub',
    );
    expect(provider.parseWebhook(payload, sign(payload))).toEqual({
      id: 'evt_sub',
      type,
      createdAt: new Date('2026-03-15T12:00:00Z'),
      subscription: {
        id: 'sub_9',
        customerId: 'cus_9',
        status: 'ACTIVE',
        tier: 'ENTERPRISE',
        interval: 'ANNUAL',
        currentPeriodStart: new Date(PERIOD_START * 1000),
        currentPeriodEnd: new Date(PERIOD_END * 1000),
        cancelAtPeriodEnd: true,
      },
    });
  });

  it.each<[string, ProviderStatus]>([
    ['active', 'ACTIVE'],
    ['trialing', 'TRIALING'],
    ['past_due', 'PAST_DUE'],
    ['unpaid', 'PAST_DUE'],
    ['canceled', 'CANCELLED'],
    ['incomplete_expired', 'CANCELLED'],
    ['incomplete', 'INCOMPLETE'],
    ['paused', 'INCOMPLETE'],
  ])('reads Stripe status %s as %s', (stripeStatus, status) => {
    const payload = eventJson('customer.subscription.updated', subscriptionJson({ status: stripeStatus }));
    const event = provider.parseWebhook(payload, sign(payload));
    expect(event.type === 'subscription.updated' && event.subscription.status).toBe(status);
  });

  it('reads a status or a price it does not know as unreadable rather than guess, naming the customer', () => {
    for (const sub of [subscriptionJson({ status: 'hibernating' }), subscriptionJson({ price: 'price_unknown' })]) {
      const payload = eventJson('customer.subscription.updated', sub);
      const event = provider.parseWebhook(payload, sign(payload));
      expect(event).toMatchObject({
        id: 'evt_1',
        type: 'unreadable',
        stripeType: 'customer.subscription.updated',
        customerId: 'cus_1',
      });
      expect(event.type === 'unreadable' && event.problem).toMatch(/hibernating|price_unknown/);
    }
  });
});

describe('invoice events', () => {
  it.each([
    ['invoice.paid', 'invoice.paid'],
    ['invoice.payment_failed', 'invoice.payment_failed'],
    ['invoice.finalized', 'invoice.finalized'],
  ] as const)('turns %s into %s with the invoice in our terms', (stripeType, type) => {
    const payload = eventJson(stripeType, invoiceJson({ status: 'open', amountPaid: 0 }), 'evt_in');
    expect(provider.parseWebhook(payload, sign(payload))).toEqual({
      id: 'evt_in',
      type,
      createdAt: new Date('2026-03-15T12:00:00Z'),
      invoice: {
        id: 'in_1',
        customerId: 'cus_1',
        subscriptionId: 'sub_1',
        status: 'open',
        totalCents: 4200,
        amountDueCents: 4200,
        amountPaidCents: 0,
        // From the lines: last period's overage and this period's plan, not Stripe's look-back invoice period.
        periodStart: new Date((PERIOD_START - 31 * 86_400) * 1000),
        periodEnd: new Date(PERIOD_END * 1000),
        lines: [
          { description: '1 × CommPro Business (at €35.00 / month)', quantity: 1, amountCents: 3500 },
          { description: 'SMS beyond the plan', quantity: 1, amountCents: 700 },
        ],
      },
    });
  });

  it('reads an invoice outside any subscription with no subscription id', () => {
    const payload = eventJson('invoice.paid', invoiceJson({ subscription: null }));
    const event = provider.parseWebhook(payload, sign(payload));
    expect(event.type === 'invoice.paid' && event.invoice.subscriptionId).toBeNull();
  });
});

it('passes any other event type on as ignored, keeping its Stripe type for the logs', () => {
  const payload = eventJson('customer.created', { id: 'cus_1', object: 'customer' }, 'evt_other');
  expect(provider.parseWebhook(payload, sign(payload))).toEqual({
    id: 'evt_other',
    type: 'ignored',
    createdAt: new Date('2026-03-15T12:00:00Z'),
    stripeType: 'customer.created',
  });
});
