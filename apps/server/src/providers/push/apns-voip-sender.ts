import { createPrivateKey } from 'node:crypto';
import http2, { type ClientHttp2Session, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';
import { SignJWT } from 'jose';
import { fitBody, jsonBytes, payloadOf } from './payload.js';
import { PushError, type PushMessage, type PushTarget } from './push.port.js';
import { retryAfterSeconds } from './retry-after.js';

export type ApnsVoipTarget = Extract<PushTarget, { channel: 'APNS_VOIP' }>;

export interface ApnsVoipSenderOptions {
  /** The .p8 auth key's PEM (EC P-256), which signs our provider tokens. */
  key: string;
  keyId: string;
  teamId: string;
  /** `<bundle id>.voip`. */
  topic: string;
  production: boolean;
  /** Where to connect instead of Apple's host; tests give a local h2c server (`http://127.0.0.1:<port>`). */
  origin?: string | undefined;
  /** One request, sent to answered; a ringing call is worthless late. */
  timeoutMs?: number | undefined;
  clock?: (() => Date) | undefined;
}

const PRODUCTION_ORIGIN = 'https://api.push.apple.com';
const SANDBOX_ORIGIN = 'https://api.sandbox.push.apple.com';
const DEFAULT_TIMEOUT_MS = 10_000;

/** Apple refuses tokens older than an hour, and refreshing more than every 20 minutes (429 TooManyProviderTokenUpdates). */
const TOKEN_LIFETIME_MS = 50 * 60_000;

/**
 * Apple asks for one long-lived connection, and treats rapid reconnection as
 * abuse; one unused this long is closed, and reopened by the next push.
 */
const IDLE_CLOSE_MS = 10 * 60_000;

/** APNs' limit for a VoIP push's payload. */
const MAX_PAYLOAD_BYTES = 5120;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request on the session; rejects on a stream error, a reset, or no answer within `timeoutMs`. */
function post(session: ClientHttp2Session, headers: OutgoingHttpHeaders, body: string, timeoutMs: number) {
  return new Promise<Answer>((resolve, reject) => {
    const stream = session.request(headers);
    let answer: Omit<Answer, 'body'> | undefined;
    const chunks: Buffer[] = [];
    stream.setTimeout(timeoutMs, () => {
      reject(new Error(`APNs did not answer within ${timeoutMs} ms`));
      stream.close(http2.constants.NGHTTP2_CANCEL);
    });
    stream.on('response', (responseHeaders) => {
      answer = { status: Number(responseHeaders[':status']), headers: responseHeaders };
    });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      if (answer) resolve({ ...answer, body: Buffer.concat(chunks).toString('utf8') });
    });
    stream.on('error', reject);
    // After 'end' or an error this changes nothing; otherwise the stream was reset before any answer.
    stream.on('close', () => reject(new Error(`APNs closed the stream (code ${stream.rstCode})`)));
    stream.end(body);
  });
}

function reasonOf(body: string): string | undefined {
  try {
    const reason = (JSON.parse(body) as { reason?: unknown }).reason;
    return typeof reason === 'string' ? reason : undefined;
  } catch {
    return undefined;
  }
}

/**
 * APNs VoIP pushes, which wake an iPhone app to ring through CallKit, over
 * HTTP/2 with token authentication (an ES256 JWT signed by the .p8 key).
 */
