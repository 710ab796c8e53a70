import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, call, expectError, registerUser } from '../helpers/auth-flows.js';
import { buyNumber } from '../helpers/numbers-flows.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { SANDBOX_STEP_DELAY_MS: '0' } });
});
afterAll(async () => {
  await t.close();
});

describe('POST /api/sandbox/messages/inbound', () => {
  it('lets an administrator deliver a text from the outside world to a line', async () => {
    const owner = await registerUser(t);
    const line = await buyNumber(t, owner.accessToken);
    const res = await call(t, 'POST', '/api/sandbox/messages/inbound', {
      token: await adminToken(t),
      payload: { from: '+1 415 555 0142', to: line.phoneNumber, body: 'Is the shop open on Sunday?' },
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().messageSid).toMatch(/^SM[0-9a-f]{32}$/);

    const inbox = await call(t, 'GET', '/api/messages/conversations', { token: owner.accessToken });
    expect(inbox.json().conversations[0]).toMatchObject({
      phoneNumber: '+14155550142',
      unreadCount: 1,
      lastMessage: { body: 'Is the shop open on Sunday?', direction: 'INBOUND' },
    });
  });

  it('refuses other users (403) and anonymous callers (401), and names a bad number', async () => {
    const user = await registerUser(t);
    const payload = { from: '+14155550142', to: '+33639980000', body: 'hi' };
    expectError(
      await call(t, 'POST', '/api/sandbox/messages/inbound', { token: user.accessToken, payload }),
      403,
      'FORBIDDEN',
    );
    expectError(await call(t, 'POST', '/api/sandbox/messages/inbound', { payload }), 401, 'UNAUTHORIZED');
    expectError(
      await call(t, 'POST', '/api/sandbox/messages/inbound', {
        token: await adminToken(t),
        payload: { ...payload, from: 'not a number' },
      }),
      400,
      'VALIDATION_FAILED',
      'from',
    );
  });
});
