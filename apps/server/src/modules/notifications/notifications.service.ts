import type {
  Device,
  Notification,
  NotificationList,
  NotificationPreferences,
  RegisterDeviceBody,
} from '@commpro/contracts';
import { and, count, desc, eq, inArray, isNull, ne, or } from 'drizzle-orm';
import type { Database } from '../../platform/db/client.js';
import { AppError, notFound, validationError } from '../../platform/errors.js';
import type { JobQueue } from '../../platform/jobs/job-queue.js';
import { phoneNumbers } from '../numbers/numbers.table.js';
import { titleOf, urlOf } from './notification-text.js';
import { deviceTokens, notificationPreferences, notifications } from './notifications.table.js';
import { toClock, toMinute } from './quiet-hours.js';

export type NewNotification = Omit<typeof notifications.$inferInsert, 'id' | 'userId'>;
type NotificationRow = typeof notifications.$inferSelect;
type DeviceRow = typeof deviceTokens.$inferSelect;

/** Delivers a notification (realtime, then push to each device) once its row is committed. */
export const DELIVER_JOB = 'notifications.deliver';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const DEFAULT_PREFERENCES: NotificationPreferences = {
  push: { CALL_MISSED: true, MESSAGE_RECEIVED: true, VOICEMAIL: true, BILLING: true, SYSTEM: true },
  quietHours: null,
  mutedNumberIds: [],
};

/**
 * Push services browsers subscribe with (Chrome/FCM, Firefox, Edge, Safari).
 * A subscription elsewhere would have our server POST wherever a user said.
 */
const PUSH_SERVICE_HOSTS = [
  'fcm.googleapis.com',
  'android.googleapis.com',
  'updates.push.services.mozilla.com',
  '.push.services.mozilla.com',
  '.notify.windows.com',
  '.push.apple.com',
];

function isPushService(endpoint: string, extraOrigins: readonly string[]): boolean {
  const url = new URL(endpoint);
  if (extraOrigins.includes(url.origin)) return true;
  if (url.protocol !== 'https:') return false;
  return PUSH_SERVICE_HOSTS.some((host) =>
    host.startsWith('.') ? url.hostname.endsWith(host) : url.hostname === host,
  );
}

export function notificationDto(row: NotificationRow): Notification {
  const data = (row.data ?? null) as Record<string, unknown> | null;
  return {
    id: row.id,
    type: row.type,
    title: row.title,
    body: row.body,
    url: urlOf(row.type, data),
    data,
    read: row.read,
    readAt: row.readAt?.toISOString() ?? null,
    pushSent: row.pushSent,
    createdAt: row.createdAt.toISOString(),
  };
}

function deviceDto(row: DeviceRow): Device {
  return {
    id: row.id,
    platform: row.platform,
    deviceId: row.deviceId ?? row.id,
    deviceName: row.deviceName,
    isActive: row.isActive,
    lastUsedAt: row.lastUsedAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
  };
}

export interface NotificationsServiceDeps {
  db: Database;
  jobs: Pick<JobQueue, 'enqueue'>;
  /** The contact's name for a number of the user's, if they have one. */
  contactName(userId: string, phoneNumber: string, tx: Database): Promise<string | null>;
  /** Channels the server can push on: a device on another is refused at registration. */
  pushChannels: ReadonlySet<'WEB' | 'FCM' | 'APNS_VOIP'>;
  /** Origins accepted as Web Push endpoints besides the browsers' push services (a test's local endpoint). */
  extraPushOrigins: readonly string[];
  clock: () => Date;
}

