import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { webhookLogs } from '../../src/platform/webhooks/webhook-logs.table.js';
import { adminToken, call, expectError } from '../helpers/auth-flows.js';
import {
  type App,
  type Caller,
  type CallsTestApp,
  callAction,
  connectApp,
  createCallsTestApp,
  getCall,
  initiate,
  minuteUsageOf,
  newCallSid,
  postWebhook,
  settle,
  signedWebhook,
  userWithLine,
} from '../helpers/calls-flows.js';

let t: CallsTestApp;
let owner: Caller;
let ownerApp: App;
beforeEach(async () => {
  t = await createCallsTestApp();
  owner = await userWithLine(t);
  ownerApp = await connectApp(t, owner.accessToken);
});
afterEach(async () => {
  await t.close();
});

/** The statuses the owner's app saw for one call, in order. */
const seenStatuses = (app: App, callId: string) =>
  app.events
    .filter((e) => e.name === 'call:updated' || e.name === 'call:ended')
    .map((e) => (e.payload as { call: { id: string; status: string } }).call)
    .filter((c) => c.id === callId)
    .map((c) => c.status);

describe('calling an outside number through the sandbox', () => {
  it('progresses queued → ringing → answered through the signed status webhook, and completes on hang-up', async () => {
    const placed = await initiate(t, owner.accessToken, owner.number, '+1 415 555 0142');
    expect(placed).toMatchObject({ status: 'QUEUED', audio: 'CARRIER' });
    await settle(t);
    expect(seenStatuses(ownerApp, placed.id)).toEqual(['RINGING', 'IN_PROGRESS']);
    const connected = await getCall(t, owner.accessToken, placed.id);
    expect(connected.answeredAt).not.toBeNull();

    // Hold and mute are the carrier's to apply on a carrier call; the sandbox keeps them on its leg.
    expect((await callAction(t, owner.accessToken, placed.id, 'hold', { onHold: true })).statusCode).toBe(200);
    t.clock.advance(42_000);
    expect((await callAction(t, owner.accessToken, placed.id, 'hangup')).statusCode).toBe(200);
    await settle(t);
    expect(await getCall(t, owner.accessToken, placed.id)).toMatchObject({
      status: 'COMPLETED',
      durationSeconds: 42,
      billableDurationSeconds: 60,
      onHold: false,
    });
    expect((await minuteUsageOf(t, owner.id)).map((u) => u.quantity)).toEqual([1]);
    // Every callback went through the webhook route, signed and logged.
    const logged = await t.database.handle.db
      .select()
      .from(webhookLogs)
      .where(eq(webhookLogs.eventType, 'call.status'));
    expect(logged.length).toBeGreaterThanOrEqual(3);
    expect(logged.every((row) => row.statusCode === 200)).toBe(true);
  });

  it.each([
    ['+1 415 555 0002', 'BUSY'],
    ['+1 415 555 0003', 'NO_ANSWER'],
    ['+1 415 555 0004', 'FAILED'],
  ])('lets %s show how a call that does not connect ends (%s), without charging', async (to, status) => {
    const placed = await initiate(t, owner.accessToken, owner.number, to);
    await settle(t);
    const ended = await getCall(t, owner.accessToken, placed.id);
    expect(ended).toMatchObject({ status, durationSeconds: 0, missed: null });
    if (status === 'FAILED') expect(ended.failure?.reason).toMatch(/could not be connected/);
    expect(await minuteUsageOf(t, owner.id)).toEqual([]);
  });
});

describe('the outside world calling in (sandbox)', () => {
  it('lets an administrator ring a line; the owner answers in the app and the caller later hangs up', async () => {
    const token = await adminToken(t);
    const res = await call(t, 'POST', '/api/sandbox/calls/inbound', {
      token,
      payload: { from: '+44 20 7946 0018', to: owner.number, hangUpAfterSeconds: 1 },
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().callSid).toMatch(/^CA[0-9a-f]{32}$/);

    const { call: incoming } = await ownerApp.next('call:incoming');
    expect(incoming).toMatchObject({ from: '+442079460018', to: owner.number, audio: 'CARRIER', status: 'RINGING' });
    expect(await ownerApp.command('call:accept', incoming.id)).toEqual({ ok: true });
    // The outside caller hangs up after a second of real time.
    const { call: ended } = await ownerApp.next('call:ended');
    expect(ended).toMatchObject({ id: incoming.id, status: 'COMPLETED', missed: null });
  });

  it('is a missed call, caller hung up, when the outside caller gives up while it rings', async () => {
    const token = await adminToken(t);
    await call(t, 'POST', '/api/sandbox/calls/inbound', {
      token,
      payload: { from: '+44 20 7946 0018', to: owner.number, hangUpAfterSeconds: 1 },
    });
    const { call: ended } = await ownerApp.next('call:ended');
    expect(ended).toMatchObject({ status: 'CANCELLED', missed: { reason: 'CALLER_HUNG_UP' } });
  });

  it('is for administrators only, and names a bad number', async () => {
    const payload = { from: '+442079460018', to: owner.number };
    expectError(
      await call(t, 'POST', '/api/sandbox/calls/inbound', { token: owner.accessToken, payload }),
      403,
      'FORBIDDEN',
    );
    expectError(await call(t, 'POST', '/api/sandbox/calls/inbound', { payload }), 401, 'UNAUTHORIZED');
    expectError(
      await call(t, 'POST', '/api/sandbox/calls/inbound', {
        token: await adminToken(t),
        payload: { ...payload, from: 'x' },
      }),
      400,
      'VALIDATION_FAILED',
      'from',
    );
  });

  it('stores a call once however often the carrier retries its voice webhook, and refuses unsigned ones', async () => {
    const params = {
      CallSid: newCallSid(),
      From: '+442079460018',
      To: owner.number,
      Direction: 'inbound',
      CallStatus: 'ringing',
    };
    for (let i = 0; i < 3; i += 1) {
      const res = await signedWebhook(t, '/api/calls/webhooks/voice', params);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/xml/);
      expect(res.body).toContain('<Dial');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ownerApp.events.filter((e) => e.name === 'call:incoming')).toHaveLength(1);

    const forged = await postWebhook(
      t,
      '/api/calls/webhooks/voice',
      { ...params, CallSid: newCallSid() },
      'bm90IGEgc2lnbmF0dXJl',
    );
    expectError(forged, 403, 'FORBIDDEN');
    const unsigned = await postWebhook(t, '/api/calls/webhooks/voice', { ...params, CallSid: newCallSid() }, undefined);
    expectError(unsigned, 403, 'FORBIDDEN');
    const history = await call(t, 'GET', '/api/calls', { token: owner.accessToken });
    expect(history.json().total).toBe(1);
  });

  it('rejects a call to a number that is not an active line, storing nothing', async () => {
    const params = { CallSid: newCallSid(), From: '+442079460018', To: '+33639980000', Direction: 'inbound' };
    const res = await signedWebhook(t, '/api/calls/webhooks/voice', params);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<Reject');
  });
});
