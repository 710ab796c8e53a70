import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, emailsTo, expectError, getMe, registerUser, tokenFromLink } from '../helpers/auth-flows.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const HOUR = 3600_000;

const verify = (token: string) => call(t, 'GET', `/api/auth/verify-email/${encodeURIComponent(token)}`);
const sendVerification = (accessToken: string | undefined) =>
  call(t, 'POST', '/api/auth/send-verification', { token: accessToken });

async function requestNewLink(email: string, accessToken: string): Promise<string> {
  const before = t.mailer.lastLinkTo(email);
  const res = await sendVerification(accessToken);
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json()).toEqual({ success: true });
  const link = t.mailer.lastLinkTo(email);
  expect(link).toMatch(/^http:\/\/commpro\.test\/verify-email\//);
  expect(link).not.toBe(before);
  return tokenFromLink(link);
}

describe('GET /api/auth/verify-email/:token', () => {
  it('verifies the address from the link emailed at sign-up', async () => {
    const account = await registerUser(t);
    expect((await getMe(t, account.accessToken)).emailVerified).toBe(false);
    const res = await verify(tokenFromLink(t.mailer.lastLinkTo(account.email)));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true });
    expect((await getMe(t, account.accessToken)).emailVerified).toBe(true);
  });

  it('verifies only the account the link was sent to', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    expect((await verify(tokenFromLink(t.mailer.lastLinkTo(alice.email)))).statusCode).toBe(200);
    expect((await getMe(t, bob.accessToken)).emailVerified).toBe(false);
  });

  it('works once: the second use answers 400 INVALID_LINK', async () => {
    const account = await registerUser(t);
    const token = tokenFromLink(t.mailer.lastLinkTo(account.email));
    expect((await verify(token)).statusCode).toBe(200);
    expectError(await verify(token), 400, 'INVALID_LINK');
  });

  it('kills older links once a newer one was used', async () => {
    const account = await registerUser(t);
    const older = tokenFromLink(t.mailer.lastLinkTo(account.email));
    const newer = await requestNewLink(account.email, account.accessToken);
    expect((await verify(newer)).statusCode).toBe(200);
    expectError(await verify(older), 400, 'INVALID_LINK');
  });

  it('keeps an older link usable while no newer one was used', async () => {
    const account = await registerUser(t);
    const older = tokenFromLink(t.mailer.lastLinkTo(account.email));
    await requestNewLink(account.email, account.accessToken);
    expect((await verify(older)).statusCode).toBe(200);
    expect((await getMe(t, account.accessToken)).emailVerified).toBe(true);
  });

  it('works for 24 hours', async () => {
    const account = await registerUser(t);
    t.clock.advance(23 * HOUR);
    expect((await verify(tokenFromLink(t.mailer.lastLinkTo(account.email)))).statusCode).toBe(200);
  });

  it('refuses a link older than 24 hours with 400 INVALID_LINK and leaves the address unverified', async () => {
    const account = await registerUser(t);
    t.clock.advance(25 * HOUR);
    expectError(await verify(tokenFromLink(t.mailer.lastLinkTo(account.email))), 400, 'INVALID_LINK');
    // The access token expired with the clock; a fresh login reads the profile.
    const login = await call(t, 'POST', '/api/auth/login', {
      payload: { email: account.email, password: account.password },
    });
    expect((await getMe(t, login.json().accessToken)).emailVerified).toBe(false);
  });

  it('refuses a token it never issued, and a password reset token', async () => {
    expectError(await verify('made-up-token'), 400, 'INVALID_LINK');
    const account = await registerUser(t);
    expect((await call(t, 'POST', '/api/auth/forgot-password', { payload: { email: account.email } })).statusCode).toBe(
      200,
    );
    const resetToken = tokenFromLink(t.mailer.lastLinkTo(account.email));
    expectError(await verify(resetToken), 400, 'INVALID_LINK');
    expect((await getMe(t, account.accessToken)).emailVerified).toBe(false);
  });
});

describe('POST /api/auth/send-verification', () => {
  it('needs a signed-in user', async () => {
    expectError(await sendVerification(undefined), 401, 'UNAUTHORIZED');
  });

  it('emails a fresh link to the account address', async () => {
    const account = await registerUser(t);
    const before = emailsTo(t, account.email).length;
    const token = await requestNewLink(account.email, account.accessToken);
    const mails = emailsTo(t, account.email);
    expect(mails).toHaveLength(before + 1);
    expect(mails.at(-1)!.text).toContain(token);
  });

  it('answers 409 once the address is verified, and sends nothing', async () => {
    const account = await registerUser(t);
    expect((await verify(tokenFromLink(t.mailer.lastLinkTo(account.email)))).statusCode).toBe(200);
    const before = emailsTo(t, account.email).length;
    expectError(await sendVerification(account.accessToken), 409, 'CONFLICT');
    expect(emailsTo(t, account.email)).toHaveLength(before);
  });

  it('limits how many emails one account can trigger (429 with Retry-After), sending none past the limit', async () => {
    const account = await registerUser(t);
    for (let i = 0; i < 5; i++) await requestNewLink(account.email, account.accessToken);
    const before = emailsTo(t, account.email).length;
    const res = await sendVerification(account.accessToken);
    expectError(res, 429, 'TOO_MANY_ATTEMPTS');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(emailsTo(t, account.email)).toHaveLength(before);
  });
});
