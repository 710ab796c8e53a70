import type { PhoneNumber } from '@commpro/contracts';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { notifications } from '../../src/modules/notifications/notifications.table.js';
import { call, loginUser, registerUser } from '../helpers/auth-flows.js';
import {
  buyNumber,
  createNumbersTestApp,
  DAY_MS,
  disableAccount,
  drainJobs,
  dropSubscription,
  myNumbers,
  numberRowsOf,
  numberUsageOf,
  type NumbersTestApp,
  oneMonthAfter,
  renewalJobsFor,
  setPlan,
} from '../helpers/numbers-flows.js';

// A fresh app per test: the clock jumps months ahead and every due job runs.
let t: NumbersTestApp;
beforeEach(async () => {
  await t?.close();
  t = await createNumbersTestApp();
});
afterAll(async () => {
  await t.close();
});

/** Moves the clock to just after `iso` and runs every due job. */
async function passTime(iso: string | null): Promise<void> {
  t.clock.now = new Date(new Date(iso!).getTime() + 60_000);
  await drainJobs(t);
}

function billingNotificationsOf(userId: string) {
  return t.database.handle.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.type, 'BILLING')));
}

async function statusesOf(userId: string): Promise<Record<string, string>> {
  return Object.fromEntries((await numberRowsOf(t, userId)).map((r) => [r.id, r.status]));
}

