import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  expectError,
  listSessions,
  loginUser,
  refreshRequest,
  registerUser,
  sessionIdOf,
} from '../helpers/auth-flows.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';

const revoke = (token: string | undefined, id: string) => call(t, 'DELETE', `/api/auth/sessions/${id}`, { token });

describe('GET /api/auth/sessions', () => {
  it('lists every signed-in device with its name, address and dates, marking the caller as current', async () => {
    const account = await registerUser(t);
    const phone = await loginUser(t, account, { deviceId: 'phone-1', deviceName: 'iPhone of Ada' });
    t.clock.advance(1000);
    const desktop = await loginUser(t, account, { userAgent: FIREFOX_WINDOWS });

    const list = await listSessions(t, desktop.accessToken);
    expect(list.total).toBe(3);
    expect(list.sessions).toHaveLength(3);
    expect(list.sessions.filter((s) => s.current).map((s) => s.id)).toEqual([sessionIdOf(desktop.accessToken)]);

    const byId = new Map(list.sessions.map((s) => [s.id, s]));
    expect(byId.get(sessionIdOf(phone.accessToken))).toMatchObject({
      deviceId: 'phone-1',
      deviceName: 'iPhone of Ada',
      ipAddress: '127.0.0.1',
      current: false,
    });
    const mine = byId.get(sessionIdOf(desktop.accessToken))!;
    expect(mine).toMatchObject({
      deviceName: 'Firefox on Windows',
      userAgent: FIREFOX_WINDOWS,
      ipAddress: '127.0.0.1',
    });
    expect(mine.createdAt).toBe(t.clock.now.toISOString());
    expect(mine.lastUsedAt).toBe(t.clock.now.toISOString());
    expect(new Date(mine.expiresAt).getTime()).toBe(t.clock.now.getTime() + 7 * 24 * 3600_000);

    // Seen from the phone, the phone is the current one.
    const fromPhone = await listSessions(t, phone.accessToken);
    expect(fromPhone.sessions.find((s) => s.current)!.id).toBe(sessionIdOf(phone.accessToken));
  });

  it('keeps when a session started and moves when it was last used as it refreshes', async () => {
    const account = await registerUser(t);
    const startedAt = t.clock.now.toISOString();
    t.clock.advance(3600_000);
    const next = (await refreshRequest(t, account.refreshToken)).json();
    const [session] = (await listSessions(t, next.accessToken)).sessions;
    expect(session!.createdAt).toBe(startedAt);
    expect(session!.lastUsedAt).toBe(t.clock.now.toISOString());
  });

  it("never shows another user's sessions", async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    await loginUser(t, bob);
    const { sessions, total } = await listSessions(t, alice.accessToken);
    expect(total).toBe(1);
    expect(sessions.map((s) => s.id)).toEqual([sessionIdOf(alice.accessToken)]);
  });

  it('answers 401 without a token', async () => {
    expectError(await call(t, 'GET', '/api/auth/sessions'), 401, 'UNAUTHORIZED');
  });
});

describe('DELETE /api/auth/sessions/:id', () => {
  it('signs another device out: its refresh token stops working and it leaves the list', async () => {
    const account = await registerUser(t);
    const stolen = await loginUser(t, account, { deviceName: 'Lost tablet' });
    const res = await revoke(account.accessToken, sessionIdOf(stolen.accessToken));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true });

    expectError(await refreshRequest(t, stolen.refreshToken), 401, 'INVALID_TOKEN');
    const { sessions } = await listSessions(t, account.accessToken);
    expect(sessions.map((s) => s.id)).toEqual([sessionIdOf(account.accessToken)]);
    expect((await refreshRequest(t, account.refreshToken)).statusCode).toBe(200);
  });

  it('ends a session whatever refresh token it has rotated to', async () => {
    const account = await registerUser(t);
    const other = await loginUser(t, account);
    const rotated = (await refreshRequest(t, other.refreshToken)).json();
    expect((await revoke(account.accessToken, sessionIdOf(other.accessToken))).statusCode).toBe(200);
    expectError(await refreshRequest(t, rotated.refreshToken), 401, 'INVALID_TOKEN');
  });

  it('can sign out the current device too', async () => {
    const account = await registerUser(t);
    expect((await revoke(account.accessToken, sessionIdOf(account.accessToken))).statusCode).toBe(200);
    expectError(await refreshRequest(t, account.refreshToken), 401, 'INVALID_TOKEN');
  });

  it('answers 404 for an id that is no session, or a session already ended', async () => {
    const account = await registerUser(t);
    expectError(await revoke(account.accessToken, randomUUID()), 404, 'NOT_FOUND');
    const other = await loginUser(t, account);
    expect((await revoke(account.accessToken, sessionIdOf(other.accessToken))).statusCode).toBe(200);
    expectError(await revoke(account.accessToken, sessionIdOf(other.accessToken)), 404, 'NOT_FOUND');
  });

  it("answers 404 for another user's session, exactly as for an unknown one, and leaves it working", async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const res = await revoke(alice.accessToken, sessionIdOf(bob.accessToken));
    const unknown = await revoke(alice.accessToken, randomUUID());
    expectError(res, 404, 'NOT_FOUND');
    expect(res.json().error).toBe(unknown.json().error);

    const bobNext = await refreshRequest(t, bob.refreshToken);
    expect(bobNext.statusCode).toBe(200);
    expect((await listSessions(t, bobNext.json().accessToken)).total).toBe(1);
  });

  it('refuses an id that is not a UUID with 400 naming id', async () => {
    const account = await registerUser(t);
    expectError(await revoke(account.accessToken, 'not-a-uuid'), 400, 'VALIDATION_FAILED', 'id');
  });

  it('answers 401 without a token, and ends nothing', async () => {
    const account = await registerUser(t);
    expectError(await revoke(undefined, sessionIdOf(account.accessToken)), 401, 'UNAUTHORIZED');
    expect((await refreshRequest(t, account.refreshToken)).statusCode).toBe(200);
  });
});
