import { boolean, index, jsonb, pgEnum, pgTable, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';
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
