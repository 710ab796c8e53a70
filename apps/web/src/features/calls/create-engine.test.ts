import type { Call, VoiceToken } from '@commpro/contracts';
import { describe, expect, it, vi } from 'vitest';
import type { AppSocket } from '../../shared/realtime/socket';
import type { EngineRing } from './call-engine';
import { createCallEngine } from './create-engine';
import { ringingCallOf } from './engine-rings';

type Handler = (...args: unknown[]) => void;

/** A stand-in for the Voice SDK: what the engine asks of the Device and its calls. */
const sdk = vi.hoisted(() => {
  class FakeEmitter {
    handlers = new Map<string, Handler[]>();
    on(event: string, handler: Handler) {
      this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
      return this;
    }
    fire(event: string, ...args: unknown[]) {
      for (const handler of this.handlers.get(event) ?? []) handler(...args);
    }
  }
  class FakeVoiceCall extends FakeEmitter {
    customParameters: Map<string, string>;
    parameters: Record<string, string>;
    accept = vi.fn();
    reject = vi.fn();
    mute = vi.fn();
    sendDigits = vi.fn();
    disconnect = vi.fn();
    constructor(parameters: Record<string, string> = {}, custom: Record<string, string> = {}) {
      super();
      this.parameters = parameters;
      this.customParameters = new Map(Object.entries(custom));
    }
  }
  class FakeDevice extends FakeEmitter {
    static instances: FakeDevice[] = [];
    audio = null;
    register = vi.fn(async () => undefined);
    updateToken = vi.fn();
    destroy = vi.fn();
    connect = vi.fn(async () => new FakeVoiceCall());
    constructor(
      public token: string,
      public options: unknown,
    ) {
      super();
      FakeDevice.instances.push(this);
    }
  }
  return { loaded: false, FakeDevice, FakeVoiceCall };
});

vi.mock('@twilio/voice-sdk', () => {
  sdk.loaded = true;
  return { Device: sdk.FakeDevice, Call: { Codec: { Opus: 'opus', PCMU: 'pcmu' } } };
});

const socket = { on: vi.fn(), off: vi.fn(), emit: vi.fn() } as unknown as AppSocket;
const webrtcToken: VoiceToken = { provider: 'webrtc', identity: 'u1', iceServers: [], ringTimeoutSeconds: 30 };
const twilioToken: VoiceToken = {
  provider: 'twilio',
  identity: 'u1',
  token: 'jwt-1',
  expiresAt: '2026-03-12T11:00:00.000Z',
};
const call = (patch: Partial<Call>): Call =>
  ({ id: 'c1', from: '+33611111111', to: '+33622222222', direction: 'INBOUND', status: 'RINGING', ...patch }) as Call;
const events = { onState: vi.fn() };

describe('createCallEngine', () => {
  it('takes app-to-app calls over WebRTC with a webrtc token, without loading the Voice SDK', async () => {
    const engine = await createCallEngine(webrtcToken, { socket, fetchToken: vi.fn() });
    expect(engine.kind).toBe('webrtc');
    expect(sdk.loaded).toBe(false);
  });

  it('registers a Voice SDK device with a twilio token, and renews the token before it expires', async () => {
    const fetchToken = vi.fn(async () => ({ ...twilioToken, token: 'jwt-2' }));
    const engine = await createCallEngine(twilioToken, { socket, fetchToken });
    expect(engine.kind).toBe('twilio');
    expect(sdk.loaded).toBe(true);
    const device = sdk.FakeDevice.instances.at(-1)!;
    expect(device.token).toBe('jwt-1');
    expect(device.register).toHaveBeenCalled();

    device.fire('tokenWillExpire');
    await vi.waitFor(() => expect(device.updateToken).toHaveBeenCalledWith('jwt-2'));
  });
});

describe('the Twilio engine', () => {
  async function start() {
    const engine = await createCallEngine(twilioToken, { socket, fetchToken: vi.fn() });
    return { engine, device: sdk.FakeDevice.instances.at(-1)! };
  }

  it('places a call by joining the call the server created', async () => {
    const { engine, device } = await start();
    const media = await engine.outgoing(call({ id: 'c9', direction: 'OUTBOUND' }), events);
    expect(device.connect).toHaveBeenCalledWith({ params: { callId: 'c9' } });
    media.setMuted(true);
    const voiceCall = (await device.connect.mock.results[0]!.value) as InstanceType<typeof sdk.FakeVoiceCall>;
    expect(voiceCall.mute).toHaveBeenLastCalledWith(true);
  });

  it('announces the SDK’s rings and answers the one the person accepts', async () => {
    const { engine, device } = await start();
    const rings: EngineRing[] = [];
    engine.onRing((ring) => rings.push(ring));
    const withId = new sdk.FakeVoiceCall({ From: '+33611111111' }, { callId: 'c1' });
    const withoutId = new sdk.FakeVoiceCall({ From: '+33633333333' });
    device.fire('incoming', withId);
    device.fire('incoming', withoutId);
    expect(rings).toEqual([
      { callId: 'c1', from: '+33611111111' },
      { callId: null, from: '+33633333333' },
    ]);

    const media = await engine.incoming(call({ id: 'c2', from: '+33633333333' }), events);
    expect(withoutId.accept).not.toHaveBeenCalled();
    await media.start();
    expect(withoutId.accept).toHaveBeenCalled();

    engine.dismiss('c1');
    expect(withId.reject).toHaveBeenCalled();
    await expect(engine.incoming(call({ id: 'c1' }), events)).rejects.toThrow();
  });
});

describe('ringingCallOf', () => {
  const ringing = call({ id: 'c3', from: '+33644444444' });
  const api = {
    get: vi.fn(async (id: string) => call({ id })),
    list: vi.fn(async () => ({
      calls: [call({ id: 'old', status: 'COMPLETED', from: '+33644444444' }), ringing],
      total: 2,
    })),
  };

  it('reads the call by the id the carrier passed on', async () => {
    expect(await ringingCallOf({ callId: 'c7', from: '+33644444444' }, api)).toMatchObject({ id: 'c7' });
  });

  it('without one, finds the inbound call from that number still ringing', async () => {
    expect(await ringingCallOf({ callId: null, from: '+33644444444' }, api)).toBe(ringing);
    expect(api.list).toHaveBeenCalledWith({ direction: 'INBOUND', limit: 10 });
    expect(await ringingCallOf({ callId: null, from: '+33600000000' }, api)).toBeNull();
  });
});
