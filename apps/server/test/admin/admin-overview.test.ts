import type { AdminOverview } from '@commpro/contracts';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/modules/auth/auth.table.js';
import { subscriptions } from '../../src/modules/billing/billing.table.js';
import { calls } from '../../src/modules/calls/calls.table.js';
import { phoneNumbers } from '../../src/modules/numbers/numbers.table.js';
import { webhookLogs } from '../../src/platform/webhooks/webhook-logs.table.js';
import { signTwilioRequest } from '../../src/providers/carrier/twilio-signature.js';
import { adminToken, call, expectError, registerUser } from '../helpers/auth-flows.js';
import {
  createMessagingTestApp,
  INCOMING_PATH,
  inboundParams,
  type MessagingTestApp,
  postWebhook,
  PUBLIC_URL,
  send,
  settle,
  signedWebhook,
  webhookLogRows,
} from '../helpers/messaging-flows.js';
import { buyNumber } from '../helpers/numbers-flows.js';

let t: MessagingTestApp;
beforeAll(async () => {
  t = await createMessagingTestApp();
});
afterAll(async () => {
  await t.close();
});

const DAY_MS = 24 * 3600_000;
const OVERVIEW = '/api/admin/overview';

async function overview(token: string): Promise<AdminOverview> {
  const res = await call(t, 'GET', OVERVIEW, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function account(subscription: Partial<typeof subscriptions.$inferInsert> = {}) {
  const user = await registerUser(t);
  if (Object.keys(subscription).length)
    await t.database.handle.db.update(subscriptions).set(subscription).where(eq(subscriptions.userId, user.id));
  return user;
}

const setUser = (id: string, changes: Partial<typeof users.$inferInsert>) =>
  t.database.handle.db.update(users).set(changes).where(eq(users.id, id));

describe('GET /api/admin/overview', () => {
  it('is for administrators only', async () => {
    const customer = await registerUser(t);
    expectError(await call(t, 'GET', OVERVIEW, { token: customer.accessToken }), 403, 'FORBIDDEN');
    expectError(await call(t, 'GET', OVERVIEW), 401, 'UNAUTHORIZED');
  });

  it('is described in the OpenAPI document with the other admin routes, behind a bearer token', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const routes = [
      doc.paths['/api/admin/overview'].get,
      doc.paths['/api/admin/charts'].get,
      doc.paths['/api/admin/webhooks'].get,
      doc.paths['/api/admin/webhooks/{id}/replay'].post,
    ];
    for (const route of routes) {
      expect(route.tags).toEqual(['admin']);
      expect(route.security).toEqual([{ bearerAuth: [] }]);
      expect(Object.keys(route.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404']));
    }
    expect(Object.keys(routes[3].responses)).toContain('409');
  });

  it('counts accounts, revenue, numbers, this month’s traffic and webhook errors from what happened', async () => {
    const db = t.database.handle.db;
    const now = t.clock.now;
    // Every account here is counted below; the one made by the access test above is FREE and recent.
    const token = await adminToken(t);
    const monthly = await account({ tier: 'STARTER' });
    const annual = await account({ tier: 'BUSINESS', interval: 'ANNUAL' });
    await account({ tier: 'ENTERPRISE', status: 'PAST_DUE' });
    await account({ tier: 'STARTER', status: 'CANCELLED' });
    const suspended = await account();
    await setUser(suspended.id, { suspendedAt: now, suspendedReason: 'fraud' });
    const deleted = await account({ tier: 'BUSINESS' });
    await setUser(deleted.id, { deletedAt: now });
    const veteran = await account();
    await setUser(veteran.id, { createdAt: new Date(now.getTime() - 10 * DAY_MS) });
    // An administrator made by the CLI has no subscription row yet: billing treats it as FREE, so do we.
    await db
      .insert(users)
      .values({ email: `cli-admin-${now.getTime()}@example.com`, passwordHash: 'x', role: 'ADMIN' });

    const line = await buyNumber(t, monthly.accessToken);
    await buyNumber(t, annual.accessToken, { countryCode: 'US', type: 'LOCAL' });
    const released = await buyNumber(t, annual.accessToken);
    await db.update(phoneNumbers).set({ status: 'CANCELLED' }).where(eq(phoneNumbers.id, released.id));

    await send(t, monthly.accessToken, { from: line.phoneNumber, to: '+33612345678', body: 'delivered' });
    // The sandbox fails any outside number ending in 0006.
    await send(t, monthly.accessToken, { from: line.phoneNumber, to: '+33612340006', body: 'refused' });
    await settle(t);
    expect(
      (await signedWebhook(t, INCOMING_PATH, inboundParams('+33698765432', line.phoneNumber, 'hi'))).statusCode,
    ).toBe(200);
    const forged = inboundParams('+33698765432', line.phoneNumber, 'forged');
    const signature = signTwilioRequest('not-the-token', `${PUBLIC_URL}${INCOMING_PATH}`, forged);
    expect((await postWebhook(t, INCOMING_PATH, forged, signature)).statusCode).toBe(403);
    // Outside the last 24 hours: not in the error rate.
    await db.insert(webhookLogs).values({
      source: 'sandbox',
      eventType: 'message.status',
      method: 'POST',
      url: '/api/messages/webhooks/status',
      statusCode: 500,
      error: 'long ago',
      createdAt: new Date(now.getTime() - 2 * DAY_MS),
    });

    const leg = { userId: monthly.id, fromNumber: line.phoneNumber, toNumber: '+33698765432' } as const;
    await db.insert(calls).values([
      {
        ...leg,
        direction: 'OUTBOUND',
        status: 'COMPLETED',
        audio: 'CARRIER',
        durationSeconds: 61,
        billableDurationSeconds: 120,
      },
      // Last month's call: not this period.
      {
        ...leg,
        direction: 'INBOUND',
        status: 'COMPLETED',
        audio: 'CARRIER',
        durationSeconds: 300,
        billableDurationSeconds: 300,
        createdAt: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) - DAY_MS),
      },
    ]);

    const result = await overview(token);

    // Live accounts: the access test's customer, the admin, monthly, annual, past due, cancelled, suspended, veteran,
    // the CLI's administrator.
    expect(result.users).toEqual({
      total: 9,
      newThisWeek: 8,
      suspended: 1,
      byPlan: { FREE: 5, STARTER: 2, BUSINESS: 1, ENTERPRISE: 1 },
    });
    // STARTER monthly 15.00 + BUSINESS annual 29.00 a month + ENTERPRISE past due 119.00; cancelled and deleted pay nothing.
    expect(result.revenue).toEqual({ mrrCents: 16_300, arrCents: 195_600, currency: 'EUR' });
    expect(result.numbers).toEqual({
      total: 2,
      byCountry: { FR: 1, US: 1 },
      byStatus: { PENDING: 0, ACTIVE: 2, SUSPENDED: 0, CANCELLED: 1 },
    });
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    expect(result.period).toEqual({ start: start.toISOString(), end: end.toISOString() });
    expect(result.traffic).toEqual({
      messagesOutbound: 2,
      messagesInbound: 1,
      messagesFailed: 1,
      calls: 1,
      minutes: 2,
    });

    const recent = (await webhookLogRows(t)).filter((row) => row.createdAt.getTime() > now.getTime() - DAY_MS);
    expect(recent.length).toBeGreaterThan(2);
    expect(result.webhooks).toEqual([
      { source: 'sandbox', total: recent.length, failed: 1, errorRate: 1 / recent.length },
    ]);
    expect(result.health).toEqual({ database: 'OK', redis: 'DISABLED', carrier: 'OK' });
    expect(result.carrier).toBe('sandbox');
  });
});
