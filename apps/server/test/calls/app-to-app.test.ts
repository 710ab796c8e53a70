import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notifications } from '../../src/modules/notifications/notifications.table.js';
import { expectError } from '../helpers/auth-flows.js';
import {
  type App,
  type Caller,
  type CallsTestApp,
  callAction,
  connectApp,
  createCallsTestApp,
  eventsNamed,
  getCall,
  initiate,
  listCalls,
  minuteUsageOf,
  settle,
  useMinutes,
  userWithLine,
} from '../helpers/calls-flows.js';
import { readableNumber } from '../../src/modules/notifications/notification-text.js';

let t: CallsTestApp;
let alice: Caller;
let bob: Caller;
let aliceApp: App;
let bobApp: App;

beforeEach(async () => {
  t = await createCallsTestApp();
  alice = await userWithLine(t);
  bob = await userWithLine(t);
  aliceApp = await connectApp(t, alice.accessToken);
  bobApp = await connectApp(t, bob.accessToken);
});
afterEach(async () => {
  await t.close();
});

/** Alice calls Bob; resolves with both legs once Bob's app rings. */
async function aliceCallsBob() {
  const outbound = await initiate(t, alice.accessToken, alice.number, bob.number);
  expect(await aliceApp.command('call:join', outbound.id)).toEqual({ ok: true });
  const { call: incoming } = await bobApp.next('call:incoming', ({ call }) => call.from === alice.number);
  return { outbound, incoming };
}

const missedNotifications = (userId: string) =>
  t.database.handle.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.type, 'CALL_MISSED')));

