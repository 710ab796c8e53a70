import type { Device, NotificationPreferences } from '@commpro/contracts';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/modules/auth/auth.table.js';
import { call, expectError, registerUser } from '../helpers/auth-flows.js';
import { buyNumber } from '../helpers/numbers-flows.js';
import {
  browserEndpoint,
  createNotificationsTestApp,
  listNotifications,
  type NotificationsTestApp,
  registerWebDevice,
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

const OUTSIDE = '+33655503000';

const pushesTo = (endpoint: string) =>
  t.push.sent.filter((s) => s.target.channel === 'WEB' && s.target.subscription.endpoint === endpoint).length;

async function devicesOf(token: string): Promise<Device[]> {
  const res = await call(t, 'GET', '/api/notifications/devices', { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

function putPreferences(token: string, preferences: NotificationPreferences) {
  return call(t, 'PUT', '/api/notifications/preferences', { token, payload: preferences });
}

const ALL_ON: NotificationPreferences['push'] = {
  CALL_MISSED: true,
  MESSAGE_RECEIVED: true,
  VOICEMAIL: true,
  BILLING: true,
  SYSTEM: true,
};

describe('devices', () => {
  it('gives the browser the key to subscribe with', async () => {
    const bea = await registerUser(t);
    const res = await call(t, 'GET', '/api/notifications/push-config', { token: bea.accessToken });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ vapidPublicKey: t.push.vapidPublicKey });
  });

  it('registers a browser once per device id, refreshing its subscription when it changes', async () => {
    const bea = await registerUser(t);
    const first = await webDevice(t, bea.accessToken, { deviceId: 'laptop-0001' });
    expect(first).toMatchObject({ platform: 'WEB', deviceId: 'laptop-0001', isActive: true });
    const renewed = await webDevice(t, bea.accessToken, { deviceId: 'laptop-0001' });
    expect(renewed.id).toBe(first.id);
    expect((await devicesOf(bea.accessToken)).map((d) => d.id)).toEqual([first.id]);
  });

  it('moves a device to whoever signs in on it, so the previous account stops pushing there', async () => {
    const bea = await registerUser(t);
    const sam = await registerUser(t);
    await webDevice(t, bea.accessToken, { deviceId: 'shared-desk-01' });
    const taken = await webDevice(t, sam.accessToken, { deviceId: 'shared-desk-01' });
    expect(await devicesOf(bea.accessToken)).toEqual([]);
    expect((await devicesOf(sam.accessToken)).map((d) => d.id)).toEqual([taken.id]);
  });

  it('refuses a subscription that is not a browser push service, and platforms not configured here', async () => {
    const bea = await registerUser(t);
    for (const endpoint of [
      'http://127.0.0.1:5432/x',
      'https://intranet.example.com/push',
      'http://fcm.googleapis.com/a',
    ]) {
      const res = await registerWebDevice(t, bea.accessToken, { endpoint });
      const body = expectError(res, 400, 'VALIDATION_FAILED', 'subscription.endpoint');
      expect(body.details?.[0]?.code).toBe('PUSH_ENDPOINT_NOT_ALLOWED');
    }
    const android = await call(t, 'POST', '/api/notifications/devices', {
      token: bea.accessToken,
      payload: { platform: 'ANDROID', deviceId: 'pixel-000001', token: 'f'.repeat(152) },
    });
    expect(expectError(android, 409, 'CONFLICT').details?.[0]?.code).toBe('PUSH_NOT_CONFIGURED');
    expectError(
      await call(t, 'POST', '/api/notifications/devices', {
        token: bea.accessToken,
        payload: { platform: 'WEB', deviceId: 'x', subscription: { endpoint: browserEndpoint() } },
      }),
      400,
      'VALIDATION_FAILED',
    );
    expect(await devicesOf(bea.accessToken)).toEqual([]);
  });

  it('unregisters by our id or the device’s own id; another user’s device is not found', async () => {
    const bea = await registerUser(t);
    const sam = await registerUser(t);
    const byId = await webDevice(t, bea.accessToken);
    await webDevice(t, bea.accessToken, { deviceId: 'tablet-0002' });
    const samsDevice = await webDevice(t, sam.accessToken);

    expectError(
      await call(t, 'DELETE', `/api/notifications/devices/${samsDevice.id}`, { token: bea.accessToken }),
      404,
      'NOT_FOUND',
    );
    expect(await devicesOf(sam.accessToken)).toHaveLength(1);

    for (const id of [byId.id, 'tablet-0002']) {
      const res = await call(t, 'DELETE', `/api/notifications/devices/${id}`, { token: bea.accessToken });
      expect(res.statusCode, res.body).toBe(200);
    }
    expect(await devicesOf(bea.accessToken)).toEqual([]);
  });
});

describe('preferences', () => {
  it('start with everything pushing, no quiet hours, nothing muted', async () => {
    const bea = await registerUser(t);
    const res = await call(t, 'GET', '/api/notifications/preferences', { token: bea.accessToken });
    expect(res.json()).toEqual({ push: ALL_ON, quietHours: null, mutedNumberIds: [] });
  });

  it('keep a kind out of push while it still reaches the centre', async () => {
    const bea = await userWithLine(t);
    const device = await webDevice(t, bea.accessToken);
    const saved = await putPreferences(bea.accessToken, {
      push: { ...ALL_ON, MESSAGE_RECEIVED: false },
      quietHours: null,
      mutedNumberIds: [],
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().push.MESSAGE_RECEIVED).toBe(false);

    await textFrom(t, OUTSIDE, bea.line.phoneNumber);
    await runJobs(t);
    expect(pushesTo(device.endpoint)).toBe(0);
    expect((await listNotifications(t, bea.accessToken)).total).toBe(1);
  });

  it('hold pushes during quiet hours in the user’s own timezone, across midnight', async () => {
    const bea = await userWithLine(t);
    await t.database.handle.db.update(users).set({ timezone: 'America/New_York' }).where(eq(users.id, bea.id));
    const device = await webDevice(t, bea.accessToken);
    await putPreferences(bea.accessToken, {
      push: ALL_ON,
      quietHours: { start: '22:00', end: '07:00' },
      mutedNumberIds: [],
    });

    const saved = t.clock.now;
    try {
      // 03:30 UTC is 22:30 the evening before in New York (EST, UTC-5): quiet.
      t.clock.now = new Date('2026-12-01T03:30:00Z');
      await textFrom(t, OUTSIDE, bea.line.phoneNumber);
      await runJobs(t);
      expect(pushesTo(device.endpoint)).toBe(0);

      // 13:00 UTC is 08:00 in New York: pushes again.
      t.clock.now = new Date('2026-12-01T13:00:00Z');
      await textFrom(t, '+33655503001', bea.line.phoneNumber);
      await runJobs(t);
      expect(pushesTo(device.endpoint)).toBe(1);
    } finally {
      t.clock.now = saved;
    }
  });

  it('mute one line: its texts do not push, the other line’s do', async () => {
    const bea = await userWithLine(t);
    const second = await buyNumber(t, bea.accessToken);
    const device = await webDevice(t, bea.accessToken);
    const res = await putPreferences(bea.accessToken, {
      push: ALL_ON,
      quietHours: null,
      mutedNumberIds: [bea.line.id],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().mutedNumberIds).toEqual([bea.line.id]);

    await textFrom(t, OUTSIDE, bea.line.phoneNumber);
    await runJobs(t);
    expect(pushesTo(device.endpoint)).toBe(0);
    await textFrom(t, OUTSIDE, second.phoneNumber);
    await runJobs(t);
    expect(pushesTo(device.endpoint)).toBe(1);
  });

  it('refuse another user’s line, bad clock times and unknown kinds, changing nothing', async () => {
    const bea = await registerUser(t);
    const sam = await userWithLine(t);
    const before = await call(t, 'GET', '/api/notifications/preferences', { token: bea.accessToken });
    expectError(
      await putPreferences(bea.accessToken, { push: ALL_ON, quietHours: null, mutedNumberIds: [sam.line.id] }),
      400,
      'VALIDATION_FAILED',
      'mutedNumberIds',
    );
    expectError(
      await putPreferences(bea.accessToken, {
        push: ALL_ON,
        quietHours: { start: '25:00', end: '07:00' },
        mutedNumberIds: [],
      }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await call(t, 'PUT', '/api/notifications/preferences', {
        token: bea.accessToken,
        payload: { push: { CALL_MISSED: true }, quietHours: null, mutedNumberIds: [] },
      }),
      400,
      'VALIDATION_FAILED',
    );
    const after = await call(t, 'GET', '/api/notifications/preferences', { token: bea.accessToken });
    expect(after.json()).toEqual(before.json());
  });
});
