import {
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { users } from '../auth/auth.table.js';

export const notificationType = pgEnum('notification_type', [
  'CALL_MISSED',
  'MESSAGE_RECEIVED',
  'VOICEMAIL',
  'BILLING',
  'SYSTEM',
]);

export const notifications = pgTable(
  'notifications',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    type: notificationType().notNull(),
    title: varchar({ length: 255 }).notNull(),
    body: text(),
    data: jsonb(),
    read: boolean().notNull().default(false),
    readAt: timestamp({ withTimezone: true }),
    pushSent: boolean().notNull().default(false),
    pushSentAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('notifications_user_created_idx').on(t.userId, t.createdAt),
    index('notifications_read_idx').on(t.read),
  ],
);

/** WEB is ours (browser push, VAPID); the seed knew only the mobile platforms. */
export const devicePlatform = pgEnum('device_platform', ['IOS', 'ANDROID', 'WEB']);

export const deviceTokens = pgTable(
  'device_tokens',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    platform: devicePlatform().notNull(),
    token: text().notNull().unique(),
    deviceId: varchar({ length: 255 }).unique(),
    deviceName: varchar({ length: 255 }),
    fcmToken: text(),
    apnsToken: text(),
    voipToken: text(),
    /** A browser's Web Push keys (WEB: `token` is the subscription's endpoint). */
    webPushKeys: jsonb().$type<{ p256dh: string; auth: string }>(),
    isActive: boolean().notNull().default(true),
    lastUsedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [index('device_tokens_user_id_idx').on(t.userId)],
);

/** What reaches the user's devices; absent: every kind pushes, no quiet hours, nothing muted. */
export const notificationPreferences = pgTable('notification_preferences', {
  userId: uuid()
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  pushTypes: jsonb()
    .$type<Record<'CALL_MISSED' | 'MESSAGE_RECEIVED' | 'VOICEMAIL' | 'BILLING' | 'SYSTEM', boolean>>()
    .notNull(),
  /** Minutes after midnight in the user's timezone; both null: no quiet hours. */
  quietStartMinute: smallint(),
  quietEndMinute: smallint(),
  mutedNumberIds: uuid().array().notNull().default([]),
  updatedAt: timestamp({ withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
});

export const pushOutcome = pgEnum('push_outcome', ['PENDING', 'ACCEPTED', 'GONE', 'REJECTED', 'FAILED']);

/**
 * One notification's push to one device: what the delivery rate is computed
 * from. PENDING while the push service has not accepted it (retries back off);
 * FAILED when the retries ran out.
 */
export const pushDeliveries = pgTable(
  'push_deliveries',
  {
    id: uuid().primaryKey().defaultRandom(),
    notificationId: uuid()
      .notNull()
      .references(() => notifications.id, { onDelete: 'cascade' }),
    deviceId: uuid()
      .notNull()
      .references(() => deviceTokens.id, { onDelete: 'cascade' }),
    outcome: pushOutcome().notNull().default('PENDING'),
    attempts: integer().notNull().default(0),
    lastError: varchar({ length: 255 }),
    settledAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('push_deliveries_notification_device_idx').on(t.notificationId, t.deviceId),
    index('push_deliveries_created_idx').on(t.createdAt),
  ],
);
