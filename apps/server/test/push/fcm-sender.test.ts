import { FirebaseAppError } from 'firebase-admin/app';
import { FirebaseMessagingError, MessagingClientErrorCode, type TokenMessage } from 'firebase-admin/messaging';
import { describe, expect, it } from 'vitest';
import { createFcmSender, type FcmMessaging } from '../../src/providers/push/fcm-sender.js';
import { PushError, type PushErrorReason, type PushMessage } from '../../src/providers/push/push.port.js';

/*
 * FCM through a fake of firebase-admin's Messaging: the message the adapter
 * hands the SDK, and the SDK's own errors (FirebaseMessagingError built the
 * way firebase-admin builds it from FCM v1's answer) in our words.
 */

/** firebase-admin's own translation of an FCM v1 error code; internal to the SDK, hence the cast. */
const fromServerError = (
  FirebaseMessagingError as unknown as {
    fromServerError(code: string, message?: string): FirebaseMessagingError;
  }
).fromServerError;

const FCM_TEXT = 'Requested entity was not found (fcm-private-detail).';

/** An error of firebase-admin's HTTP client or credential, as the SDK builds it (its constructor is internal). */
const appError = (code: string) =>
  new (FirebaseAppError as unknown as new (code: string, message: string) => FirebaseAppError)(code, FCM_TEXT);

function fakeMessaging(fail?: unknown): FcmMessaging & { sent: TokenMessage[] } {
  const sent: TokenMessage[] = [];
  return {
    sent,
    send: async (message) => {
      sent.push(message as TokenMessage);
      if (fail) throw fail;
      return 'projects/commpro/messages/1';
    },
  };
}

const now = new Date('2026-03-01T10:00:00Z');

const message: PushMessage = {
  id: '5a0c8f7e-1d2b-4c3a-9e8f-7b6a5c4d3e2f',
  type: 'MESSAGE_RECEIVED',
  title: 'Léa Martin',
  body: 'Are we still on for 3 pm?',
  url: '/messages/4e2d',
  ttlSeconds: 86_400,
  urgency: 'normal',
};

async function failure(run: Promise<unknown>): Promise<PushError> {
  const error = await run.then(
    () => {
      throw new Error('the send succeeded');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PushError);
  return error as PushError;
}

describe('the FCM message', () => {
  it('carries the notification, the data a tap needs, Android priority and tag, and the APNs alert headers', async () => {
    const messaging = fakeMessaging();
    await createFcmSender({ messaging, clock: () => now }).send({ channel: 'FCM', token: 'fcm-token-1' }, message);

    expect(messaging.sent).toHaveLength(1);
    const sent = messaging.sent[0]!;
    expect(sent.token).toBe('fcm-token-1');
    expect(sent.notification).toEqual({ title: 'Léa Martin', body: 'Are we still on for 3 pm?' });
    expect(sent.data).toEqual({ id: message.id, type: 'MESSAGE_RECEIVED', url: '/messages/4e2d' });
    expect(sent.android).toEqual({
      priority: 'normal',
      ttl: 86_400_000,
      notification: { tag: message.id, defaultSound: true },
    });
    expect(sent.apns?.headers).toEqual({
      'apns-push-type': 'alert',
      'apns-priority': '5',
      'apns-expiration': String(now.getTime() / 1000 + 86_400),
      'apns-collapse-id': expect.stringMatching(/^[A-Za-z0-9_-]{32}$/) as unknown,
    });
    expect(sent.apns?.payload).toEqual({ aps: { sound: 'default' } });
  });

  it.each<[string, Partial<PushMessage>]>([
    ['an urgent message', { urgency: 'high' }],
    ['an incoming call, whatever its urgency', { type: 'CALL_INCOMING', urgency: 'normal' }],
  ])('goes at high priority for %s', async (_, change) => {
    const messaging = fakeMessaging();
    await createFcmSender({ messaging }).send({ channel: 'FCM', token: 't' }, { ...message, ...change });
    expect(messaging.sent[0]!.android?.priority).toBe('high');
    expect(messaging.sent[0]!.apns?.headers?.['apns-priority']).toBe('10');
  });

  it('asks for now-or-never delivery when the TTL is 0', async () => {
    const messaging = fakeMessaging();
    await createFcmSender({ messaging }).send({ channel: 'FCM', token: 't' }, { ...message, ttlSeconds: 0 });
    expect(messaging.sent[0]!.android?.ttl).toBe(0);
    expect(messaging.sent[0]!.apns?.headers?.['apns-expiration']).toBe('0');
  });

  it("cuts a body beyond FCM's 4 KB short rather than have the message refused", async () => {
    const messaging = fakeMessaging();
    await createFcmSender({ messaging }).send({ channel: 'FCM', token: 't' }, { ...message, body: 'x'.repeat(10_000) });
    const { notification, data } = messaging.sent[0]!;
    expect(Buffer.byteLength(JSON.stringify({ notification, data }))).toBeLessThanOrEqual(4000);
    expect(notification?.body).toMatch(/^x{3000,}…$/);
  });
});

describe("firebase-admin's errors in our words", () => {
  it.each<[string, unknown, PushErrorReason]>([
    ['UNREGISTERED (app uninstalled)', fromServerError('UNREGISTERED', FCM_TEXT), 'GONE'],
    ['NOT_FOUND', fromServerError('NOT_FOUND', FCM_TEXT), 'GONE'],
    [
      'invalid-registration-token',
      new (FirebaseMessagingError as unknown as new (info: object) => FirebaseMessagingError)(
        MessagingClientErrorCode.INVALID_REGISTRATION_TOKEN,
      ),
      'GONE',
    ],
    ['QUOTA_EXCEEDED', fromServerError('QUOTA_EXCEEDED', FCM_TEXT), 'RETRY'],
    ['UNAVAILABLE', fromServerError('UNAVAILABLE', FCM_TEXT), 'RETRY'],
    ['INTERNAL', fromServerError('INTERNAL', FCM_TEXT), 'RETRY'],
    ['a network error', appError('network-error'), 'RETRY'],
    ['a network timeout', appError('network-timeout'), 'RETRY'],
    ['INVALID_ARGUMENT', fromServerError('INVALID_ARGUMENT', FCM_TEXT), 'REJECTED'],
    ['SENDER_ID_MISMATCH', fromServerError('SENDER_ID_MISMATCH', FCM_TEXT), 'REJECTED'],
    [
      'THIRD_PARTY_AUTH_ERROR (APNs key missing in Firebase)',
      fromServerError('THIRD_PARTY_AUTH_ERROR', FCM_TEXT),
      'REJECTED',
    ],
    ['an invalid credential', appError('invalid-credential'), 'REJECTED'],
    ['an error without a code', new Error(FCM_TEXT), 'REJECTED'],
  ])('%s', async (_, thrown, reason) => {
    const messaging = fakeMessaging(thrown);
    const error = await failure(createFcmSender({ messaging }).send({ channel: 'FCM', token: 't' }, message));
    expect(error.reason).toBe(reason);
    expect(error.retryAfterSeconds).toBeUndefined();
    expect(error.message).not.toContain('fcm-private-detail');
    expect(error.cause).toBe(thrown);
  });
});
