import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createS3Storage } from '../../src/platform/storage/s3-storage.js';
import { call, registerUser } from '../helpers/auth-flows.js';
import { createTestApp } from '../helpers/test-app.js';

const BUCKET = 'commpro-media';
const ACCESS_KEY_ID = 'AKIDFAKE0000000000';
const SECRET_ACCESS_KEY = 'fake-secret-access-key-0000000000000000';

interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** Whether the SigV4 signature checks out against SECRET_ACCESS_KEY. */
  signatureValid: boolean;
}

/**
 * Just enough of the S3 REST API, path-style: PUT, GET and DELETE on
 * /bucket/key, NoSuchKey and NoSuchBucket errors as S3 words them, and a
 * switch that makes every request fail with a 500.
 */
function createFakeS3() {
  const objects = new Map<string, Buffer>();
  const requests: RecordedRequest[] = [];
  const state = { failWith: undefined as number | undefined };

  const sendError = (res: ServerResponse, status: number, code: string, message: string) => {
    res.writeHead(status, { 'content-type': 'application/xml' });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fake</RequestId></Error>`,
    );
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://fake');
      requests.push({
        method: req.method ?? '',
        path: url.pathname,
        headers: req.headers,
        signatureValid: verifySigV4(req, url),
      });
      if (state.failWith) return sendError(res, state.failWith, 'InternalError', 'We encountered an internal error.');
      const [, bucket, ...rest] = url.pathname.split('/');
      const key = decodeURIComponent(rest.join('/'));
      if (bucket !== BUCKET) return sendError(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
      switch (req.method) {
        case 'PUT':
          objects.set(key, body);
          res.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` });
          return res.end();
        case 'GET': {
          const object = objects.get(key);
          if (!object) return sendError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': object.length });
          return res.end(object);
        }
        case 'DELETE':
          objects.delete(key);
          res.writeHead(204);
          return res.end();
        default:
          return sendError(res, 405, 'MethodNotAllowed', 'The specified method is not allowed');
      }
    });
  });

  return {
    objects,
    requests,
    state,
    server,
    get endpoint() {
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
  };
}

/** Recomputes an AWS Signature Version 4 the way S3 does (no double URI encoding). */
function verifySigV4(req: IncomingMessage, url: URL): boolean {
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      req.headers.authorization ?? '',
    );
  if (!match) return false;
  const [, accessKeyId, date, region, signedHeaders, signature] = match as unknown as string[];
  if (accessKeyId !== ACCESS_KEY_ID) return false;
  const amzDate = String(req.headers['x-amz-date']);
  const payloadHash = String(req.headers['x-amz-content-sha256']);
  const query = [...url.searchParams]
    .map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)])
    .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const headerNames = signedHeaders!.split(';');
  const canonicalHeaders = headerNames
    .map(
      (name) =>
        `${name}:${String(req.headers[name] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const canonicalRequest = [req.method, url.pathname, query, canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${date}/${region}/s3/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${SECRET_ACCESS_KEY}`, date!), region!), 's3'), 'aws4_request');
  return createHmac('sha256', signingKey).update(stringToSign).digest('hex') === signature;
}

const fake = createFakeS3();
beforeAll(async () => {
  await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  fake.server.closeAllConnections();
  await new Promise<void>((resolve) => fake.server.close(() => resolve()));
});
afterEach(() => {
  fake.state.failWith = undefined;
  fake.requests.length = 0;
});

const storageFor = (overrides: { bucket?: string; prefix?: string; secretAccessKey?: string } = {}) =>
  createS3Storage({
    endpoint: fake.endpoint,
    region: 'us-east-1',
    bucket: overrides.bucket ?? BUCKET,
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: overrides.secretAccessKey ?? SECRET_ACCESS_KEY,
    forcePathStyle: true,
    ...(overrides.prefix !== undefined ? { prefix: overrides.prefix } : {}),
  });

