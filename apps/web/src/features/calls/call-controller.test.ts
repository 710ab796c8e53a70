import type { Call, CallAck } from '@commpro/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppSocket } from '../../shared/realtime/socket';
import { CallController } from './call-controller';
import { MicrophoneError, type CallEngine, type CallMedia, type MediaEvents } from './call-engine';

const MY_LEG = '00000000-0000-4000-8000-000000000001';
const THEIR_LEG = '00000000-0000-4000-8000-000000000002';

const call = (patch: Partial<Call> = {}): Call => ({
  id: MY_LEG,
  contactId: null,
  contact: null,
  from: '+33612345678',
  to: '+33698765432',
  direction: 'OUTBOUND',
  status: 'RINGING',
  audio: 'WEBRTC',
  missed: null,
  failure: null,
  muted: false,
  onHold: false,
  peerOnHold: false,
  startedAt: '2026-03-12T10:00:00.000Z',
  answeredAt: null,
  endedAt: null,
  durationSeconds: 0,
  billableDurationSeconds: 0,
  cost: null,
  costCurrency: 'EUR',
  recordingUrl: null,
  createdAt: '2026-03-12T10:00:00.000Z',
  ...patch,
});

/** The server side of the socket: what the app emitted, and events pushed to it. */
class FakeSocket {
  id = 'this-device';
  log: string[] = [];
  acks: Partial<Record<string, CallAck>> = {};
  private handlers = new Map<string, Set<(payload: unknown) => void>>();

  on(event: string, handler: (payload: unknown) => void) {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event)!.add(handler);
    return this;
  }
  off(event: string, handler: (payload: unknown) => void) {
    this.handlers.get(event)?.delete(handler);
    return this;
  }
  emit(event: string) {
    this.log.push(event);
    return this;
  }
  timeout() {
    return {
      emit: (event: string, _payload: unknown, ack: (error: Error | null, result: CallAck) => void) => {
        this.log.push(event);
        queueMicrotask(() => ack(null, this.acks[event] ?? { ok: true }));
      },
    };
  }
  push(event: string, payload: unknown) {
    for (const handler of this.handlers.get(event) ?? []) handler(payload);
  }
  listeners(event: string) {
    return this.handlers.get(event)?.size ?? 0;
  }
}

function fakeMedia(log: string[]): CallMedia & { events?: MediaEvents } {
  return {
    start: vi.fn(async () => void log.push('media:start')),
    setMuted: vi.fn((muted: boolean) => void log.push(`media:muted=${muted}`)),
    setHeld: vi.fn((held: boolean) => void log.push(`media:held=${held}`)),
    sendDigits: vi.fn(),
    canSendDigits: true,
    speaker: null,
    close: vi.fn(() => void log.push('media:close')),
  };
}

function setup() {
  const socket = new FakeSocket();
  const media = fakeMedia(socket.log);
  let events: MediaEvents | undefined;
  const engine: CallEngine = {
    kind: 'webrtc',
    outgoing: vi.fn(async (_call: Call, e: MediaEvents) => {
      events = e;
      return media;
    }),
    incoming: vi.fn(async (_call: Call, e: MediaEvents) => {
      socket.log.push('media:prepare');
      events = e;
      return media;
    }),
    dismiss: vi.fn(),
    onRing: () => () => undefined,
    dispose: vi.fn(),
  };
  const api = {
    initiate: vi.fn(async () => ({ callId: MY_LEG, twilioCallSid: null, status: 'RINGING' as const, call: call() })),
    hangup: vi.fn(async () => ({ success: true })),
    mute: vi.fn(async () => ({ success: true })),
    hold: vi.fn(async () => ({ success: true })),
  };
  const controller = new CallController({
    socket: socket as unknown as AppSocket,
    api,
    engine: async () => engine,
    endedMs: 1000,
  });
  return { socket, media, engine, api, controller, mediaEvents: () => events! };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('an outbound call', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
  afterEach(() => vi.useRealTimers());

  it('rings, starts the audio when answered, connects, then ends and goes away', async () => {
    const { socket, media, controller, mediaEvents } = setup();
    await controller.dial({ from: '+33612345678', to: '+33698765432' });
    expect(controller.getSnapshot().active).toMatchObject({ phase: 'calling', call: { id: MY_LEG } });

    const answeredAt = '2026-03-12T10:00:05.000Z';
    socket.push('call:accepted', { call: call({ status: 'IN_PROGRESS', answeredAt }), deviceId: 'their-device' });
    await vi.waitFor(() => expect(media.start).toHaveBeenCalled());
    expect(controller.getSnapshot().active).toMatchObject({ phase: 'connecting', call: { answeredAt } });

    mediaEvents().onState('connected');
    await vi.waitFor(() => expect(controller.getSnapshot().active?.phase).toBe('connected'));

    socket.push('call:ended', { call: call({ status: 'COMPLETED', answeredAt, durationSeconds: 42 }) });
    expect(controller.getSnapshot().active).toMatchObject({ phase: 'ended', call: { durationSeconds: 42 } });
    await vi.waitFor(() => expect(media.close).toHaveBeenCalled());
    vi.advanceTimersByTime(1000);
    expect(controller.getSnapshot().active).toBeNull();
  });

  it('ends at once without a microphone, hanging up the call it placed', async () => {
    const { engine, api, controller } = setup();
    vi.mocked(engine.outgoing).mockRejectedValueOnce(new MicrophoneError(new Error('denied')));
    await controller.dial({ from: '+33612345678', to: '+33698765432' });
    await vi.waitFor(() => expect(api.hangup).toHaveBeenCalledWith(MY_LEG));
    expect(controller.getSnapshot().notice?.code).toBe('MICROPHONE');
    expect(controller.getSnapshot().active?.phase).toBe('ended');
  });

  it('closes the microphone on mute before the server confirms, and reopens it when the server refuses', async () => {
    const { socket, api, controller } = setup();
    await controller.dial({ from: '+33612345678', to: '+33698765432' });
    socket.push('call:accepted', { call: call({ status: 'IN_PROGRESS' }), deviceId: 'their-device' });
    let refuse: (error: Error) => void = () => undefined;
    api.mute.mockImplementationOnce(() => new Promise((_resolve, reject) => (refuse = reject)));

    const muting = controller.toggleMute();
    expect(controller.getSnapshot().active?.muted).toBe(true);
    await vi.waitFor(() => expect(socket.log).toContain('media:muted=true'));
    refuse(new Error('offline'));
    await muting;
    expect(controller.getSnapshot().active?.muted).toBe(false);
    await vi.waitFor(() => expect(socket.log).toContain('media:muted=false'));
    expect(controller.getSnapshot().notice?.code).toBe('MUTE_FAILED');
  });
});

