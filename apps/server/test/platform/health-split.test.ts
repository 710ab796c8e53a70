import { LivenessResponse, ReadinessResponse } from '@commpro/contracts';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openRedis } from '../../src/platform/redis.js';
import { type Carrier, CarrierError } from '../../src/providers/carrier/carrier.port.js';
import type { RunningCarrier } from '../../src/providers/carrier/index.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

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

/** A carrier that is down: every call to it fails. */
function unreachableCarrier(extra: Partial<RunningCarrier> = {}): Carrier {
  const down = async (): Promise<never> => {
    throw new CarrierError('UNAVAILABLE', 'carrier unreachable');
  };
  return {
    name: 'twilio',
    checkCredentials: down,
    searchAvailableNumbers: down,
    purchaseNumber: down,
    updateNumber: down,
    releaseNumber: down,
    sendMessage: down,
    clientAudio: 'twilio',
    startCall: down,
    endCall: down,
    updateParticipant: down,
    createVoiceToken: down,
    verifyWebhook: () => false,
    ...extra,
  };
}

/** Closes the app's database for good, the way an outage looks to the app. */
async function loseDatabase(t: TestApp): Promise<void> {
  await t.database.handle.close();
  // The harness's drop() must not close it a second time (that would skip the DROP DATABASE).
  t.database.handle.close = async () => undefined;
}

describe('GET /health/live', () => {
  it('is 200 while the process serves requests, whatever its dependencies say', async () => {
    const t = await app({ carrier: unreachableCarrier() });
    await loseDatabase(t);
    const res = await t.app.inject({ method: 'GET', url: '/health/live' });
    expect(res.statusCode).toBe(200);
    expect(LivenessResponse.parse(res.json())).toEqual({ status: 'OK', uptime: expect.any(Number) });
    expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(503);
  });
});

describe('GET /health/ready', () => {
  it('is 200 READY with the database up and Redis not configured', async () => {
    const t = await app();
    const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(ReadinessResponse.parse(res.json())).toEqual({
      status: 'READY',
      services: { database: 'OK', redis: 'DISABLED' },
    });
  });

  it('stays READY through a carrier outage that /health reports', async () => {
    const t = await app({ carrier: unreachableCarrier() });
    const health = await t.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(503);
    expect(health.json().services.carrier).toBe('ERROR');
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'READY', services: { database: 'OK', redis: 'DISABLED' } });
  });

  it('is 503 NOT_READY once the database is gone', async () => {
    const t = await app();
    await loseDatabase(t);
    const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(ReadinessResponse.parse(res.json())).toEqual({
      status: 'NOT_READY',
      services: { database: 'ERROR', redis: 'DISABLED' },
    });
  });

  it('is 503 NOT_READY when the configured Redis does not answer', async () => {
    const redis = openRedis('redis://127.0.0.1:1');
    cleanups.push(() => redis.disconnect());
    const t = await app({ redis });
    const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'NOT_READY', services: { database: 'OK', redis: 'ERROR' } });
  });

  it.skipIf(!redisUrl)('is 200 READY with the configured Redis answering', async () => {
    const redis = openRedis(redisUrl!);
    cleanups.push(() => redis.disconnect());
    const t = await app({ redis });
    const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json().services).toEqual({ database: 'OK', redis: 'OK' });
  });

  it('is 503 once the server is shutting down, while it still finishes its work', async () => {
    let finishDeliveries!: () => void;
    const deliveriesInFlight = new Promise<void>((resolve) => (finishDeliveries = resolve));
    let draining!: () => void;
    const closeStarted = new Promise<void>((resolve) => (draining = resolve));
    const carrier = unreachableCarrier({
      idle: async () => {
        draining();
        await deliveriesInFlight;
      },
    });
    const t = await createTestApp({ carrier });
    try {
      const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
      expect((await fetch(`${address}/health/ready`)).status).toBe(200);
      const closing = t.app.close();
      await closeStarted;
      const res = await fetch(`${address}/health/ready`);
      expect(res.status).toBe(503);
      finishDeliveries();
      await closing;
    } finally {
      finishDeliveries();
      await t.close();
    }
  });

  it('is not rate-limited: probes every second must not lock the load balancer out', async () => {
    const t = await app({ env: { RATE_LIMIT_MAX: '2' } });
    for (const url of ['/health/ready', '/health/live']) {
      const answers = [];
      for (let i = 0; i < 5; i += 1) answers.push((await t.app.inject({ method: 'GET', url })).statusCode);
      expect(answers).toEqual([200, 200, 200, 200, 200]);
    }
  });
});
