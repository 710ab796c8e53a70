import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  emailsTo,
  expectError,
  getMe,
  listSessions,
  loginRequest,
  loginUser,
  refreshRequest,
  registerUser,
  sessionIdOf,
} from '../helpers/auth-flows.js';
import { createTestApp, STRONG_PASSWORD, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const updateMe = (token: string | undefined, payload: unknown) => call(t, 'PUT', '/api/auth/me', { token, payload });
const changePassword = (token: string | undefined, currentPassword: string, newPassword: string) =>
  call(t, 'PUT', '/api/auth/change-password', { token, payload: { currentPassword, newPassword } });

const NEW_PASSWORD = 'Staple-Orbit-Lantern-93';

describe('GET /api/auth/me', () => {
  it('answers 401 without a token, or with a header that is not a Bearer token', async () => {
    const account = await registerUser(t);
    expectError(await call(t, 'GET', '/api/auth/me'), 401, 'UNAUTHORIZED');
    expectError(
      await call(t, 'GET', '/api/auth/me', { headers: { authorization: `Basic ${account.accessToken}` } }),
      401,
      'UNAUTHORIZED',
    );
    expectError(await call(t, 'GET', '/api/auth/me', { headers: { authorization: 'Bearer ' } }), 401, 'UNAUTHORIZED');
  });

  it("answers the caller's own profile and never another user's", async () => {
    const alice = await registerUser(t, { firstName: 'Alice' });
    const bob = await registerUser(t, { firstName: 'Bob' });
    const me = await getMe(t, alice.accessToken);
    expect(me).toMatchObject({ id: alice.id, email: alice.email, firstName: 'Alice', role: 'USER' });
    expect(me).not.toHaveProperty('passwordHash');
    const other = await getMe(t, bob.accessToken);
    expect(other).toMatchObject({ id: bob.id, email: bob.email, firstName: 'Bob' });
  });
});

describe('PUT /api/auth/me', () => {
  it('updates names, company and time zone, and keeps them', async () => {
    const account = await registerUser(t);
    const res = await updateMe(account.accessToken, {
      firstName: ' Grace ',
      lastName: 'Hopper',
      companyName: 'Navy Computing',
      timezone: 'America/New_York',
    });
    expect(res.statusCode).toBe(200);
    const expected = {
      firstName: 'Grace',
      lastName: 'Hopper',
      companyName: 'Navy Computing',
      timezone: 'America/New_York',
    };
    expect(res.json()).toMatchObject({ id: account.id, ...expected });
    expect(await getMe(t, account.accessToken)).toMatchObject(expected);
  });

  it('changes only the fields it is given', async () => {
    const account = await registerUser(t, { firstName: 'Katherine', lastName: 'Johnson', companyName: 'NASA' });
    expect((await updateMe(account.accessToken, { lastName: 'Goble' })).statusCode).toBe(200);
    expect(await getMe(t, account.accessToken)).toMatchObject({
      firstName: 'Katherine',
      lastName: 'Goble',
      companyName: 'NASA',
      timezone: 'Europe/Paris',
    });
  });

  it('clears a field sent as null', async () => {
    const account = await registerUser(t, { firstName: 'Margaret', companyName: 'MIT' });
    const res = await updateMe(account.accessToken, { companyName: null });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ firstName: 'Margaret', companyName: null });
    expect((await getMe(t, account.accessToken)).companyName).toBeNull();
  });

  it('refuses an unknown time zone with 400 naming timezone, and changes nothing', async () => {
    const account = await registerUser(t, { firstName: 'Dorothy' });
    const body = expectError(
      await updateMe(account.accessToken, { firstName: 'Changed', timezone: 'Mars/Olympus_Mons' }),
      400,
      'VALIDATION_FAILED',
      'timezone',
    );
    expect(body.error).toMatch(/time zone/i);
    expect(await getMe(t, account.accessToken)).toMatchObject({ firstName: 'Dorothy', timezone: 'Europe/Paris' });
  });

  it('refuses a null time zone and a name longer than 100 characters', async () => {
    const account = await registerUser(t);
    expectError(await updateMe(account.accessToken, { timezone: null }), 400, 'VALIDATION_FAILED', 'timezone');
    expectError(
      await updateMe(account.accessToken, { firstName: 'x'.repeat(101) }),
      400,
      'VALIDATION_FAILED',
      'firstName',
    );
  });

  it('ignores fields that are not part of the profile: email, role, verification and 2FA stay as they were', async () => {
    const account = await registerUser(t);
    const res = await updateMe(account.accessToken, {
      email: 'taken-over@example.com',
      role: 'ADMIN',
      emailVerified: true,
      twoFaEnabled: true,
      isActive: false,
      firstName: 'Hedy',
    });
    expect(res.statusCode).toBe(200);
    expect(await getMe(t, account.accessToken)).toMatchObject({
      email: account.email,
      role: 'USER',
      emailVerified: false,
      twoFaEnabled: false,
      isActive: true,
      firstName: 'Hedy',
    });
  });

  it("changes only the caller's own profile", async () => {
    const alice = await registerUser(t, { firstName: 'Alice' });
    const bob = await registerUser(t, { firstName: 'Bob' });
    expect((await updateMe(alice.accessToken, { firstName: 'Alicia', id: bob.id })).statusCode).toBe(200);
    expect((await getMe(t, bob.accessToken)).firstName).toBe('Bob');
    expect((await getMe(t, alice.accessToken)).firstName).toBe('Alicia');
  });

  it('answers 401 without a token', async () => {
    expectError(await updateMe(undefined, { firstName: 'Nobody' }), 401, 'UNAUTHORIZED');
  });
});