export function createApnsVoipSender(options: ApnsVoipSenderOptions) {
  const origin = options.origin ?? (options.production ? PRODUCTION_ORIGIN : SANDBOX_ORIGIN);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const clock = options.clock ?? (() => new Date());
  const signingKey = createPrivateKey(options.key);

  let token: { value: Promise<string>; issuedAt: number } | undefined;
  /** The provider token, signed again once it is 50 minutes old (or APNs says it expired). */
  function providerToken(): Promise<string> {
    const now = clock().getTime();
    if (!token || now - token.issuedAt >= TOKEN_LIFETIME_MS) {
      const value = new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: options.keyId })
        .setIssuer(options.teamId)
        .setIssuedAt(Math.floor(now / 1000))
        .sign(signingKey);
      const entry = { value, issuedAt: now };
      token = entry;
      // Shared by concurrent sends, so that one refresh makes one token; a failed signing is not kept.
      value.catch(() => {
        if (token === entry) token = undefined;
      });
    }
    return token.value;
  }

  let current: ClientHttp2Session | undefined;
  function connection(): ClientHttp2Session {
    if (current && !current.closed && !current.destroyed) return current;
    const opened = http2.connect(origin);
    const forget = () => {
      if (current === opened) current = undefined;
    };
    // A failed connection fails its streams too, which report it; the listener keeps it from crashing the process.
    opened.on('error', forget);
    opened.on('close', forget);
    // In-flight streams finish on a session going away; new ones go on a new session.
    opened.on('goaway', forget);
    opened.setTimeout(IDLE_CLOSE_MS, () => opened.close());
    opened.unref();
    current = opened;
    return opened;
  }
  let inFlight = 0;

  return {
    async send(target: ApnsVoipTarget, message: PushMessage): Promise<void> {
      // Device tokens are hex; anything else can never be delivered to, and must not reach the request path.
      if (!/^[0-9a-fA-F]{16,512}$/.test(target.token)) {
        throw new PushError('GONE', 'The APNs device token is not a device token');
      }
      const fitted = fitBody(message, MAX_PAYLOAD_BYTES, (m) => jsonBytes(payloadOf(m)));
      const ttlSeconds = Math.max(0, Math.floor(message.ttlSeconds));
      const now = clock();
      let answer: Answer;
      let session: ClientHttp2Session | undefined;
      try {
        const authorization = `bearer ${await providerToken()}`;
        session = connection();
        // Held open while a push is in flight, as any request would be; idle, it lets the process exit.
        session.ref();
        inFlight += 1;
        answer = await post(
          session,
          {
            ':method': 'POST',
            ':path': `/3/device/${target.token}`,
            authorization,
            'apns-topic': options.topic,
            'apns-push-type': 'voip',
            // 10: deliver at once; VoIP pushes allow no other.
            'apns-priority': '10',
            // 0: now or never; otherwise the moment APNs stops trying (the call has stopped ringing).
            'apns-expiration': ttlSeconds === 0 ? '0' : String(Math.floor(now.getTime() / 1000) + ttlSeconds),
            'content-type': 'application/json',
          },
          JSON.stringify(payloadOf(fitted)),
          timeoutMs,
        );
      } catch (error) {
        throw new PushError('RETRY', 'APNs could not be reached or did not answer in time', { cause: error });
      } finally {
        if (session) {
          inFlight -= 1;
          if (inFlight === 0) session.unref();
        }
      }
      if (answer.status === 200) return;

      const reason = reasonOf(answer.body);
      const apnsId = answer.headers['apns-id'];
      const cause = new Error(
        `APNs answered ${answer.status}${reason ? ` ${reason}` : ''}${typeof apnsId === 'string' ? ` (apns-id ${apnsId})` : ''}`,
      );
      if (
        answer.status === 410 ||
        reason === 'Unregistered' ||
        (answer.status === 400 && reason === 'BadDeviceToken')
      ) {
        throw new PushError('GONE', `The APNs device token is no longer valid (HTTP ${answer.status})`, { cause });
      }
      if (answer.status === 403 && reason === 'ExpiredProviderToken') {
        // Our clock or cache let the token age; a fresh one fixes the next attempt.
        token = undefined;
        throw new PushError('RETRY', 'APNs found our provider token expired', { cause });
      }
      if (answer.status === 429 || answer.status >= 500) {
        const header = answer.headers['retry-after'];
        throw new PushError('RETRY', `APNs is busy or failing (HTTP ${answer.status})`, {
          cause,
          retryAfterSeconds: retryAfterSeconds(typeof header === 'string' ? header : undefined, clock()),
        });
      }
      // A bad topic, our key or team refused, a payload too large: sending it again changes nothing.
      throw new PushError('REJECTED', `APNs refused the push (HTTP ${answer.status})`, { cause });
    },
  };
}
