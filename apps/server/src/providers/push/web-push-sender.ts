import { ECDH } from 'node:crypto';
import webpush from 'web-push';
import { collapseKeyOf, fitBody, isUrgent, jsonBytes, payloadOf } from './payload.js';
import { PushError, type PushMessage, type PushTarget } from './push.port.js';
import { retryAfterSeconds } from './retry-after.js';

export type WebPushTarget = Extract<PushTarget, { channel: 'WEB' }>;

export interface WebPushSenderOptions {
  vapid: { publicKey: string; privateKey: string; subject: string };
  /** The whole request, connect to answer; push services answer in well under a second. */
  timeoutMs?: number | undefined;
  /**
   * Post to http: endpoints too. Browsers' push services are all https, and
   * an endpoint comes from a client, so only tests' local push services need this.
   */
  allowHttpEndpoints?: boolean | undefined;
  clock?: (() => Date) | undefined;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * The largest plaintext one aes128gcm record carries within the 4096 bytes
 * every push service must accept (RFC 8030 §7.2, RFC 8291 §4): 4096 less the
 * 86-byte header, the 16-byte tag and the 1-byte padding delimiter.
 */
const MAX_PLAINTEXT_BYTES = 3993;

/** Well-formed keys of a browser subscription: a P-256 point and a 16-byte secret (RFC 8291 §3). */
function hasUsableKeys({ p256dh, auth }: WebPushTarget['subscription']['keys']): boolean {
  const base64url = /^[A-Za-z0-9_-]+=*$/;
  if (!base64url.test(p256dh) || !base64url.test(auth)) return false;
  const point = Buffer.from(p256dh, 'base64url');
  if (point.length !== 65 || Buffer.from(auth, 'base64url').length !== 16) return false;
  try {
    // Throws unless it is a point on the curve.
    ECDH.convertKey(point, 'prime256v1');
    return true;
  } catch {
    return false;
  }
}

function endpointOf(subscription: WebPushTarget['subscription'], allowHttp: boolean): URL | undefined {
  try {
    const url = new URL(subscription.endpoint);
    return url.protocol === 'https:' || (allowHttp && url.protocol === 'http:') ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The push service's answer, kept as web-push's own error type for the logs; never the endpoint (a capability). */
function answerOf(response: Response, body: string, endpoint: URL): webpush.WebPushError {
  return new webpush.WebPushError(
    'Received unexpected response code',
    response.status,
    Object.fromEntries(response.headers),
    body,
    endpoint.origin,
  );
}

/**
 * Web Push (RFC 8030) with VAPID (RFC 8292): web-push encrypts the payload
 * (aes128gcm, RFC 8291) and signs the VAPID token; the request itself is
 * ours, so that it has a deadline, follows no redirect and reads Retry-After.
 */
export function createWebPushSender(options: WebPushSenderOptions) {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const clock = options.clock ?? (() => new Date());

  return {
    async send(target: WebPushTarget, message: PushMessage): Promise<void> {
      const { subscription } = target;
      const endpoint = endpointOf(subscription, options.allowHttpEndpoints ?? false);
      if (!endpoint || !hasUsableKeys(subscription.keys)) {
        // It can never be delivered to: the module deactivates it like an unsubscribed one.
        throw new PushError('GONE', 'The Web Push subscription has no usable endpoint or keys');
      }
      const fitted = fitBody(message, MAX_PLAINTEXT_BYTES, (m) => jsonBytes(payloadOf(m)));
      let details: webpush.RequestDetails;
      try {
        details = webpush.generateRequestDetails(subscription, JSON.stringify(payloadOf(fitted)), {
          vapidDetails: options.vapid,
          TTL: Math.max(0, Math.floor(message.ttlSeconds)),
          urgency: isUrgent(message) ? 'high' : 'normal',
          topic: collapseKeyOf(message.id),
          contentEncoding: 'aes128gcm',
        });
      } catch (error) {
        throw new PushError('REJECTED', 'The Web Push message could not be prepared', { cause: error });
      }
      // fetch sets the length itself and refuses a caller's.
      const headers = Object.fromEntries(
        Object.entries(details.headers)
          .filter(([name]) => name.toLowerCase() !== 'content-length')
          .map(([name, value]) => [name, String(value)]),
      );

      let response: Response;
      let body: string;
      try {
        response = await fetch(endpoint, {
          method: 'POST',
          headers,
          body: details.body,
          // A push service never redirects; following one would post wherever a client's endpoint pointed.
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
        body = await response.text();
      } catch (error) {
        const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
        throw new PushError(
          'RETRY',
          timedOut ? 'The Web Push service did not answer in time' : 'The Web Push service could not be reached',
          { cause: error },
        );
      }
      if (response.status >= 200 && response.status < 300) return;

      const cause = answerOf(response, body, endpoint);
      const status = response.status;
      if (status === 404 || status === 410) {
        throw new PushError('GONE', `The Web Push subscription has expired or was unsubscribed (HTTP ${status})`, {
          cause,
        });
      }
      if (status === 408 || status === 429 || status >= 500) {
        throw new PushError('RETRY', `The Web Push service is busy or failing (HTTP ${status})`, {
          cause,
          retryAfterSeconds: retryAfterSeconds(response.headers.get('retry-after'), clock()),
        });
      }
      // 400 malformed, 401/403 our VAPID token refused, 413 too large, and anything unexpected.
      throw new PushError('REJECTED', `The Web Push service refused the message (HTTP ${status})`, { cause });
    },
  };
}