describe('PUT /api/auth/change-password', () => {
  it('refuses a wrong current password with 401 naming currentPassword, and keeps the old password', async () => {
    const account = await registerUser(t);
    const body = expectError(
      await changePassword(account.accessToken, 'not my password', NEW_PASSWORD),
      401,
      'INVALID_CREDENTIALS',
      'currentPassword',
    );
    expect(body.error).toMatch(/current password/i);
    await loginUser(t, account);
    expect((await loginRequest(t, account.email, NEW_PASSWORD)).statusCode).toBe(401);
  });

  it('locks with 429 after 5 wrong current passwords, even for the right one', async () => {
    const account = await registerUser(t);
    for (let i = 0; i < 5; i++) {
      expectError(await changePassword(account.accessToken, `wrong-${i}`, NEW_PASSWORD), 401, 'INVALID_CREDENTIALS');
    }
    const locked = await changePassword(account.accessToken, account.password, NEW_PASSWORD);
    expectError(locked, 429, 'TOO_MANY_ATTEMPTS');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    await loginUser(t, account);
  });

  it('refuses the current password as the new one with 400 naming newPassword', async () => {
    const account = await registerUser(t);
    const body = expectError(
      await changePassword(account.accessToken, account.password, account.password),
      400,
      'VALIDATION_FAILED',
      'newPassword',
    );
    expect(body.details![0]!.code).toBe('PASSWORD_UNCHANGED');
  });

  it('refuses a weak new password with 400 naming newPassword, and keeps the old one', async () => {
    const account = await registerUser(t);
    const common = expectError(
      await changePassword(account.accessToken, account.password, 'qwertyuiop'),
      400,
      'VALIDATION_FAILED',
      'newPassword',
    );
    expect(common.error).toMatch(/common/i);
    expectError(
      await changePassword(account.accessToken, account.password, 'short'),
      400,
      'VALIDATION_FAILED',
      'newPassword',
    );
    expectError(
      await changePassword(account.accessToken, account.password, `${account.email.split('@')[0]}-2024`),
      400,
      'VALIDATION_FAILED',
      'newPassword',
    );
    await loginUser(t, account);
  });

  it('switches the password, ends every other session, keeps this one, and emails a notice', async () => {
    const account = await registerUser(t);
    const laptop = await loginUser(t, account, { deviceName: 'Laptop' });
    const tablet = await loginUser(t, account, { deviceName: 'Tablet' });
    const mailsBefore = emailsTo(t, account.email).length;

    const res = await changePassword(laptop.accessToken, account.password, NEW_PASSWORD);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true });

    expectError(await loginRequest(t, account.email, account.password), 401, 'INVALID_CREDENTIALS');
    await loginUser(t, { email: account.email, password: NEW_PASSWORD });

    expectError(await refreshRequest(t, tablet.refreshToken), 401, 'INVALID_TOKEN');
    expectError(await refreshRequest(t, account.refreshToken), 401, 'INVALID_TOKEN');
    const current = await refreshRequest(t, laptop.refreshToken);
    expect(current.statusCode).toBe(200);

    const { sessions } = await listSessions(t, current.json().accessToken);
    expect(sessions.map((s) => s.id)).toContain(sessionIdOf(laptop.accessToken));
    expect(sessions.map((s) => s.id)).not.toContain(sessionIdOf(tablet.accessToken));

    const notices = emailsTo(t, account.email).slice(mailsBefore);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.subject).toMatch(/password was changed/i);
    expect(notices[0]!.text).not.toContain(NEW_PASSWORD);
  });

  it('keeps the current session after it has rotated its refresh token', async () => {
    const account = await registerUser(t);
    const rotated = (await refreshRequest(t, account.refreshToken)).json();
    expect((await changePassword(rotated.accessToken, STRONG_PASSWORD, NEW_PASSWORD)).statusCode).toBe(200);
    expect((await refreshRequest(t, rotated.refreshToken)).statusCode).toBe(200);
  });

  it('answers 401 without a token', async () => {
    expectError(await changePassword(undefined, STRONG_PASSWORD, NEW_PASSWORD), 401, 'UNAUTHORIZED');
  });
});
