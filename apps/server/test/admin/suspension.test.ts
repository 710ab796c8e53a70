import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { ClientToServerEvents, ServerToClientEvents } from '@commpro/contracts';
import { eq } from 'drizzle-orm';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/modules/auth/auth.table.js';
import {
  type Account,
  call,
  expectError,
  getMe,
  loginRequest,
  loginUser,
  refreshRequest,
  registerUser,
  sessionIdOf,
} from '../helpers/auth-flows.js';
import { createMessagingTestApp, type MessagingTestApp, messageRow, send, settle } from '../helpers/messaging-flows.js';
import { buyNumber } from '../helpers/numbers-flows.js';
import { asOperator, expectOneAudit, type Operator, operator } from './admin-flows.js';

let t: MessagingTestApp;
let op: Operator;
beforeAll(async () => {
  t = await createMessagingTestApp();
  // Listening, for the open app's socket.
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  op = await operator(t);
});
const sockets: Socket[] = [];
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await t.close();
});

const suspend = (userId: string, reason = 'Spam reported by recipients') =>
  asOperator(t, op, 'POST', `/api/admin/users/${userId}/suspend`, { reason });
const reactivate = (userId: string) => asOperator(t, op, 'POST', `/api/admin/users/${userId}/reactivate`);
const me = (token: string) => call(t, 'GET', '/api/auth/me', { token });

async function accountRow(userId: string) {
  const [row] = await t.database.handle.db.select().from(users).where(eq(users.id, userId));
  return row!;
}

