import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectError, registerUser } from '../helpers/auth-flows.js';
import { buyNumber, setPlan } from '../helpers/numbers-flows.js';
import { createTestApp, STRONG_PASSWORD, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { MEDIA_MAX_BYTES: '4096' } });
});
afterAll(async () => {
  await t.close();
});

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

function multipart(bytes: Buffer, filename = 'photo.png', contentType = 'image/png') {
  const boundary = '----commpro-test-boundary';
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(token: string | undefined, bytes: Buffer, contentType = 'image/png') {
  const body = multipart(bytes, 'photo.png', contentType);
  return t.app.inject({
    method: 'POST',
    url: '/api/messages/media',
    payload: body.payload,
    headers: { ...body.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
}

const pathOf = (url: string) => url.replace('http://commpro.test', '');

describe('MMS media', () => {
  it('stores an image and serves it to its owner and to holders of the signed URL', async () => {
    const owner = await registerUser(t);
    const res = await upload(owner.accessToken, PNG);
    expect(res.statusCode, res.body).toBe(201);
    const media = res.json();
    expect(media).toMatchObject({ contentType: 'image/png', sizeBytes: PNG.length });
    expect(media.url).toMatch(/^http:\/\/commpro\.test\/api\/media\/[0-9a-f-]{36}\?expires=\d+&signature=/);

    const anonymous = await t.app.inject({ method: 'GET', url: pathOf(media.url) });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.headers['content-type']).toBe('image/png');
    expect(anonymous.rawPayload.equals(PNG)).toBe(true);

    const asOwner = await call(t, 'GET', `/api/media/${media.id}`, { token: owner.accessToken });
    expect(asOwner.statusCode).toBe(200);
  });

  it('is a 404 for anyone else: another user, a tampered or expired signature, no credentials', async () => {
    const owner = await registerUser(t);
    const stranger = await registerUser(t);
    const media = (await upload(owner.accessToken, PNG)).json();
    expectError(await call(t, 'GET', `/api/media/${media.id}`, { token: stranger.accessToken }), 404, 'NOT_FOUND');
    expectError(await t.app.inject({ method: 'GET', url: `/api/media/${media.id}` }), 404, 'NOT_FOUND');
    // A different first character, whatever it was (a signature starting with 'x' once made this no change at all).
    const tampered = pathOf(media.url).replace(
      /signature=(.)/,
      (_, first: string) => `signature=${first === 'x' ? 'y' : 'x'}`,
    );
    expectError(await t.app.inject({ method: 'GET', url: tampered }), 404, 'NOT_FOUND');
    t.clock.advance(8 * 24 * 3600_000);
    try {
      expectError(await t.app.inject({ method: 'GET', url: pathOf(media.url) }), 404, 'NOT_FOUND');
    } finally {
      t.clock.now = new Date();
    }
  });

  it('refuses what is not an image whatever the client claims, files over the limit, and anonymous uploads', async () => {
    const user = await registerUser(t);
    expectError(
      await upload(user.accessToken, Buffer.from('<script>alert(1)</script>'), 'image/png'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'file',
    );
    expectError(await upload(user.accessToken, Buffer.concat([PNG, Buffer.alloc(8192)])), 413, 'PAYLOAD_TOO_LARGE');
    expectError(await upload(undefined, PNG), 401, 'UNAUTHORIZED');
  });

  it('sends a picture by MMS; the message hands out a freshly signed link even after the first one expired', async () => {
    const user = await registerUser(t);
    await setPlan(t, user.id, 'STARTER');
    const line = await buyNumber(t, user.accessToken);
    const media = (await upload(user.accessToken, PNG)).json();
    const sent = await call(t, 'POST', '/api/messages/send', {
      token: user.accessToken,
      payload: { from: line.phoneNumber, to: '+14155550142', mediaUrls: [media.url] },
    });
    expect(sent.statusCode, sent.body).toBe(202);
    expect(sent.json()).toMatchObject({ type: 'MMS' });

    t.clock.advance(8 * 24 * 3600_000);
    try {
      expectError(await t.app.inject({ method: 'GET', url: pathOf(media.url) }), 404, 'NOT_FOUND');
      // A week later the access token has long expired too: log in again.
      const login = await call(t, 'POST', '/api/auth/login', {
        payload: { email: user.email, password: STRONG_PASSWORD },
      });
      const thread = await call(t, 'GET', '/api/messages/conversation/%2B14155550142', {
        token: login.json().accessToken,
      });
      const [link] = thread.json().messages[0].mediaUrls;
      expect(link).not.toBe(media.url);
      const fresh = await t.app.inject({ method: 'GET', url: pathOf(link) });
      expect(fresh.statusCode).toBe(200);
      expect(fresh.rawPayload.equals(PNG)).toBe(true);
    } finally {
      t.clock.now = new Date();
    }
  });

  it('refuses to send another user’s uploaded picture', async () => {
    const owner = await registerUser(t);
    const thief = await registerUser(t);
    await setPlan(t, thief.id, 'STARTER');
    const line = await buyNumber(t, thief.accessToken);
    const media = (await upload(owner.accessToken, PNG)).json();
    const res = await call(t, 'POST', '/api/messages/send', {
      token: thief.accessToken,
      payload: { from: line.phoneNumber, to: '+14155550142', mediaUrls: [media.url] },
    });
    const body = expectError(res, 400, 'VALIDATION_FAILED', 'mediaUrls');
    expect(body.details![0]!.code).toBe('MEDIA_NOT_YOURS');
  });
});
