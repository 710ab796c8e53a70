import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, registerUser } from '../helpers/auth-flows.js';
import { messageRowsOf, send, sendRequest, usageRowsOf } from '../helpers/messaging-flows.js';
import { buyNumber } from '../helpers/numbers-flows.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/*
 * An app that lost its connection mid-send, or replays its offline outbox,
 * sends the same message again with the same clientMessageId: it is sent and
 * charged once.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { SANDBOX_STEP_DELAY_MS: '0' } });
});
afterAll(async () => {
  await t.close();
});

const OUTSIDE = '+33612345678';

async function userWithLine() {
  const user = await registerUser(t);
  const number = await buyNumber(t, user.accessToken);
  return { user, line: number.phoneNumber };
}

describe('a send repeated with its clientMessageId', () => {
  it('answers the message already sent: one row, one charge', async () => {
    const { user, line } = await userWithLine();
    const clientMessageId = randomUUID();
    const payload = { from: line, to: OUTSIDE, body: 'Rendez-vous à 10 h', clientMessageId };
    const first = await send(t, user.accessToken, payload);
    const again = await sendRequest(t, user.accessToken, payload);
    expect(again.statusCode, again.body).toBe(202);
    expect(again.json().id).toBe(first.id);
    expect(await messageRowsOf(t, user.id)).toHaveLength(1);
    expect(await usageRowsOf(t, user.id, 'SMS_SENT')).toHaveLength(1);
  });

  it('sends once when both copies arrive at the same moment', async () => {
    const { user, line } = await userWithLine();
    const payload = { from: line, to: OUTSIDE, body: 'En route', clientMessageId: randomUUID() };
    const answers = await Promise.all([1, 2, 3].map(() => sendRequest(t, user.accessToken, payload)));
    expect(answers.map((a) => a.statusCode)).toEqual([202, 202, 202]);
    expect(new Set(answers.map((a) => a.json().id)).size).toBe(1);
    expect(await messageRowsOf(t, user.id)).toHaveLength(1);
    expect(await usageRowsOf(t, user.id, 'SMS_SENT')).toHaveLength(1);
  });

  it('keeps ids per user: another user’s id is theirs alone, and different ids are different messages', async () => {
    const a = await userWithLine();
    const b = await userWithLine();
    const clientMessageId = randomUUID();
    const mine = await send(t, a.user.accessToken, { from: a.line, to: OUTSIDE, body: 'A', clientMessageId });
    const theirs = await send(t, b.user.accessToken, { from: b.line, to: OUTSIDE, body: 'B', clientMessageId });
    expect(theirs.id).not.toBe(mine.id);
    expect(theirs.body).toBe('B');
    await send(t, a.user.accessToken, { from: a.line, to: OUTSIDE, body: 'A', clientMessageId: randomUUID() });
    expect(await messageRowsOf(t, a.user.id)).toHaveLength(2);
  });

  it('refuses an id that is not a UUID', async () => {
    const { user, line } = await userWithLine();
    expectError(
      await sendRequest(t, user.accessToken, { from: line, to: OUTSIDE, body: 'x', clientMessageId: 'abc' }),
      400,
      'VALIDATION_FAILED',
      'clientMessageId',
    );
    expect(await messageRowsOf(t, user.id)).toHaveLength(0);
  });
});
