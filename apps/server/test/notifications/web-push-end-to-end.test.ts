import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sandboxWebhookToken } from '../../src/providers/carrier/sandbox/sandbox-messaging.js';
import { call, registerUser } from '../helpers/auth-flows.js';
import { INCOMING_PATH, inboundParams, type MessagingTestApp, signedWebhook } from '../helpers/messaging-flows.js';
import { buyNumber, setPlan } from '../helpers/numbers-flows.js';
import { createTestApp } from '../helpers/test-app.js';
import { decrypt, makeSubscriber, type PushService, startPushService } from '../push/push-service.js';

/*
 * The whole way, with the real Web Push sender: an SMS arrives, the user's
 * open app hears `notification:new`, and the browser's push service receives
 * a push only that browser can read, with the title and where to open.
 */

let t: MessagingTestApp;
let pushService: PushService;
let socket: Socket | undefined;

beforeAll(async () => {
  pushService = await startPushService();
  const jwtSecret = randomBytes(32).toString('hex');
  const app = await createTestApp({
    env: { SANDBOX_STEP_DELAY_MS: '0', WEB_PUSH_EXTRA_ORIGINS: pushService.origin },
    secrets: { jwtSecret },
    realClock: true,
  });
  t = { ...app, webhookToken: sandboxWebhookToken(jwtSecret) };
  await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  socket?.disconnect();
  await t.close();
  await pushService.close();
});

it('pushes a text to the browser, encrypted for it, and tells the open app', async () => {
  const user = await registerUser(t);
  await setPlan(t, user.id, 'STARTER');
  const line = await buyNumber(t, user.accessToken);
  const browser = makeSubscriber();
  const registered = await call(t, 'POST', '/api/notifications/devices', {
    token: user.accessToken,
    payload: {
      platform: 'WEB',
      deviceId: 'browser-e2e-01',
      subscription: { endpoint: `${pushService.origin}/push/abc`, keys: browser.keys },
    },
  });
  expect(registered.statusCode, registered.body).toBe(201);

  const address = t.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  socket = io(`http://127.0.0.1:${port}`, { auth: { token: user.accessToken }, transports: ['websocket'] });
  await new Promise<void>((resolve, reject) => {
    socket!.once('connect', () => resolve());
    socket!.once('connect_error', reject);
  });
  const heard = new Promise<{ title: string; url: string }>((resolve) => socket!.once('notification:new', resolve));

  const res = await signedWebhook(t, INCOMING_PATH, inboundParams('+33655504000', line.phoneNumber, 'Salut'));
  expect(res.statusCode, res.body).toBe(200);
  while ((await t.app.jobs.runDue()) > 0);

  expect(await heard).toMatchObject({ title: 'New message from +33 6 55 50 40 00' });
  expect(pushService.requests).toHaveLength(1);
  const [request] = pushService.requests;
  expect(request!.path).toBe('/push/abc');
  expect(request!.headers['content-encoding']).toBe('aes128gcm');
  expect(request!.headers.authorization).toMatch(/^vapid t=.+, k=.+$/);
  // The message text never travels in the push; the payload only says who and where.
  expect(request!.body.includes(Buffer.from('Salut'))).toBe(false);
  const payload = JSON.parse(decrypt(request!.body, browser).toString('utf8'));
  expect(payload).toMatchObject({
    type: 'MESSAGE_RECEIVED',
    title: 'New message from +33 6 55 50 40 00',
    url: `/messages/${encodeURIComponent('+33655504000')}?from=${encodeURIComponent(line.phoneNumber)}`,
  });

  const list = await call(t, 'GET', '/api/notifications', { token: user.accessToken });
  expect(list.json().notifications[0]).toMatchObject({ id: payload.id, pushSent: true });
});
