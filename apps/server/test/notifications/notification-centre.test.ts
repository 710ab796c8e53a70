import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectError, registerUser } from '../helpers/auth-flows.js';
import { createContact } from '../helpers/contacts-flows.js';
import {
  createNotificationsTestApp,
  listNotifications,
  type NotificationsTestApp,
  runJobs,
  textFrom,
  userWithLine,
} from './notification-flows.js';

let t: NotificationsTestApp;
beforeAll(async () => {
  t = await createNotificationsTestApp();
});
afterAll(async () => {
  await t.close();
});

const OUTSIDE = '+33655501234';

describe('the notification centre', () => {
  it('names a contact in the title and points at the conversation', async () => {
    const bea = await userWithLine(t);
    await createContact(t, bea.accessToken, { firstName: 'Hélène', lastName: 'Martin', phoneNumber: OUTSIDE });
    await textFrom(t, OUTSIDE, bea.line.phoneNumber);

    const { notifications, total, unread } = await listNotifications(t, bea.accessToken);
    expect(total).toBe(1);
    expect(unread).toBe(1);
    expect(notifications[0]).toMatchObject({
      type: 'MESSAGE_RECEIVED',
      title: 'New message from Hélène Martin',
      url: `/messages/${encodeURIComponent(OUTSIDE)}?from=${encodeURIComponent(bea.line.phoneNumber)}`,
      read: false,
      pushSent: false,
    });
    // The message text is sealed at rest; the notification row never holds it.
    expect(JSON.stringify(notifications[0])).not.toContain('Bonjour');
  });

  it('writes an unknown number out in full rather than as raw digits', async () => {
    const bea = await userWithLine(t);
    await textFrom(t, OUTSIDE, bea.line.phoneNumber);
    const { notifications } = await listNotifications(t, bea.accessToken);
    expect(notifications[0]?.title).toBe('New message from +33 6 55 50 12 34');
  });

  it('filters unread, pages with limit and offset, and always says how many are unread', async () => {
    const bea = await userWithLine(t);
    for (const from of ['+33655501001', '+33655501002', '+33655501003']) {
      await textFrom(t, from, bea.line.phoneNumber);
      t.clock.advance(1000);
    }
    const all = await listNotifications(t, bea.accessToken);
    expect(all.total).toBe(3);
    // Newest first.
    expect(all.notifications.map((n) => n.data?.from)).toEqual(['+33655501003', '+33655501002', '+33655501001']);

    const read = await call(t, 'PUT', `/api/notifications/${all.notifications[0]!.id}/read`, {
      token: bea.accessToken,
    });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toMatchObject({ read: true });
    expect(read.json().readAt).not.toBeNull();

    const unreadOnly = await listNotifications(t, bea.accessToken, '?unread=true');
    expect(unreadOnly.total).toBe(2);
    expect(unreadOnly.unread).toBe(2);
    expect(unreadOnly.notifications.every((n) => !n.read)).toBe(true);

    const page = await listNotifications(t, bea.accessToken, '?limit=1&offset=1');
    expect(page.notifications).toHaveLength(1);
    expect(page.notifications[0]?.data?.from).toBe('+33655501002');
    expect(page.total).toBe(3);
    expect(page.unread).toBe(2);
  });

  it('marks everything read at once, and only the caller’s', async () => {
    const bea = await userWithLine(t);
    const other = await userWithLine(t);
    await textFrom(t, OUTSIDE, bea.line.phoneNumber);
    await textFrom(t, OUTSIDE, bea.line.phoneNumber);
    await textFrom(t, OUTSIDE, other.line.phoneNumber);

    const res = await call(t, 'PUT', '/api/notifications/read-all', { token: bea.accessToken });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ updated: 2 });
    expect((await listNotifications(t, bea.accessToken)).unread).toBe(0);
    expect((await listNotifications(t, other.accessToken)).unread).toBe(1);
  });

  it('deletes one notification; another user’s is not found, and stays', async () => {
    const bea = await userWithLine(t);
    const other = await userWithLine(t);
    await textFrom(t, OUTSIDE, bea.line.phoneNumber);
    await textFrom(t, OUTSIDE, other.line.phoneNumber);
    const [mine] = (await listNotifications(t, bea.accessToken)).notifications;
    const [theirs] = (await listNotifications(t, other.accessToken)).notifications;

    expectError(
      await call(t, 'DELETE', `/api/notifications/${theirs!.id}`, { token: bea.accessToken }),
      404,
      'NOT_FOUND',
    );
    expectError(
      await call(t, 'PUT', `/api/notifications/${theirs!.id}/read`, { token: bea.accessToken }),
      404,
      'NOT_FOUND',
    );
    expect((await listNotifications(t, other.accessToken)).notifications[0]).toMatchObject({
      id: theirs!.id,
      read: false,
    });

    const res = await call(t, 'DELETE', `/api/notifications/${mine!.id}`, { token: bea.accessToken });
    expect(res.statusCode, res.body).toBe(200);
    expect((await listNotifications(t, bea.accessToken)).total).toBe(0);
    expectError(
      await call(t, 'DELETE', `/api/notifications/${mine!.id}`, { token: bea.accessToken }),
      404,
      'NOT_FOUND',
    );
  });

  it('refuses bad ids and filters with a 400 naming the field, and strangers with a 401', async () => {
    const bea = await registerUser(t);
    expectError(
      await call(t, 'PUT', '/api/notifications/not-a-uuid/read', { token: bea.accessToken }),
      400,
      'VALIDATION_FAILED',
      'id',
    );
    expectError(
      await call(t, 'GET', '/api/notifications?unread=maybe', { token: bea.accessToken }),
      400,
      'VALIDATION_FAILED',
      'unread',
    );
    expectError(
      await call(t, 'GET', '/api/notifications?limit=0', { token: bea.accessToken }),
      400,
      'VALIDATION_FAILED',
      'limit',
    );
    expectError(await call(t, 'GET', '/api/notifications'), 401, 'UNAUTHORIZED');
  });

  it('delivers through a job, so the row exists even before anything is pushed', async () => {
    const bea = await userWithLine(t);
    await textFrom(t, OUTSIDE, bea.line.phoneNumber);
    expect((await listNotifications(t, bea.accessToken)).total).toBe(1);
    await runJobs(t);
    // No device registered: nothing was pushed, and the row says so.
    expect((await listNotifications(t, bea.accessToken)).notifications[0]?.pushSent).toBe(false);
  });
});
