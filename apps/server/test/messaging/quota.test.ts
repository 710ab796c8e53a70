import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageRecords } from '../../src/modules/billing/billing.table.js';
import { type Account, expectError, loginUser, registerUser } from '../helpers/auth-flows.js';
import { messageRow, messageRowsOf, send, sendRequest, usageRowsOf } from '../helpers/messaging-flows.js';
import { buyNumber, setPlan } from '../helpers/numbers-flows.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { SANDBOX_STEP_DELAY_MS: '0' } });
});
afterAll(async () => {
  await t.close();
});

const OUTSIDE = '+33612345678';

async function userWithLine(): Promise<{ user: Account; line: string }> {
  const user = await registerUser(t);
  const number = await buyNumber(t, user.accessToken);
  return { user, line: number.phoneNumber };
}

/** Usage already counted this month, as if the user had sent that many segments earlier. */
async function alreadyUsed(userId: string, type: 'SMS_SENT' | 'MMS_SENT', quantity: number) {
  const now = t.clock.now;
  await t.database.handle.db.insert(usageRecords).values({
    userId,
    type,
    quantity,
    unitCost: 0,
    totalCost: 0,
    periodStart: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
    periodEnd: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)),
    createdAt: now,
  });
}

describe('segments: counted, stored, returned and billed', () => {
  it.each([
    ['160 GSM-7 characters', 'a'.repeat(160), 'GSM-7', 1],
    ['161 GSM-7 characters', 'a'.repeat(161), 'GSM-7', 2],
    ['306 GSM-7 characters (two full parts of 153)', 'b'.repeat(306), 'GSM-7', 2],
    ['80 euro signs (extension characters count 2: 160 septets)', '€'.repeat(80), 'GSM-7', 1],
    ['81 euro signs (162 septets)', '€'.repeat(81), 'GSM-7', 2],
    ['70 UCS-2 characters', 'ж'.repeat(70), 'UCS-2', 1],
    ['71 UCS-2 characters', 'ж'.repeat(71), 'UCS-2', 2],
    ['an emoji turns GSM text into UCS-2', `${'a'.repeat(69)}🙂`, 'UCS-2', 2],
    ['134 UCS-2 characters (two full parts of 67)', 'ж'.repeat(134), 'UCS-2', 2],
    ['135 UCS-2 characters', 'ж'.repeat(135), 'UCS-2', 3],
  ])('%s → %s, %i segment(s); the usage record counts the same', async (_what, body, encoding, segments) => {
    const { user, line } = await userWithLine();
    const sent = await send(t, user.accessToken, { from: line, to: OUTSIDE, body });
    expect(sent).toMatchObject({ encoding, segments, body });

    const row = await messageRow(t, sent.id);
    expect(row).toMatchObject({ encoding, segments, type: 'SMS' });
    const usage = await usageRowsOf(t, user.id, 'SMS_SENT');
    expect(usage).toHaveLength(1);
    expect(usage[0]!.quantity).toBe(segments);
  });
});

