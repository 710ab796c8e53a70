import { expect, it } from 'vitest';
import { ConfigError } from '../../src/config/env.js';
import { createTestApp } from '../helpers/test-app.js';

const STRIPE = {
  BILLING: 'stripe',
  STRIPE_SECRET_KEY: 'sk_test_123',
  STRIPE_WEBHOOK_SECRET: 'whsec_123',
  STRIPE_PUBLISHABLE_KEY: 'pk_test_123',
  STRIPE_PRICE_STARTER_MONTHLY: 'price_sm',
  STRIPE_PRICE_STARTER_ANNUAL: 'price_sa',
  STRIPE_PRICE_BUSINESS_MONTHLY: 'price_bm',
  STRIPE_PRICE_BUSINESS_ANNUAL: 'price_ba',
  STRIPE_PRICE_ENTERPRISE_MONTHLY: 'price_em',
  STRIPE_PRICE_ENTERPRISE_ANNUAL: 'price_ea',
};

it('refuses to start with BILLING=stripe rather than bill locally while the operator expects Stripe', async () => {
  const started = createTestApp({ env: STRIPE });
  await expect(started).rejects.toBeInstanceOf(ConfigError);
  await expect(started).rejects.toThrow(/BILLING=stripe is not available yet/);
});
