import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import webpush from 'web-push';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PushError, type PushErrorReason, type PushMessage } from '../../src/providers/push/push.port.js';
import { createWebPushSender, type WebPushTarget } from '../../src/providers/push/web-push-sender.js';
import { closedPort, decrypt, makeSubscriber, type PushService, startPushService } from './push-service.js';

/*
 * Web Push end to end without the internet: the sender posts to a local
 * push service, which checks what a real one (and the browser behind it)
 * would: the RFC 8291 payload, the RFC 8030 headers and the RFC 8292 VAPID
 * token, verified with the VAPID public key.
 */

const vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:ops@commpro.example' };
const subscriber = makeSubscriber();
const PUSH_SERVICE_TEXT = 'push-service-says-something-private';

let service: PushService;
let sender: ReturnType<typeof createWebPushSender>;

const message: PushMessage = {
  id: '0b7f6a52-3c1e-4d8f-9a37-5f1c2e8d4b10',
  type: 'MESSAGE_RECEIVED',
  title: 'Léa Martin',
  body: 'Are we still on for 3 pm? 👍',
  url: '/messages/4e2d',
  ttlSeconds: 3600,
  urgency: 'normal',
};

const target = (path = '/push/sub-1', keys = subscriber.keys): WebPushTarget => ({
  channel: 'WEB',
  subscription: { endpoint: `${service.origin}${path}`, keys },
});

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

beforeAll(async () => {
  service = await startPushService();
  sender = createWebPushSender({ vapid, allowHttpEndpoints: true, timeoutMs: 1000 });
});

afterAll(() => service.close());

beforeEach(() => {
  service.requests.length = 0;
  service.answer = { status: 201, headers: { location: `${service.origin}/message/1` } };
});

describe('Web Push delivery', () => {
  it('posts the payload encrypted for the subscriber (aes128gcm) with TTL, Urgency and Topic', async () => {
    await sender.send(target(), message);

    expect(service.requests).toHaveLength(1);
    const [request] = service.requests;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/push/sub-1');
    expect(request!.headers['content-encoding']).toBe('aes128gcm');
    expect(request!.headers['content-type']).toBe('application/octet-stream');
    expect(request!.headers.ttl).toBe('3600');
    expect(request!.headers.urgency).toBe('normal');
    // A redelivery of the same notification replaces a copy still waiting at the push service.
    expect(request!.headers.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const payload = JSON.parse(decrypt(request!.body, subscriber).toString('utf8')) as unknown;
    expect(payload).toEqual({
      id: message.id,
      type: 'MESSAGE_RECEIVED',
      title: 'Léa Martin',
      body: 'Are we still on for 3 pm? 👍',
      url: '/messages/4e2d',
    });
  });

  it("signs a VAPID token the push service can verify: ES256 by our key, for the endpoint's origin, under 24 hours", async () => {
    await sender.send(target(), message);

    const authorization = service.requests[0]!.headers.authorization ?? '';
    const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization);
    expect(match, authorization).not.toBeNull();
    const [, jwt, k] = match!;
    expect(k).toBe(vapid.publicKey);
    const point = Buffer.from(k!, 'base64url');
    const publicKey = await importJWK(
      {
        kty: 'EC',
        crv: 'P-256',
        x: point.subarray(1, 33).toString('base64url'),
        y: point.subarray(33, 65).toString('base64url'),
      },
      'ES256',
    );
    const { payload } = await jwtVerify(jwt!, publicKey, { algorithms: ['ES256'] });
    expect(decodeProtectedHeader(jwt!).alg).toBe('ES256');
    expect(payload.aud).toBe(service.origin);
    expect(payload.sub).toBe('mailto:ops@commpro.example');
    const now = Date.now() / 1000;
    expect(payload.exp).toBeGreaterThan(now);
    expect(payload.exp).toBeLessThanOrEqual(now + 24 * 3600);
  });

  it('asks for high urgency for an urgent message and always for an incoming call', async () => {
    await sender.send(target(), { ...message, urgency: 'high' });
    await sender.send(target(), { ...message, type: 'CALL_INCOMING', urgency: 'normal', ttlSeconds: 30 });
    expect(service.requests.map((r) => [r.headers.urgency, r.headers.ttl])).toEqual([
      ['high', '3600'],
      ['high', '30'],
    ]);
  });

  it('cuts a body too long for one record short, with an ellipsis, rather than have the push refused', async () => {
    const body = 'é'.repeat(5000);
    await sender.send(target(), { ...message, body });

    const request = service.requests[0]!;
    expect(request.body.length).toBeLessThanOrEqual(4096);
    const plaintext = decrypt(request.body, subscriber);
    const payload = JSON.parse(plaintext.toString('utf8')) as { body: string; title: string };
    expect(payload.title).toBe(message.title);
    expect(payload.body.endsWith('…')).toBe(true);
    expect(body.startsWith(payload.body.slice(0, -1))).toBe(true);
    expect(payload.body.length).toBeGreaterThan(1900);
  });
});

