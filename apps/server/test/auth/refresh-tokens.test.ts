import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  expectError,
  getMe,
  listSessions,
  loginUser,
  refreshRequest,
  registerUser,
  sessionIdOf,
  type Tokens,
} from '../helpers/auth-flows.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const DAY = 24 * 3600_000;

async function rotate(refreshToken: string): Promise<Tokens> {
  const res = await refreshRequest(t, refreshToken);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const logout = (tokens: Partial<Tokens>, refreshToken = tokens.refreshToken) =>
  call(t, 'POST', '/api/auth/logout', { token: tokens.accessToken, payload: { refreshToken } });

describe('POST /api/auth/refresh', () => {
  it('answers a new pair for the same session and retires the token it was given', async () => {
    const account = await registerUser(t);
    t.clock.advance(1000);
    const next = await rotate(account.refreshToken);
    expect(Object.keys(next).sort()).toEqual(['accessToken', 'refreshToken']);
    expect(next.refreshToken).not.toBe(account.refreshToken);
    expect(next.refreshToken).toHaveLength(43);
    expect(next.accessToken).not.toBe(account.accessToken);
    expect(sessionIdOf(next.accessToken)).toBe(sessionIdOf(account.accessToken));
    expect((await getMe(t, next.accessToken)).id).toBe(account.id);

    expect((await refreshRequest(t, account.refreshToken)).statusCode).toBe(401);
  });

  it('keeps one entry per session in the sessions list across rotations', async () => {
    const account = await registerUser(t);
    let tokens: Tokens = account;
    for (let i = 0; i < 3; i++) tokens = await rotate(tokens.refreshToken);
    const { sessions, total } = await listSessions(t, tokens.accessToken);
    expect(total).toBe(1);
    expect(sessions[0]!.id).toBe(sessionIdOf(account.accessToken));
  });

  it('treats a rotated token coming back as theft: 401 REFRESH_TOKEN_REUSED and the whole session ends', async () => {
    const account = await registerUser(t);
    const otherDevice = await loginUser(t, account);
    const second = await rotate(account.refreshToken);
    const newest = await rotate(second.refreshToken);

    // The attacker replays the first token.
    expectError(await refreshRequest(t, account.refreshToken), 401, 'REFRESH_TOKEN_REUSED');
    // The legitimate holder's newest token was revoked with its family.
    expectError(await refreshRequest(t, newest.refreshToken), 401, 'INVALID_TOKEN');
    // Replaying again reveals nothing more and revives nothing.
    expect((await refreshRequest(t, second.refreshToken)).statusCode).toBe(401);

    // The session is gone from the list, while the user's other session keeps working.
    const { sessions } = await listSessions(t, otherDevice.accessToken);
    expect(sessions.map((s) => s.id)).toEqual([sessionIdOf(otherDevice.accessToken)]);
    const stillThere = await rotate(otherDevice.refreshToken);
    expect((await getMe(t, stillThere.accessToken)).id).toBe(account.id);
  });

  it("never lets one user's tokens touch another user's sessions", async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const aliceNext = await rotate(alice.refreshToken);
    expect((await getMe(t, aliceNext.accessToken)).id).toBe(alice.id);

    // Alice's family is revoked through reuse; Bob is unaffected.
    expectError(await refreshRequest(t, alice.refreshToken), 401, 'REFRESH_TOKEN_REUSED');
    const bobNext = await rotate(bob.refreshToken);
    expect((await getMe(t, bobNext.accessToken)).id).toBe(bob.id);
    expect((await listSessions(t, bobNext.accessToken)).total).toBe(1);
  });

  it('works for 7 days after it was issued, each rotation granting 7 more, and not after', async () => {
    const account = await registerUser(t);
    t.clock.advance(7 * DAY - 60_000);
    const next = await rotate(account.refreshToken);
    const { sessions } = await listSessions(t, next.accessToken);
    expect(new Date(sessions[0]!.expiresAt).getTime()).toBe(t.clock.now.getTime() + 7 * DAY);

    t.clock.advance(7 * DAY + 60_000);
    expectError(await refreshRequest(t, next.refreshToken), 401, 'INVALID_TOKEN');
  });

  it('refuses an expired token without treating it as theft', async () => {
    const account = await registerUser(t);
    t.clock.advance(7 * DAY + 1000);
    expectError(await refreshRequest(t, account.refreshToken), 401, 'INVALID_TOKEN');
  });

  it('refuses a token it never issued with 401 INVALID_TOKEN', async () => {
    expectError(await refreshRequest(t, 'x'.repeat(43)), 401, 'INVALID_TOKEN');
    const account = await registerUser(t);
    // An access token is not a refresh token.
    expectError(await refreshRequest(t, account.accessToken), 401, 'INVALID_TOKEN');
  });

  it('lets only one of two simultaneous refreshes with the same token succeed', async () => {
    const account = await registerUser(t);
    const results = await Promise.all([
      refreshRequest(t, account.refreshToken),
      refreshRequest(t, account.refreshToken),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401]);
  });

  it('refuses an empty token with 400 naming refreshToken', async () => {
    expectError(await refreshRequest(t, ''), 400, 'VALIDATION_FAILED', 'refreshToken');
    expectError(await call(t, 'POST', '/api/auth/refresh', { payload: {} }), 400, 'VALIDATION_FAILED', 'refreshToken');
  });
});

describe('POST /api/auth/logout', () => {
  it('needs a Bearer access token, and a refused logout leaves the session alive', async () => {
    const account = await registerUser(t);
    expectError(await logout({ refreshToken: account.refreshToken }), 401, 'UNAUTHORIZED');
    expectError(
      await call(t, 'POST', '/api/auth/logout', {
        payload: { refreshToken: account.refreshToken },
        headers: { authorization: account.accessToken },
      }),
      401,
      'UNAUTHORIZED',
    );
    await rotate(account.refreshToken);
  });

  it("ends this session: its refresh token stops working and it leaves the user's session list", async () => {
    const account = await registerUser(t);
    const other = await loginUser(t, account);
    const res = await logout(account);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true });

    expectError(await refreshRequest(t, account.refreshToken), 401, 'INVALID_TOKEN');
    const { sessions } = await listSessions(t, other.accessToken);
    expect(sessions.map((s) => s.id)).toEqual([sessionIdOf(other.accessToken)]);
    // The other session is untouched.
    await rotate(other.refreshToken);
  });

  it('ends the session of the access token even when the refresh token sent is stale or unknown', async () => {
    const account = await registerUser(t);
    const next = await rotate(account.refreshToken);
    expect((await logout({ accessToken: next.accessToken }, 'not-a-refresh-token')).statusCode).toBe(200);
    expectError(await refreshRequest(t, next.refreshToken), 401, 'INVALID_TOKEN');
  });

  it("cannot end another user's session by sending their refresh token", async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    expect((await logout({ accessToken: alice.accessToken }, bob.refreshToken)).statusCode).toBe(200);
    const bobNext = await rotate(bob.refreshToken);
    expect((await listSessions(t, bobNext.accessToken)).total).toBe(1);
    expectError(await refreshRequest(t, alice.refreshToken), 401, 'INVALID_TOKEN');
  });
});
