import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CallsTestApp,
  callAction,
  connectApp,
  createCallsTestApp,
  getCall,
  initiate,
  listCalls,
  minuteUsageOf,
  userWithLine,
} from '../helpers/calls-flows.js';

let t: CallsTestApp;
beforeEach(async () => {
  t = await createCallsTestApp();
});
afterEach(async () => {
  await t.close();
});

describe('a call between two lines of this instance (sandbox, WebRTC)', () => {
  it('rings the callee, connects on accept, relays signalling, and completes with billed minutes', async () => {
    const alice = await userWithLine(t);
    const bob = await userWithLine(t);
    const aliceApp = await connectApp(t, alice.accessToken);
    const bobApp = await connectApp(t, bob.accessToken);

    const outbound = await initiate(t, alice.accessToken, alice.number, bob.number);
    expect(outbound).toMatchObject({ status: 'RINGING', audio: 'WEBRTC', direction: 'OUTBOUND', to: bob.number });
    expect(await aliceApp.command('call:join', outbound.id)).toEqual({ ok: true });

    const { call: incoming } = await bobApp.next('call:incoming');
    expect(incoming).toMatchObject({ direction: 'INBOUND', from: alice.number, to: bob.number, status: 'RINGING' });
    expect(await bobApp.command('call:accept', incoming.id)).toEqual({ ok: true });

    const accepted = await aliceApp.next('call:accepted');
    expect(accepted.call).toMatchObject({ id: outbound.id, status: 'IN_PROGRESS' });
    expect(accepted.deviceId).toBe(bobApp.socket.id);

    aliceApp.socket.emit('call:signal', { callId: outbound.id, description: { type: 'offer', sdp: 'v=0 offer' } });
    const offer = await bobApp.next('call:signal');
    expect(offer).toEqual({ callId: incoming.id, description: { type: 'offer', sdp: 'v=0 offer' } });
    bobApp.socket.emit('call:signal', { callId: incoming.id, description: { type: 'answer', sdp: 'v=0 answer' } });
    expect(await aliceApp.next('call:signal')).toEqual({
      callId: outbound.id,
      description: { type: 'answer', sdp: 'v=0 answer' },
    });

    t.clock.advance(61_000);
    const hangup = await callAction(t, bob.accessToken, incoming.id, 'hangup');
    expect(hangup.statusCode, hangup.body).toBe(200);

    const ended = await aliceApp.next('call:ended');
    expect(ended.call).toMatchObject({ status: 'COMPLETED', durationSeconds: 61, billableDurationSeconds: 120 });
    const bobView = await getCall(t, bob.accessToken, incoming.id);
    expect(bobView).toMatchObject({ status: 'COMPLETED', durationSeconds: 61, billableDurationSeconds: 120, cost: 0 });
    expect((await minuteUsageOf(t, alice.id)).map((u) => u.quantity)).toEqual([2]);
    expect((await minuteUsageOf(t, bob.id)).map((u) => u.quantity)).toEqual([2]);
    expect((await listCalls(t, alice.accessToken)).calls.map((c) => c.status)).toEqual(['COMPLETED']);
  });
});