/** The notification centre: rows other modules write, the user's devices and preferences. */
export function createNotificationsService(deps: NotificationsServiceDeps) {
  const { db, clock } = deps;

  async function owned(userId: string, id: string): Promise<NotificationRow> {
    const [row] = await db
      .select()
      .from(notifications)
      .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
      .limit(1);
    if (!row) throw notFound('Notification');
    return row;
  }

  return {
    /**
     * Pass the caller's transaction to notify with the change, or not at all.
     * Delivery (the app's bell, then push) is a job, so it happens after the
     * commit and is retried until the push services take it.
     */
    async notify(userId: string, notification: NewNotification, tx: Database = db): Promise<void> {
      const data = (notification.data ?? null) as Record<string, unknown> | null;
      const from = typeof data?.from === 'string' ? data.from : null;
      const name = from ? await deps.contactName(userId, from, tx) : null;
      const [row] = await tx
        .insert(notifications)
        .values({
          ...notification,
          title: titleOf(notification.type, notification.title, data, name).slice(0, 255),
          userId,
          createdAt: clock(),
        })
        .returning({ id: notifications.id });
      await deps.jobs.enqueue(DELIVER_JOB, { notificationId: row!.id }, { dedupeKey: `${DELIVER_JOB}:${row!.id}` }, tx);
    },

    async list(
      userId: string,
      query: { unread?: boolean | undefined; limit: number; offset: number },
    ): Promise<NotificationList> {
      const mine = eq(notifications.userId, userId);
      const unreadOnly = and(mine, eq(notifications.read, false));
      const where = query.unread ? unreadOnly : mine;
      const [rows, [total], [unread]] = await Promise.all([
        db
          .select()
          .from(notifications)
          .where(where)
          .orderBy(desc(notifications.createdAt), desc(notifications.id))
          .limit(query.limit)
          .offset(query.offset),
        db.select({ n: count() }).from(notifications).where(where),
        db.select({ n: count() }).from(notifications).where(unreadOnly),
      ]);
      return { notifications: rows.map(notificationDto), total: total?.n ?? 0, unread: unread?.n ?? 0 };
    },

    async markRead(userId: string, id: string): Promise<Notification> {
      const row = await owned(userId, id);
      if (row.read) return notificationDto(row);
      const [updated] = await db
        .update(notifications)
        .set({ read: true, readAt: clock() })
        .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
        .returning();
      return notificationDto(updated!);
    },

    async markAllRead(userId: string): Promise<{ updated: number }> {
      const rows = await db
        .update(notifications)
        .set({ read: true, readAt: clock() })
        .where(and(eq(notifications.userId, userId), eq(notifications.read, false)))
        .returning({ id: notifications.id });
      return { updated: rows.length };
    },

    async remove(userId: string, id: string): Promise<void> {
      const deleted = await db
        .delete(notifications)
        .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
        .returning({ id: notifications.id });
      if (!deleted.length) throw notFound('Notification');
    },

    async preferences(userId: string, tx: Database = db): Promise<NotificationPreferences> {
      const [row] = await tx
        .select()
        .from(notificationPreferences)
        .where(eq(notificationPreferences.userId, userId))
        .limit(1);
      if (!row) return DEFAULT_PREFERENCES;
      return {
        push: { ...DEFAULT_PREFERENCES.push, ...row.pushTypes },
        quietHours:
          row.quietStartMinute !== null && row.quietEndMinute !== null
            ? { start: toClock(row.quietStartMinute), end: toClock(row.quietEndMinute) }
            : null,
        mutedNumberIds: row.mutedNumberIds,
      };
    },

    async setPreferences(userId: string, input: NotificationPreferences): Promise<NotificationPreferences> {
      const muted = [...new Set(input.mutedNumberIds)];
      if (muted.length) {
        const mine = await db
          .select({ id: phoneNumbers.id })
          .from(phoneNumbers)
          .where(and(eq(phoneNumbers.userId, userId), inArray(phoneNumbers.id, muted)));
        if (mine.length !== muted.length) {
          throw validationError('mutedNumberIds', 'Only your own numbers can be muted', 'UNKNOWN_NUMBER');
        }
      }
      const values = {
        pushTypes: input.push,
        quietStartMinute: input.quietHours ? toMinute(input.quietHours.start) : null,
        quietEndMinute: input.quietHours ? toMinute(input.quietHours.end) : null,
        mutedNumberIds: muted,
      };
      await db
        .insert(notificationPreferences)
        .values({ userId, ...values })
        .onConflictDoUpdate({ target: notificationPreferences.userId, set: values });
      return this.preferences(userId);
    },

    /**
     * Registers (or refreshes) this device for push. A device id is one
     * device: signed in as someone else, it now pushes to them only.
     */
    async registerDevice(userId: string, input: RegisterDeviceBody): Promise<Device> {
      const channel = input.platform === 'WEB' ? 'WEB' : 'FCM';
      if (!deps.pushChannels.has(channel)) {
        throw new AppError('CONFLICT', `Push to ${input.platform} devices is not configured on this server`, {
          details: [{ field: 'platform', message: 'Not configured here', code: 'PUSH_NOT_CONFIGURED' }],
        });
      }
      if (input.platform === 'WEB' && !isPushService(input.subscription.endpoint, deps.extraPushOrigins)) {
        throw validationError(
          'subscription.endpoint',
          'The subscription must come from a browser push service',
          'PUSH_ENDPOINT_NOT_ALLOWED',
        );
      }
      const values =
        input.platform === 'WEB'
          ? {
              platform: input.platform,
              token: input.subscription.endpoint,
              webPushKeys: input.subscription.keys,
              fcmToken: null,
              voipToken: null,
            }
          : {
              platform: input.platform,
              token: input.token,
              webPushKeys: null,
              fcmToken: input.token,
              voipToken: input.voipToken ?? null,
            };
      return db.transaction(async (tx) => {
        // The token is unique too: a browser re-subscribing under a new device id takes its row over.
        await tx
          .delete(deviceTokens)
          .where(
            and(
              eq(deviceTokens.token, values.token),
              or(isNull(deviceTokens.deviceId), ne(deviceTokens.deviceId, input.deviceId)),
            ),
          );
        const [row] = await tx
          .insert(deviceTokens)
          .values({
            userId,
            deviceId: input.deviceId,
            deviceName: input.deviceName ?? null,
            isActive: true,
            lastUsedAt: clock(),
            ...values,
          })
          .onConflictDoUpdate({
            target: deviceTokens.deviceId,
            set: { userId, deviceName: input.deviceName ?? null, isActive: true, lastUsedAt: clock(), ...values },
          })
          .returning();
        return deviceDto(row!);
      });
    },

    async devices(userId: string): Promise<Device[]> {
      const rows = await db
        .select()
        .from(deviceTokens)
        .where(eq(deviceTokens.userId, userId))
        .orderBy(desc(deviceTokens.lastUsedAt));
      return rows.map(deviceDto);
    },

    /** By our id or the device's own id, so an app can unregister itself without remembering ours. */
    async removeDevice(userId: string, id: string): Promise<void> {
      const match = UUID.test(id)
        ? or(eq(deviceTokens.id, id), eq(deviceTokens.deviceId, id))
        : eq(deviceTokens.deviceId, id);
      const deleted = await db
        .delete(deviceTokens)
        .where(and(eq(deviceTokens.userId, userId), match))
        .returning({ id: deviceTokens.id });
      if (!deleted.length) throw notFound('Device');
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
