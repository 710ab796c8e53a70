import { randomBytes } from 'node:crypto';
import type { Device, NotificationList } from '@commpro/contracts';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { pushDeliveries } from '../../src/modules/notifications/notifications.table.js';
import { sandboxWebhookToken } from '../../src/providers/carrier/sandbox/sandbox-messaging.js';
import type { PushChannel } from '../../src/providers/push/push.port.js';
import { call, registerUser } from '../helpers/auth-flows.js';
import { INCOMING_PATH, inboundParams, type MessagingTestApp, signedWebhook } from '../helpers/messaging-flows.js';
import { buyNumber, setPlan } from '../helpers/numbers-flows.js';
import { createRecordingPush, type RecordingPush } from '../helpers/recording-push.js';
import { createTestApp } from '../helpers/test-app.js';

export interface NotificationsTestApp extends MessagingTestApp {
  push: RecordingPush;
}

export async function createNotificationsTestApp(channels: PushChannel[] = ['WEB']): Promise<NotificationsTestApp> {
  const jwtSecret = randomBytes(32).toString('hex');
  const push = createRecordingPush(channels);
  const t = await createTestApp({ env: { SANDBOX_STEP_DELAY_MS: '0' }, secrets: { jwtSecret }, push });
  return { ...t, webhookToken: sandboxWebhookToken(jwtSecret), push };
}

/** Runs every due job (delivery, then each device's push) until none is left. */
export async function runJobs(t: NotificationsTestApp): Promise<void> {
  while ((await t.app.jobs.runDue()) > 0);
}

/** A user with a line of their own, to be texted and called. */
export async function userWithLine(t: NotificationsTestApp) {
  const user = await registerUser(t, { firstName: 'Bea', lastName: 'Lambert' });
  await setPlan(t, user.id, 'BUSINESS');
  const line = await buyNumber(t, user.accessToken);
  return { ...user, line };
}

export const browserEndpoint = () => `https://fcm.googleapis.com/fcm/send/${randomBytes(12).toString('hex')}`;

export function registerWebDevice(
  t: NotificationsTestApp,
  token: string,
  options: { deviceId?: string; endpoint?: string; deviceName?: string } = {},
) {
  return call(t, 'POST', '/api/notifications/devices', {
    token,
    payload: {
      platform: 'WEB',
      deviceId: options.deviceId ?? `web-${randomBytes(8).toString('hex')}`,
      ...(options.deviceName ? { deviceName: options.deviceName } : {}),
      subscription: {
        endpoint: options.endpoint ?? browserEndpoint(),
        keys: { p256dh: randomBytes(65).toString('base64url'), auth: randomBytes(16).toString('base64url') },
      },
    },
  });
}

export async function webDevice(
  t: NotificationsTestApp,
  token: string,
  options: { deviceId?: string; endpoint?: string } = {},
): Promise<Device & { endpoint: string }> {
  const endpoint = options.endpoint ?? browserEndpoint();
  const res = await registerWebDevice(t, token, { ...options, endpoint });
  expect(res.statusCode, res.body).toBe(201);
  return { ...(res.json() as Device), endpoint };
}

/** An SMS from the outside world to `to`, as the carrier delivers it. */
export async function textFrom(t: NotificationsTestApp, from: string, to: string, body = 'Bonjour') {
  const res = await signedWebhook(t, INCOMING_PATH, inboundParams(from, to, body));
  expect(res.statusCode, res.body).toBe(200);
}

export async function listNotifications(t: NotificationsTestApp, token: string, query = ''): Promise<NotificationList> {
  const res = await call(t, 'GET', `/api/notifications${query}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export function deliveriesOf(t: NotificationsTestApp, notificationId: string) {
  return t.database.handle.db.select().from(pushDeliveries).where(eq(pushDeliveries.notificationId, notificationId));
}
