import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/modules/auth/auth.table.js';
import { call, enable2fa, expectError, getMe, loginChallenge, registerUser } from '../helpers/auth-flows.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const me = (token: string) => call(t, 'GET', '/api/auth/me', { token });

function parts(token: string): [string, string, string] {
  return token.split('.') as [string, string, string];
}

function decode(segment: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
}

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('Bearer access tokens', () => {
  it('opens the account it was issued for', async () => {
    const account = await registerUser(t);
    const claims = decode(parts(account.accessToken)[1]);
    expect(claims).toMatchObject({ sub: account.id, role: 'USER', iss: 'commpro', aud: 'access' });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(15 * 60);
    expect((await getMe(t, account.accessToken)).id).toBe(account.id);
  });

  it('refuses a token whose signature was altered with 401 INVALID_TOKEN', async () => {
    const account = await registerUser(t);
    const [header, payload, signature] = parts(account.accessToken);
    const flipped = `${signature.slice(0, 5)}${signature[5] === 'a' ? 'b' : 'a'}${signature.slice(6)}`;
    expectError(await me(`${header}.${payload}.${flipped}`), 401, 'INVALID_TOKEN');
  });

  it("refuses a token whose payload was rewritten to another user's id", async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const [header, payload, signature] = parts(alice.accessToken);
    const forged = encode({ ...decode(payload), sub: bob.id });
    expectError(await me(`${header}.${forged}.${signature}`), 401, 'INVALID_TOKEN');
  });

  it('refuses a token with a role raised to ADMIN', async () => {
    const account = await registerUser(t);
    const [header, payload, signature] = parts(account.accessToken);
    const forged = encode({ ...decode(payload), role: 'ADMIN' });
    expectError(await me(`${header}.${forged}.${signature}`), 401, 'INVALID_TOKEN');
  });

  it('works for 15 minutes, then answers 401 TOKEN_EXPIRED', async () => {
    const account = await registerUser(t);
    t.clock.advance(14 * 60_000);
    expect((await me(account.accessToken)).statusCode).toBe(200);
    t.clock.advance(2 * 60_000);
    expectError(await me(account.accessToken), 401, 'TOKEN_EXPIRED');
  });

  it('refuses an unsigned token (alg: none) built from a real one', async () => {
    const account = await registerUser(t);
    const payload = parts(account.accessToken)[1];
    const none = `${encode({ alg: 'none', typ: 'JWT' })}.${payload}.`;
    expectError(await me(none), 401, 'INVALID_TOKEN');
  });

  it('refuses a token signed with another secret, even with exactly the right claims', async () => {
    const account = await registerUser(t);
    const claims = decode(parts(account.accessToken)[1]);
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(randomBytes(32).toString('hex')));
    expectError(await me(forged), 401, 'INVALID_TOKEN');
  });

  it('refuses a 2FA login challenge presented as an access token', async () => {
    const account = await registerUser(t);
    await enable2fa(t, account.accessToken);
    const challenge = await loginChallenge(t, account);
    expectError(await me(challenge), 401, 'INVALID_TOKEN');
    expectError(await call(t, 'GET', '/api/auth/sessions', { token: challenge }), 401, 'INVALID_TOKEN');
  });

  it('refuses a refresh token and plain garbage presented as an access token', async () => {
    const account = await registerUser(t);
    expectError(await me(account.refreshToken), 401, 'INVALID_TOKEN');
    expectError(await me('a.b.c'), 401, 'INVALID_TOKEN');
  });

  it('stops opening an account that no longer exists', async () => {
    const account = await registerUser(t);
    await t.database.handle.db.delete(users).where(eq(users.id, account.id));
    expectError(await me(account.accessToken), 401, 'UNAUTHORIZED');
  });
});
