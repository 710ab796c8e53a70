import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectError, registerUser } from '../helpers/auth-flows.js';
import { createTestApp, STRONG_PASSWORD, type TestApp, uniqueEmail } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const rawPost = (url: string, payload: string, contentType = 'application/json') =>
  t.app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType } });

describe('the error model of the auth API', () => {
  it('answers a malformed JSON body with 400 BAD_REQUEST, not a 500', async () => {
    const res = await rawPost('/api/auth/login', '{"email": "a@example.com", "password": ');
    const body = expectError(res, 400, 'BAD_REQUEST');
    expect(body.error).toMatch(/JSON/);
  });

  it('answers an empty JSON body with 400 BAD_REQUEST', async () => {
    expectError(await rawPost('/api/auth/register', ''), 400, 'BAD_REQUEST');
  });

  it('answers a body that is not JSON with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    expectError(await rawPost('/api/auth/login', 'email=a@example.com', 'text/csv'), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers JSON that is not an object with 400 VALIDATION_FAILED', async () => {
    expectError(await rawPost('/api/auth/login', '["a@example.com", "secret"]'), 400, 'VALIDATION_FAILED');
  });

  it('lists every invalid field of a request, each with a message', async () => {
    const res = await call(t, 'POST', '/api/auth/register', { payload: { email: 'nope', password: 'short' } });
    const body = expectError(res, 400, 'VALIDATION_FAILED');
    expect(body.details).toEqual(
      expect.arrayContaining([
        { field: 'email', message: expect.any(String) },
        { field: 'password', message: expect.any(String) },
      ]),
    );
    expect(body.error).toMatch(/^(email|password): /);
  });

  it('answers an unknown API route with a JSON 404 ROUTE_NOT_FOUND', async () => {
    const body = expectError(await call(t, 'GET', '/api/auth/does-not-exist'), 404, 'ROUTE_NOT_FOUND');
    expect(body.error).toContain('/api/auth/does-not-exist');
    expectError(await call(t, 'POST', '/api/nothing-here', { payload: {} }), 404, 'ROUTE_NOT_FOUND');
    // A known path with the wrong method is no route either.
    expectError(await call(t, 'GET', '/api/auth/login'), 404, 'ROUTE_NOT_FOUND');
  });

  it("echoes the caller's request id in the error, so support can find the log line", async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { 'x-request-id': 'client-req-12345' },
    });
    expect(expectError(res, 401, 'UNAUTHORIZED').requestId).toBe('client-req-12345');
  });

  it.each([
    ['could forge log fields', 'x" level=60 msg="forged'],
    ['is far too long', 'a'.repeat(4096)],
    ['is too short', 'abc'],
  ])('replaces a caller request id that %s with one of its own', async (_why, given) => {
    const res = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { 'x-request-id': given } });
    const { requestId } = expectError(res, 401, 'UNAUTHORIZED');
    expect(requestId).not.toBe(given);
    expect(requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('gives each failure its own request id', async () => {
    const a = expectError(await call(t, 'GET', '/api/auth/me'), 401, 'UNAUTHORIZED');
    const b = expectError(await call(t, 'GET', '/api/auth/me'), 401, 'UNAUTHORIZED');
    expect(a.requestId).not.toBe(b.requestId);
  });

  it('never echoes the password it was sent in an error', async () => {
    const email = uniqueEmail();
    await registerUser(t, { email });
    const secret = 'My-Secret-Attempt-991';
    const res = await call(t, 'POST', '/api/auth/login', { payload: { email, password: secret } });
    expectError(res, 401, 'INVALID_CREDENTIALS');
    expect(res.body).not.toContain(secret);
    const weak = await call(t, 'POST', '/api/auth/register', {
      payload: { email: uniqueEmail(), password: 'qwertyuiop' },
    });
    expect(weak.body).not.toContain('qwertyuiop');
  });
});

describe('every 400 names the field at fault (DESIGN.md: "400 (validation, with the field)")', () => {
  it('an invalid verification link names token', async () => {
    const res = await call(t, 'GET', '/api/auth/verify-email/made-up-token');
    expectError(res, 400, 'INVALID_LINK', 'token');
  });

  it('an invalid reset link names token', async () => {
    const res = await call(t, 'POST', '/api/auth/reset-password', {
      payload: { token: 'made-up-token', newPassword: STRONG_PASSWORD },
    });
    expectError(res, 400, 'INVALID_LINK', 'token');
  });

  it('a malformed JSON body names body', async () => {
    expectError(await rawPost('/api/auth/login', '{"email": '), 400, 'BAD_REQUEST', 'body');
  });
});
