import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptions } from '../../src/modules/billing/billing.table.js';
import { callsSince, createStripeTestApp, type StripeTestApp, stripeSubscriber } from '../helpers/stripe-flows.js';
import { deleteRequest } from './gdpr-flows.js';

let t: StripeTestApp;
beforeAll(async () => {
  t = await createStripeTestApp('2026-03-10T09:00:00Z');
});
afterAll(async () => {
  await t.close();
});

describe('deleting an account paying through Stripe', () => {
  it('cancels the Stripe subscription now, not at the period end', async () => {
    const { user, stripeSubscriptionId } = await stripeSubscriber(t, 'STARTER');
    const from = t.stripe.requests.length;

    const res = await deleteRequest(t, user.accessToken, { password: user.password });
    expect(res.statusCode, res.body).toBe(200);
    expect(callsSince(t, from)).toContain(`DELETE /v1/subscriptions/${stripeSubscriptionId}`);
    const db = t.database.handle.db;
    expect(await db.select().from(subscriptions).where(eq(subscriptions.userId, user.id))).toEqual([]);
  });
});
