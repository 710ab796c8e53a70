import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, loginUser, registerUser } from '../helpers/auth-flows.js';
import {
  createMessagingTestApp,
  type MessagingTestApp,
  messageRowsOf,
  sendRequest,
} from '../helpers/messaging-flows.js';
import { buyNumber, setPlan } from '../helpers/numbers-flows.js';

const OUTSIDE = '+33612345678';
const HOUR_MS = 3600_000;

describe('the daily send cap against spam (MESSAGES_DAILY_CAP)', () => {
  let t: MessagingTestApp;
  beforeAll(async () => {
    t = await createMessagingTestApp({ MESSAGES_DAILY_CAP: '3' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses the 4th message of the day with 429 and Retry-After, whatever the plan allows', async () => {
    const user = await registerUser(t);
    await setPlan(t, user.id, 'BUSINESS');
    const line = (await buyNumber(t, user.accessToken)).phoneNumber;
    for (let i = 1; i <= 3; i += 1) {
      const res = await sendRequest(t, user.accessToken, { from: line, to: OUTSIDE, body: `message ${i}` });
      expect(res.statusCode, res.body).toBe(202);
    }
    const refused = await sendRequest(t, user.accessToken, { from: line, to: OUTSIDE, body: 'message 4' });
    expectError(refused, 429, 'RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(await messageRowsOf(t, user.id)).toHaveLength(3);

    // The cap is per user: someone else still sends.
    const other = await registerUser(t);
    const otherLine = (await buyNumber(t, other.accessToken)).phoneNumber;
    const res = await sendRequest(t, other.accessToken, { from: otherLine, to: OUTSIDE, body: 'hello' });
    expect(res.statusCode, res.body).toBe(202);

    // A day later the first user sends again.
    t.clock.advance(24 * HOUR_MS + 1000);
    const { accessToken } = await loginUser(t, user);
    const nextDay = await sendRequest(t, accessToken, { from: line, to: OUTSIDE, body: 'next day' });
    expect(nextDay.statusCode, nextDay.body).toBe(202);
  });
});

describe('the daily cap under concurrent sends', () => {
  let t: MessagingTestApp;
  beforeAll(async () => {
    t = await createMessagingTestApp({ MESSAGES_DAILY_CAP: '3' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('five sends at once with a cap of 3: exactly three accepted', async () => {
    const user = await registerUser(t);
    await setPlan(t, user.id, 'BUSINESS');
    const line = (await buyNumber(t, user.accessToken)).phoneNumber;
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => sendRequest(t, user.accessToken, { from: line, to: OUTSIDE, body: `burst ${n}` })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([202, 202, 202, 429, 429]);
    expect(await messageRowsOf(t, user.id)).toHaveLength(3);
  });
});

describe('the per-minute send rate (MESSAGES_PER_MINUTE)', () => {
  let t: MessagingTestApp;
  beforeAll(async () => {
    t = await createMessagingTestApp({ MESSAGES_PER_MINUTE: '2' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 429 to the 3rd send within a minute, per account', async () => {
    const user = await registerUser(t);
    const line = (await buyNumber(t, user.accessToken)).phoneNumber;
    for (let i = 1; i <= 2; i += 1) {
      const res = await sendRequest(t, user.accessToken, { from: line, to: OUTSIDE, body: `burst ${i}` });
      expect(res.statusCode, res.body).toBe(202);
    }
    const refused = await sendRequest(t, user.accessToken, { from: line, to: OUTSIDE, body: 'burst 3' });
    expectError(refused, 429, 'RATE_LIMITED');
    expect(refused.headers['retry-after']).toBeDefined();
    expect(await messageRowsOf(t, user.id)).toHaveLength(2);

    // Counted per account, not per address: another user on the same IP is not throttled.
    const other = await registerUser(t);
    const otherLine = (await buyNumber(t, other.accessToken)).phoneNumber;
    const res = await sendRequest(t, other.accessToken, { from: otherLine, to: OUTSIDE, body: 'hi' });
    expect(res.statusCode, res.body).toBe(202);
  });
});
