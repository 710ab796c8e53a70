import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { buildServer, freePort, logLines, runServer, type ServerProcess, waitUntilServing } from './server-process.js';

const redisUrl = inject('redisUrl');
const dirs: string[] = [];
const running: ServerProcess[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'commpro-main-'));
  dirs.push(dir);
  return dir;
}

async function start(env: Record<string, string>): Promise<ServerProcess> {
  const cwd = tempDir();
  const server = runServer({ DATA_DIR: cwd, PORT: String(await freePort()), ...env }, cwd);
  running.push(server);
  await waitUntilServing(server);
  return server;
}

async function api(server: ServerProcess, method: string, url: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    const res = await fetch(`${server.url}${url}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  } catch (error) {
    const exit = await Promise.race([
      server.exited,
      new Promise((resolve) => setTimeout(() => resolve(undefined), 500)),
    ]);
    throw new Error(
      `${method} ${url} failed (${String(error)}); server ${exit ? `exited ${JSON.stringify(exit)}` : 'still running'}:\n${server.stderr()}`,
      { cause: error },
    );
  }
}

beforeAll(() => {
  buildServer();
});

afterAll(async () => {
  for (const server of running) await server.stop('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('start-up configuration errors', () => {
  it('exits 1 with exactly one line on stderr naming PORT and the bad value', async () => {
    const cwd = tempDir();
    const server = runServer({ DATA_DIR: cwd, PORT: 'abc' }, cwd);
    running.push(server);
    const exit = await server.exited;
    expect(exit.code).toBe(1);
    const lines = server.stderr().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('PORT');
    expect(lines[0]).toContain('abc');
    expect(lines[0]).not.toMatch(/\s+at /);
  });
});

describe('npm start on a fresh DATA_DIR (embedded PGlite, no external service)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'commpro-main-data-'));
  dirs.push(dataDir);
  const email = `Persist.${randomBytes(4).toString('hex')}@Example.com`;
  const password = `Zebra-Quantum-${randomBytes(6).toString('hex')}-Lamp`;
  const secrets: string[] = [];
  let verificationToken = '';
  let firstRun: { stdout: string; exit: { code: number | null; signal: string | null } };
  let lastAccessToken = '';

  beforeAll(async () => {
    const port = String(await freePort());
    const server = runServer({ DATA_DIR: dataDir, PORT: port, LOG_LEVEL: 'info' }, dataDir);
    running.push(server);
    await waitUntilServing(server);

    const reg = await api(server, 'POST', '/api/auth/register', { email, password });
    expect(reg.status).toBe(201);
    const login = await api(server, 'POST', '/api/auth/login', { email, password, deviceName: 'Laptop' });
    expect(login.status).toBe(200);
    secrets.push(reg.body.accessToken, reg.body.refreshToken, login.body.accessToken, login.body.refreshToken);

    const me = await api(server, 'GET', '/api/auth/me', undefined, login.body.accessToken);
    expect(me.status).toBe(200);
    await api(server, 'GET', '/api/auth/me?access_token=' + login.body.accessToken);

    // Without SMTP the verification email goes to the outbox, and its link to the log for the developer.
    const outbox = logLines(server.stdout()).find((line) => typeof line.link === 'string');
    expect(outbox, 'outbox log line with the link').toBeDefined();
    verificationToken = String(outbox!.link).split('/verify-email/')[1]!;
    expect(verificationToken.length).toBeGreaterThanOrEqual(32);
    const verify = await api(server, 'GET', `/api/auth/verify-email/${verificationToken}`);
    expect(verify.status).toBe(200);

    const refreshed = await api(server, 'POST', '/api/auth/refresh', { refreshToken: login.body.refreshToken });
    expect(refreshed.status).toBe(200);
    secrets.push(refreshed.body.accessToken, refreshed.body.refreshToken);
    lastAccessToken = refreshed.body.accessToken;

    const exit = await server.stop('SIGTERM');
    firstRun = { stdout: server.stdout(), exit };
  });

  it('exits 0 on SIGTERM after closing cleanly', () => {
    expect(firstRun.exit).toEqual({ code: 0, signal: null });
    const messages = logLines(firstRun.stdout).map((line) => line.msg);
    expect(messages).toContainEqual(expect.stringContaining('CommPro ready on'));
    expect(messages).toContain('shutting down: finishing in-flight requests');
  });

  it('logs requests by route pattern, never the password, tokens, Authorization header or email address', () => {
    const lines = logLines(firstRun.stdout);
    // The requests were logged, so what is absent below is absent by design.
    const urls = lines.map((line) => (line.req as { url?: string } | undefined)?.url).filter(Boolean);
    expect(urls).toContain('/api/auth/login');
    expect(urls).toContain('/api/auth/verify-email/:token');
    expect(urls).toContain('/api/auth/me');

    const text = firstRun.stdout;
    expect(text).not.toContain(password);
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.split('.').at(-1)!);
    }
    expect(text).not.toMatch(/bearer /i);
    expect(text).not.toContain(email);
    expect(text.toLowerCase()).not.toContain(email.toLowerCase());

    // The verification token appears only in the outbox line kept for the developer, never in a request log.
    const withToken = lines.filter((line) => JSON.stringify(line).includes(verificationToken));
    expect(withToken.length).toBeGreaterThan(0);
    for (const line of withToken) expect(line.msg).toBe('email kept in outbox (SMTP_URL not set)');
  });

  it('keeps the account, its verified email and the signing keys when started again on the same DATA_DIR', async () => {
    const server = await start({ DATA_DIR: dataDir });
    const me = await api(server, 'GET', '/api/auth/me', undefined, lastAccessToken);
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(email.toLowerCase());
    expect(me.body.emailVerified).toBe(true);

    const login = await api(server, 'POST', '/api/auth/login', { email, password });
    expect(login.status).toBe(200);
    expect((await server.stop('SIGTERM')).code).toBe(0);
  });
});

describe('Redis at start-up', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });
  const databaseEnv = (): Record<string, string> => (database.url ? { DATABASE_URL: database.url } : {});

  it('keeps serving, and reports Redis ERROR on /health, when REDIS_URL is unreachable', async () => {
    const server = await start({ ...databaseEnv(), REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'warn' });
    const health = await api(server, 'GET', '/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'DEGRADED', services: { database: 'OK', redis: 'ERROR' } });
    // Give the Redis client time to give up its first commands: an outage must not kill the process.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(server.child.exitCode, server.stderr()).toBeNull();
    expect((await api(server, 'GET', '/health')).status).toBe(503);
    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it.skipIf(!redisUrl)('runs with a live Redis and still exits 0 on SIGTERM', async () => {
    const server = await start({ ...databaseEnv(), REDIS_URL: redisUrl!, LOG_LEVEL: 'warn' });
    const health = await api(server, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.services).toMatchObject({ database: 'OK', redis: 'OK' });
    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(server.stderr()).toBe('');
  });
});