describe('POST /api/admin/users/:userId/suspend', () => {
  it('refuses the very next call of a token still within its 15 minutes, then login and refresh', async () => {
    const customer = await registerUser(t);
    const phone = await loginUser(t, customer, { deviceName: 'Phone' });
    expect((await getMe(t, customer.accessToken)).id).toBe(customer.id);

    const res = await suspend(customer.id);
    expect(res.statusCode, res.body).toBe(200);

    const refused = expectError(await me(customer.accessToken), 403, 'ACCOUNT_SUSPENDED');
    expect(refused.error).toMatch(/suspended/);
    expectError(await me(phone.accessToken), 403, 'ACCOUNT_SUSPENDED');
    expectError(await refreshRequest(t, customer.refreshToken), 401, 'INVALID_TOKEN');
    expectError(await refreshRequest(t, phone.refreshToken), 401, 'INVALID_TOKEN');
    const login = expectError(await loginRequest(t, customer.email, customer.password), 403, 'ACCOUNT_SUSPENDED');
    expect(login).not.toHaveProperty('accessToken');
    // A wrong password still says only that, so a guesser learns nothing about the account.
    expectError(await loginRequest(t, customer.email, 'not the password'), 401, 'INVALID_CREDENTIALS');

    const row = await accountRow(customer.id);
    expect(row.suspendedAt?.toISOString()).toBe(t.clock.now.toISOString());
    expect(row.suspendedReason).toBe('Spam reported by recipients');
    await expectOneAudit(t, op, customer.id, {
      action: 'user.suspend',
      targetType: 'user',
      details: { reason: 'Spam reported by recipients' },
    });
  });

  it("tells the person's open app its session was ended, and drops its socket", async () => {
    const customer = await registerUser(t);
    const port = (t.app.server.address() as AddressInfo).port;
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(`http://127.0.0.1:${port}`, {
      auth: { token: customer.accessToken },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const revoked = new Promise<{ sessionId: string }>((resolve) => socket.once('session:revoked', resolve));
    const dropped = new Promise<string>((resolve) => socket.once('disconnect', resolve));

    expect((await suspend(customer.id)).statusCode).toBe(200);
    expect(await revoked).toEqual({ sessionId: sessionIdOf(customer.accessToken), reason: 'SUSPENDED' });
    expect(await dropped).toBe('io server disconnect');
  });

  it('fails a message still QUEUED when the account is suspended, without handing it to the carrier', async () => {
    const customer = await registerUser(t);
    const line = await buyNumber(t, customer.accessToken);
    const queued = await send(t, customer.accessToken, { from: line.phoneNumber, to: '+33612345678', body: 'Promo!' });

    expect((await suspend(customer.id)).statusCode).toBe(200);
    await settle(t);

    const row = await messageRow(t, queued.id);
    expect(row).toMatchObject({ status: 'FAILED', errorMessage: 'ACCOUNT_SUSPENDED', carrierMessageId: null });
    // Sending anew is refused at the door.
    expectError(
      await call(t, 'POST', '/api/messages/send', {
        token: customer.accessToken,
        payload: { from: line.phoneNumber, to: '+33612345678', body: 'Again' },
      }),
      403,
      'ACCOUNT_SUSPENDED',
    );
  });

  it('refuses to suspend oneself (400) or another administrator (409), and changes nothing', async () => {
    expectError(await suspend(op.id), 400, 'VALIDATION_FAILED', 'userId');
    const other = await operator(t);
    const body = expectError(await suspend(other.id), 409, 'CONFLICT');
    expect(body.details?.[0]?.code).toBe('ADMIN_ACCOUNT');
    expect((await accountRow(op.id)).suspendedAt).toBeNull();
    expect((await accountRow(other.id)).suspendedAt).toBeNull();
    expect((await me(other.token)).statusCode).toBe(200);
  });

  it('answers 409 for an account already suspended, keeping the first reason and one audit row', async () => {
    const customer = await registerUser(t);
    expect((await suspend(customer.id, 'First reason')).statusCode).toBe(200);
    const body = expectError(await suspend(customer.id, 'Second reason'), 409, 'CONFLICT');
    expect(body.details?.[0]?.code).toBe('ALREADY_SUSPENDED');
    expect((await accountRow(customer.id)).suspendedReason).toBe('First reason');
    await expectOneAudit(t, op, customer.id, { action: 'user.suspend', targetType: 'user' });
  });

  it('checks its input: 400 for a bad id or a missing or too short reason, 404 for an unknown account', async () => {
    const customer = await registerUser(t);
    expectError(await suspend('not-a-uuid'), 400, 'VALIDATION_FAILED', 'userId');
    expectError(await suspend(customer.id, 'x'), 400, 'VALIDATION_FAILED', 'reason');
    expectError(
      await asOperator(t, op, 'POST', `/api/admin/users/${customer.id}/suspend`, {}),
      400,
      'VALIDATION_FAILED',
      'reason',
    );
    expectError(await suspend(randomUUID()), 404, 'NOT_FOUND');
    expect((await accountRow(customer.id)).suspendedAt).toBeNull();
  });
});

describe('POST /api/admin/users/:userId/reactivate', () => {
  async function suspended(): Promise<Account> {
    const customer = await registerUser(t);
    expect((await suspend(customer.id)).statusCode).toBe(200);
    return customer;
  }

  it('lets the person log in again (their old sessions stay ended), and is audited', async () => {
    const customer = await suspended();
    const res = await reactivate(customer.id);
    expect(res.statusCode, res.body).toBe(200);

    const fresh = await loginUser(t, customer);
    expect((await getMe(t, fresh.accessToken)).id).toBe(customer.id);
    expectError(await me(customer.accessToken), 401, 'SESSION_REVOKED');
    expect(await accountRow(customer.id)).toMatchObject({ suspendedAt: null, suspendedReason: null });

    const list = await asOperator(t, op, 'GET', `/api/admin/audit?targetId=${customer.id}`);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().entries.map((e: { action: string }) => e.action)).toEqual(['user.reactivate', 'user.suspend']);
    expect(list.json().entries[0]).toMatchObject({
      actor: { id: op.id, email: op.email },
      targetType: 'user',
      targetId: customer.id,
      details: { suspendedReason: 'Spam reported by recipients' },
    });
  });

  it('answers 409 for an account that is not suspended, 404 for an unknown one', async () => {
    const customer = await registerUser(t);
    const body = expectError(await reactivate(customer.id), 409, 'CONFLICT');
    expect(body.details?.[0]?.code).toBe('NOT_SUSPENDED');
    expectError(await reactivate(randomUUID()), 404, 'NOT_FOUND');
    expectError(await reactivate('nope'), 400, 'VALIDATION_FAILED', 'userId');
  });
});

describe('a revoked session', () => {
  it('stops its access token at once, not when the token expires', async () => {
    const customer = await registerUser(t);
    const laptop = await loginUser(t, customer);
    const revoke = await call(t, 'DELETE', `/api/auth/sessions/${sessionIdOf(laptop.accessToken)}`, {
      token: customer.accessToken,
    });
    expect(revoke.statusCode, revoke.body).toBe(200);
    expectError(await me(laptop.accessToken), 401, 'SESSION_REVOKED');
    expect((await me(customer.accessToken)).statusCode).toBe(200);
  });

  it('keeps working across a refresh: the old token until it expires, the new one after', async () => {
    const customer = await registerUser(t);
    const refreshed = await refreshRequest(t, customer.refreshToken);
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    expect((await me(customer.accessToken)).statusCode).toBe(200);
    expect((await me(refreshed.json().accessToken)).statusCode).toBe(200);
  });
});