describe('S3 storage', () => {
  it('stores binary bytes and reads back the same bytes', async () => {
    const storage = storageFor();
    const bytes = Buffer.concat([Buffer.from([0, 255, 0x89, 0x50, 13, 10, 26, 10]), randomBytes(64 * 1024)]);
    await storage.put('media/u1/a', bytes);
    const read = await storage.get('media/u1/a');
    expect(read).toBeInstanceOf(Buffer);
    expect(read!.equals(bytes)).toBe(true);
  });

  it('answers undefined for a key that holds nothing', async () => {
    expect(await storageFor().get('media/u1/never-stored')).toBeUndefined();
  });

  it('deletes, and deleting again or deleting what never existed is not an error', async () => {
    const storage = storageFor();
    await storage.put('media/u1/b', Buffer.from('bytes'));
    await storage.delete('media/u1/b');
    expect(await storage.get('media/u1/b')).toBeUndefined();
    await expect(storage.delete('media/u1/b')).resolves.toBeUndefined();
    await expect(storage.delete('media/u1/never-stored')).resolves.toBeUndefined();
  });

  it('signs every request with SigV4 and puts objects under the prefix, path-style', async () => {
    const storage = storageFor({ prefix: '/tenant-a/' });
    await storage.put('media/u2/c', Buffer.from('hello'));
    await storage.get('media/u2/c');
    await storage.delete('media/u2/c');
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `PUT /${BUCKET}/tenant-a/media/u2/c`,
      `GET /${BUCKET}/tenant-a/media/u2/c`,
      `DELETE /${BUCKET}/tenant-a/media/u2/c`,
    ]);
    for (const request of fake.requests) {
      expect(request.headers.authorization).toMatch(
        new RegExp(`^AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/\\d{8}/us-east-1/s3/aws4_request, ?SignedHeaders=`),
      );
      expect(request.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
      expect(request.signatureValid).toBe(true);
    }
    // The body is signed too, not sent as UNSIGNED-PAYLOAD.
    expect(fake.requests[0]!.headers['x-amz-content-sha256']).toBe(createHash('sha256').update('hello').digest('hex'));
  });

  it('signs with the secret it was given (the fake notices a wrong one)', async () => {
    await storageFor({ secretAccessKey: 'another-secret' }).put('media/u2/d', Buffer.from('x'));
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.signatureValid).toBe(false);
  });

  it('rethrows a server error instead of pretending the file is missing', async () => {
    const storage = storageFor();
    await storage.put('media/u3/e', Buffer.from('x'));
    fake.state.failWith = 500;
    await expect(storage.get('media/u3/e')).rejects.toMatchObject({
      name: 'InternalError',
      $metadata: { httpStatusCode: 500 },
    });
    await expect(storage.put('media/u3/f', Buffer.from('x'))).rejects.toMatchObject({ name: 'InternalError' });
    await expect(storage.delete('media/u3/e')).rejects.toMatchObject({ name: 'InternalError' });
  });

  it('rethrows a missing bucket: a misconfiguration, not a missing file', async () => {
    await expect(storageFor({ bucket: 'no-such-bucket' }).get('media/u3/g')).rejects.toMatchObject({
      name: 'NoSuchBucket',
    });
  });

  it('refuses keys that are not ours', async () => {
    await expect(storageFor().put('../etc/passwd', Buffer.from('x'))).rejects.toThrow('invalid storage key');
    expect(fake.requests).toHaveLength(0);
  });
});

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe('MMS media with S3_BUCKET configured', () => {
  it('uploads to the bucket and serves the image back from it', async () => {
    const t = await createTestApp({
      env: {
        S3_BUCKET: BUCKET,
        S3_ENDPOINT: fake.endpoint,
        S3_ACCESS_KEY_ID: ACCESS_KEY_ID,
        S3_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
        S3_FORCE_PATH_STYLE: 'true',
        S3_REGION: 'us-east-1',
        S3_PREFIX: 'app',
      },
    });
    try {
      const owner = await registerUser(t);
      const boundary = '----commpro-s3-test';
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/messages/media',
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          authorization: `Bearer ${owner.accessToken}`,
        },
        payload: Buffer.concat([
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.png"\r\nContent-Type: image/png\r\n\r\n`,
          ),
          PNG,
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]),
      });
      expect(res.statusCode, res.body).toBe(201);
      const media = res.json<{ id: string; url: string }>();

      const stored = [...fake.objects].find(([key]) => key.endsWith(`/${media.id}`));
      expect(stored?.[0]).toMatch(new RegExp(`^app/media/[0-9a-f-]{36}/${media.id}$`));
      expect(stored?.[1].equals(PNG)).toBe(true);
      expect(fake.requests.every((r) => r.signatureValid)).toBe(true);

      const bySignedUrl = await t.app.inject({ method: 'GET', url: media.url.replace('http://commpro.test', '') });
      expect(bySignedUrl.statusCode).toBe(200);
      expect(bySignedUrl.headers['content-type']).toBe('image/png');
      expect(bySignedUrl.rawPayload.equals(PNG)).toBe(true);

      const asOwner = await call(t, 'GET', `/api/media/${media.id}`, { token: owner.accessToken });
      expect(asOwner.statusCode).toBe(200);
      expect(fake.requests.filter((r) => r.method === 'GET')).toHaveLength(2);

      // Storage down: a server error for the caller, never a stack or a wrong 404.
      fake.state.failWith = 500;
      const down = await call(t, 'GET', `/api/media/${media.id}`, { token: owner.accessToken });
      expect(down.statusCode).toBe(500);
      expect(down.body).not.toContain('InternalError');
    } finally {
      await t.close();
    }
  });
});
