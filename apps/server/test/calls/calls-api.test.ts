import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectError, registerUser } from '../helpers/auth-flows.js';
import {
  type Caller,
  type CallsTestApp,
  callAction,
  createCallsTestApp,
  initiate,
  initiateRequest,
  listCalls,
  settle,
  useMinutes,
  userWithLine,
} from '../helpers/calls-flows.js';
import { setPlan } from '../helpers/numbers-flows.js';

let t: CallsTestApp;
beforeAll(async () => {
  t = await createCallsTestApp({ CALLS_PER_MINUTE: '1000', ICE_SERVERS: '[{"urls":"stun:stun.example.net:3478"}]' });
});
afterAll(async () => {
  await t.close();
});

const OUTSIDE = '+1 415 555 0142';

describe('POST /api/calls/initiate', () => {
  it('names what is wrong with the numbers', async () => {
    const alice = await userWithLine(t);
    const other = await userWithLine(t);
    expectError(
      await initiateRequest(t, alice.accessToken, { from: alice.number, to: 'call me' }),
      400,
      'VALIDATION_FAILED',
      'to',
    );
    expectError(
      await initiateRequest(t, alice.accessToken, { from: other.number, to: OUTSIDE }),
      400,
      'VALIDATION_FAILED',
      'from',
    );
    expectError(
      await initiateRequest(t, alice.accessToken, { from: alice.number, to: alice.number }),
      400,
      'VALIDATION_FAILED',
      'to',
    );
    expectError(await initiateRequest(t, alice.accessToken, { from: alice.number }), 400, 'VALIDATION_FAILED', 'to');
    expectError(await initiateRequest(t, undefined, { from: alice.number, to: OUTSIDE }), 401, 'UNAUTHORIZED');
    expect((await listCalls(t, alice.accessToken)).total).toBe(0);
  });

  it('accepts any written form, reading national numbers in the country of the calling line', async () => {
    const paris = await userWithLine(t);
    const spaced = paris.number.replace(/^\+33(\d)(\d{2})(\d{2})(\d{2})(\d{2})$/, '+33 $1 $2 $3 $4 $5');
    const fromParis = await initiateRequest(t, paris.accessToken, { from: spaced, to: '01 99 00 12 34' });
    expect(fromParis.statusCode, fromParis.body).toBe(201);
    expect(fromParis.json()).toMatchObject({ status: 'QUEUED', call: { from: paris.number, to: '+33199001234' } });
    expect(fromParis.json().twilioCallSid).toMatch(/^CA[0-9a-f]{32}$/);

    const sanFrancisco = await userWithLine(t, { countryCode: 'US', type: 'LOCAL' });
    const fromUs = await initiateRequest(t, sanFrancisco.accessToken, {
      from: sanFrancisco.number,
      to: '(415) 555-0142',
    });
    expect(fromUs.statusCode, fromUs.body).toBe(201);
    expect(fromUs.json().call.to).toBe('+14155550142');

    await callAction(t, paris.accessToken, fromParis.json().callId, 'hangup');
    await callAction(t, sanFrancisco.accessToken, fromUs.json().callId, 'hangup');
    await settle(t);
  });

  it('blocks FREE at its 50 minutes with a 402 naming the limit; live calls count', async () => {
    const alice = await userWithLine(t);
    await useMinutes(t, alice.id, 49);
    const first = await initiate(t, alice.accessToken, alice.number, OUTSIDE);
    // The call still live will cost at least the 50th minute: no room for another.
    const body = expectError(
      await initiateRequest(t, alice.accessToken, { from: alice.number, to: OUTSIDE }),
      402,
      'PLAN_LIMIT_REACHED',
    );
    expect(body).toMatchObject({ limit: { resource: 'minutes', allowed: 50, plan: 'FREE', upgradeTo: 'STARTER' } });
    expect(body.error).toMatch(/50 call minutes/);
    await callAction(t, alice.accessToken, first.id, 'hangup');
    await settle(t);
  });

  it('lets only one of two simultaneous calls through at the last free minute', async () => {
    const alice = await userWithLine(t);
    await useMinutes(t, alice.id, 49);
    const results = await Promise.all([
      initiateRequest(t, alice.accessToken, { from: alice.number, to: OUTSIDE }),
      initiateRequest(t, alice.accessToken, { from: alice.number, to: '+1 415 555 0143' }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 402]);
    await callAction(t, alice.accessToken, results.find((r) => r.statusCode === 201)!.json().callId, 'hangup');
    await settle(t);
  });

  it('lets paid plans go beyond their minutes at the overage price, in whole started minutes', async () => {
    const alice = await userWithLine(t);
    await setPlan(t, alice.id, 'STARTER');
    await useMinutes(t, alice.id, 499);
    const placed = await initiate(t, alice.accessToken, alice.number, OUTSIDE);
    await settle(t);
    t.clock.advance(150_000);
    await callAction(t, alice.accessToken, placed.id, 'hangup');
    await settle(t);
    const res = await call(t, 'GET', `/api/calls/${placed.id}`, { token: alice.accessToken });
    // 2 min 30 s connected → 3 minutes; 1 within the allowance, 2 beyond at €0.02.
    expect(res.json()).toMatchObject({ status: 'COMPLETED', billableDurationSeconds: 180, cost: 0.04 });
  });
});

describe('GET /api/calls', () => {
  let owner: Caller;
  let ids: { completed: string; failed: string; cancelled: string };
  beforeAll(async () => {
    owner = await userWithLine(t);
    await setPlan(t, owner.id, 'BUSINESS');
    const completed = await initiate(t, owner.accessToken, owner.number, '+1 415 555 0150');
    await settle(t);
    t.clock.advance(10_000);
    await callAction(t, owner.accessToken, completed.id, 'hangup');
    t.clock.advance(1_000);
    const failed = await initiate(t, owner.accessToken, owner.number, '+1 415 555 0004');
    t.clock.advance(1_000);
    // A number that never answers: the hang-up always comes while it rings, however loaded the machine.
    const cancelled = await initiate(t, owner.accessToken, owner.number, '+1 415 555 0003');
    await callAction(t, owner.accessToken, cancelled.id, 'hangup');
    await settle(t);
    ids = { completed: completed.id, failed: failed.id, cancelled: cancelled.id };
  });

  it('lists the caller’s calls newest first with a total, and pages', async () => {
    const all = await listCalls(t, owner.accessToken);
    expect(all.total).toBe(3);
    expect(all.calls.map((c) => c.id)).toEqual([ids.cancelled, ids.failed, ids.completed]);
    const page = await listCalls(t, owner.accessToken, '?limit=1&offset=1');
    expect(page).toMatchObject({ total: 3, calls: [{ id: ids.failed }] });
  });

  it('filters by status, direction and dates', async () => {
    expect((await listCalls(t, owner.accessToken, '?status=COMPLETED')).calls.map((c) => c.id)).toEqual([
      ids.completed,
    ]);
    const failed = await listCalls(t, owner.accessToken, '?status=FAILED');
    expect(failed.calls.map((c) => c.id)).toEqual([ids.failed]);
    expect(failed.calls[0]!.failure).toMatchObject({ reason: expect.any(String) });
    // An outbound call the caller cancelled is not a missed call.
    expect((await listCalls(t, owner.accessToken, '?status=MISSED')).total).toBe(0);
    expect((await listCalls(t, owner.accessToken, '?direction=INBOUND')).total).toBe(0);
    expect((await listCalls(t, owner.accessToken, '?direction=OUTBOUND')).total).toBe(3);
    const tomorrow = new Date(t.clock.now.getTime() + 86_400_000).toISOString().slice(0, 10);
    expect((await listCalls(t, owner.accessToken, `?startDate=${tomorrow}`)).total).toBe(0);
    const today = t.clock.now.toISOString().slice(0, 10);
    expect((await listCalls(t, owner.accessToken, `?endDate=${today}`)).total).toBe(3);
    expectError(
      await call(t, 'GET', '/api/calls?status=LOST', { token: owner.accessToken }),
      400,
      'VALIDATION_FAILED',
      'status',
    );
    expectError(
      await call(t, 'GET', '/api/calls?startDate=yesterday', { token: owner.accessToken }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('answers 404 for another user’s call and its actions, and for an unknown id', async () => {
    const stranger = await registerUser(t);
    for (const [method, path, payload] of [
      ['GET', '', undefined],
      ['POST', '/hangup', undefined],
      ['POST', '/mute', { muted: true }],
      ['POST', '/hold', { onHold: true }],
    ] as const) {
      expectError(
        await call(t, method, `/api/calls/${ids.completed}${path}`, { token: stranger.accessToken, payload }),
        404,
        'NOT_FOUND',
      );
    }
    expectError(
      await call(t, 'GET', `/api/calls/${crypto.randomUUID()}`, { token: owner.accessToken }),
      404,
      'NOT_FOUND',
    );
    expectError(await call(t, 'GET', '/api/calls/not-an-id', { token: owner.accessToken }), 400, 'VALIDATION_FAILED');
    // The stranger's actions changed nothing.
    expect((await call(t, 'GET', `/api/calls/${ids.completed}`, { token: owner.accessToken })).json().status).toBe(
      'COMPLETED',
    );
  });
});

describe('GET /api/calls/token', () => {
  it('gives the app its identity, the ICE servers and the ring timeout (sandbox: app-to-app WebRTC)', async () => {
    const user = await registerUser(t);
    const res = await call(t, 'GET', '/api/calls/token', { token: user.accessToken });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      provider: 'webrtc',
      identity: `u_${user.id.replaceAll('-', '')}`,
      iceServers: [{ urls: 'stun:stun.example.net:3478' }],
      ringTimeoutSeconds: 20,
    });
    expectError(await call(t, 'GET', '/api/calls/token'), 401, 'UNAUTHORIZED');
  });
});

describe('rate limit', () => {
  it('refuses more calls per minute than CALLS_PER_MINUTE with a 429 and Retry-After', async () => {
    const limited = await createCallsTestApp({ CALLS_PER_MINUTE: '2' });
    try {
      const alice = await userWithLine(limited);
      await setPlan(limited, alice.id, 'BUSINESS');
      const statuses = [];
      for (const to of ['+14155550160', '+14155550161', '+14155550162']) {
        statuses.push((await initiateRequest(limited, alice.accessToken, { from: alice.number, to })).statusCode);
      }
      expect(statuses).toEqual([201, 201, 429]);
      const res = await initiateRequest(limited, alice.accessToken, { from: alice.number, to: '+14155550163' });
      expectError(res, 429, 'RATE_LIMITED');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      await settle(limited);
    } finally {
      await limited.close();
    }
  });
});
