import type { PhoneNumber } from '@commpro/contracts';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
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

  it('after a downgrade, suspends the most recently bought numbers beyond the limit and keeps the oldest', async () => {
    const user = await registerUser(t);
    await setPlan(t, user.id, 'BUSINESS');
    const bought: PhoneNumber[] = [];
    for (let i = 0; i < 3; i += 1) {
      bought.push(await buyNumber(t, user.accessToken, { countryCode: 'US' }));
      t.clock.advance(60_000);
    }
    await dropSubscription(t, user.id); // back to FREE: one number

    await passTime(bought[2]!.expiresAt);
    const [oldest, middle, newest] = bought.map((n) => n.id) as [string, string, string];
    expect(await statusesOf(user.id)).toEqual({ [oldest]: 'ACTIVE', [middle]: 'SUSPENDED', [newest]: 'SUSPENDED' });

    const usage = await numberUsageOf(t, user.id);
    expect(usage.filter((u) => u.phoneNumberId === oldest)).toHaveLength(2);
    expect(usage.filter((u) => u.phoneNumberId === middle)).toHaveLength(1);
    expect(usage.filter((u) => u.phoneNumberId === newest)).toHaveLength(1);

    // The user sees which is still working.
    const tokens = await loginUser(t, user);
    const mine = await myNumbers(t, tokens.accessToken);
    expect(mine.map((n) => [n.id, n.status])).toEqual([
      [oldest, 'ACTIVE'],
      [middle, 'SUSPENDED'],
      [newest, 'SUSPENDED'],
    ]);
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
