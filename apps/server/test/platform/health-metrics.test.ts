import { afterAll, describe, expect, inject, it } from 'vitest';
import { openRedis } from '../../src/platform/redis.js';
import { type Carrier, CarrierError } from '../../src/providers/carrier/carrier.port.js';
import { createTestApp, STRONG_PASSWORD, type TestApp, uniqueEmail } from '../helpers/test-app.js';

const redisUrl = inject('redisUrl');

const cleanups: (() => Promise<unknown> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function app(options: Parameters<typeof createTestApp>[0] = {}): Promise<TestApp> {
  const t = await createTestApp(options);
  cleanups.push(() => t.close());
  return t;
}

describe('GET /health', () => {
  it('is 503 with carrier ERROR when the carrier refuses our credentials, and the API keeps serving', async () => {
    const refusing: Carrier = {
      name: 'twilio',
      checkCredentials: async () => {
        throw new CarrierError('AUTHENTICATION', 'credentials refused');
      },
      searchAvailableNumbers: async () => [],
      purchaseNumber: async () => {
        throw new CarrierError('AUTHENTICATION', 'credentials refused');
      },
      updateNumber: async () => undefined,
      releaseNumber: async () => undefined,
      sendMessage: async () => {
        throw new CarrierError('AUTHENTICATION', 'credentials refused');
      },
      clientAudio: 'twilio',
      startCall: async () => {
        throw new CarrierError('AUTHENTICATION', 'credentials refused');
      },
      endCall: async () => {
        throw new CarrierError('AUTHENTICATION', 'credentials refused');
      },
      updateParticipant: async () => {
        throw new CarrierError('AUTHENTICATION', 'credentials refused');
      },
      createVoiceToken: async () => {
        throw new CarrierError('AUTHENTICATION', 'credentials refused');
      },
      verifyWebhook: () => false,
    };
    const t = await createTestApp({ carrier: refusing });
    try {
      const res = await t.app.inject({ method: 'GET', url: '/health' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'DEGRADED', services: { database: 'OK', carrier: 'ERROR' } });
      const signup = await t.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email: uniqueEmail(), password: STRONG_PASSWORD },
      });
      expect(signup.statusCode).toBe(201);
    } finally {
      await t.close();
    }
  });

  it('is 200 OK with the database and the sandbox carrier up, and Redis reported as DISABLED when not configured', async () => {
    const t = await app();
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'OK',
      uptime: expect.any(Number),
      timestamp: expect.any(Number),
      services: { database: 'OK', redis: 'DISABLED', carrier: 'OK' },
    });
    expect(Math.abs(res.json().timestamp - Date.now())).toBeLessThan(60_000);
  });

  it.skipIf(!redisUrl)('reports Redis OK when it answers', async () => {
    const redis = openRedis(redisUrl!);
    cleanups.push(() => redis.disconnect());
    const t = await app({ redis });
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json().services).toMatchObject({ database: 'OK', redis: 'OK' });
  });

  it('is 503 DEGRADED with redis ERROR when Redis is unreachable, and answers within the probe timeout', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    cleanups.push(() => void process.off('unhandledRejection', onRejection));
    const redis = openRedis('redis://127.0.0.1:1');
    cleanups.push(() => redis.disconnect());
    const t = await app({ redis });
    const started = Date.now();
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'DEGRADED', services: { database: 'OK', redis: 'ERROR' } });
    // An outage is reported, not thrown: no Redis command may fail unobserved (that kills a production process).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(rejections.map(String)).toEqual([]);
  });

  it('is 503 DEGRADED with database ERROR once the database is gone', async () => {
    const t = await createTestApp();
    try {
      expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      await t.database.handle.close();
      // Closed for good: the harness's drop() must not close it a second time (that would skip the DROP DATABASE).
      t.database.handle.close = async () => undefined;
      const res = await t.app.inject({ method: 'GET', url: '/health' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'DEGRADED', services: { database: 'ERROR', redis: 'DISABLED' } });
    } finally {
      await t.app.close();
      await t.database.drop();
    }
  });
});

describe('GET /metrics', () => {
  it('exposes request counts by route pattern and a latency histogram in Prometheus text', async () => {
    const t = await app();
    const email = uniqueEmail('metrics');
    const reg = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email, password: STRONG_PASSWORD },
    });
    expect(reg.statusCode).toBe(201);
    await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: STRONG_PASSWORD } });
    await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: 'wrong password here' } });
    const secretToken = 'SeCrEt-verification-token-1234567890';
    await t.app.inject({ method: 'GET', url: `/api/auth/verify-email/${secretToken}` });
    const sessionId = '3f2b8c1e-9d4a-4b7e-8f00-123456789abc';
    await t.app.inject({ method: 'DELETE', url: `/api/auth/sessions/${sessionId}` });
    await t.app.inject({ method: 'GET', url: '/api/no/such/route/4242' });

    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;

    expect(text).toContain('# TYPE http_requests_total counter');
    expect(text).toMatch(/^http_requests_total\{method="POST",route="\/api\/auth\/login",status_code="200"\} 1$/m);
    expect(text).toMatch(/^http_requests_total\{method="POST",route="\/api\/auth\/login",status_code="401"\} 1$/m);
    expect(text).toMatch(/^http_requests_total\{method="POST",route="\/api\/auth\/register",status_code="201"\} 1$/m);
    expect(text).toMatch(/route="\/api\/auth\/verify-email\/:token"/);
    expect(text).toMatch(/route="\/api\/auth\/sessions\/:id"/);
    expect(text).toMatch(/route="unmatched",status_code="404"/);
    // Raw URLs carry tokens and ids; they must never become label values.
    expect(text).not.toContain(secretToken);
    expect(text).not.toContain(sessionId);
    expect(text).not.toContain('4242');

    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(text).toMatch(
      /^http_request_duration_seconds_bucket\{le="0\.005",method="POST",route="\/api\/auth\/login",status_code="200"\} \d+$/m,
    );
    expect(text).toMatch(
      /^http_request_duration_seconds_bucket\{le="\+Inf",method="POST",route="\/api\/auth\/login",status_code="200"\} 1$/m,
    );
    expect(text).toMatch(
      /^http_request_duration_seconds_count\{method="POST",route="\/api\/auth\/login",status_code="200"\} 1$/m,
    );
    // Process metrics come with it.
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it('requires the bearer token when METRICS_TOKEN is set', async () => {
    const token = 'metrics-token-for-prometheus-0123456789';
    const t = await app({ env: { METRICS_TOKEN: token } });
    const none = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(none.body).not.toContain('http_requests_total');

    const wrong = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${token}x` },
    });
    expect(wrong.statusCode).toBe(401);
    const basic = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Basic ${token}` } });
    expect(basic.statusCode).toBe(401);

    const ok = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('http_requests_total');
  });
});
