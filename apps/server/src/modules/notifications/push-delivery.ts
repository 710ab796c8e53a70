import type { Notification, NotificationPreferences } from '@commpro/contracts';
import { and, eq, gte, inArray, isNotNull, sql } from 'drizzle-orm';
import { Gauge, type Registry } from 'prom-client';
import type { Database } from '../../platform/db/client.js';
import type { JobHandler, JobQueue, JobRow } from '../../platform/jobs/job-queue.js';
import { PushError, type PushMessage, type PushSender, type PushTarget } from '../../providers/push/push.port.js';
import { users } from '../auth/auth.table.js';
import { phoneNumbers } from '../numbers/numbers.table.js';
import { readableNumber } from './notification-text.js';
import { DELIVER_JOB, notificationDto } from './notifications.service.js';
import { deviceTokens, notifications, pushDeliveries } from './notifications.table.js';
import { isQuiet, toMinute } from './quiet-hours.js';

/** One notification to one device; retried with the queue's exponential backoff. */
export const PUSH_JOB = 'notifications.push';

const DAY_MS = 86_400_000;

/** 30 s, 1, 2, 4, 8, 16 min: about half an hour of trying before the push counts as failed. */
const PUSH_ATTEMPTS = 7;

/** How long a push service keeps a push for a device that is offline. */
const TTL_SECONDS: Record<Notification['type'], number> = {
  CALL_MISSED: 86_400,
  MESSAGE_RECEIVED: 86_400,
  VOICEMAIL: 3 * 86_400,
  BILLING: 3 * 86_400,
  SYSTEM: 86_400,
};

const BODY: Record<Notification['type'], string> = {
  CALL_MISSED: 'Tap to call back',
  MESSAGE_RECEIVED: 'Tap to read',
  VOICEMAIL: 'Tap to listen',
  BILLING: 'Tap for details',
  SYSTEM: '',
};

type DeviceRow = typeof deviceTokens.$inferSelect;

function targetOf(device: DeviceRow): PushTarget | null {
  if (device.platform === 'WEB') {
    return device.webPushKeys
      ? { channel: 'WEB', subscription: { endpoint: device.token, keys: device.webPushKeys } }
      : null;
  }
  return device.fcmToken ? { channel: 'FCM', token: device.fcmToken } : null;
}

/** Whether the user's preferences let this notification push now. */
export function pushAllowed(
  notification: Notification,
  preferences: NotificationPreferences,
  context: { now: Date; timeZone: string; mutedNumbers: ReadonlySet<string> },
): boolean {
  if (!preferences.push[notification.type]) return false;
  const line = notification.data?.to;
  if (typeof line === 'string' && context.mutedNumbers.has(line)) return false;
  const quiet = preferences.quietHours
    ? { start: toMinute(preferences.quietHours.start), end: toMinute(preferences.quietHours.end) }
    : null;
  return !isQuiet(context.now, context.timeZone, quiet);
}

export interface PushDeliveryDeps {
  db: Database;
  /** The contact's name for a number of the user's, if they have one. */
  contactName(userId: string, phoneNumber: string, tx: Database): Promise<string | null>;
  log: { warn(obj: object, msg: string): void };
  jobs: Pick<JobQueue, 'enqueue'>;
  push: PushSender;
  preferences(userId: string, tx?: Database): Promise<NotificationPreferences>;
  emitToUser(userId: string, event: 'notification:new', payload: Notification): void;
  clock: () => Date;
}

/**
 * Delivery: the bell in every open app at once, then one push job per active
 * device, each settled as the push service answers. `push_sent` is set only
 * when a push service accepted the push.
 */
