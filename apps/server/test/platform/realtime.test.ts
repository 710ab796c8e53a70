import type { AddressInfo } from 'node:net';
import type { ClientToServerEvents, ServerToClientEvents } from '@commpro/contracts';
import type { FastifyInstance } from 'fastify';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestApp, STRONG_PASSWORD, type TestApp, uniqueEmail } from '../helpers/test-app.js';
import { type Cluster, createCluster } from './cluster.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
interface Tokens {
  accessToken: string;
  refreshToken: string;
}

const redisUrl = inject('redisUrl');
const sockets: ClientSocket[] = [];

function baseUrl(app: FastifyInstance): string {
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/** The session (refresh-token family) an access token belongs to. */
function sessionOf(accessToken: string): string {
  return JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()).sid;
}

/** Opens a socket as the web app does, and records what happens to it. */
function open(app: FastifyInstance, token?: unknown) {
  const socket: ClientSocket = io(baseUrl(app), {
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  sockets.push(socket);
  const events: [string, unknown][] = [];
  socket.on('session:revoked', (payload) => events.push(['session:revoked', payload]));
  const disconnected = new Promise<string>((resolve) =>
    socket.on('disconnect', (reason) => {
      events.push(['disconnect', reason]);
      resolve(reason);
    }),
  );
  const outcome = new Promise<'connected' | string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket neither connected nor failed within 5 s')), 5000);
    socket.once('connect', () => (clearTimeout(timer), resolve('connected')));
    socket.once('connect_error', (error) => (clearTimeout(timer), resolve(`error: ${error.message}`)));
  });
  return { socket, events, outcome, disconnected };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)),
  ]);
}

async function register(app: FastifyInstance, email = uniqueEmail('rt')): Promise<Tokens & { email: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { email, password: STRONG_PASSWORD },
  });
  expect(res.statusCode).toBe(201);
  return { ...res.json(), email };
}

async function login(app: FastifyInstance, email: string): Promise<Tokens> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password: STRONG_PASSWORD },
  });
  expect(res.statusCode).toBe(200);
  return res.json();
}

afterAll(() => {
  for (const socket of sockets) socket.close();
});

describe('Socket.io authentication and session revocation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await t.close();
  });

  it('refuses a handshake without a token', async () => {
    expect(await open(t.app).outcome).toBe('error: UNAUTHORIZED');
    expect(await open(t.app, 42).outcome).toBe('error: UNAUTHORIZED');
  });

  it('refuses a bad, forged or expired token', async () => {
    expect(await open(t.app, 'not-a-jwt').outcome).toBe('error: UNAUTHORIZED');
    const { accessToken } = await register(t.app);
    const [header, payload] = accessToken.split('.');
    expect(await open(t.app, `${header}.${payload}.${'A'.repeat(43)}`).outcome).toBe('error: UNAUTHORIZED');
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    expect(await open(t.app, unsigned).outcome).toBe('error: UNAUTHORIZED');

    t.clock.advance(16 * 60_000);
    try {
      expect(await open(t.app, accessToken).outcome).toBe('error: UNAUTHORIZED');
    } finally {
      t.clock.now = new Date();
    }
  });

  it('connects with a valid access token', async () => {
    const { accessToken } = await register(t.app);
    const client = open(t.app, accessToken);
    expect(await client.outcome).toBe('connected');
    expect(client.socket.connected).toBe(true);
  });

  it('refuses a still-valid access token whose session was already revoked, so no revocation is missed', async () => {
    const { accessToken, refreshToken } = await register(t.app);
    const logout = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { authorization: `Bearer ${accessToken}` },
      payload: { refreshToken },
    });
    expect(logout.statusCode).toBe(200);
    // The access JWT itself is valid for 15 more minutes; the session behind it is not.
    expect(await open(t.app, accessToken).outcome).toBe('error: SESSION_REVOKED');
  });

  it('tells the socket of a session revoked from another device, then drops it, and only it', async () => {
    const phone = await register(t.app);
    const laptop = await login(t.app, phone.email);
    const phoneSocket = open(t.app, phone.accessToken);
    const laptopSocket = open(t.app, laptop.accessToken);
    expect(await phoneSocket.outcome).toBe('connected');
    expect(await laptopSocket.outcome).toBe('connected');

    const phoneSession = sessionOf(phone.accessToken);
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/api/auth/sessions/${phoneSession}`,
      headers: { authorization: `Bearer ${laptop.accessToken}` },
    });
    expect(res.statusCode).toBe(200);

    expect(await within(phoneSocket.disconnected, 3000, 'revoked socket disconnected')).toBe('io server disconnect');
    expect(phoneSocket.events).toEqual([
      ['session:revoked', { sessionId: phoneSession }],
      ['disconnect', 'io server disconnect'],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(laptopSocket.socket.connected).toBe(true);
    expect(laptopSocket.events).toEqual([]);
  });

  it('ends the sockets of a session when it logs out', async () => {
    const user = await register(t.app);
    const client = open(t.app, user.accessToken);
    expect(await client.outcome).toBe('connected');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { authorization: `Bearer ${user.accessToken}` },
      payload: { refreshToken: user.refreshToken },
    });
    expect(res.statusCode).toBe(200);
    expect(await within(client.disconnected, 3000, 'logged-out socket disconnected')).toBe('io server disconnect');
    expect(client.events[0]).toEqual(['session:revoked', { sessionId: sessionOf(user.accessToken) }]);
  });

  it("does not let one user's revocation touch another user's socket", async () => {
    const alice = await register(t.app);
    const bob = await register(t.app);
    const bobSocket = open(t.app, bob.accessToken);
    expect(await bobSocket.outcome).toBe('connected');
    await t.app.inject({
      method: 'DELETE',
      url: `/api/auth/sessions/${sessionOf(bob.accessToken)}`,
      headers: { authorization: `Bearer ${alice.accessToken}` },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(bobSocket.socket.connected).toBe(true);
    expect(bobSocket.events).toEqual([]);
  });
});

describe('Socket.io across nodes (Redis adapter)', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    if (!redisUrl) return;
    cluster = await createCluster(2, redisUrl);
    for (const node of cluster.nodes) await node.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await cluster?.close();
  });

  it.skipIf(!redisUrl)('drops a socket on node B when its session is revoked through node A', async () => {
    const [nodeA, nodeB] = cluster.nodes as [FastifyInstance, FastifyInstance];
    const phone = await register(nodeA);
    const laptop = await login(nodeB, phone.email);
    const phoneOnB = open(nodeB, phone.accessToken);
    const laptopOnA = open(nodeA, laptop.accessToken);
    expect(await phoneOnB.outcome).toBe('connected');
    expect(await laptopOnA.outcome).toBe('connected');

    const phoneSession = sessionOf(phone.accessToken);
    const res = await nodeA.inject({
      method: 'DELETE',
      url: `/api/auth/sessions/${phoneSession}`,
      headers: { authorization: `Bearer ${laptop.accessToken}` },
    });
    expect(res.statusCode).toBe(200);

    expect(await within(phoneOnB.disconnected, 3000, 'socket on the other node disconnected')).toBe(
      'io server disconnect',
    );
    expect(phoneOnB.events).toEqual([
      ['session:revoked', { sessionId: phoneSession }],
      ['disconnect', 'io server disconnect'],
    ]);
    expect(laptopOnA.socket.connected).toBe(true);
  });
});
