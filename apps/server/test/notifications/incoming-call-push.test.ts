import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call } from '../helpers/auth-flows.js';
import { initiate, listCalls, settle, userWithLine } from '../helpers/calls-flows.js';
import { createRecordingPush, type RecordingPush } from '../helpers/recording-push.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/*
 * An iPhone whose app is closed rings for an inbound call through a VoIP
 * push (APNs), instead of the call being missed for want of an open app.
 */

let t: TestApp;
let push: RecordingPush;
beforeAll(async () => {
  push = createRecordingPush(['WEB', 'FCM', 'APNS_VOIP']);
  t = await createTestApp({ env: { SANDBOX_STEP_DELAY_MS: '0', CALL_RING_TIMEOUT_SECONDS: '20' }, push });
});
afterAll(async () => {
  await t.close();
});

const voipToken = () => randomBytes(32).toString('hex');

async function iphone(token: string, voip = voipToken()) {
  const res = await call(t, 'POST', '/api/notifications/devices', {
    token,
    payload: {
      platform: 'IOS',
      deviceId: `iphone-${randomBytes(6).toString('hex')}`,
      token: `fcm-${randomBytes(40).toString('hex')}`,
      voipToken: voip,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return voip;
}

const voipPushes = (token: string) =>
  push.sent.filter((s) => s.target.channel === 'APNS_VOIP' && s.target.token === token);

it('wakes the iPhone with a VoIP push naming the caller, and the call rings instead of being missed', async () => {
  const caller = await userWithLine(t);
  const callee = await userWithLine(t);
  const phone = await iphone(callee.accessToken);

  const placed = await initiate(t, caller.accessToken, caller.number, callee.number);
  await settle(t);

  const [pushed] = voipPushes(phone);
  expect(pushed?.message).toMatchObject({ type: 'CALL_INCOMING', urgency: 'high', ttlSeconds: 20 });
  expect(pushed?.message.title).toMatch(/^Incoming call from \+33/);
  const [leg] = (await listCalls(t, callee.accessToken)).calls;
  expect(leg?.status).toBe('RINGING');
  expect(placed.status).not.toBe('NO_ANSWER');
});

it('misses the call at once when no app is open and the only iPhone’s token is gone, dropping that token', async () => {
  const caller = await userWithLine(t);
  const callee = await userWithLine(t);
  const phone = await iphone(callee.accessToken);
  push.failNext(phone, 'GONE');

  await initiate(t, caller.accessToken, caller.number, callee.number);
  await settle(t);

  const [leg] = (await listCalls(t, callee.accessToken)).calls;
  expect(leg).toMatchObject({ status: 'NO_ANSWER', missed: { reason: 'NO_DEVICE_ONLINE' } });

  await initiate(t, caller.accessToken, caller.number, callee.number);
  await settle(t);
  // The token Apple said was gone is not pushed to again.
  expect(voipPushes(phone)).toHaveLength(1);
});
