import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Account, expectError, registerUser } from '../helpers/auth-flows.js';
import {
  createBillingTestApp,
  currentUsage,
  DAY_MS,
  getSubscription,
  recordUsage,
  setSubscriptionRow,
  subscribe,
  usageHistoryRequest,
} from '../helpers/billing-flows.js';
import { send, sendRequest, settle } from '../helpers/messaging-flows.js';
import { buyNumber } from '../helpers/numbers-flows.js';
import type { TestApp } from '../helpers/test-app.js';

/*
 * What the usage page and the quota read: this period's usage against the
 * limits of the plan in force (FREE's once an unpaid plan's grace is over),
 * and the usage records between two dates.
 */

const START = '2031-04-10T09:00:00.000Z';
const OUTSIDE = '+33612345678';

let t: TestApp;
beforeAll(async () => {
  t = await createBillingTestApp(START);
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  t.clock.now = new Date(START);
});

async function userWithLine(): Promise<{ user: Account; line: string }> {
  const user = await registerUser(t);
  const number = await buyNumber(t, user.accessToken, { countryCode: 'FR', type: 'MOBILE' });
  return { user, line: number.phoneNumber };
}

describe('GET /api/billing/usage/current', () => {
  it('this period’s sends and numbers, their cost in EUR, the limits of the plan in force', async () => {
    const { user, line } = await userWithLine();
    await send(t, user.accessToken, { from: line, to: OUTSIDE, body: 'hello' });
    await send(t, user.accessToken, { from: line, to: OUTSIDE, body: 'a'.repeat(161) });
    await settle(t);
    expect(await currentUsage(t, user.accessToken)).toEqual({
      period: { start: START, end: '2031-05-10T09:00:00.000Z' },
      usage: { callMinutes: 0, smsSent: 3, mmsSent: 0, phoneNumbers: 1 },
      costs: { total: 5, breakdown: { calls: 0, sms: 0, mms: 0, phoneNumbers: 5 } },
      limits: { callMinutes: 50, smsSent: 50, mmsSent: 0, phoneNumbers: 1 },
    });

    // On a paid plan the period and the limits are the new plan's, usage starting over with it.
    await subscribe(t, user.accessToken, 'BUSINESS');
    await recordUsage(t, user.id, 'CALL_MINUTES', 12);
    const paid = await currentUsage(t, user.accessToken);
    expect(paid.limits).toEqual({ callMinutes: 2000, smsSent: 2000, mmsSent: 500, phoneNumbers: 3 });
    expect(paid.usage).toMatchObject({ callMinutes: 12, phoneNumbers: 1 });
    expect(paid.period.start).toBe(START);
  });

  it('needs a token', async () => {
    expectError(
      await usageHistoryRequest(t, undefined, '?startDate=2031-04-01&endDate=2031-04-30'),
      401,
      'UNAUTHORIZED',
    );
    const res = await t.app.inject({ method: 'GET', url: '/api/billing/usage/current' });
    expectError(res, 401, 'UNAUTHORIZED');
  });
});

