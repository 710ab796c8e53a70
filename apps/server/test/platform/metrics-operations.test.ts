import type { AddressInfo } from 'node:net';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { jobs } from '../../src/platform/jobs/jobs.table.js';
import { signTwilioRequest } from '../../src/providers/carrier/twilio-signature.js';
import { registerUser } from '../helpers/auth-flows.js';
import {
  createMessagingTestApp,
  INCOMING_PATH,
  inboundParams,
  type MessagingTestApp,
  postWebhook,
  PUBLIC_URL,
  signedWebhook,
} from '../helpers/messaging-flows.js';

let t: MessagingTestApp;
beforeAll(async () => {
  t = await createMessagingTestApp();
});
afterAll(async () => {
  await t.close();
});

async function scrape(): Promise<string> {
  const res = await t.app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  return res.body;
}

/** The value of one series (labels in any order), or undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

describe('job metrics', () => {
  it('report the queue depth by kind and state, and count failed attempts and jobs given up', async () => {
    const kind = 'metrics-test.no-handler';
    const later = 'metrics-test.later';
    const leased = 'metrics-test.leased';
    const before = await scrape();
    expect(before).toContain('# TYPE commpro_job_queue_depth gauge');
    expect(before).toContain('# TYPE commpro_job_failures_total counter');
    expect(sample(before, 'commpro_job_queue_depth', { name: kind })).toBeUndefined();

    await t.app.jobs.enqueue(kind, {}, { maxAttempts: 2 });
    await t.app.jobs.enqueue(later, {}, { runAt: new Date(t.clock.now.getTime() + 3600_000) });
    await t.database.handle.db
      .insert(jobs)
      .values({ kind: leased, payload: {}, attempts: 1, lockedUntil: new Date(t.clock.now.getTime() + 60_000) });
    let text = await scrape();
    expect(sample(text, 'commpro_job_queue_depth', { name: kind, state: 'due' })).toBe(1);
    expect(sample(text, 'commpro_job_queue_depth', { name: later, state: 'scheduled' })).toBe(1);
    expect(sample(text, 'commpro_job_queue_depth', { name: leased, state: 'running' })).toBe(1);

    // First attempt fails (no handler for the kind): retried later, not given up.
    await t.app.jobs.runDue();
    text = await scrape();
    expect(sample(text, 'commpro_job_failures_total', { name: kind, final: 'false' })).toBe(1);
    expect(sample(text, 'commpro_job_failures_total', { name: kind, final: 'true' })).toBeUndefined();
    expect(sample(text, 'commpro_job_queue_depth', { name: kind, state: 'scheduled' })).toBe(1);
    expect(sample(text, 'commpro_job_queue_depth', { name: kind, state: 'due' })).toBeUndefined();

    // The retry is due after its back-off; failing again exhausts it and it leaves the queue.
    t.clock.advance(31_000);
    expect(sample(await scrape(), 'commpro_job_queue_depth', { name: kind, state: 'due' })).toBe(1);
    await t.app.jobs.runDue();
    text = await scrape();
    expect(sample(text, 'commpro_job_failures_total', { name: kind, final: 'false' })).toBe(1);
    expect(sample(text, 'commpro_job_failures_total', { name: kind, final: 'true' })).toBe(1);
    expect(sample(text, 'commpro_job_queue_depth', { name: kind })).toBeUndefined();
    expect(sample(text, 'commpro_job_queue_depth', { name: later, state: 'scheduled' })).toBe(1);
  });
});

describe('webhook latency', () => {
  it('observes every signed webhook call by source and event type, forged ones included', async () => {
    const series = { source: 'sandbox', type: 'message.incoming' };
    const before = sample(await scrape(), 'commpro_webhook_duration_seconds_count', series) ?? 0;

    const accepted = await signedWebhook(t, INCOMING_PATH, inboundParams('+33612345678', '+33655500000', 'hello'));
    expect(accepted.statusCode).toBeLessThan(300);
    let text = await scrape();
    expect(sample(text, 'commpro_webhook_duration_seconds_count', series)).toBe(before + 1);
    expect(sample(text, 'commpro_webhook_duration_seconds_bucket', { ...series, le: '+Inf' })).toBe(before + 1);
    expect(sample(text, 'commpro_webhook_duration_seconds_sum', series)).toBeGreaterThan(0);

    const params = inboundParams('+33612345678', '+33655500000', 'forged');
    const forged = signTwilioRequest('not-the-sandbox-token', `${PUBLIC_URL}${INCOMING_PATH}`, params);
    expect((await postWebhook(t, INCOMING_PATH, params, forged)).statusCode).toBe(403);
    text = await scrape();
    expect(sample(text, 'commpro_webhook_duration_seconds_count', series)).toBe(before + 2);
  });
});

describe('socket connections', () => {
  it('counts authenticated sockets open on this node, and drops them when they close', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    expect(sample(await scrape(), 'commpro_socket_connections')).toBe(0);

    const user = await registerUser(t);
    const options = { transports: ['websocket'], reconnection: false, forceNew: true };
    const socket = io(url, { ...options, auth: { token: user.accessToken } });
    const connected = new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const refused = io(url, { ...options, auth: { token: 'not-a-jwt' } });
    const refusal = new Promise<void>((resolve) => refused.once('connect_error', () => resolve()));
    try {
      await connected;
      await refusal;
      expect(sample(await scrape(), 'commpro_socket_connections')).toBe(1);
    } finally {
      socket.close();
      refused.close();
    }
    await vi.waitFor(async () => expect(sample(await scrape(), 'commpro_socket_connections')).toBe(0));
  });
});
