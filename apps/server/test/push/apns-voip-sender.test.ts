import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApnsVoipTarget, createApnsVoipSender } from '../../src/providers/push/apns-voip-sender.js';
import { PushError, type PushErrorReason, type PushMessage } from '../../src/providers/push/push.port.js';

/*
 * APNs VoIP pushes against a local HTTP/2 server (h2c) standing in for
 * api.push.apple.com: the request as Apple documents it, the provider token
 * verified with the key pair the test made, and Apple's answers in our words.
 */

interface ApnsRequest {
  headers: http2.IncomingHttpHeaders;
  body: string;
}

interface ApnsAnswer {
  status: number;
  reason?: string;
  headers?: Record<string, string>;
  hang?: boolean;
}

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const TOKEN = 'a'.repeat(24) + '0123456789abcdef'.repeat(2) + 'b'.repeat(8);

const requests: ApnsRequest[] = [];
let answer: ApnsAnswer;
let server: http2.Http2Server;
const sessions = new Set<http2.ServerHttp2Session>();
let origin: string;

const message: PushMessage = {
  id: '9c4de3c8-2b11-4a8e-8d5e-3f0b6a1c7e21',
  type: 'CALL_INCOMING',
  title: '+33 6 12 34 56 78',
  body: 'Incoming call on your business line',
  url: '/calls/71f3',
  ttlSeconds: 30,
  urgency: 'high',
};

const target: ApnsVoipTarget = { channel: 'APNS_VOIP', token: TOKEN };

function makeSender(overrides: { clock?: () => Date; timeoutMs?: number } = {}) {
  return createApnsVoipSender({
    key: PEM,
    keyId: 'ABC123DEFG',
    teamId: 'TEAM123456',
    topic: 'com.example.commpro.voip',
    production: true,
    origin,
    ...overrides,
  });
}

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

async function verifiedToken(authorization: string | undefined, key: KeyObject = publicKey) {
  const match = /^bearer (\S+)$/.exec(authorization ?? '');
  expect(match, authorization).not.toBeNull();
  const { payload, protectedHeader } = await jwtVerify(match![1]!, key, { algorithms: ['ES256'] });
  return { payload, protectedHeader, token: match![1]! };
}

beforeAll(async () => {
  server = http2.createServer();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      requests.push({ headers, body: Buffer.concat(chunks).toString('utf8') });
      if (answer.hang) return;
      stream.respond({ ':status': answer.status, 'apns-id': 'apns-id-1', ...answer.headers });
      stream.end(answer.reason ? JSON.stringify({ reason: answer.reason }) : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const session of sessions) session.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  requests.length = 0;
  answer = { status: 200 };
});

