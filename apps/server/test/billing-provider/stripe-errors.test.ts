import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BillingProviderError,
  type BillingProviderErrorReason,
  type PaymentProvider,
} from '../../src/providers/billing/payment-provider.port.js';
import { createStripeProvider } from '../../src/providers/billing/stripe-provider.js';
import { type Answer, type FakeStripe, PRICES, startFakeStripe, STRIPE_WORDS, stripeError } from './fake-stripe.js';

/*
 * Stripe's error answers, in Stripe's shape ({error: {type, code, message}}),
 * and what the adapter makes of them: a BillingProviderError with our reason
 * and our words, Stripe's error kept as `cause`.
 */

let answer: Answer;
let fake: FakeStripe;
let provider: PaymentProvider;

beforeAll(async () => {
  fake = await startFakeStripe(() => answer);
  // No retries: each answer is seen once, as it came.
  provider = createStripeProvider({
    secretKey: 'sk_test_fake',
    webhookSecret: 'whsec_fake',
    prices: PRICES,
    apiBaseUrl: fake.url,
    maxNetworkRetries: 0,
  });
});

afterAll(() => fake.close());

async function failure(run: (p: PaymentProvider) => Promise<unknown>, on = provider): Promise<BillingProviderError> {
  const error = await run(on).then(
    () => {
      throw new Error('the call succeeded');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BillingProviderError);
  return error as BillingProviderError;
}

const start = (p: PaymentProvider) =>
  p.startSubscription({ customerId: 'cus_1', tier: 'STARTER', interval: 'MONTHLY', idempotencyKey: 'k' });

describe('Stripe errors in our words', () => {
  it.each<[string, Answer, BillingProviderErrorReason, typeof Stripe.errors.StripeError]>([
    [
      'a declined card (402 card_declined)',
      stripeError(402, { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds' }),
      'CARD_DECLINED',
      Stripe.errors.StripeCardError,
    ],
    [
      'an expired card (402 expired_card)',
      stripeError(402, { type: 'card_error', code: 'expired_card' }),
      'CARD_DECLINED',
      Stripe.errors.StripeCardError,
    ],
    [
      'a missing customer (404 resource_missing)',
      stripeError(404, { type: 'invalid_request_error', code: 'resource_missing' }),
      'NOT_FOUND',
      Stripe.errors.StripeInvalidRequestError,
    ],
    [
      'a bad API key (401)',
      stripeError(401, { type: 'invalid_request_error' }),
      'AUTHENTICATION',
      Stripe.errors.StripeAuthenticationError,
    ],
    [
      'a restricted key without the permission (403)',
      stripeError(403, { type: 'invalid_request_error' }),
      'AUTHENTICATION',
      Stripe.errors.StripePermissionError,
    ],
    [
      'too many requests (429 rate_limit)',
      stripeError(429, { type: 'invalid_request_error', code: 'rate_limit' }),
      'RATE_LIMITED',
      Stripe.errors.StripeRateLimitError,
    ],
    [
      'a bad parameter (400 parameter_invalid_integer)',
      stripeError(400, { type: 'invalid_request_error', code: 'parameter_invalid_integer' }),
      'INVALID_REQUEST',
      Stripe.errors.StripeInvalidRequestError,
    ],
    [
      'a key reused with other parameters (400 idempotency_error)',
      stripeError(400, { type: 'idempotency_error' }),
      'INVALID_REQUEST',
      Stripe.errors.StripeIdempotencyError,
    ],
    ['an outage (500 api_error)', stripeError(500, { type: 'api_error' }), 'UNAVAILABLE', Stripe.errors.StripeAPIError],
  ])('maps %s', async (_, given, reason, stripeClass) => {
    answer = given;
    const error = await failure(start);
    expect(error.reason).toBe(reason);
    expect(error.message).not.toContain(STRIPE_WORDS);
    expect(error.cause).toBeInstanceOf(stripeClass);
    expect((error.cause as Error).message).toContain(STRIPE_WORDS);
  });

  it('maps a missing object the same way on a read', async () => {
    answer = stripeError(404, { type: 'invalid_request_error', code: 'resource_missing' });
    expect((await failure((p) => p.getSubscription('sub_gone'))).reason).toBe('NOT_FOUND');
  });

  it('reports a refused connection as UNAVAILABLE', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = createStripeProvider({
      secretKey: 'sk_test_fake',
      webhookSecret: 'whsec_fake',
      prices: PRICES,
      apiBaseUrl: `http://127.0.0.1:${port}`,
      maxNetworkRetries: 0,
    });
    const error = await failure(start, unreachable);
    expect(error.reason).toBe('UNAVAILABLE');
    expect(error.cause).toBeInstanceOf(Stripe.errors.StripeConnectionError);
  });

  it('reports an answer that is not JSON as UNAVAILABLE', async () => {
    answer = { status: 502, raw: '<html>Bad gateway</html>' };
    expect((await failure(start)).reason).toBe('UNAVAILABLE');
  });
});
