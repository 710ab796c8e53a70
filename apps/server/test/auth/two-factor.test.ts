import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  call,
  emailsTo,
  enable2fa,
  expectError,
  getMe,
  listSessions,
  loginChallenge,
  loginRequest,
  loginUser,
  registerUser,
  sessionIdOf,
  startTwoFactor,
  totp,
  verify2faRequest,
} from '../helpers/auth-flows.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/** A 6-digit code that is valid for none of the steps the server accepts right now. */
async function wrongCode(secret: string): Promise<string> {
  const valid = new Set([await totp(t, secret, -30), await totp(t, secret), await totp(t, secret, 30)]);
  let candidate = Number(await totp(t, secret));
  do candidate = (candidate + 1) % 1_000_000;
  while (valid.has(String(candidate).padStart(6, '0')));
  return String(candidate).padStart(6, '0');
}

async function accountWith2fa(): Promise<Account & { secret: string; backupCodes: string[] }> {
  const account = await registerUser(t);
  const { secret, backupCodes } = await enable2fa(t, account.accessToken);
  return { ...account, secret, backupCodes };
}

const confirm = (token: string, code: string) => call(t, 'POST', '/api/auth/2fa/confirm', { token, payload: { code } });
const disable = (token: string, code: string) => call(t, 'POST', '/api/auth/2fa/disable', { token, payload: { code } });

describe('POST /api/auth/2fa/enable', () => {
  it('answers a secret, an otpauth URL for CommPro, a PNG QR code and 10 distinct backup codes', async () => {
    const account = await registerUser(t);
    const setup = await startTwoFactor(t, account.accessToken);
    expect(setup.secret).toMatch(/^[A-Z2-7]{16,}$/);
    const url = new URL(setup.otpauthUrl);
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toContain('CommPro');
    expect(decodeURIComponent(url.pathname)).toContain(account.email);
    expect(url.searchParams.get('secret')).toBe(setup.secret);
    expect(url.searchParams.get('issuer')).toBe('CommPro');
    expect(setup.qrCode).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    const png = Buffer.from(setup.qrCode.split(',')[1]!, 'base64');
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(setup.backupCodes).toHaveLength(10);
    expect(new Set(setup.backupCodes).size).toBe(10);
    for (const code of setup.backupCodes) expect(code).toMatch(/^[a-z0-9]{5}-[a-z0-9]{5}$/);
  });

  it('needs a signed-in user', async () => {
    expectError(await call(t, 'POST', '/api/auth/2fa/enable'), 401, 'UNAUTHORIZED');
  });

  it('does not turn 2FA on by itself: login still answers tokens until the code is confirmed', async () => {
    const account = await registerUser(t);
    await startTwoFactor(t, account.accessToken);
    expect((await getMe(t, account.accessToken)).twoFaEnabled).toBe(false);
    await loginUser(t, account);
  });

  it('answers 409 once 2FA is on, and leaves the working secret and backup codes in place', async () => {
    const account = await accountWith2fa();
    expectError(
      await call(t, 'POST', '/api/auth/2fa/enable', { token: account.accessToken }),
      409,
      'TWO_FACTOR_ALREADY_ENABLED',
    );
    const challenge = await loginChallenge(t, account);
    expect((await verify2faRequest(t, account.email, challenge, await totp(t, account.secret))).statusCode).toBe(200);
    const again = await loginChallenge(t, account);
    expect((await verify2faRequest(t, account.email, again, account.backupCodes[0]!)).statusCode).toBe(200);
  });

  it('replaces the pending secret when started again, so only the newest one can be confirmed', async () => {
    const account = await registerUser(t);
    const first = await startTwoFactor(t, account.accessToken);
    const second = await startTwoFactor(t, account.accessToken);
    expect(second.secret).not.toBe(first.secret);
    expectError(await confirm(account.accessToken, await totp(t, first.secret)), 401, 'INVALID_2FA_CODE');
    expect((await confirm(account.accessToken, await totp(t, second.secret))).statusCode).toBe(200);
  });
});

