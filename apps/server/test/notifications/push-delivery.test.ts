import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceTokens } from '../../src/modules/notifications/notifications.table.js';
import { jobs } from '../../src/platform/jobs/jobs.table.js';
import { call, loginUser } from '../helpers/auth-flows.js';
import {
  createNotificationsTestApp,
  deliveriesOf,
  listNotifications,
  type NotificationsTestApp,
  runJobs,
  textFrom,
  userWithLine,
  webDevice,
} from './notification-flows.js';

let t: NotificationsTestApp;
beforeAll(async () => {
  t = await createNotificationsTestApp();
});
afterAll(async () => {
  await t.close();
});

const OUTSIDE = '+33655502000';

const sentTo = (endpoint: string) =>
  t.push.sent.filter((s) => s.target.channel === 'WEB' && s.target.subscription.endpoint === endpoint);

async function onlyNotification(token: string) {
  const { notifications } = await listNotifications(t, token);
  expect(notifications).toHaveLength(1);
  return notifications[0]!;
}

describe('push delivery', () => {
  it('pushes to every active device with the title, the place to open and the keys it registered', async () => {
    const bea = await userWithLine(t);
    const laptop = await webDevice(t, bea.accessToken);
    const phone = await webDevice(t, bea.accessToken);
    await textFrom(t, OUTSIDE, bea.line.phoneNumber);
    await runJobs(t);

    const notification = await onlyNotification(bea.accessToken);
    for (const device of [laptop, phone]) {
      const [push] = sentTo(device.endpoint);
      expect(push?.message).toMatchObject({
        id: notification.id,
        type: 'MESSAGE_RECEIVED',
        title: notification.title,
        url: notification.url,
        urgency: 'high',
      });
      expect(push?.message.ttlSeconds).toBeGreaterThan(0);
      expect(push?.target.channel === 'WEB' && push.target.subscription.keys.auth.length).toBeGreaterThan(0);
    }
    expect(notification.pushSent).toBe(true);
    const deliveries = await deliveriesOf(t, notification.id);
    expect(deliveries.map((d) => d.outcome).sort()).toEqual(['ACCEPTED', 'ACCEPTED']);
  });

  it('retries a push the service could not take, backing off, and counts it sent only once accepted', async () => {
    const bea = await userWithLine(t);
    const device = await webDevice(t, bea.accessToken);
    t.push.failNext(device.endpoint, 'RETRY', 'RETRY');
    await textFrom(t, OUTSIDE, bea.line.phoneNumber);
    await runJobs(t);

    const notification = await onlyNotification(bea.accessToken);
    expect(sentTo(device.endpoint)).toHaveLength(1);
    expect(notification.pushSent).toBe(false);
    const [first] = await deliveriesOf(t, notification.id);
    expect(first?.outcome).toBe('PENDING');

    // The retry waits: nothing runs before its time.
    await runJobs(t);
    expect(sentTo(device.endpoint)).toHaveLength(1);
    const [job] = await t.database.handle.db
      .select()
      .from(jobs)
      .where(eq(jobs.dedupeKey, `notifications.push:${first!.id}`));
    const firstWait = job!.runAt.getTime() - t.clock.now.getTime();
    expect(firstWait).toBeGreaterThan(0);

    t.clock.advance(firstWait);
    await runJobs(t);
    expect(sentTo(device.endpoint)).toHaveLength(2);
    const [again] = await t.database.handle.db
      .select()
      .from(jobs)
      .where(eq(jobs.dedupeKey, `notifications.push:${first!.id}`));
    // Exponential: the second wait is longer than the first.
    expect(again!.runAt.getTime() - t.clock.now.getTime()).toBeGreaterThan(firstWait);

    t.clock.advance(again!.runAt.getTime() - t.clock.now.getTime());
    await runJobs(t);
    expect(sentTo(device.endpoint)).toHaveLength(3);
    const { accessToken } = await loginUser(t, bea);
    expect((await onlyNotification(accessToken)).pushSent).toBe(true);
    expect((await deliveriesOf(t, notification.id))[0]).toMatchObject({ outcome: 'ACCEPTED', attempts: 3 });
  });

  it('deactivates a device whose subscription is gone and stops pushing to it', async () => {
    const bea = await userWithLine(t);
    const gone = await webDevice(t, bea.accessToken);
    const kept = await webDevice(t, bea.accessToken);
    t.push.failNext(gone.endpoint, 'GONE');
    await textFrom(t, OUTSIDE, bea.line.phoneNumber);
    await runJobs(t);

    const [row] = await t.database.handle.db.select().from(deviceTokens).where(eq(deviceTokens.id, gone.id));
    expect(row?.isActive).toBe(false);
    const devices = await call(t, 'GET', '/api/notifications/devices', { token: bea.accessToken });
    expect(devices.json().find((d: { id: string }) => d.id === gone.id)).toMatchObject({ isActive: false });

    await textFrom(t, '+33655502001', bea.line.phoneNumber);
    await runJobs(t);
    expect(sentTo(gone.endpoint)).toHaveLength(1);
    expect(sentTo(kept.endpoint)).toHaveLength(2);
  });

  it('gives up on a refused push at once, and after the last retry on a service that stays down', async () => {
    const bea = await userWithLine(t);
    const refused = await webDevice(t, bea.accessToken);
    const down = await webDevice(t, bea.accessToken);
    t.push.failNext(refused.endpoint, 'REJECTED');
    t.push.failNext(down.endpoint, ...Array.from({ length: 7 }, () => 'RETRY' as const));
    await textFrom(t, OUTSIDE, bea.line.phoneNumber);
    const notification = await onlyNotification(bea.accessToken);
    for (let round = 0; round < 10; round++) {
      await runJobs(t);
      t.clock.advance(3_600_000);
    }
    expect(sentTo(refused.endpoint)).toHaveLength(1);
    expect(sentTo(down.endpoint)).toHaveLength(7);
    const outcomes = Object.fromEntries((await deliveriesOf(t, notification.id)).map((d) => [d.deviceId, d.outcome]));
    expect(outcomes).toEqual({ [refused.id]: 'REJECTED', [down.id]: 'FAILED' });
    // Hours later: a new session to look.
    const { accessToken } = await loginUser(t, bea);
    expect((await onlyNotification(accessToken)).pushSent).toBe(false);
  });

  it('reports the share of pushes accepted on /metrics', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    const line = res.body.split('\n').find((l) => l.startsWith('commpro_push_delivery_ratio '));
    expect(line, res.body.slice(0, 500)).toBeDefined();
    const ratio = Number(line!.split(' ')[1]);
    // Earlier tests in this file: accepted pushes, one refused, one that failed after its retries.
    expect(ratio).toBeGreaterThan(0);
    expect(ratio).toBeLessThan(1);
  });
});
