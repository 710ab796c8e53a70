import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, loginUser, registerUser } from '../helpers/auth-flows.js';
import { connectApp, createCallsTestApp, type CallsTestApp } from '../helpers/calls-flows.js';
import { deleteRequest } from './gdpr-flows.js';

let t: CallsTestApp;
beforeAll(async () => {
  t = await createCallsTestApp();
});
afterAll(async () => {
  await t.close();
});

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

async function upload(token: string): Promise<{ id: string; url: string }> {
  const boundary = '----commpro-gdpr-boundary';
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/messages/media',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${token}` },
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.png"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      PNG,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** Whether the file is on the disk of some test app (each has its own DATA_DIR under the temp directory). */
function storedOnDisk(userId: string, mediaId: string): boolean {
  return readdirSync(os.tmpdir())
    .filter((dir) => dir.startsWith('commpro-test-data-'))
    .some((dir) => existsSync(path.join(os.tmpdir(), dir, 'files', 'media', userId, mediaId)));
}

describe('deleting an account, beyond the database', () => {
  it('deletes the uploaded files from storage', async () => {
    const user = await registerUser(t);
    const media = await upload(user.accessToken);
    expect(storedOnDisk(user.id, media.id)).toBe(true);

    const res = await deleteRequest(t, user.accessToken, { password: user.password });
    expect(res.statusCode, res.body).toBe(200);
    expect(storedOnDisk(user.id, media.id)).toBe(false);
    const signed = await t.app.inject({ method: 'GET', url: media.url.replace('http://commpro.test', '') });
    expect(signed.statusCode).toBe(404);
  });

  it('tells the apps of every other session and closes them', async () => {
    const user = await registerUser(t);
    const phone = await loginUser(t, user);
    const app = await connectApp(t, phone.accessToken);
    const told = new Promise((resolve) => app.socket.once('session:revoked', resolve));
    const closed = new Promise((resolve) => app.socket.once('disconnect', resolve));

    const res = await deleteRequest(t, user.accessToken, { password: user.password });
    expect(res.statusCode, res.body).toBe(200);
    await Promise.all([told, closed]);
    expect((await call(t, 'GET', '/api/auth/me', { token: phone.accessToken })).statusCode).toBe(401);
  });
});
