import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/modules/auth/auth.table.js';
import {
  call,
  emailsTo,
  expectError,
  getMe,
  loginRequest,
  loginUser,
  refreshRequest,
  registerUser,
  tokenFromLink,
} from '../helpers/auth-flows.js';
import { createTestApp, type TestApp, uniqueEmail } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const NEW_PASSWORD = 'Velvet-Compass-Harbor-58';

const forgot = (email: string) => call(t, 'POST', '/api/auth/forgot-password', { payload: { email } });
const reset = (token: string, newPassword: string) =>
  call(t, 'POST', '/api/auth/reset-password', { payload: { token, newPassword } });

/** Asks for a reset link and returns the token the email carries. */
async function resetTokenFor(email: string): Promise<string> {
  const before = emailsTo(t, email).length;
  const res = await forgot(email);
  expect(res.statusCode).toBe(200);
  expect(emailsTo(t, email)).toHaveLength(before + 1);
  const link = t.mailer.lastLinkTo(email);
  expect(link).toMatch(/^http:\/\/commpro\.test\/reset-password\?token=[A-Za-z0-9_-]{43}$/);
  return tokenFromLink(link);
}

describe('POST /api/auth/forgot-password', () => {
  it('answers success for an unknown email and sends nothing', async () => {
    const email = uniqueEmail('nobody');
    const sent = t.mailer.sent.length;
    const res = await forgot(email);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true });
    expect(t.mailer.sent.length).toBe(sent);
  });

  it('emails a reset link to a known address, however the email is typed', async () => {
    const account = await registerUser(t);
    const before = emailsTo(t, account.email).length;
    const res = await forgot(` ${account.email.toUpperCase()} `);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true });
    const mails = emailsTo(t, account.email).slice(before);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toMatch(/reset/i);
    expect(mails[0]!.link).toMatch(/^http:\/\/commpro\.test\/reset-password\?token=/);
    expect(mails[0]!.text).toContain(mails[0]!.link);
  });

  it('sends nothing for a disabled account, and still answers success', async () => {
    const account = await registerUser(t);
    await t.database.handle.db.update(users).set({ isActive: false }).where(eq(users.id, account.id));
    const before = emailsTo(t, account.email).length;
    expect((await forgot(account.email)).statusCode).toBe(200);
    expect(emailsTo(t, account.email)).toHaveLength(before);
  });

  it('stops emailing one address after 5 requests in 15 minutes, without saying so', async () => {
    const account = await registerUser(t);
    for (let i = 0; i < 5; i++) await resetTokenFor(account.email);
    const before = emailsTo(t, account.email).length;
    const res = await forgot(account.email);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true });
    expect(emailsTo(t, account.email)).toHaveLength(before);

    t.clock.advance(15 * 60_000 + 1000);
    await resetTokenFor(account.email);
  });

  it('refuses a malformed email with 400 naming email', async () => {
    expectError(await forgot('not an email'), 400, 'VALIDATION_FAILED', 'email');
  });
});

describe('POST /api/auth/reset-password', () => {
  it('sets the new password, ends every session, verifies the address and emails a notice', async () => {
    const account = await registerUser(t);
    const other = await loginUser(t, account);
    const token = await resetTokenFor(account.email);
    const mailsBefore = emailsTo(t, account.email).length;

    const res = await reset(token, NEW_PASSWORD);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true });

    expectError(await loginRequest(t, account.email, account.password), 401, 'INVALID_CREDENTIALS');
    const fresh = await loginUser(t, { email: account.email, password: NEW_PASSWORD });

    expectError(await refreshRequest(t, account.refreshToken), 401, 'INVALID_TOKEN');
    expectError(await refreshRequest(t, other.refreshToken), 401, 'INVALID_TOKEN');
    expect((await refreshRequest(t, fresh.refreshToken)).statusCode).toBe(200);

    expect((await getMe(t, fresh.accessToken)).emailVerified).toBe(true);
    const notices = emailsTo(t, account.email).slice(mailsBefore);
    expect(notices.map((m) => m.subject)).toEqual([expect.stringMatching(/password was reset/i)]);
  });

  it('refuses a weak password with 400 naming newPassword and leaves the link usable', async () => {
    const account = await registerUser(t);
    const token = await resetTokenFor(account.email);
    const common = expectError(await reset(token, 'password1234'), 400, 'VALIDATION_FAILED', 'newPassword');
    expect(common.error).toMatch(/common/i);
    expectError(await reset(token, 'short'), 400, 'VALIDATION_FAILED', 'newPassword');
    expectError(await reset(token, `${account.email}!`), 400, 'VALIDATION_FAILED', 'newPassword');
    // Nothing changed yet: the old password and sessions still work.
    await loginUser(t, account);
    expect((await refreshRequest(t, account.refreshToken)).statusCode).toBe(200);

    expect((await reset(token, NEW_PASSWORD)).statusCode).toBe(200);
    await loginUser(t, { email: account.email, password: NEW_PASSWORD });
  });

  it('works once: the second use answers 400 INVALID_LINK and does not change the password again', async () => {
    const account = await registerUser(t);
    const token = await resetTokenFor(account.email);
    expect((await reset(token, NEW_PASSWORD)).statusCode).toBe(200);
    expectError(await reset(token, 'Another-Fresh-Password-61'), 400, 'INVALID_LINK');
    await loginUser(t, { email: account.email, password: NEW_PASSWORD });
  });

  it('kills older links once a newer one was used', async () => {
    const account = await registerUser(t);
    const older = await resetTokenFor(account.email);
    const newer = await resetTokenFor(account.email);
    expect((await reset(newer, NEW_PASSWORD)).statusCode).toBe(200);
    expectError(await reset(older, 'Another-Fresh-Password-61'), 400, 'INVALID_LINK');
  });

  it('works for an hour', async () => {
    const account = await registerUser(t);
    const token = await resetTokenFor(account.email);
    t.clock.advance(59 * 60_000);
    expect((await reset(token, NEW_PASSWORD)).statusCode).toBe(200);
  });

  it('refuses a link older than an hour with 400 INVALID_LINK, keeping the old password', async () => {
    const account = await registerUser(t);
    const token = await resetTokenFor(account.email);
    t.clock.advance(61 * 60_000);
    expectError(await reset(token, NEW_PASSWORD), 400, 'INVALID_LINK');
    await loginUser(t, account);
  });

  it('refuses a token it never issued, and an email verification token', async () => {
    expectError(await reset('made-up-token', NEW_PASSWORD), 400, 'INVALID_LINK');
    const account = await registerUser(t);
    const verificationToken = tokenFromLink(t.mailer.lastLinkTo(account.email));
    expectError(await reset(verificationToken, NEW_PASSWORD), 400, 'INVALID_LINK');
    await loginUser(t, account);
  });

  it('lets a user locked out by failed logins back in at once with the new password', async () => {
    const account = await registerUser(t);
    for (let i = 0; i < 5; i++) await loginRequest(t, account.email, `wrong-${i}`);
    expectError(await loginRequest(t, account.email, account.password), 429, 'TOO_MANY_ATTEMPTS');
    expect((await reset(await resetTokenFor(account.email), NEW_PASSWORD)).statusCode).toBe(200);
    await loginUser(t, { email: account.email, password: NEW_PASSWORD });
  });

  it('refuses a missing token with 400 naming token', async () => {
    expectError(
      await call(t, 'POST', '/api/auth/reset-password', { payload: { newPassword: NEW_PASSWORD } }),
      400,
      'VALIDATION_FAILED',
      'token',
    );
  });
});
