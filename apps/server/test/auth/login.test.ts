import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/modules/auth/auth.table.js';
import {
  call,
  expectError,
  listSessions,
  loginRequest,
  loginUser,
  refreshRequest,
  registerUser,
  sessionIdOf,
} from '../helpers/auth-flows.js';
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
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: 'not the password' },
    });
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
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email, password: `wrong-${i}` },
      });
      expect(res.statusCode).toBe(401);
    }
    const locked = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: STRONG_PASSWORD },
    });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('TOO_MANY_ATTEMPTS');
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);

    t.clock.advance(15 * 60_000 + 1000);
    const after = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: STRONG_PASSWORD },
    });
    expect(after.statusCode).toBe(200);
  });

  it('limits unknown emails exactly like real ones, so a 429 reveals nothing', async () => {
    const email = uniqueEmail('ghost');
    for (let i = 0; i < 5; i++) {
      await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: `wrong-${i}` } });
    }
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: 'anything' },
    });
    expect(res.statusCode).toBe(429);
  });
});

describe('POST /api/auth/login — sessions, counters and disabled accounts', () => {
  it('records the device the client names, and the browser when it names none, in the sessions list', async () => {
    const account = await registerUser(t);
    const phone = await loginUser(t, account, { deviceId: 'device-42', deviceName: 'Pixel 8 of Ada' });
    await loginUser(t, account, {
      userAgent:
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
    });
    const { sessions } = await listSessions(t, phone.accessToken);
    const named = sessions.find((s) => s.id === sessionIdOf(phone.accessToken));
    expect(named).toMatchObject({
      deviceId: 'device-42',
      deviceName: 'Pixel 8 of Ada',
      ipAddress: '127.0.0.1',
      current: true,
    });
    expect(sessions.map((s) => s.deviceName)).toContain('Chrome on macOS');
  });

  it('sets lastLogin to the time of the login', async () => {
    const account = await registerUser(t);
    t.clock.advance(60_000);
    const res = await loginRequest(t, account.email, account.password);
    expect(res.json().user.lastLogin).toBe(t.clock.now.toISOString());
  });

  it('refuses a login without a password with 400 naming password', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: uniqueEmail() } });
    expectError(res, 400, 'VALIDATION_FAILED', 'password');
  });

  it('forgets earlier failures after a successful login', async () => {
    const account = await registerUser(t);
    for (let i = 0; i < 4; i++)
      expectError(await loginRequest(t, account.email, `wrong-${i}`), 401, 'INVALID_CREDENTIALS');
    await loginUser(t, account);
    // Had the counter kept the first four, the fifth failure below would already be refused with 429.
    for (let i = 0; i < 4; i++)
      expectError(await loginRequest(t, account.email, `again-${i}`), 401, 'INVALID_CREDENTIALS');
    await loginUser(t, account);
  });

  it('does not let parallel guesses get around the limit of 5 failures', async () => {
    const account = await registerUser(t);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => loginRequest(t, account.email, `parallel-guess-${i}`)),
    );
    expect(results.every((r) => r.statusCode === 401 || r.statusCode === 429)).toBe(true);
    // Each 401 is a password that was actually tried.
    expect(results.filter((r) => r.statusCode === 401).length).toBeLessThanOrEqual(5);
  });

  it('locks only the account that was attacked', async () => {
    const victim = await registerUser(t);
    const bystander = await registerUser(t);
    for (let i = 0; i < 5; i++) await loginRequest(t, victim.email, `wrong-${i}`);
    expectError(await loginRequest(t, victim.email, victim.password), 429, 'TOO_MANY_ATTEMPTS');
    await loginUser(t, bystander);
  });

  it('counts failures on the normalised email, so changing its case does not get around the lock', async () => {
    const account = await registerUser(t);
    for (let i = 0; i < 5; i++) {
      const typed = i % 2 ? account.email.toUpperCase() : ` ${account.email}`;
      await loginRequest(t, typed, `wrong-${i}`);
    }
    expectError(await loginRequest(t, account.email.toUpperCase(), account.password), 429, 'TOO_MANY_ATTEMPTS');
  });

  describe('a disabled account', () => {
    async function disable(userId: string) {
      await t.database.handle.db.update(users).set({ isActive: false }).where(eq(users.id, userId));
    }

    it('answers 403 ACCOUNT_DISABLED to the right password and issues no tokens', async () => {
      const account = await registerUser(t);
      await disable(account.id);
      const res = await loginRequest(t, account.email, account.password);
      const body = expectError(res, 403, 'ACCOUNT_DISABLED');
      expect(body).not.toHaveProperty('accessToken');
      expect(body).not.toHaveProperty('refreshToken');
    });

    it('answers the ordinary 401 to a wrong password, so a guesser learns nothing about the account', async () => {
      const account = await registerUser(t);
      await disable(account.id);
      expectError(await loginRequest(t, account.email, 'not the password'), 401, 'INVALID_CREDENTIALS');
    });

    it('can no longer refresh its sessions nor read its profile with a token issued before', async () => {
      const account = await registerUser(t);
      await disable(account.id);
      expectError(await refreshRequest(t, account.refreshToken), 401, 'INVALID_TOKEN');
      expectError(await call(t, 'GET', '/api/auth/me', { token: account.accessToken }), 401, 'UNAUTHORIZED');
    });
  });
});
