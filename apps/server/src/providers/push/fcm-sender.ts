import { cert, getApps, initializeApp } from 'firebase-admin/app';
import { getMessaging, type Messaging, type TokenMessage } from 'firebase-admin/messaging';
import { collapseKeyOf, fitBody, isUrgent, jsonBytes } from './payload.js';
import { PushError, type PushMessage, type PushTarget } from './push.port.js';

export type FcmTarget = Extract<PushTarget, { channel: 'FCM' }>;

/** The part of firebase-admin's Messaging the sender uses; tests hand it a fake. */
export type FcmMessaging = Pick<Messaging, 'send'>;

export interface FcmSenderOptions {
  messaging: FcmMessaging;
  clock?: (() => Date) | undefined;
}

/** FCM refuses a message whose notification and data exceed 4096 bytes; the rest of the JSON has some room. */
const MAX_PAYLOAD_BYTES = 4000;

/** firebase-admin's error codes (`FirebaseMessagingError.code`, `FirebaseAppError.code`) in our words. */
const GONE_CODES = new Set(['messaging/registration-token-not-registered', 'messaging/invalid-registration-token']);
const RETRY_CODES = new Set([
  'messaging/message-rate-exceeded',
  'messaging/device-message-rate-exceeded',
  'messaging/server-unavailable',
  'messaging/internal-error',
  // Reaching FCM or Google's token endpoint failed: the network, not the message.
  'app/network-error',
  'app/network-timeout',
]);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function toPushError(error: unknown): PushError {
  const code = codeOf(error);
  if (code && GONE_CODES.has(code)) {
    return new PushError('GONE', 'The FCM token is no longer registered', { cause: error });
  }
  if (code && RETRY_CODES.has(code)) {
    return new PushError('RETRY', 'FCM is busy, failing or unreachable', { cause: error });
  }
  // An invalid message or argument, our credentials refused (mismatched sender, APNs auth), or unknown.
  return new PushError('REJECTED', 'FCM refused the message', { cause: error });
}

/**
 * What FCM delivers: the notification the system shows (title, body) and the
 * data the app reads on a tap (id, type, url), with Android's priority and
 * tag and the APNs headers of an iOS alert.
 */
export function fcmMessageOf(token: string, message: PushMessage, now: Date): TokenMessage {
  const urgent = isUrgent(message);
  const ttlSeconds = Math.max(0, Math.floor(message.ttlSeconds));
  return {
    token,
    notification: { title: message.title, body: message.body },
    data: { id: message.id, type: message.type, url: message.url },
    android: {
      // High wakes a dozing device at once; Android demotes apps that use it for what the user does not see.
      priority: urgent ? 'high' : 'normal',
      ttl: ttlSeconds * 1000,
      // A redelivery replaces the notification rather than adding a second.
      notification: { tag: message.id, defaultSound: true },
    },
    apns: {
      headers: {
        'apns-push-type': 'alert',
        'apns-priority': urgent ? '10' : '5',
        // 0: deliver now or never; otherwise the moment APNs stops trying.
        'apns-expiration': ttlSeconds === 0 ? '0' : String(Math.floor(now.getTime() / 1000) + ttlSeconds),
        'apns-collapse-id': collapseKeyOf(message.id),
      },
      payload: { aps: { sound: 'default' } },
    },
  };
}

/** FCM HTTP v1 through firebase-admin, for the Android and iOS apps. */
export function createFcmSender(options: FcmSenderOptions) {
  const clock = options.clock ?? (() => new Date());
  return {
    async send(target: FcmTarget, message: PushMessage): Promise<void> {
      const fitted = fitBody(message, MAX_PAYLOAD_BYTES, (m) =>
        jsonBytes({ notification: { title: m.title, body: m.body }, data: { id: m.id, type: m.type, url: m.url } }),
      );
      try {
        await options.messaging.send(fcmMessageOf(target.token, fitted, clock()));
      } catch (error) {
        throw toPushError(error);
      }
    },
  };
}

/**
 * firebase-admin's Messaging for a service account. Apps are named by the
 * account, so a second sender in the same process (tests) reuses the first's.
 */
export function firebaseMessaging(account: { projectId: string; clientEmail: string; privateKey: string }): Messaging {
  const name = `commpro-fcm:${account.projectId}:${account.clientEmail}`;
  const app =
    getApps().find((existing) => existing.name === name) ??
    initializeApp({ credential: cert(account), projectId: account.projectId }, name);
  return getMessaging(app);
}