describe('POST /api/auth/2fa/confirm', () => {
  it('answers 409 TWO_FACTOR_NOT_ENABLED when setup was never started', async () => {
    const account = await registerUser(t);
    expectError(await confirm(account.accessToken, '123456'), 409, 'TWO_FACTOR_NOT_ENABLED');
  });

  it('refuses a wrong code with 401 INVALID_2FA_CODE and leaves 2FA off', async () => {
    const account = await registerUser(t);
    const setup = await startTwoFactor(t, account.accessToken);
    expectError(await confirm(account.accessToken, await wrongCode(setup.secret)), 401, 'INVALID_2FA_CODE');
    expect((await getMe(t, account.accessToken)).twoFaEnabled).toBe(false);
    await loginUser(t, account);
  });

  it('refuses a backup code: confirming must prove the authenticator app works', async () => {
    const account = await registerUser(t);
    const setup = await startTwoFactor(t, account.accessToken);
    expectError(await confirm(account.accessToken, setup.backupCodes[0]!), 401, 'INVALID_2FA_CODE');
    expect((await getMe(t, account.accessToken)).twoFaEnabled).toBe(false);
  });

  it('refuses a code that is not 6 digits nor a backup code with 400 naming code', async () => {
    const account = await registerUser(t);
    await startTwoFactor(t, account.accessToken);
    expectError(await confirm(account.accessToken, '12345'), 400, 'VALIDATION_FAILED', 'code');
  });

  it('turns 2FA on with the current code, shows it on /me and emails a security notice', async () => {
    const account = await registerUser(t);
    const setup = await startTwoFactor(t, account.accessToken);
    const res = await confirm(account.accessToken, await totp(t, setup.secret));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true });
    expect((await getMe(t, account.accessToken)).twoFaEnabled).toBe(true);
    expect(emailsTo(t, account.email).map((m) => m.subject)).toContainEqual(expect.stringMatching(/two-factor.*on/i));
  });

  it('answers 409 when 2FA is already on', async () => {
    const account = await accountWith2fa();
    expectError(await confirm(account.accessToken, await totp(t, account.secret)), 409, 'TWO_FACTOR_ALREADY_ENABLED');
  });
});