describe('APNs VoIP request', () => {
  it("posts to /3/device/<token> with Apple's VoIP headers, a provider token signed by our key, and the payload", async () => {
    const now = new Date('2026-03-01T10:00:00Z');
    await makeSender({ clock: () => now }).send(target, message);

    expect(requests).toHaveLength(1);
    const { headers, body } = requests[0]!;
    expect(headers[':method']).toBe('POST');
    expect(headers[':path']).toBe(`/3/device/${TOKEN}`);
    expect(headers['apns-topic']).toBe('com.example.commpro.voip');
    expect(headers['apns-push-type']).toBe('voip');
    expect(headers['apns-priority']).toBe('10');
    expect(headers['apns-expiration']).toBe(String(now.getTime() / 1000 + 30));
    expect(headers['content-type']).toBe('application/json');
    const { payload, protectedHeader } = await verifiedToken(headers.authorization);
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: 'ABC123DEFG' });
    expect(payload).toEqual({ iss: 'TEAM123456', iat: now.getTime() / 1000 });
    expect(JSON.parse(body)).toEqual({
      id: message.id,
      type: 'CALL_INCOMING',
      title: '+33 6 12 34 56 78',
      body: 'Incoming call on your business line',
      url: '/calls/71f3',
    });
  });

  it('asks APNs not to store a push whose TTL is 0 (apns-expiration 0)', async () => {
    await makeSender().send(target, { ...message, ttlSeconds: 0 });
    expect(requests[0]!.headers['apns-expiration']).toBe('0');
  });

  it('reuses its provider token for 50 minutes and signs a new one after', async () => {
    let now = new Date('2026-03-01T10:00:00Z');
    const sender = makeSender({ clock: () => now });
    await sender.send(target, message);
    now = new Date('2026-03-01T10:49:59Z');
    await sender.send(target, message);
    now = new Date('2026-03-01T10:50:00Z');
    await sender.send(target, message);

    const tokens = await Promise.all(requests.map((r) => verifiedToken(r.headers.authorization)));
    expect(tokens[1]!.token).toBe(tokens[0]!.token);
    expect(tokens[2]!.token).not.toBe(tokens[0]!.token);
    expect(tokens[2]!.payload.iat).toBe(new Date('2026-03-01T10:50:00Z').getTime() / 1000);
  });

  it('signs a new provider token after APNs answers ExpiredProviderToken, and retries later', async () => {
    const sender = makeSender();
    answer = { status: 403, reason: 'ExpiredProviderToken' };
    expect((await failure(sender.send(target, message))).reason).toBe('RETRY');
    answer = { status: 200 };
    await sender.send(target, message);
    const [first, second] = requests.map((r) => decodeProtectedHeader(r.headers.authorization!.slice(7)));
    expect(first).toEqual(second);
    expect(requests[1]!.headers.authorization).not.toBe(requests[0]!.headers.authorization);
  });

  it('keeps one connection for successive pushes', async () => {
    const sender = makeSender();
    const before = sessions.size;
    await sender.send(target, message);
    await sender.send(target, message);
    await sender.send(target, message);
    expect(sessions.size - before).toBe(1);
  });

  it('refuses a token that is not hex without sending anything (it would land in the request path)', async () => {
    const error = await failure(makeSender().send({ channel: 'APNS_VOIP', token: '../../3/device/x' }, message));
    expect(error.reason).toBe('GONE');
    expect(requests).toHaveLength(0);
  });
});

describe("APNs' answers in our words", () => {
  it.each<[string, ApnsAnswer, PushErrorReason, number | undefined]>([
    ['410 Unregistered', { status: 410, reason: 'Unregistered' }, 'GONE', undefined],
    ['400 BadDeviceToken', { status: 400, reason: 'BadDeviceToken' }, 'GONE', undefined],
    ['429 TooManyRequests', { status: 429, reason: 'TooManyRequests' }, 'RETRY', undefined],
    ['429 with Retry-After', { status: 429, reason: 'TooManyRequests', headers: { 'retry-after': '60' } }, 'RETRY', 60],
    ['500 InternalServerError', { status: 500, reason: 'InternalServerError' }, 'RETRY', undefined],
    ['503 ServiceUnavailable', { status: 503, reason: 'ServiceUnavailable' }, 'RETRY', undefined],
    ['400 DeviceTokenNotForTopic', { status: 400, reason: 'DeviceTokenNotForTopic' }, 'REJECTED', undefined],
    ['400 BadTopic', { status: 400, reason: 'BadTopic' }, 'REJECTED', undefined],
    ['403 InvalidProviderToken', { status: 403, reason: 'InvalidProviderToken' }, 'REJECTED', undefined],
    ['413 PayloadTooLarge', { status: 413, reason: 'PayloadTooLarge' }, 'REJECTED', undefined],
  ])('%s', async (_, given, reason, retryAfter) => {
    answer = given;
    const error = await failure(makeSender().send(target, message));
    expect(error.reason).toBe(reason);
    expect(error.retryAfterSeconds).toBe(retryAfter);
    // Apple's reason stays in the cause, for the logs.
    expect(error.message).not.toContain(given.reason);
    expect((error.cause as Error).message).toContain(`${given.status} ${given.reason}`);
  });

  it('retries later when APNs cannot be reached', async () => {
    const unreachable = createApnsVoipSender({
      key: PEM,
      keyId: 'ABC123DEFG',
      teamId: 'TEAM123456',
      topic: 'com.example.commpro.voip',
      production: false,
      origin: 'http://127.0.0.1:1',
    });
    expect((await failure(unreachable.send(target, message))).reason).toBe('RETRY');
  });

  it('gives up on an answer that does not come in time, and retries later', async () => {
    answer = { status: 200, hang: true };
    const error = await failure(makeSender({ timeoutMs: 200 }).send(target, message));
    expect(error.reason).toBe('RETRY');
    expect((error.cause as Error).message).toContain('did not answer within 200 ms');
  });
});