describe("the push service's answers in our words", () => {
  it.each<[string, number, Record<string, string>, PushErrorReason, number | undefined]>([
    ['410 Gone (unsubscribed)', 410, {}, 'GONE', undefined],
    ['404 Not Found (expired)', 404, {}, 'GONE', undefined],
    ['429 with Retry-After seconds', 429, { 'retry-after': '120' }, 'RETRY', 120],
    ['429 without Retry-After', 429, {}, 'RETRY', undefined],
    ['500', 500, {}, 'RETRY', undefined],
    ['503 with Retry-After seconds', 503, { 'retry-after': '30' }, 'RETRY', 30],
    ['400 (malformed)', 400, {}, 'REJECTED', undefined],
    ['401 (our VAPID token refused)', 401, {}, 'REJECTED', undefined],
    ['403 (key mismatch)', 403, {}, 'REJECTED', undefined],
    ['413 (payload too large)', 413, {}, 'REJECTED', undefined],
  ])('%s', async (_, status, headers, reason, retryAfter) => {
    service.answer = { status, headers, body: PUSH_SERVICE_TEXT };
    const error = await failure(sender.send(target(), message));
    expect(error.reason).toBe(reason);
    expect(error.retryAfterSeconds).toBe(retryAfter);
    expect(error.message).not.toContain(PUSH_SERVICE_TEXT);
    // The push service's own words stay in the cause, for the logs.
    expect(error.cause).toBeInstanceOf(webpush.WebPushError);
    expect((error.cause as webpush.WebPushError).statusCode).toBe(status);
    expect((error.cause as webpush.WebPushError).body).toBe(PUSH_SERVICE_TEXT);
  });

  it('reads a Retry-After given as an HTTP date', async () => {
    const clock = () => new Date('2026-03-01T10:00:00Z');
    const clocked = createWebPushSender({ vapid, allowHttpEndpoints: true, clock });
    service.answer = { status: 429, headers: { 'retry-after': 'Sun, 01 Mar 2026 10:01:30 GMT' } };
    expect((await failure(clocked.send(target(), message))).retryAfterSeconds).toBe(90);
  });

  it('does not follow a redirect', async () => {
    service.answer = { status: 307, headers: { location: `${service.origin}/elsewhere` } };
    expect((await failure(sender.send(target(), message))).reason).toBe('REJECTED');
    expect(service.requests.map((r) => r.path)).toEqual(['/push/sub-1']);
  });

  it('retries later when the push service cannot be reached', async () => {
    const port = await closedPort();
    const error = await failure(
      sender.send(
        { channel: 'WEB', subscription: { endpoint: `http://127.0.0.1:${port}/push/x`, keys: subscriber.keys } },
        message,
      ),
    );
    expect(error.reason).toBe('RETRY');
    expect(error.message).toBe('The Web Push service could not be reached');
  });

  it('gives up on a push service that does not answer in time, and retries later', async () => {
    service.answer = { status: 201, hang: true };
    const quick = createWebPushSender({ vapid, allowHttpEndpoints: true, timeoutMs: 200 });
    const started = Date.now();
    const error = await failure(quick.send(target(), message));
    expect(error.reason).toBe('RETRY');
    expect(error.message).toBe('The Web Push service did not answer in time');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('subscriptions that can never be delivered to', () => {
  it('refuses an http: endpoint unless told otherwise, without posting to it', async () => {
    const strict = createWebPushSender({ vapid });
    expect((await failure(strict.send(target(), message))).reason).toBe('GONE');
    expect(service.requests).toHaveLength(0);
  });

  it.each([
    [
      'a p256dh off the P-256 curve',
      { p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url') },
    ],
    ['a p256dh that is not a point', { p256dh: Buffer.alloc(65, 7).toString('base64url') }],
    ['a p256dh of the wrong length', { p256dh: Buffer.alloc(33, 4).toString('base64url') }],
    ['an auth secret of the wrong length', { auth: Buffer.alloc(8).toString('base64url') }],
  ])('refuses %s', async (_, keys) => {
    const error = await failure(sender.send(target('/push/sub-1', { ...subscriber.keys, ...keys }), message));
    expect(error.reason).toBe('GONE');
    expect(service.requests).toHaveLength(0);
  });

  it('refuses an endpoint that is not a URL', async () => {
    const error = await failure(
      sender.send({ channel: 'WEB', subscription: { endpoint: 'not a url', keys: subscriber.keys } }, message),
    );
    expect(error.reason).toBe('GONE');
  });
});
