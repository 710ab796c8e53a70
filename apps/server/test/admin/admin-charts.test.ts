import type { AdminCharts } from '@commpro/contracts';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/modules/auth/auth.table.js';
import { calls } from '../../src/modules/calls/calls.table.js';
import { messages } from '../../src/modules/messaging/messaging.table.js';
import { adminToken, call, expectError, registerUser } from '../helpers/auth-flows.js';
import { send, settle } from '../helpers/messaging-flows.js';
import { buyNumber, setPlan } from '../helpers/numbers-flows.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { SANDBOX_STEP_DELAY_MS: '0' } });
});
afterAll(async () => {
  await t.close();
});

const DAY_MS = 24 * 3600_000;
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function charts(token: string, query = ''): Promise<AdminCharts['days']> {
  const res = await call(t, 'GET', `/api/admin/charts${query}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().days;
}

describe('GET /api/admin/charts', () => {
  it('is for administrators only, and checks the number of days', async () => {
    const customer = await registerUser(t);
    expectError(await call(t, 'GET', '/api/admin/charts', { token: customer.accessToken }), 403, 'FORBIDDEN');
    expectError(await call(t, 'GET', '/api/admin/charts'), 401, 'UNAUTHORIZED');
    const token = await adminToken(t);
    for (const days of ['6', '91', 'ten'])
      expectError(await call(t, 'GET', `/api/admin/charts?days=${days}`, { token }), 400, 'VALIDATION_FAILED', 'days');
  });

  it('gives every UTC day, oldest first and zeros included, with each day’s signups, messages and minutes', async () => {
    const db = t.database.handle.db;
    const now = t.clock.now;
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const token = await adminToken(t);
    const sender = await registerUser(t);
    await setPlan(t, sender.id, 'STARTER');
    const line = await buyNumber(t, sender.accessToken);
    const early = await registerUser(t);
    // Late on the UTC day three days back: counted on that day, not the next.
    await db
      .update(users)
      .set({ createdAt: new Date(today - 2 * DAY_MS - 60_000) })
      .where(eq(users.id, early.id));
    // Long ago: outside the window.
    const ancient = await registerUser(t);
    await db
      .update(users)
      .set({ createdAt: new Date(today - 40 * DAY_MS) })
      .where(eq(users.id, ancient.id));

    await send(t, sender.accessToken, { from: line.phoneNumber, to: '+33612345678', body: 'today' });
    const yesterday = await send(t, sender.accessToken, { from: line.phoneNumber, to: '+33612345678', body: 'before' });
    await settle(t);
    await db
      .update(messages)
      .set({ createdAt: new Date(today - 1) })
      .where(eq(messages.id, yesterday.id));

    const leg = {
      userId: sender.id,
      fromNumber: line.phoneNumber,
      toNumber: '+33698765432',
      direction: 'OUTBOUND',
      status: 'COMPLETED',
      audio: 'CARRIER',
    } as const;
    await db.insert(calls).values([
      { ...leg, durationSeconds: 100, billableDurationSeconds: 120, createdAt: now },
      { ...leg, durationSeconds: 10, billableDurationSeconds: 60, createdAt: now },
      { ...leg, durationSeconds: 170, billableDurationSeconds: 180, createdAt: new Date(today - 5 * DAY_MS) },
    ]);

    const days = await charts(token);
    expect(days).toHaveLength(30);
    expect(days.map((day) => day.date)).toEqual(
      Array.from({ length: 30 }, (_, i) => dateOf(today - (29 - i) * DAY_MS)),
    );
    const on = (ms: number) => days.find((day) => day.date === dateOf(ms));
    // Today's signups: the access test's customer and admin, this test's admin and sender.
    expect(on(today)).toEqual({ date: dateOf(today), signups: 4, messages: 1, minutes: 3 });
    expect(on(today - DAY_MS)).toEqual({ date: dateOf(today - DAY_MS), signups: 0, messages: 1, minutes: 0 });
    expect(on(today - 3 * DAY_MS)).toEqual({ date: dateOf(today - 3 * DAY_MS), signups: 1, messages: 0, minutes: 0 });
    expect(on(today - 5 * DAY_MS)).toEqual({ date: dateOf(today - 5 * DAY_MS), signups: 0, messages: 0, minutes: 3 });
    const quiet = days.filter((day) => ![0, 1, 3, 5].some((back) => day.date === dateOf(today - back * DAY_MS)));
    expect(quiet).toHaveLength(26);
    for (const day of quiet) expect(day).toMatchObject({ signups: 0, messages: 0, minutes: 0 });

    const week = await charts(token, '?days=7');
    expect(week.map((day) => day.date)).toEqual(days.slice(-7).map((day) => day.date));
    expect(week.at(-1)).toEqual(on(today));
  });
});
