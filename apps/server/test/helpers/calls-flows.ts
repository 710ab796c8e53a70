import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Call, CallAck, ClientToServerEvents, ServerToClientEvents } from '@commpro/contracts';
import { eq } from 'drizzle-orm';
import { io, type Socket } from 'socket.io-client';
import { expect } from 'vitest';
import { usageRecords } from '../../src/modules/billing/billing.table.js';
import { calls } from '../../src/modules/calls/calls.table.js';
import { sandboxWebhookToken } from '../../src/providers/carrier/sandbox/sandbox-messaging.js';
import { signTwilioRequest } from '../../src/providers/carrier/twilio-signature.js';
import { type Account, call, type Response, registerUser } from './auth-flows.js';
import { postWebhook } from './messaging-flows.js';
import { buyNumber } from './numbers-flows.js';

export { postWebhook };
import { createTestApp, type TestApp } from './test-app.js';

export const PUBLIC_URL = 'http://commpro.test';

export interface CallsTestApp extends TestApp {
  /** The key the sandbox carrier signs its webhooks with (derived from the app's JWT secret). */
  webhookToken: string;
  baseUrl: string;
  sockets: ClientSocket[];
}

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * createTestApp for calls: listening on a port (apps connect over Socket.io),
 * sandbox steps without pauses, a known JWT secret so a test can sign carrier
 * webhooks as the sandbox does, and a short ring timeout.
 */
export async function createCallsTestApp(env: Record<string, string> = {}): Promise<CallsTestApp> {
  const jwtSecret = randomBytes(32).toString('hex');
  const t = await createTestApp({
    env: { SANDBOX_STEP_DELAY_MS: '0', CALL_RING_TIMEOUT_SECONDS: '20', CALLS_PER_MINUTE: '1000', ...env },
    secrets: { jwtSecret },
  });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const sockets: ClientSocket[] = [];
  return {
    ...t,
    webhookToken: sandboxWebhookToken(jwtSecret),
    baseUrl: `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`,
    sockets,
    async close() {
      for (const socket of sockets) socket.close();
      await t.close();
    },
  };
}

export interface Caller extends Account {
  number: string;
}

/** A user with an active line (a French mobile by default). */
export async function userWithLine(t: TestApp, query?: Record<string, string>): Promise<Caller> {
  const account = await registerUser(t);
  const line = await buyNumber(t, account.accessToken, query);
  return { ...account, number: line.phoneNumber };
}

/** An app of the user, connected over Socket.io, recording every call event it gets. */
export interface App {
  socket: ClientSocket;
  events: { name: string; payload: unknown }[];
  /** Resolves with the first event of that name (already received or to come) matching `where`. */
  next<E extends keyof ServerToClientEvents>(
    name: E,
    where?: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean,
  ): Promise<Parameters<ServerToClientEvents[E]>[0]>;
  command(name: 'call:join' | 'call:accept' | 'call:decline', callId: string): Promise<CallAck>;
}

const CALL_EVENTS = [
  'call:incoming',
  'call:accepted',
  'call:declined',
  'call:updated',
  'call:ended',
  'call:signal',
] as const;

export async function connectApp(t: CallsTestApp, accessToken: string): Promise<App> {
  const socket: ClientSocket = io(t.baseUrl, {
    auth: { token: accessToken },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  t.sockets.push(socket);
  const events: { name: string; payload: unknown }[] = [];
  const waiters: { name: string; where: (p: never) => boolean; resolve: (p: unknown) => void }[] = [];
  for (const name of CALL_EVENTS) {
    socket.on(name, (payload: unknown) => {
      events.push({ name, payload });
      for (const w of [...waiters]) {
        if (w.name === name && w.where(payload as never)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(payload);
        }
      }
    });
  }
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    socket,
    events,
    next(name, where = () => true) {
      const seen = events.find((e) => e.name === name && where(e.payload as never));
      if (seen) return Promise.resolve(seen.payload as never);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${name} within 5 s`)), 5000);
        waiters.push({
          name,
          where: where as (p: never) => boolean,
          resolve: (p) => {
            clearTimeout(timer);
            resolve(p as never);
          },
        });
      });
    },
    command(name, callId) {
      return new Promise((resolve) => socket.emit(name, { callId }, resolve));
    },
  };
}

export const eventsNamed = (app: App, name: string) => app.events.filter((e) => e.name === name);

export async function initiate(t: TestApp, token: string, from: string, to: string): Promise<Call> {
  const res = await initiateRequest(t, token, { from, to });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().call as Call;
}

export function initiateRequest(t: TestApp, token: string | undefined, payload: object): Promise<Response> {
  return call(t, 'POST', '/api/calls/initiate', { token, payload });
}

export async function getCall(t: TestApp, token: string, id: string): Promise<Call> {
  const res = await call(t, 'GET', `/api/calls/${id}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export async function listCalls(t: TestApp, token: string, query = ''): Promise<{ calls: Call[]; total: number }> {
  const res = await call(t, 'GET', `/api/calls${query}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export function callAction(t: TestApp, token: string, id: string, action: string, payload?: object): Promise<Response> {
  return call(t, 'POST', `/api/calls/${id}/${action}`, { token, payload });
}

/** Runs due jobs and waits for the sandbox network's callbacks, until nothing is left. */
export async function settle(t: TestApp): Promise<void> {
  do await t.app.carrierIdle();
  while ((await t.app.jobs.runDue()) > 0);
  await t.app.carrierIdle();
}

/** A carrier webhook signed exactly as the sandbox (Twilio's algorithm) signs it. */
export function signedWebhook(t: CallsTestApp, path: string, params: Record<string, string>): Promise<Response> {
  return postWebhook(t, path, params, signTwilioRequest(t.webhookToken, `${PUBLIC_URL}${path}`, params));
}

export const newCallSid = () => `CA${randomBytes(16).toString('hex')}`;

export function callRow(t: TestApp, id: string) {
  return t.database.handle.db
    .select()
    .from(calls)
    .where(eq(calls.id, id))
    .then((rows) => rows[0]!);
}

export function minuteUsageOf(t: TestApp, userId: string) {
  return t.database.handle.db
    .select()
    .from(usageRecords)
    .where(eq(usageRecords.userId, userId))
    .then((rows) => rows.filter((r) => r.type === 'CALL_MINUTES'));
}

/** Minutes already used this month, as if earlier calls had been charged. */
export async function useMinutes(t: TestApp, userId: string, minutes: number) {
  const now = t.clock.now;
  await t.database.handle.db.insert(usageRecords).values({
    userId,
    type: 'CALL_MINUTES',
    quantity: minutes,
    periodStart: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
    periodEnd: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)),
    createdAt: now,
  });
}