describe('the last unit of FREE’s allowance', () => {
  it('three sends racing for the 50th SMS: exactly one passes, usage ends at 50', async () => {
    const { user, line } = await userWithLine();
    await recordUsage(t, user.id, 'SMS_SENT', 49);
    const results = await Promise.all(
      [1, 2, 3].map((n) => sendRequest(t, user.accessToken, { from: line, to: OUTSIDE, body: `racer ${n}` })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([202, 402, 402]);
    await settle(t);
    expect((await currentUsage(t, user.accessToken)).usage.smsSent).toBe(50);
  });
});

describe('an unpaid plan (PAST_DUE)', () => {
  it('keeps STARTER’s limits for the 7-day grace, then FREE’s apply', async () => {
    const { user, line } = await userWithLine();
    await subscribe(t, user.accessToken, 'STARTER');
    await recordUsage(t, user.id, 'SMS_SENT', 50);

    // Six days unpaid: still within the grace.
    const since = new Date(t.clock.now.getTime() - 6 * DAY_MS);
    await setSubscriptionRow(t, user.id, { status: 'PAST_DUE', pastDueAt: since });
    expect(await getSubscription(t, user.accessToken)).toMatchObject({
      status: 'PAST_DUE',
      pastDue: { since: since.toISOString(), limitsDropAt: new Date(since.getTime() + 7 * DAY_MS).toISOString() },
    });
    expect((await currentUsage(t, user.accessToken)).limits.smsSent).toBe(500);
    expect((await sendRequest(t, user.accessToken, { from: line, to: OUTSIDE, body: 'within grace' })).statusCode).toBe(
      202,
    );

    // Eight days unpaid: FREE's 50 SMS, already used.
    await setSubscriptionRow(t, user.id, { pastDueAt: new Date(t.clock.now.getTime() - 8 * DAY_MS) });
    expect((await currentUsage(t, user.accessToken)).limits).toEqual({
      callMinutes: 50,
      smsSent: 50,
      mmsSent: 0,
      phoneNumbers: 1,
    });
    const refused = expectError(
      await sendRequest(t, user.accessToken, { from: line, to: OUTSIDE, body: 'after grace' }),
      402,
      'PLAN_LIMIT_REACHED',
    );
    expect((refused as unknown as { limit: { plan: string } }).limit.plan).toBe('FREE');
    await settle(t);
  });
});

describe('GET /api/billing/usage/history', () => {
  it('returns the caller’s records between two dates, newest first; a bare end date includes that day', async () => {
    const user = await registerUser(t);
    const other = await registerUser(t);
    await recordUsage(t, user.id, 'SMS_SENT', 1, { at: new Date('2031-04-11T23:30:00Z') });
    await recordUsage(t, user.id, 'CALL_MINUTES', 4, { at: new Date('2031-04-12T00:00:00Z'), totalCost: 0.08 });
    await recordUsage(t, user.id, 'SMS_SENT', 2, { at: new Date('2031-04-20T23:59:00Z') });
    await recordUsage(t, user.id, 'SMS_SENT', 3, { at: new Date('2031-04-21T00:00:00Z') });
    await recordUsage(t, other.id, 'SMS_SENT', 9, { at: new Date('2031-04-15T12:00:00Z') });

    const res = await usageHistoryRequest(t, user.accessToken, '?startDate=2031-04-12&endDate=2031-04-20');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual([
      expect.objectContaining({
        type: 'SMS_SENT',
        quantity: 2,
        createdAt: '2031-04-20T23:59:00.000Z',
        currency: 'EUR',
      }),
      expect.objectContaining({
        type: 'CALL_MINUTES',
        quantity: 4,
        totalCost: 0.08,
        createdAt: '2031-04-12T00:00:00.000Z',
      }),
    ]);

    // Instants with an offset: 12 April 01:00 in Paris (+02:00) is 11 April 23:00 UTC.
    const withOffset = await usageHistoryRequest(
      t,
      user.accessToken,
      `?startDate=${encodeURIComponent('2031-04-12T01:00:00+02:00')}&endDate=${encodeURIComponent('2031-04-12T00:00:00Z')}`,
    );
    expect(withOffset.statusCode, withOffset.body).toBe(200);
    expect(withOffset.json().map((r: { quantity: number }) => r.quantity)).toEqual([1]);
  });

  it('refuses an end before the start (400 naming endDate) and missing or malformed dates', async () => {
    const user = await registerUser(t);
    expectError(
      await usageHistoryRequest(t, user.accessToken, '?startDate=2031-04-20&endDate=2031-04-12'),
      400,
      'VALIDATION_FAILED',
      'endDate',
    );
    expectError(
      await usageHistoryRequest(t, user.accessToken, '?startDate=2031-04-20T10:00:00Z&endDate=2031-04-20T10:00:00Z'),
      400,
      'VALIDATION_FAILED',
      'endDate',
    );
    for (const query of [
      '',
      '?startDate=2031-04-01',
      '?endDate=2031-04-01',
      '?startDate=yesterday&endDate=2031-04-01',
    ]) {
      expectError(await usageHistoryRequest(t, user.accessToken, query), 400, 'VALIDATION_FAILED');
    }
  });
});