export function createPushDelivery(deps: PushDeliveryDeps) {
  const { db, clock } = deps;

  async function settle(deliveryId: string, outcome: 'ACCEPTED' | 'GONE' | 'REJECTED' | 'FAILED', error?: string) {
    await db
      .update(pushDeliveries)
      .set({ outcome, settledAt: clock(), lastError: error?.slice(0, 255) ?? null })
      .where(eq(pushDeliveries.id, deliveryId));
  }

  const deliver: JobHandler = async (payload) => {
    const notificationId = String(payload.notificationId);
    const [row] = await db.select().from(notifications).where(eq(notifications.id, notificationId)).limit(1);
    if (!row) return;
    const notification = notificationDto(row);
    deps.emitToUser(row.userId, 'notification:new', notification);

    const preferences = await deps.preferences(row.userId);
    const [user] = await db.select({ timezone: users.timezone }).from(users).where(eq(users.id, row.userId));
    const muted = preferences.mutedNumberIds.length
      ? await db
          .select({ phoneNumber: phoneNumbers.phoneNumber })
          .from(phoneNumbers)
          .where(and(eq(phoneNumbers.userId, row.userId), inArray(phoneNumbers.id, preferences.mutedNumberIds)))
      : [];
    const allowed = pushAllowed(notification, preferences, {
      now: clock(),
      timeZone: user?.timezone ?? 'UTC',
      mutedNumbers: new Set(muted.map((m) => m.phoneNumber)),
    });
    if (!allowed) return;

    const devices = await db
      .select({ id: deviceTokens.id, platform: deviceTokens.platform })
      .from(deviceTokens)
      .where(and(eq(deviceTokens.userId, row.userId), eq(deviceTokens.isActive, true)));
    const reachable = devices.filter((d) => deps.push.channels.has(d.platform === 'WEB' ? 'WEB' : 'FCM'));
    if (!reachable.length) return;
    await db.transaction(async (tx) => {
      const created = await tx
        .insert(pushDeliveries)
        .values(reachable.map((d) => ({ notificationId, deviceId: d.id, createdAt: clock() })))
        .onConflictDoNothing()
        .returning({ id: pushDeliveries.id });
      for (const delivery of created) {
        await deps.jobs.enqueue(
          PUSH_JOB,
          { deliveryId: delivery.id },
          { dedupeKey: `${PUSH_JOB}:${delivery.id}`, maxAttempts: PUSH_ATTEMPTS },
          tx,
        );
      }
    });
  };

  const push: JobHandler = async (payload, job: JobRow) => {
    const deliveryId = String(payload.deliveryId);
    const [found] = await db
      .select({ delivery: pushDeliveries, notification: notifications, device: deviceTokens })
      .from(pushDeliveries)
      .innerJoin(notifications, eq(notifications.id, pushDeliveries.notificationId))
      .innerJoin(deviceTokens, eq(deviceTokens.id, pushDeliveries.deviceId))
      .where(eq(pushDeliveries.id, deliveryId))
      .limit(1);
    if (!found || found.delivery.outcome !== 'PENDING') return;
    const { notification, device } = found;
    const target = targetOf(device);
    // Deactivated, or moved to another account since: this push is not for it any more.
    if (!device.isActive || device.userId !== notification.userId || !target) {
      await settle(deliveryId, 'GONE', 'device no longer registered');
      return;
    }
    const dto = notificationDto(notification);
    const message: PushMessage = {
      id: notification.id,
      type: notification.type,
      title: notification.title,
      body: notification.body ?? BODY[notification.type],
      url: dto.url,
      ttlSeconds: TTL_SECONDS[notification.type],
      urgency: notification.type === 'BILLING' || notification.type === 'SYSTEM' ? 'normal' : 'high',
    };
    await db
      .update(pushDeliveries)
      .set({ attempts: sql`${pushDeliveries.attempts} + 1` })
      .where(eq(pushDeliveries.id, deliveryId));
    try {
      await deps.push.send(target, message);
    } catch (error) {
      if (!(error instanceof PushError)) throw error;
      if (error.reason === 'GONE') {
        await db.update(deviceTokens).set({ isActive: false }).where(eq(deviceTokens.id, device.id));
        await settle(deliveryId, 'GONE', error.message);
        return;
      }
      if (error.reason === 'RETRY' && job.attempts < job.maxAttempts) throw error;
      await settle(deliveryId, error.reason === 'RETRY' ? 'FAILED' : 'REJECTED', error.message);
      return;
    }
    const now = clock();
    await settle(deliveryId, 'ACCEPTED');
    await db.update(deviceTokens).set({ lastUsedAt: now }).where(eq(deviceTokens.id, device.id));
    await db
      .update(notifications)
      .set({ pushSent: true, pushSentAt: now })
      .where(and(eq(notifications.id, notification.id), eq(notifications.pushSent, false)));
  };

  async function deliveryRate(since: Date): Promise<number | null> {
    const rows = await db
      .select({ outcome: pushDeliveries.outcome, n: sql<number>`count(*)::int` })
      .from(pushDeliveries)
      .where(gte(pushDeliveries.createdAt, since))
      .groupBy(pushDeliveries.outcome);
    const of = (outcome: string) => rows.find((r) => r.outcome === outcome)?.n ?? 0;
    const settled = of('ACCEPTED') + of('REJECTED') + of('FAILED');
    return settled ? of('ACCEPTED') / settled : null;
  }

  /**
   * Wakes the user's iPhones for an inbound call with a VoIP push, at once and
   * once: a ring is worthless after it times out, so there is no retry. A
   * token Apple says is gone is dropped. Answers how many phones were reached.
   */
  async function pushIncomingCall(
    userId: string,
    call: { id: string; from: string; ringSeconds: number },
  ): Promise<number> {
    if (!deps.push.channels.has('APNS_VOIP')) return 0;
    const phones = await db
      .select({ id: deviceTokens.id, voipToken: deviceTokens.voipToken })
      .from(deviceTokens)
      .where(and(eq(deviceTokens.userId, userId), eq(deviceTokens.isActive, true), isNotNull(deviceTokens.voipToken)));
    if (!phones.length) return 0;
    const name = await deps.contactName(userId, call.from, db);
    const message: PushMessage = {
      id: call.id,
      type: 'CALL_INCOMING',
      title: `Incoming call from ${name ?? readableNumber(call.from)}`,
      body: '',
      url: `/calls/${call.id}`,
      ttlSeconds: call.ringSeconds,
      urgency: 'high',
    };
    const results = await Promise.allSettled(
      phones.map(async (phone) => {
        try {
          await deps.push.send({ channel: 'APNS_VOIP', token: phone.voipToken! }, message);
        } catch (error) {
          if (error instanceof PushError && error.reason === 'GONE') {
            await db.update(deviceTokens).set({ voipToken: null }).where(eq(deviceTokens.id, phone.id));
          }
          deps.log.warn({ err: error, deviceId: phone.id }, 'VoIP push for an incoming call failed');
          throw error;
        }
      }),
    );
    return results.filter((r) => r.status === 'fulfilled').length;
  }

  return {
    jobHandlers: { [DELIVER_JOB]: deliver, [PUSH_JOB]: push } as Record<string, JobHandler>,
    deliveryRate,
    pushIncomingCall,

    /** The seed's KPI (above 95 %) on /metrics: NaN while nothing was settled in the last day. */
    registerMetrics(registry: Registry): void {
      new Gauge({
        name: 'commpro_push_delivery_ratio',
        help: 'Pushes the push services accepted, out of those settled in the last 24 hours (gone devices excluded)',
        registers: [registry],
        async collect() {
          this.set((await deliveryRate(new Date(clock().getTime() - DAY_MS))) ?? Number.NaN);
        },
      });
    },
  };
}

export type PushDelivery = ReturnType<typeof createPushDelivery>;
