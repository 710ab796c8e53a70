import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STRONG_PASSWORD, type TestApp, uniqueEmail } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function register(email: string) {
  return t.app.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password: STRONG_PASSWORD } });
}

describe('POST /api/auth/login', () => {
  it('logs in with the password the account was created with, whatever the email case', async () => {
    const email = uniqueEmail();
    expect((await register(email)).statusCode).toBe(201);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: `  ${email.toUpperCase()} `, password: STRONG_PASSWORD, deviceName: 'Test phone' },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.requires2FA).toBe(false);
    expect(body.user.email).toBe(email);
    expect(body.accessToken).toMatch(/^ey/);
    expect(body.refreshToken).toHaveLength(43);
  });

  it('answers the same 401 for a wrong password and for an unknown email', async () => {
    const email = uniqueEmail();
    await register(email);
    const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: 'not the password' } });
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: uniqueEmail('ghost'), password: 'not the password' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(unknown.json().error).toBe(wrong.json().error);
  });

  it('locks an account for 15 minutes after 5 failures, with Retry-After, even for the right password', async () => {
    const email = uniqueEmail();
    await register(email);
    for (let i = 0; i < 5; i++) {
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: `wrong-${i}` } });
      expect(res.statusCode).toBe(401);
    }
    const locked = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: STRONG_PASSWORD } });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('TOO_MANY_ATTEMPTS');
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);

    t.clock.advance(15 * 60_000 + 1000);
    const after = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: STRONG_PASSWORD } });
    expect(after.statusCode).toBe(200);
  });

  it('limits unknown emails exactly like real ones, so a 429 reveals nothing', async () => {
    const email = uniqueEmail('ghost');
    for (let i = 0; i < 5; i++) {
      await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: `wrong-${i}` } });
    }
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: 'anything' } });
    expect(res.statusCode).toBe(429);
  });
});
