import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, emailsTo, expectError, getMe, loginUser, registerUser, tokenFromLink } from '../helpers/auth-flows.js';
import { createTestApp, STRONG_PASSWORD, type TestApp, uniqueEmail } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const register = (payload: unknown) => call(t, 'POST', '/api/auth/register', { payload });

describe('POST /api/auth/register', () => {
  it('creates the account and signs the user in at once', async () => {
    const email = uniqueEmail();
    const res = await register({
      email,
      password: STRONG_PASSWORD,
      firstName: 'Ada',
      lastName: 'Lovelace',
      companyName: 'Analytical Engines',
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.user).toMatchObject({
      email,
      firstName: 'Ada',
      lastName: 'Lovelace',
      companyName: 'Analytical Engines',
      role: 'USER',
      twoFaEnabled: false,
      emailVerified: false,
      isActive: true,
      timezone: 'Europe/Paris',
    });
    expect(body.user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.user).not.toHaveProperty('passwordHash');
    expect(body.user).not.toHaveProperty('twoFaSecret');
    expect(body.accessToken).toMatch(/^ey/);
    expect(body.refreshToken).toHaveLength(43);

    // The tokens are real: they open the account they were issued for.
    const me = await getMe(t, body.accessToken);
    expect(me.id).toBe(body.user.id);
    const refreshed = await call(t, 'POST', '/api/auth/refresh', { payload: { refreshToken: body.refreshToken } });
    expect(refreshed.statusCode).toBe(200);
  });

  it('stores the email trimmed and lower-cased, so the user can log in however they type it', async () => {
    const email = uniqueEmail('MixedCase');
    const res = await register({ email: `  ${email.toUpperCase()}  `, password: STRONG_PASSWORD });
    expect(res.statusCode).toBe(201);
    expect(res.json().user.email).toBe(email.toLowerCase());
    await loginUser(t, { email: email.toLowerCase(), password: STRONG_PASSWORD });
  });

  it('refuses a second account for the same email, whatever its case, with 409 naming email', async () => {
    const account = await registerUser(t);
    const again = await register({ email: account.email.toUpperCase(), password: 'Another-Strong-Pass-77' });
    const body = expectError(again, 409, 'ALREADY_EXISTS', 'email');
    expect(body.error).toMatch(/already exists/i);
    // The first account is untouched: its password still works, the second one does not.
    await loginUser(t, account);
    const login = await call(t, 'POST', '/api/auth/login', {
      payload: { email: account.email, password: 'Another-Strong-Pass-77' },
    });
    expect(login.statusCode).toBe(401);
  });

  it('creates one account when the same sign-up arrives twice at once, answering the other with 409 naming email', async () => {
    const email = uniqueEmail('double-click');
    const [a, b] = await Promise.all([
      register({ email, password: STRONG_PASSWORD }),
      register({ email, password: STRONG_PASSWORD }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    expectError(a.statusCode === 409 ? a : b, 409, 'ALREADY_EXISTS', 'email');
  });

  it('refuses a password shorter than 10 characters with 400 naming password', async () => {
    const body = expectError(
      await register({ email: uniqueEmail(), password: 'Sh0rt!pw' }),
      400,
      'VALIDATION_FAILED',
      'password',
    );
    expect(body.error).toMatch(/10 characters/);
  });

  it('refuses a password longer than 128 characters', async () => {
    expectError(
      await register({ email: uniqueEmail(), password: 'x1'.repeat(65) }),
      400,
      'VALIDATION_FAILED',
      'password',
    );
  });

  it.each(['password1234', 'qwertyuiop', 'PASSWORD1234'])(
    'refuses the common password %s and says why',
    async (password) => {
      const email = uniqueEmail();
      const body = expectError(await register({ email, password }), 400, 'VALIDATION_FAILED', 'password');
      expect(body.error).toMatch(/common/i);
      expect(body.details![0]!.message).toMatch(/common/i);
      // A stable reason code lets clients say it in the user's language.
      expect(body.details![0]!.code).toBe('PASSWORD_COMMON');
      // No account was created.
      expect((await register({ email, password: STRONG_PASSWORD })).statusCode).toBe(201);
    },
  );

  it('refuses a password made of one repeated character', async () => {
    const body = expectError(
      await register({ email: uniqueEmail(), password: 'zzzzzzzzzzzz' }),
      400,
      'VALIDATION_FAILED',
      'password',
    );
    expect(body.details![0]!.code).toBe('PASSWORD_REPEATED');
  });

  it('refuses a password that contains the local part of the email', async () => {
    const email = uniqueEmail('jeanne');
    const local = email.split('@')[0]!;
    const body = expectError(
      await register({ email, password: `${local.toUpperCase()}!x` }),
      400,
      'VALIDATION_FAILED',
      'password',
    );
    expect(body.error).toMatch(/email/i);
    expect(body.details![0]!.code).toBe('PASSWORD_CONTAINS_EMAIL');
  });

  it('refuses a password that contains the whole email address, even when its local part is short', async () => {
    const email = `jo@${randomBytes(4).toString('hex')}.example.com`;
    const body = expectError(await register({ email, password: `${email}!` }), 400, 'VALIDATION_FAILED', 'password');
    expect(body.error).toMatch(/email/i);
  });

  it.each(['not-an-email', 'a@', '@example.com', ''])(
    'refuses the malformed email %j with 400 naming email',
    async (email) => {
      expectError(await register({ email, password: STRONG_PASSWORD }), 400, 'VALIDATION_FAILED', 'email');
    },
  );

  it('refuses a body without email or password, naming each missing field', async () => {
    const body = expectError(await register({}), 400, 'VALIDATION_FAILED');
    const fields = body.details!.map((d) => d.field);
    expect(fields).toContain('email');
    expect(fields).toContain('password');
  });

  it('ignores fields it does not know, so a client cannot make itself an admin or pre-verify its email', async () => {
    const email = uniqueEmail();
    const res = await register({
      email,
      password: STRONG_PASSWORD,
      role: 'ADMIN',
      emailVerified: true,
      twoFaEnabled: true,
      isActive: false,
      id: '00000000-0000-4000-8000-000000000000',
    });
    expect(res.statusCode).toBe(201);
    const { user } = res.json();
    expect(user).toMatchObject({ role: 'USER', emailVerified: false, twoFaEnabled: false, isActive: true });
    expect(user.id).not.toBe('00000000-0000-4000-8000-000000000000');
    // And the ignored fields were not stored either.
    const me = await getMe(t, res.json().accessToken);
    expect(me).toMatchObject({ role: 'USER', emailVerified: false, twoFaEnabled: false });
  });

  it('sends a verification email whose link verifies this account', async () => {
    const before = t.mailer.sent.length;
    const account = await registerUser(t);
    const mails = emailsTo(t, account.email);
    expect(mails).toHaveLength(1);
    expect(t.mailer.sent.length).toBe(before + 1);
    expect(mails[0]!.subject).toMatch(/confirm/i);
    const link = t.mailer.lastLinkTo(account.email);
    expect(link).toMatch(/^http:\/\/commpro\.test\/verify-email\/[A-Za-z0-9_-]{43}$/);
    expect(mails[0]!.text).toContain(link);

    const res = await call(t, 'GET', `/api/auth/verify-email/${tokenFromLink(link)}`);
    expect(res.statusCode).toBe(200);
    expect((await getMe(t, account.accessToken)).emailVerified).toBe(true);
  });

  it('sends no email when the registration is refused', async () => {
    const email = uniqueEmail();
    await register({ email, password: 'password1234' });
    expect(emailsTo(t, email)).toHaveLength(0);
  });
});

describe('POST /api/auth/register per-IP limit', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await createTestApp({ env: { EMAIL_SEND_LIMIT_PER_HOUR: '2' } });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('answers 429 RATE_LIMITED with Retry-After once an IP has created too many accounts this hour', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await limited.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email: uniqueEmail(), password: STRONG_PASSWORD },
      });
      expect(res.statusCode).toBe(201);
    }
    const email = uniqueEmail();
    const res = await limited.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email, password: STRONG_PASSWORD },
    });
    expectError(res, 429, 'RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.mailer.sent.filter((m) => m.to === email)).toHaveLength(0);
  });
});