describe('monthly renewal job', () => {
  it('renews an active number for another month with a second usage record', async () => {
    const user = await registerUser(t);
    const number = await buyNumber(t, user.accessToken);
    expect(await renewalJobsFor(t, number.id)).toHaveLength(1);

    // Not before the paid month ends.
    t.clock.now = new Date(new Date(number.expiresAt!).getTime() - 60_000);
    await drainJobs(t);
    expect(await numberUsageOf(t, user.id)).toHaveLength(1);

    await passTime(number.expiresAt);
    const tokens = await loginUser(t, user);
    const [renewed] = await myNumbers(t, tokens.accessToken);
    const nextEnd = oneMonthAfter(new Date(number.expiresAt!)).toISOString();
    expect(renewed).toMatchObject({ id: number.id, status: 'ACTIVE', expiresAt: nextEnd });

    const usage = await numberUsageOf(t, user.id);
    expect(usage).toHaveLength(2);
    expect(usage[1]).toMatchObject({ type: 'PHONE_NUMBER', phoneNumberId: number.id, unitCost: 5, totalCost: 5 });
    expect(usage[1]!.periodStart.toISOString()).toBe(number.expiresAt);
    expect(usage[1]!.periodEnd.toISOString()).toBe(nextEnd);

    // The following month is queued.
    const pending = (await renewalJobsFor(t, number.id)).filter((j) => j.doneAt === null);
    expect(pending.map((j) => j.runAt.toISOString())).toEqual([nextEnd]);
  });

  it('is idempotent: running the queue again, or the same renewal again, charges nothing more', async () => {
    const user = await registerUser(t);
    const number = await buyNumber(t, user.accessToken);
    await passTime(number.expiresAt);
    expect(await numberUsageOf(t, user.id)).toHaveLength(2);

    expect(await drainJobs(t)).toBe(0);
    // A retried delivery of the same renewal (say the worker died before marking it done).
    await t.app.jobs.enqueue('numbers.renew', { numberId: number.id, periodEnd: number.expiresAt });
    expect(await drainJobs(t)).toBe(1);

    expect(await numberUsageOf(t, user.id)).toHaveLength(2);
    const [row] = await numberRowsOf(t, user.id);
    expect(row!.expiresAt!.toISOString()).toBe(oneMonthAfter(new Date(number.expiresAt!)).toISOString());
  });

  it('keeps renewing month after month', async () => {
    const user = await registerUser(t);
    const number = await buyNumber(t, user.accessToken);
    let end = number.expiresAt!;
    for (let month = 0; month < 3; month += 1) {
      await passTime(end);
      end = oneMonthAfter(new Date(end)).toISOString();
    }
    const [row] = await numberRowsOf(t, user.id);
    expect(row).toMatchObject({ status: 'ACTIVE' });
    expect(row!.expiresAt!.toISOString()).toBe(end);
    expect(await numberUsageOf(t, user.id)).toHaveLength(4);
  });

  it('catches up month by month after the worker was down, charging each month held', async () => {
    const user = await registerUser(t);
    const number = await buyNumber(t, user.accessToken);
    let end = new Date(number.expiresAt!);
    for (let month = 0; month < 3; month += 1) end = oneMonthAfter(end);
    // Three renewals were missed; the fourth month is now under way.
    t.clock.now = new Date(end.getTime() - DAY_MS);
    await drainJobs(t);
    const [row] = await numberRowsOf(t, user.id);
    expect(row).toMatchObject({ status: 'ACTIVE' });
    expect(row!.expiresAt!.toISOString()).toBe(end.toISOString());
    expect(await numberUsageOf(t, user.id)).toHaveLength(4);
  });

  it('does nothing for a released number', async () => {
    const user = await registerUser(t);
    const number = await buyNumber(t, user.accessToken);
    const res = await call(t, 'DELETE', `/api/numbers/${number.id}`, { token: user.accessToken });
    expect(res.statusCode).toBe(200);
    await passTime(number.expiresAt);
    expect(await numberUsageOf(t, user.id)).toHaveLength(1);
    expect(await statusesOf(user.id)).toEqual({ [number.id]: 'CANCELLED' });
  });

  it('suspends the number of a disabled account at renewal, without charging', async () => {
    const user = await registerUser(t);
    const number = await buyNumber(t, user.accessToken);
    await disableAccount(t, user.id);
    await passTime(number.expiresAt);
    expect(await statusesOf(user.id)).toEqual({ [number.id]: 'SUSPENDED' });
    expect(await numberUsageOf(t, user.id)).toHaveLength(1);
    // Nothing more is queued for it.
    expect((await renewalJobsFor(t, number.id)).filter((j) => j.doneAt === null)).toEqual([]);
  });

  it('after a downgrade, keeps the numbers beyond the plan receiving for 30 days, reminds, then releases them', async () => {
    const user = await registerUser(t);
    await setPlan(t, user.id, 'BUSINESS');
    const bought: PhoneNumber[] = [];
    for (let i = 0; i < 3; i += 1) {
      bought.push(await buyNumber(t, user.accessToken, { countryCode: 'US' }));
      t.clock.advance(60_000);
    }
    await dropSubscription(t, user.id); // back to FREE: one number
    const [oldest, middle, newest] = bought.map((n) => n.id) as [string, string, string];

    await passTime(bought[2]!.expiresAt);
    // The oldest is renewed; the two others stay ACTIVE (still receiving), free, until their grace period ends.
    expect(await statusesOf(user.id)).toEqual({ [oldest]: 'ACTIVE', [middle]: 'ACTIVE', [newest]: 'ACTIVE' });
    const rows = Object.fromEntries((await numberRowsOf(t, user.id)).map((r) => [r.id, r]));
    const graceEnd = new Date(new Date(bought[2]!.expiresAt!).getTime() + 30 * DAY_MS);
    expect(rows[newest]!.graceEndsAt?.toISOString()).toBe(graceEnd.toISOString());
    expect(rows[oldest]!.graceEndsAt).toBeNull();
    const usage = await numberUsageOf(t, user.id);
    expect(usage.filter((u) => u.phoneNumberId === oldest)).toHaveLength(2);
    expect(usage.filter((u) => u.phoneNumberId === newest)).toHaveLength(1);
    const notices = await billingNotificationsOf(user.id);
    expect(notices.map((n) => n.title)).toEqual(
      expect.arrayContaining([`${bought[2]!.phoneNumber} will be released on ${graceEnd.toISOString().slice(0, 10)}`]),
    );
    expect(notices).toHaveLength(2);

    // A week before the end, the owner is reminded.
    t.clock.now = new Date(graceEnd.getTime() - 7 * DAY_MS + 60_000);
    await drainJobs(t);
    expect(await billingNotificationsOf(user.id)).toHaveLength(4);

    await passTime(graceEnd.toISOString());
    expect(await statusesOf(user.id)).toEqual({ [oldest]: 'ACTIVE', [middle]: 'CANCELLED', [newest]: 'CANCELLED' });
    const released = (await billingNotificationsOf(user.id)).filter((n) => n.title.endsWith('was released'));
    expect(released).toHaveLength(2);
    // Nothing was charged for the grace period.
    const after = await numberUsageOf(t, user.id);
    expect(after.filter((u) => u.phoneNumberId !== oldest)).toHaveLength(2);
  });

  it('a number in its grace period is kept, and charged again, once the plan covers it', async () => {
    const user = await registerUser(t);
    await setPlan(t, user.id, 'BUSINESS');
    const first = await buyNumber(t, user.accessToken, { countryCode: 'US' });
    t.clock.advance(60_000);
    const second = await buyNumber(t, user.accessToken, { countryCode: 'US' });
    await dropSubscription(t, user.id);
    await passTime(second.expiresAt);
    const inGrace = (await numberRowsOf(t, user.id)).find((r) => r.id === second.id)!;
    expect(inGrace.graceEndsAt).not.toBeNull();

    await setPlan(t, user.id, 'BUSINESS');
    await passTime(inGrace.graceEndsAt!.toISOString());
    const kept = (await numberRowsOf(t, user.id)).find((r) => r.id === second.id)!;
    expect(kept).toMatchObject({ status: 'ACTIVE', graceEndsAt: null });
    expect((await numberUsageOf(t, user.id)).filter((u) => u.phoneNumberId === second.id)).toHaveLength(2);
    expect((await numberRowsOf(t, user.id)).find((r) => r.id === first.id)!.status).toBe('ACTIVE');
  });

  it('on BUSINESS, renews a fourth number at the extra-number price', async () => {
    const user = await registerUser(t);
    await setPlan(t, user.id, 'BUSINESS');
    const bought: PhoneNumber[] = [];
    for (let i = 0; i < 4; i += 1) {
      bought.push(await buyNumber(t, user.accessToken, { countryCode: 'US' }));
      t.clock.advance(60_000);
    }
    await passTime(bought[3]!.expiresAt);
    const usage = await numberUsageOf(t, user.id);
    expect(usage).toHaveLength(8);
    const renewals = usage.filter((u) => u.periodStart.getTime() >= new Date(bought[0]!.expiresAt!).getTime());
    expect(renewals.map((u) => u.unitCost).sort()).toEqual([2, 2, 2, 5]);
    expect(Object.values(await statusesOf(user.id))).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE']);
  });

  it('renews a number bought on 31 January through February and March without skipping a month', async () => {
    t.clock.now = new Date('2027-01-31T10:00:00.000Z');
    const user = await registerUser(t);
    const number = await buyNumber(t, user.accessToken);
    await passTime(number.expiresAt);
    const periods = (await numberUsageOf(t, user.id)).map((u) => [
      u.periodStart.toISOString().slice(0, 10),
      u.periodEnd.toISOString().slice(0, 10),
    ]);
    // Anchored on the purchase day: February is short, March is not.
    expect(periods).toEqual([
      ['2027-01-31', '2027-02-28'],
      ['2027-02-28', '2027-03-31'],
    ]);
  });

  it('on BUSINESS, a number bought as the fourth renews at the included price once only three are held', async () => {
    const user = await registerUser(t);
    await setPlan(t, user.id, 'BUSINESS');
    const bought: PhoneNumber[] = [];
    for (let i = 0; i < 4; i += 1) {
      bought.push(await buyNumber(t, user.accessToken, { countryCode: 'US' }));
      t.clock.advance(60_000);
    }
    expect(bought[3]!.monthlyCost).toBe(5);
    const res = await call(t, 'DELETE', `/api/numbers/${bought[0]!.id}`, { token: user.accessToken });
    expect(res.statusCode).toBe(200);

    await passTime(bought[3]!.expiresAt);
    const renewals = (await numberUsageOf(t, user.id)).filter(
      (u) => u.periodStart.getTime() >= new Date(bought[0]!.expiresAt!).getTime(),
    );
    // Three numbers on a plan that includes three: none of them is an extra one any more.
    expect(renewals.map((u) => u.unitCost)).toEqual([2, 2, 2]);
    const tokens = await loginUser(t, user);
    expect((await myNumbers(t, tokens.accessToken)).map((n) => n.monthlyCost)).toEqual([2, 2, 2]);
  });
});
