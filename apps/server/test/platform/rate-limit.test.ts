import { randomInt } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openRedis } from '../../src/platform/redis.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const redisUrl = inject('redisUrl');
const LIMIT = { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000' };

/** A client address of its own, so counts never mix between tests or runs sharing Redis. */
const freshIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function app(options: Parameters<typeof createTestApp>[0]): Promise<TestApp> {
  const t = await createTestApp(options);
  cleanups.push(() => t.close());
  return t;
}

function get(t: TestApp, url: string, ip: string) {
  return t.app.inject({ method: 'GET', url, remoteAddress: ip });
}

function expectRateLimited(res: Awaited<ReturnType<typeof get>>) {
  expect(res.statusCode).toBe(429);
  expect(res.json()).toEqual({
    code: 'RATE_LIMITED',
    error: expect.stringMatching(/retry in \d+ s/),
    requestId: res.headers['x-request-id'],
  });
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

describe('global rate limit (in-memory store)', () => {
  it('answers the 4th API request in the window with 429 RATE_LIMITED and Retry-After', async () => {
    const t = await app({ env: LIMIT });
    const ip = freshIp();
    const first = await get(t, '/api/openapi.json', ip);
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-ratelimit-limit']).toBe('3');
    expect(first.headers['x-ratelimit-remaining']).toBe('2');
    expect((await get(t, '/api/does-not-exist', ip)).statusCode).toBe(404);
    expect((await get(t, '/api/openapi.json', ip)).statusCode).toBe(200);
    expectRateLimited(await get(t, '/api/openapi.json', ip));
    expectRateLimited(await get(t, '/api/does-not-exist', ip));
  });

  it('counts requests to authenticated routes that carry no valid token', async () => {
    // Otherwise anyone can hammer every authenticated endpoint (guessing tokens) without limit.
    const t = await app({ env: LIMIT });
    const ip = freshIp();
    for (let i = 0; i < 3; i++) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/auth/me',
        remoteAddress: ip,
        headers: { authorization: `Bearer guess-${i}` },
      });
      expect(res.statusCode).toBe(401);
    }
    expectRateLimited(await get(t, '/api/auth/me', ip));
  });

  it('counts each client address on its own', async () => {
    const t = await app({ env: LIMIT });
    const busy = freshIp();
    for (let i = 0; i < 3; i++) await get(t, '/api/does-not-exist', busy);
    expectRateLimited(await get(t, '/api/does-not-exist', busy));
    expect((await get(t, '/api/does-not-exist', freshIp())).statusCode).toBe(404);
  });

  it('never limits /health, so a load balancer probe cannot be locked out', async () => {
    const t = await app({ env: LIMIT });
    const ip = freshIp();
    for (let i = 0; i < 3; i++) await get(t, '/api/does-not-exist', ip);
    expectRateLimited(await get(t, '/api/does-not-exist', ip));
    for (let i = 0; i < 6; i++) {
      const res = await get(t, '/health', ip);
      expect(res.statusCode).toBe(200);
    }
  });

  it('lets the client in again once the window has passed', async () => {
    const t = await app({ env: { RATE_LIMIT_MAX: '1', RATE_LIMIT_WINDOW_MS: '1000' } });
    const ip = freshIp();
    expect((await get(t, '/api/does-not-exist', ip)).statusCode).toBe(404);
    expectRateLimited(await get(t, '/api/does-not-exist', ip));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await get(t, '/api/does-not-exist', ip)).statusCode).toBe(404);
  });
});

describe('global rate limit (Redis store)', () => {
  it.skipIf(!redisUrl)('shares one count between API nodes that share Redis', async () => {
    const clients: Redis[] = [openRedis(redisUrl!), openRedis(redisUrl!)];
    const ip = freshIp();
    const otherIp = freshIp();
    cleanups.push(async () => {
      await clients[0]!.del(`commpro:rl:${ip}`, `commpro:rl:${otherIp}`);
      for (const client of clients) client.disconnect();
    });
    const nodeA = await app({ env: LIMIT, redis: clients[0] });
    const nodeB = await app({ env: LIMIT, redis: clients[1] });

    expect((await get(nodeA, '/api/does-not-exist', ip)).statusCode).toBe(404);
    expect((await get(nodeB, '/api/does-not-exist', ip)).statusCode).toBe(404);
    const third = await get(nodeA, '/api/does-not-exist', ip);
    expect(third.statusCode).toBe(404);
    expect(third.headers['x-ratelimit-remaining']).toBe('0');
    expectRateLimited(await get(nodeB, '/api/does-not-exist', ip));
    expectRateLimited(await get(nodeA, '/api/does-not-exist', ip));

    // The count lives in Redis under the app's namespace, with the window as its expiry.
    expect(Number(await clients[0]!.get(`commpro:rl:${ip}`))).toBeGreaterThanOrEqual(3);
    const ttl = await clients[0]!.pttl(`commpro:rl:${ip}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);

    // Another client is unaffected on both nodes, and /health stays open.
    expect((await get(nodeB, '/api/does-not-exist', otherIp)).statusCode).toBe(404);
    expect((await get(nodeA, '/health', ip)).statusCode).toBe(200);
  });
});