describe('a call between two lines of this instance (sandbox, WebRTC)', () => {
  it('rings the callee, connects on accept, relays signalling, and completes with billed minutes', async () => {
    const { outbound, incoming } = await aliceCallsBob();
    expect(outbound).toMatchObject({ status: 'RINGING', audio: 'WEBRTC', direction: 'OUTBOUND', to: bob.number });
    expect(incoming).toMatchObject({ direction: 'INBOUND', from: alice.number, to: bob.number, status: 'RINGING' });
    expect(incoming.id).not.toBe(outbound.id);
    expect(await bobApp.command('call:accept', incoming.id)).toEqual({ ok: true });

    const accepted = await aliceApp.next('call:accepted');
    expect(accepted.call).toMatchObject({ id: outbound.id, status: 'IN_PROGRESS' });
    expect(accepted.call.answeredAt).not.toBeNull();
    expect(accepted.deviceId).toBe(bobApp.socket.id);

    // The server forwards each side's SDP and candidates to the other, addressed to the receiver's own leg.
    aliceApp.socket.emit('call:signal', { callId: outbound.id, description: { type: 'offer', sdp: 'v=0 offer' } });
    expect(await bobApp.next('call:signal')).toEqual({
      callId: incoming.id,
      description: { type: 'offer', sdp: 'v=0 offer' },
    });
    bobApp.socket.emit('call:signal', { callId: incoming.id, description: { type: 'answer', sdp: 'v=0 answer' } });
    const candidate = {
      candidate: 'candidate:1 1 udp 2122260223 10.0.0.2 51000 typ host',
      sdpMid: '0',
      sdpMLineIndex: 0,
    };
    bobApp.socket.emit('call:signal', { callId: incoming.id, candidate });
    expect(await aliceApp.next('call:signal', (s) => s.candidate !== undefined)).toEqual({
      callId: outbound.id,
      candidate,
    });

    t.clock.advance(61_000);
    expect((await callAction(t, bob.accessToken, incoming.id, 'hangup')).statusCode).toBe(200);

    const ended = await aliceApp.next('call:ended');
    expect(ended.call).toMatchObject({ status: 'COMPLETED', durationSeconds: 61, billableDurationSeconds: 120 });
    expect(await getCall(t, bob.accessToken, incoming.id)).toMatchObject({
      status: 'COMPLETED',
      durationSeconds: 61,
      billableDurationSeconds: 120,
      cost: 0,
      missed: null,
    });
    // Each side's minutes count against its own plan, rounded up per started minute.
    expect((await minuteUsageOf(t, alice.id)).map((u) => u.quantity)).toEqual([2]);
    expect((await minuteUsageOf(t, bob.id)).map((u) => u.quantity)).toEqual([2]);
    expect((await listCalls(t, alice.accessToken)).calls.map((c) => c.status)).toEqual(['COMPLETED']);
    // Hanging up again changes nothing and charges nothing more.
    expect((await callAction(t, alice.accessToken, outbound.id, 'hangup')).statusCode).toBe(200);
    expect(await minuteUsageOf(t, alice.id)).toHaveLength(1);
  });

  it('relays an offer sent the moment the caller hears of the answer, and the answer sent straight back', async () => {
    const { outbound, incoming } = await aliceCallsBob();
    aliceApp.socket.once('call:accepted', () =>
      aliceApp.socket.emit('call:signal', { callId: outbound.id, description: { type: 'offer', sdp: 'early offer' } }),
    );
    bobApp.socket.once('call:signal', () =>
      bobApp.socket.emit('call:signal', { callId: incoming.id, description: { type: 'answer', sdp: 'quick answer' } }),
    );
    const accepted = bobApp.command('call:accept', incoming.id);
    expect((await bobApp.next('call:signal')).description?.sdp).toBe('early offer');
    expect((await aliceApp.next('call:signal')).description?.sdp).toBe('quick answer');
    expect(await accepted).toEqual({ ok: true });
  });

  it('rings every app of the callee; the first to answer takes the call and the others stop', async () => {
    const bobPhone = await connectApp(t, bob.accessToken);
    const { incoming } = await aliceCallsBob();
    await bobPhone.next('call:incoming');

    const [onLaptop, onPhone] = await Promise.all([
      bobApp.command('call:accept', incoming.id),
      bobPhone.command('call:accept', incoming.id),
    ]);
    const results = [onLaptop, onPhone];
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, code: 'ALREADY_ANSWERED' });

    const winner = onLaptop.ok ? bobApp : bobPhone;
    const loser = onLaptop.ok ? bobPhone : bobApp;
    // The other app learns which device answered, so it stops ringing.
    expect((await loser.next('call:accepted')).deviceId).toBe(winner.socket.id);
    // Only the device that answered may signal: the other one's messages go nowhere.
    loser.socket.emit('call:signal', { callId: incoming.id, description: { type: 'answer', sdp: 'forged' } });
    winner.socket.emit('call:signal', { callId: incoming.id, description: { type: 'answer', sdp: 'real' } });
    const relayed = await aliceApp.next('call:signal');
    expect(relayed.description?.sdp).toBe('real');
    expect(eventsNamed(aliceApp, 'call:signal')).toHaveLength(1);
  });

  it('lets the callee decline: both sides end BUSY, the missed call says it was declined', async () => {
    const { outbound, incoming } = await aliceCallsBob();
    expect(await bobApp.command('call:decline', incoming.id)).toEqual({ ok: true });

    expect((await aliceApp.next('call:declined')).call).toMatchObject({ id: outbound.id, status: 'BUSY' });
    expect((await aliceApp.next('call:ended')).call.status).toBe('BUSY');
    expect(await getCall(t, bob.accessToken, incoming.id)).toMatchObject({
      status: 'BUSY',
      missed: { reason: 'DECLINED' },
    });
    expect(await bobApp.command('call:accept', incoming.id)).toMatchObject({ ok: false, code: 'CALL_ENDED' });
    expect(await missedNotifications(bob.id)).toHaveLength(1);
    // Nothing was connected, so nothing is charged.
    expect(await minuteUsageOf(t, alice.id)).toEqual([]);
  });

  it('ends as a missed call the callee can read when the caller gives up while it rings', async () => {
    const { outbound, incoming } = await aliceCallsBob();
    expect((await callAction(t, alice.accessToken, outbound.id, 'hangup')).statusCode).toBe(200);

    const { call } = await bobApp.next('call:ended');
    expect(call).toMatchObject({ id: incoming.id, status: 'CANCELLED', missed: { reason: 'CALLER_HUNG_UP' } });
    expect((await getCall(t, alice.accessToken, outbound.id)).status).toBe('CANCELLED');
    const [notification] = await missedNotifications(bob.id);
    expect(notification).toMatchObject({ title: `Missed call from ${readableNumber(alice.number)}` });
    expect(notification!.data).toMatchObject({ callId: incoming.id, reason: 'CALLER_HUNG_UP' });
    expect((await listCalls(t, bob.accessToken, '?status=MISSED')).calls.map((c) => c.id)).toEqual([incoming.id]);
  });

  it('stops ringing after the ring timeout: missed as not answered, and the caller hears no answer', async () => {
    const { outbound, incoming } = await aliceCallsBob();
    t.clock.advance(19_000);
    await settle(t);
    expect((await getCall(t, bob.accessToken, incoming.id)).status).toBe('RINGING');

    t.clock.advance(2_000);
    await settle(t);
    expect(await getCall(t, bob.accessToken, incoming.id)).toMatchObject({
      status: 'NO_ANSWER',
      missed: { reason: 'NOT_ANSWERED', message: expect.stringMatching(/nobody answered/) },
    });
    expect((await aliceApp.next('call:ended')).call).toMatchObject({ id: outbound.id, status: 'NO_ANSWER' });
    expect(await missedNotifications(bob.id)).toHaveLength(1);
  });

  it('says so when none of the callee’s apps was online, instead of ringing nowhere', async () => {
    bobApp.socket.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const outbound = await initiate(t, alice.accessToken, alice.number, bob.number);
    expect(outbound.status).toBe('NO_ANSWER');

    const history = await listCalls(t, bob.accessToken);
    expect(history.calls[0]).toMatchObject({
      direction: 'INBOUND',
      status: 'NO_ANSWER',
      missed: { reason: 'NO_DEVICE_ONLINE', message: expect.stringMatching(/online/) },
    });
  });

  it('shows hold to the other side and mute to the holder’s own apps; refuses both before the call connects', async () => {
    const { outbound, incoming } = await aliceCallsBob();
    expectError(await callAction(t, alice.accessToken, outbound.id, 'mute', { muted: true }), 409, 'CALL_NOT_ACTIVE');
    expect(await bobApp.command('call:accept', incoming.id)).toEqual({ ok: true });

    expect((await callAction(t, alice.accessToken, outbound.id, 'hold', { onHold: true })).statusCode).toBe(200);
    const held = await bobApp.next('call:updated', ({ call }) => call.peerOnHold);
    expect(held.call).toMatchObject({ id: incoming.id, peerOnHold: true, onHold: false });
    expect((await getCall(t, alice.accessToken, outbound.id)).onHold).toBe(true);

    expect((await callAction(t, bob.accessToken, incoming.id, 'mute', { muted: true })).statusCode).toBe(200);
    expect((await bobApp.next('call:updated', ({ call }) => call.muted)).call.id).toBe(incoming.id);
    expect((await getCall(t, bob.accessToken, incoming.id)).muted).toBe(true);
    expectError(await callAction(t, bob.accessToken, incoming.id, 'mute', { muted: 'yes' }), 400, 'VALIDATION_FAILED');
  });

  it('ends the call when the device carrying it goes away', async () => {
    const { outbound, incoming } = await aliceCallsBob();
    expect(await bobApp.command('call:accept', incoming.id)).toEqual({ ok: true });
    await aliceApp.next('call:accepted');
    t.clock.advance(5_000);
    aliceApp.socket.close();

    const { call } = await bobApp.next('call:ended');
    expect(call).toMatchObject({ id: incoming.id, status: 'COMPLETED', durationSeconds: 5 });
    expect((await getCall(t, alice.accessToken, outbound.id)).status).toBe('COMPLETED');
  });

  it('puts the call through to a FREE callee with minutes left, and not to one without', async () => {
    await useMinutes(t, bob.id, 49);
    const { incoming } = await aliceCallsBob();
    expect(incoming.status).toBe('RINGING');
    await bobApp.command('call:decline', incoming.id);

    await useMinutes(t, bob.id, 1);
    t.clock.advance(1_000);
    const refused = await initiate(t, alice.accessToken, alice.number, bob.number);
    expect(refused.status).toBe('BUSY');
    const missed = (await listCalls(t, bob.accessToken, '?status=MISSED')).calls[0];
    expect(missed).toMatchObject({ status: 'BUSY', missed: { reason: 'PLAN_LIMIT' } });
  });

  it('refuses call commands for calls that are not the device’s to take', async () => {
    const { outbound, incoming } = await aliceCallsBob();
    // Bob cannot take Alice's leg, and Alice cannot answer Bob's.
    expect(await bobApp.command('call:join', outbound.id)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await aliceApp.command('call:accept', incoming.id)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await aliceApp.command('call:decline', incoming.id)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await aliceApp.command('call:join', 'not-a-uuid')).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    // A signal for a call this device does not hold is dropped.
    aliceApp.socket.emit('call:signal', { callId: incoming.id, description: { type: 'offer', sdp: 'x' } });
    bobApp.socket.emit('call:signal', { callId: incoming.id, description: { type: 'offer', sdp: 'x' } });
    expect(await bobApp.command('call:accept', incoming.id)).toEqual({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(eventsNamed(bobApp, 'call:signal')).toEqual([]);
    expect(eventsNamed(aliceApp, 'call:signal')).toEqual([]);
  });
});