describe('the plan’s monthly allowance', () => {
  it('FREE sends up to its 50 SMS segments, then 402 PLAN_LIMIT_REACHED pointing to STARTER', async () => {
    const { user, line } = await userWithLine();
    // 4 × 11 segments + 6 segments = exactly 50, sent for real.
    for (let i = 0; i < 4; i += 1) {
      const long = await send(t, user.accessToken, { from: line, to: OUTSIDE, body: `${i}`.repeat(1600) });
      expect(long.segments).toBe(11);
      expect(long.cost).toBe(0);
    }
    const last = await send(t, user.accessToken, { from: line, to: OUTSIDE, body: 'x'.repeat(153 * 5 + 1) });
    expect(last.segments).toBe(6);

    const refused = await sendRequest(t, user.accessToken, { from: line, to: OUTSIDE, body: 'one more' });
    const error = expectError(refused, 402, 'PLAN_LIMIT_REACHED');
    expect((error as unknown as { limit: unknown }).limit).toEqual({
      resource: 'sms',
      allowed: 50,
      plan: 'FREE',
      upgradeTo: 'STARTER',
    });
    // Refused means not stored, not charged, not sent.
    expect(await messageRowsOf(t, user.id)).toHaveLength(5);
    const usage = await usageRowsOf(t, user.id, 'SMS_SENT');
    expect(usage.reduce((sum, u) => sum + u.quantity, 0)).toBe(50);
  });

  it('FREE refuses a message whose segments would cross the allowance, even if one is left', async () => {
    const { user, line } = await userWithLine();
    await alreadyUsed(user.id, 'SMS_SENT', 49);
    expectError(
      await sendRequest(t, user.accessToken, { from: line, to: OUTSIDE, body: 'a'.repeat(161) }),
      402,
      'PLAN_LIMIT_REACHED',
    );
    const fits = await send(t, user.accessToken, { from: line, to: OUTSIDE, body: 'a'.repeat(160) });
    expect(fits.segments).toBe(1);
  });

  it('the allowance is per billing period: a FREE user blocked now sends again once the period rolls over', async () => {
    const { user, line } = await userWithLine();
    await alreadyUsed(user.id, 'SMS_SENT', 50);
    expectError(
      await sendRequest(t, user.accessToken, { from: line, to: OUTSIDE, body: 'blocked' }),
      402,
      'PLAN_LIMIT_REACHED',
    );
    // The period started at sign-up and lasts a month; the rollover is a durable job.
    t.clock.advance(32 * 24 * 3600_000);
    while ((await t.app.jobs.runDue()) > 0);
    const { accessToken } = await loginUser(t, user);
    const res = await sendRequest(t, accessToken, { from: line, to: OUTSIDE, body: 'new month' });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().cost).toBe(0);
  });

  it('FREE has no MMS: 402 with resource mms, nothing stored', async () => {
    const { user, line } = await userWithLine();
    const res = await sendRequest(t, user.accessToken, {
      from: line,
      to: OUTSIDE,
      body: 'look',
      mediaUrls: ['https://example.com/cat.jpg'],
    });
    const error = expectError(res, 402, 'PLAN_LIMIT_REACHED');
    expect((error as unknown as { limit: unknown }).limit).toEqual({
      resource: 'mms',
      allowed: 0,
      plan: 'FREE',
      upgradeTo: 'STARTER',
    });
    expect(await messageRowsOf(t, user.id)).toEqual([]);
    expect(await usageRowsOf(t, user.id, 'MMS_SENT')).toEqual([]);
  });

  it('STARTER sends MMS within its allowance at no cost, billed as MMS_SENT', async () => {
    const { user, line } = await userWithLine();
    await setPlan(t, user.id, 'STARTER');
    const mms = await send(t, user.accessToken, {
      from: line,
      to: OUTSIDE,
      body: 'look',
      mediaUrls: ['https://example.com/cat.jpg'],
    });
    expect(mms).toMatchObject({ type: 'MMS', mediaUrls: ['https://example.com/cat.jpg'], cost: 0 });
    const usage = await usageRowsOf(t, user.id, 'MMS_SENT');
    expect(usage.map((u) => u.quantity)).toEqual([1]);
    expect(await usageRowsOf(t, user.id, 'SMS_SENT')).toEqual([]);
  });

  it('STARTER goes to overage beyond 500: 202, 0.10 per segment on the message and its usage record', async () => {
    const { user, line } = await userWithLine();
    await setPlan(t, user.id, 'STARTER');
    await alreadyUsed(user.id, 'SMS_SENT', 499);

    // One segment left in the allowance, the second one is overage.
    const straddling = await send(t, user.accessToken, { from: line, to: OUTSIDE, body: 'a'.repeat(161) });
    expect(straddling.segments).toBe(2);
    expect(straddling.cost).toBeCloseTo(0.1, 4);

    const beyond = await send(t, user.accessToken, { from: line, to: OUTSIDE, body: 'ж'.repeat(135) });
    expect(beyond.segments).toBe(3);
    expect(beyond.cost).toBeCloseTo(0.3, 4);

    const usage = (await usageRowsOf(t, user.id, 'SMS_SENT')).filter((u) => u.quantity !== 499);
    expect(usage.map((u) => u.quantity).sort()).toEqual([2, 3]);
    const three = usage.find((u) => u.quantity === 3)!;
    expect(three.unitCost).toBeCloseTo(0.1, 4);
    expect(three.totalCost).toBeCloseTo(0.3, 4);
    expect(usage.find((u) => u.quantity === 2)!.totalCost).toBeCloseTo(0.1, 4);
    expect((await messageRow(t, beyond.id)).cost).toBeCloseTo(0.3, 4);
  });

  it('STARTER MMS beyond 100 costs 0.15 each', async () => {
    const { user, line } = await userWithLine();
    await setPlan(t, user.id, 'STARTER');
    await alreadyUsed(user.id, 'MMS_SENT', 100);
    const mms = await send(t, user.accessToken, {
      from: line,
      to: OUTSIDE,
      mediaUrls: ['https://example.com/cat.jpg'],
    });
    expect(mms.cost).toBeCloseTo(0.15, 4);
  });

  it('sends racing for the last unit of FREE allowance: exactly one 202, the others 402', async () => {
    for (let round = 0; round < 3; round += 1) {
      const { user, line } = await userWithLine();
      await alreadyUsed(user.id, 'SMS_SENT', 49);
      const results = await Promise.all(
        [1, 2, 3].map((n) => sendRequest(t, user.accessToken, { from: line, to: OUTSIDE, body: `racer ${n}` })),
      );
      expect(results.map((r) => r.statusCode).sort()).toEqual([202, 402, 402]);
      expect(await messageRowsOf(t, user.id)).toHaveLength(1);
      const usage = await usageRowsOf(t, user.id, 'SMS_SENT');
      expect(usage.reduce((sum, u) => sum + u.quantity, 0)).toBe(50);
    }
  });
});