describe('an inbound call', () => {
  it('rings until another of my devices answers it', async () => {
    const { socket, engine, controller } = setup();
    const inbound = call({ id: THEIR_LEG, direction: 'INBOUND' });
    socket.push('call:incoming', { call: inbound });
    expect(controller.getSnapshot().ringing).toHaveLength(1);
    socket.push('call:accepted', { call: { ...inbound, status: 'IN_PROGRESS' }, deviceId: 'my-other-device' });
    expect(controller.getSnapshot().ringing).toHaveLength(0);
    await flush();
    expect(engine.dismiss).toHaveBeenCalledWith(THEIR_LEG);
  });

  it('is ready for the offer before claiming the call, and keeps the answer time sent before the acknowledgement', async () => {
    const { socket, controller } = setup();
    const inbound = call({ id: THEIR_LEG, direction: 'INBOUND' });
    socket.push('call:incoming', { call: inbound });
    const answeredAt = '2026-03-12T10:00:05.000Z';
    const originalTimeout = socket.timeout.bind(socket);
    socket.timeout = () => ({
      emit: (event, payload, ack) => {
        // The server tells every device who answered before it acknowledges.
        socket.push('call:accepted', {
          call: { ...inbound, status: 'IN_PROGRESS', answeredAt },
          deviceId: 'this-device',
        });
        originalTimeout().emit(event, payload, ack);
      },
    });

    await controller.accept(THEIR_LEG);
    expect(socket.log.indexOf('media:prepare')).toBeLessThan(socket.log.indexOf('call:accept'));
    expect(controller.getSnapshot().ringing).toHaveLength(0);
    expect(controller.getSnapshot().active).toMatchObject({ phase: 'connecting', call: { answeredAt } });
  });

  it('says so when another device answered first, and lets go of the microphone', async () => {
    const { socket, media, controller } = setup();
    socket.acks['call:accept'] = { ok: false, code: 'ALREADY_ANSWERED', message: 'Answered elsewhere' };
    socket.push('call:incoming', { call: call({ id: THEIR_LEG, direction: 'INBOUND' }) });
    await controller.accept(THEIR_LEG);
    expect(media.close).toHaveBeenCalled();
    expect(controller.getSnapshot()).toMatchObject({
      active: null,
      ringing: [],
      notice: { code: 'ANSWERED_ELSEWHERE' },
    });
  });

  it('stops ringing when the caller hangs up', () => {
    const { socket, controller } = setup();
    const inbound = call({ id: THEIR_LEG, direction: 'INBOUND' });
    socket.push('call:incoming', { call: inbound });
    socket.push('call:ended', { call: { ...inbound, status: 'CANCELLED' } });
    expect(controller.getSnapshot().ringing).toHaveLength(0);
  });
});

it('stops listening to the socket when disposed', () => {
  const { socket, controller } = setup();
  expect(socket.listeners('call:incoming')).toBe(1);
  controller.dispose();
  expect(socket.listeners('call:incoming')).toBe(0);
  expect(socket.listeners('call:ended')).toBe(0);
});
