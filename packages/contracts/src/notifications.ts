import { z } from 'zod';
import { Pagination } from './common.js';

export const NotificationType = z.enum(['CALL_MISSED', 'MESSAGE_RECEIVED', 'VOICEMAIL', 'BILLING', 'SYSTEM']);
export type NotificationType = z.infer<typeof NotificationType>;

export const Notification = z.object({
  id: z.uuid(),
  type: NotificationType,
  /** Names the person where we know them: "Missed call from Hélène Martin". */
  title: z.string(),
  body: z.string().nullable(),
  /** Where the app goes when it is opened: `/messages/+33…?from=+33…`, `/calls/<id>`, `/settings/billing`. */
  url: z.string(),
  data: z.record(z.string(), z.unknown()).nullable(),
  read: z.boolean(),
  readAt: z.iso.datetime().nullable(),
  pushSent: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type Notification = z.infer<typeof Notification>;

export const NotificationListQuery = Pagination.extend({
  /** `true`: unread only. */
  unread: z.stringbool().optional(),
});
export type NotificationListQuery = z.input<typeof NotificationListQuery>;

export const NotificationList = z.object({
  notifications: z.array(Notification),
  /** Matching the filter. */
  total: z.number().int(),
  /** All unread, whatever the filter: the bell's badge. */
  unread: z.number().int(),
});
export type NotificationList = z.infer<typeof NotificationList>;

export const DevicePlatform = z.enum(['WEB', 'IOS', 'ANDROID']);
export type DevicePlatform = z.infer<typeof DevicePlatform>;

/** What `PushSubscription.toJSON()` gives in a browser. */
export const WebPushSubscription = z.object({
  endpoint: z.url({ protocol: /^https?$/ }).max(2048),
  keys: z.object({
    p256dh: z
      .string()
      .regex(/^[A-Za-z0-9_-]+=*$/)
      .max(200),
    auth: z
      .string()
      .regex(/^[A-Za-z0-9_-]+=*$/)
      .max(100),
  }),
});
export type WebPushSubscription = z.infer<typeof WebPushSubscription>;

/**
 * One device of the user's, registered again whenever its token changes.
 * WEB sends its Web Push subscription; IOS and ANDROID their FCM token, and
 * an iPhone its VoIP token for incoming calls.
 */
export const RegisterDeviceBody = z.discriminatedUnion('platform', [
  z.object({
    platform: z.literal('WEB'),
    deviceId: z.string().min(8).max(255),
    deviceName: z.string().trim().max(255).optional(),
    subscription: WebPushSubscription,
  }),
  z.object({
    platform: z.enum(['IOS', 'ANDROID']),
    deviceId: z.string().min(8).max(255),
    deviceName: z.string().trim().max(255).optional(),
    token: z.string().min(20).max(4096),
    voipToken: z
      .string()
      .regex(/^[0-9a-fA-F]{64,200}$/)
      .optional(),
  }),
]);
export type RegisterDeviceBody = z.input<typeof RegisterDeviceBody>;

export const Device = z.object({
  id: z.uuid(),
  platform: DevicePlatform,
  deviceId: z.string(),
  deviceName: z.string().nullable(),
  isActive: z.boolean(),
  lastUsedAt: z.iso.datetime(),
  createdAt: z.iso.datetime(),
});
export type Device = z.infer<typeof Device>;

export const PushConfig = z.object({
  /** For `pushManager.subscribe({ applicationServerKey })`, base64url. */
  vapidPublicKey: z.string(),
});
export type PushConfig = z.infer<typeof PushConfig>;

const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour');

export const NotificationPreferences = z.object({
  /** Which kinds reach the user's devices; every kind is always kept in the notification centre. */
  push: z.object({
    CALL_MISSED: z.boolean(),
    MESSAGE_RECEIVED: z.boolean(),
    VOICEMAIL: z.boolean(),
    BILLING: z.boolean(),
    SYSTEM: z.boolean(),
  }),
  /** No push between `start` and `end` in the user's timezone (across midnight when start > end). */
  quietHours: z.object({ start: ClockTime, end: ClockTime }).nullable(),
  /** Lines whose calls and texts do not push. */
  mutedNumberIds: z.array(z.uuid()).max(100),
});
export type NotificationPreferences = z.infer<typeof NotificationPreferences>;
