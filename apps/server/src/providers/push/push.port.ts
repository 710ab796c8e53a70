/** Where a push goes: a browser's Web Push subscription, an app's FCM token, or an iPhone's VoIP token. */
export type PushTarget =
  | { channel: 'WEB'; subscription: { endpoint: string; keys: { p256dh: string; auth: string } } }
  | { channel: 'FCM'; token: string }
  | { channel: 'APNS_VOIP'; token: string };

export type PushChannel = PushTarget['channel'];

/** What the device shows, and where a tap leads; no message body beyond what the user chose to preview. */
export interface PushMessage {
  /** The notification row's id: the device's tag, so a redelivery replaces rather than repeats. */
  id: string;
  type: 'CALL_MISSED' | 'MESSAGE_RECEIVED' | 'VOICEMAIL' | 'BILLING' | 'SYSTEM' | 'CALL_INCOMING';
  title: string;
  body: string;
  /** The app's path a tap opens: `/messages/<conversationId>`, `/calls/<callId>`. */
  url: string;
  /** Seconds the push service keeps it for an offline device; an incoming call is worthless after its ring. */
  ttlSeconds: number;
  urgency: 'high' | 'normal';
}

export type PushErrorReason =
  /** The subscription or token no longer exists (unsubscribed, app removed): deactivate it, never retry. */
  | 'GONE'
  /** The push service is down, throttling or timed out: retry later, after `retryAfterSeconds` if given. */
  | 'RETRY'
  /** The push service refused this message or our credentials: retrying the same thing changes nothing. */
  | 'REJECTED'
  /** The channel is not configured on this server (no FCM or APNs credentials). */
  | 'NOT_CONFIGURED';

/** What a sender throws, in our words; the push service's own answer stays in `cause`, for the logs. */
export class PushError extends Error {
  readonly reason: PushErrorReason;
  readonly retryAfterSeconds: number | undefined;
  constructor(reason: PushErrorReason, message: string, options: { cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(message, { cause: options.cause });
    this.name = 'PushError';
    this.reason = reason;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/**
 * Hands a message to the push service of the target's channel. Resolves only
 * once the push service accepted it (2xx); anything else throws PushError.
 */
export interface PushSender {
  /** The channels this server can send on; WEB always (VAPID keys are generated when absent). */
  readonly channels: ReadonlySet<PushChannel>;
  /** For the browser's `pushManager.subscribe({ applicationServerKey })`, base64url. */
  readonly vapidPublicKey: string;
  send(target: PushTarget, message: PushMessage): Promise<void>;
}