describe('login with 2FA on', () => {
  it('answers only a challenge to the password: no tokens, no user', async () => {
    const account = await accountWith2fa();
    const res = await loginRequest(t, account.email, account.password);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toEqual({ requires2FA: true, challengeToken: expect.any(String) });
    expect(body).not.toHaveProperty('accessToken');
    expect(body).not.toHaveProperty('refreshToken');
    expect(body).not.toHaveProperty('user');
  });

  it('answers 401 to a wrong password without revealing that 2FA is on', async () => {
    const account = await accountWith2fa();
    const res = await loginRequest(t, account.email, 'not the password');
    expectError(res, 401, 'INVALID_CREDENTIALS');
    expect(res.json()).not.toHaveProperty('requires2FA');
  });

  it('opens a session with the challenge and the current code, on the device named at login', async () => {
    const account = await accountWith2fa();
    const login = await loginRequest(t, account.email, account.password, { deviceName: 'Work laptop' });
    const res = await verify2faRequest(
      t,
      ` ${account.email.toUpperCase()}`,
      login.json().challengeToken,
      await totp(t, account.secret),
    );
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user).toMatchObject({ id: account.id, email: account.email, twoFaEnabled: true });
    expect(body.accessToken).toMatch(/^ey/);
    expect(body.refreshToken).toHaveLength(43);
    expect((await getMe(t, body.accessToken)).id).toBe(account.id);
    const { sessions } = await listSessions(t, body.accessToken);
    expect(sessions.find((s) => s.id === sessionIdOf(body.accessToken))).toMatchObject({
      deviceName: 'Work laptop',
      current: true,
    });
  });

  it('accepts a code only once, even through a new login challenge', async () => {
    const account = await accountWith2fa();
    const code = await totp(t, account.secret);
    expect((await verify2faRequest(t, account.email, await loginChallenge(t, account), code)).statusCode).toBe(200);

    const challenge = await loginChallenge(t, account);
    expectError(await verify2faRequest(t, account.email, challenge, code), 401, 'INVALID_2FA_CODE');
    // Nor the code spent at confirmation, one step earlier.
    expectError(
      await verify2faRequest(t, account.email, challenge, await totp(t, account.secret, -30)),
      401,
      'INVALID_2FA_CODE',
    );

    t.clock.advance(30_000);
    expect((await verify2faRequest(t, account.email, challenge, await totp(t, account.secret))).statusCode).toBe(200);
  });

  it('tolerates one time step of drift (the previous code) but not three', async () => {
    const account = await accountWith2fa();
    // Leave the step spent at confirmation well behind.
    t.clock.advance(120_000);
    const challenge = await loginChallenge(t, account);
    expectError(
      await verify2faRequest(t, account.email, challenge, await totp(t, account.secret, -90)),
      401,
      'INVALID_2FA_CODE',
    );
    expectError(
      await verify2faRequest(t, account.email, challenge, await totp(t, account.secret, -60)),
      401,
      'INVALID_2FA_CODE',
    );
    expect((await verify2faRequest(t, account.email, challenge, await totp(t, account.secret, -30))).statusCode).toBe(
      200,
    );
  });

  it('accepts the next code too (a phone clock slightly ahead), but not one three steps ahead', async () => {
    const account = await accountWith2fa();
    const challenge = await loginChallenge(t, account);
    expectError(
      await verify2faRequest(t, account.email, challenge, await totp(t, account.secret, 90)),
      401,
      'INVALID_2FA_CODE',
    );
    expect((await verify2faRequest(t, account.email, challenge, await totp(t, account.secret, 30))).statusCode).toBe(
      200,
    );
  });

  it('accepts each backup code once, typed in upper case and without the dash as well', async () => {
    const account = await accountWith2fa();
    const [first, second] = account.backupCodes as [string, string];

    expect((await verify2faRequest(t, account.email, await loginChallenge(t, account), first)).statusCode).toBe(200);
    expectError(
      await verify2faRequest(t, account.email, await loginChallenge(t, account), first),
      401,
      'INVALID_2FA_CODE',
    );
    expectError(
      await verify2faRequest(t, account.email, await loginChallenge(t, account), first.toUpperCase().replace('-', '')),
      401,
      'INVALID_2FA_CODE',
    );

    const retyped = second.toUpperCase().replace('-', '');
    expect((await verify2faRequest(t, account.email, await loginChallenge(t, account), retyped)).statusCode).toBe(200);
    expectError(
      await verify2faRequest(t, account.email, await loginChallenge(t, account), second),
      401,
      'INVALID_2FA_CODE',
    );
  });

  it('lets only one of two simultaneous logins with the same code through', async () => {
    const account = await accountWith2fa();
    const [first, second] = [await loginChallenge(t, account), await loginChallenge(t, account)];
    const code = await totp(t, account.secret);
    const results = await Promise.all([
      verify2faRequest(t, account.email, first, code),
      verify2faRequest(t, account.email, second, code),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401]);
  });

  it('lets only one of two simultaneous logins with the same backup code through', async () => {
    const account = await accountWith2fa();
    const [first, second] = [await loginChallenge(t, account), await loginChallenge(t, account)];
    const results = await Promise.all([
      verify2faRequest(t, account.email, first, account.backupCodes[0]!),
      verify2faRequest(t, account.email, second, account.backupCodes[0]!),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401]);
  });

  it('does not let parallel guesses get around the limit of 5 wrong codes', async () => {
    const account = await accountWith2fa();
    const challenge = await loginChallenge(t, account);
    const wrong = await wrongCode(account.secret);
    const results = await Promise.all(
      Array.from({ length: 12 }, () => verify2faRequest(t, account.email, challenge, wrong)),
    );
    const checked = results.filter((r) => r.statusCode === 401).length;
    expect(results.every((r) => r.statusCode === 401 || r.statusCode === 429)).toBe(true);
    expect(checked).toBeLessThanOrEqual(5);
  });

  it("refuses a made-up backup code and another user's backup code", async () => {
    const account = await accountWith2fa();
    const other = await accountWith2fa();
    const challenge = await loginChallenge(t, account);
    expectError(await verify2faRequest(t, account.email, challenge, 'abcde-fghjk'), 401, 'INVALID_2FA_CODE');
    expectError(await verify2faRequest(t, account.email, challenge, other.backupCodes[0]!), 401, 'INVALID_2FA_CODE');
    // The other user's code was not spent by the attempt.
    expect(
      (await verify2faRequest(t, other.email, await loginChallenge(t, other), other.backupCodes[0]!)).statusCode,
    ).toBe(200);
  });

  it("refuses a challenge presented with another user's email and code (401 CHALLENGE_EXPIRED)", async () => {
    const alice = await accountWith2fa();
    const bob = await accountWith2fa();
    const aliceChallenge = await loginChallenge(t, alice);
    expectError(
      await verify2faRequest(t, bob.email, aliceChallenge, await totp(t, bob.secret)),
      401,
      'CHALLENGE_EXPIRED',
    );
    expectError(await verify2faRequest(t, bob.email, aliceChallenge, bob.backupCodes[0]!), 401, 'CHALLENGE_EXPIRED');
  });

  it('refuses a challenge older than 5 minutes, even with the right code', async () => {
    const account = await accountWith2fa();
    const challenge = await loginChallenge(t, account);
    t.clock.advance(6 * 60_000);
    expectError(
      await verify2faRequest(t, account.email, challenge, await totp(t, account.secret)),
      401,
      'CHALLENGE_EXPIRED',
    );
    // A new login works.
    expect(
      (await verify2faRequest(t, account.email, await loginChallenge(t, account), await totp(t, account.secret)))
        .statusCode,
    ).toBe(200);
  });

  it('refuses a tampered or substituted challenge token', async () => {
    const account = await accountWith2fa();
    const challenge = await loginChallenge(t, account);
    const code = await totp(t, account.secret);
    const [header, payload, signature] = challenge.split('.') as [string, string, string];
    const flipped = `${header}.${payload}.${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    expectError(await verify2faRequest(t, account.email, flipped, code), 401, 'CHALLENGE_EXPIRED');
    expectError(await verify2faRequest(t, account.email, 'not-a-jwt', code), 401, 'CHALLENGE_EXPIRED');
    // An access token is not a challenge, even for the same user.
    expectError(await verify2faRequest(t, account.email, account.accessToken, code), 401, 'CHALLENGE_EXPIRED');
    // The code was not spent by the refused attempts.
    expect((await verify2faRequest(t, account.email, challenge, code)).statusCode).toBe(200);
  });

  it('locks verify-2fa with 429 after 5 wrong codes, even for the right one, until the window passes', async () => {
    const account = await accountWith2fa();
    const challenge = await loginChallenge(t, account);
    for (let i = 0; i < 5; i++) {
      expectError(
        await verify2faRequest(t, account.email, challenge, await wrongCode(account.secret)),
        401,
        'INVALID_2FA_CODE',
      );
    }
    const locked = await verify2faRequest(t, account.email, challenge, await totp(t, account.secret));
    expectError(locked, 429, 'TOO_MANY_ATTEMPTS');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // A fresh challenge does not reset the count.
    expectError(
      await verify2faRequest(t, account.email, await loginChallenge(t, account), account.backupCodes[0]!),
      429,
      'TOO_MANY_ATTEMPTS',
    );

    t.clock.advance(15 * 60_000 + 1000);
    expect(
      (await verify2faRequest(t, account.email, await loginChallenge(t, account), await totp(t, account.secret)))
        .statusCode,
    ).toBe(200);
  });

  it('refuses a code in the wrong format with 400 naming code', async () => {
    const account = await accountWith2fa();
    const challenge = await loginChallenge(t, account);
    expectError(await verify2faRequest(t, account.email, challenge, '12 34 56'), 400, 'VALIDATION_FAILED', 'code');
  });
});

describe('POST /api/auth/2fa/disable', () => {
  it('answers 409 when 2FA is off', async () => {
    const account = await registerUser(t);
    expectError(await disable(account.accessToken, '123456'), 409, 'TWO_FACTOR_NOT_ENABLED');
  });

  it('refuses a wrong code with 401 and keeps 2FA on', async () => {
    const account = await accountWith2fa();
    expectError(await disable(account.accessToken, await wrongCode(account.secret)), 401, 'INVALID_2FA_CODE');
    expect((await getMe(t, account.accessToken)).twoFaEnabled).toBe(true);
    await loginChallenge(t, account);
  });

  it('turns 2FA off with the current code: login answers tokens again and a notice is emailed', async () => {
    const account = await accountWith2fa();
    const res = await disable(account.accessToken, await totp(t, account.secret));
    expect(res.statusCode).toBe(200);
    expect((await getMe(t, account.accessToken)).twoFaEnabled).toBe(false);
    await loginUser(t, account);
    expect(emailsTo(t, account.email).map((m) => m.subject)).toContainEqual(expect.stringMatching(/two-factor.*off/i));
  });

  it('turns 2FA off with a backup code (a lost phone), and the old backup codes die with it', async () => {
    const account = await accountWith2fa();
    expect((await disable(account.accessToken, account.backupCodes[0]!)).statusCode).toBe(200);
    await loginUser(t, account);

    // Turned on again, the old secret and backup codes are gone.
    const fresh = await enable2fa(t, account.accessToken);
    expect(fresh.secret).not.toBe(account.secret);
    const challenge = await loginChallenge(t, account);
    expectError(await verify2faRequest(t, account.email, challenge, account.backupCodes[1]!), 401, 'INVALID_2FA_CODE');
    expect((await verify2faRequest(t, account.email, challenge, fresh.backupCodes[1]!)).statusCode).toBe(200);
  });

  it('counts wrong codes towards the same lock as verify-2fa', async () => {
    const account = await accountWith2fa();
    for (let i = 0; i < 5; i++) {
      expectError(await disable(account.accessToken, await wrongCode(account.secret)), 401, 'INVALID_2FA_CODE');
    }
    expectError(await disable(account.accessToken, await totp(t, account.secret)), 429, 'TOO_MANY_ATTEMPTS');
    expect((await getMe(t, account.accessToken)).twoFaEnabled).toBe(true);
  });
});
