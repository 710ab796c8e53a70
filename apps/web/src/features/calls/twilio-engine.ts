import type { Call } from '@commpro/contracts';
import { Call as VoiceCall, Device } from '@twilio/voice-sdk';
import type { CallEngine, CallMedia, EngineRing, MediaEvents, SpeakerSwitch } from './call-engine';
import { pickOutput } from './speaker';

export interface TwilioEngineDeps {
  token: string;
  /** A fresh Voice SDK token, before the current one expires. */
  refreshToken: () => Promise<string>;
}

/**
 * Calls through Twilio's Voice SDK: the audio goes through Twilio, whoever the
 * other party is. Outbound calls join the conference of the call the server
 * created (`callId`); inbound calls ring the SDK, which this engine announces.
 * Loaded only with a `twilio` voice token (see create-engine.ts).
 */
export class TwilioCallEngine implements CallEngine {
  readonly kind = 'twilio';
  private readonly device: Device;
  /** Calls ringing the SDK, until answered, declined or gone. */
  private readonly ringing = new Map<VoiceCall, EngineRing>();
  private readonly ringListeners = new Set<(ring: EngineRing) => void>();

  constructor(private readonly deps: TwilioEngineDeps) {
    this.device = new Device(deps.token, {
      codecPreferences: [VoiceCall.Codec.Opus, VoiceCall.Codec.PCMU],
      // The app's own screens ring; the SDK's tones would ring a second time.
      sounds: {},
      closeProtection: true,
    });
    this.device.on('incoming', (call: VoiceCall) => this.onIncoming(call));
    this.device.on('tokenWillExpire', () => {
      deps.refreshToken().then(
        (token) => this.device.updateToken(token),
        () => undefined,
      );
    });
  }

  /** Registers the device so inbound calls ring it. */
  static async start(deps: TwilioEngineDeps): Promise<TwilioCallEngine> {
    const engine = new TwilioCallEngine(deps);
    await engine.device.register();
    return engine;
  }

  private onIncoming(call: VoiceCall): void {
    const ring: EngineRing = {
      callId: call.customParameters.get('callId') ?? null,
      from: call.parameters.From ?? '',
    };
    this.ringing.set(call, ring);
    const forget = () => this.ringing.delete(call);
    call.on('cancel', forget);
    call.on('reject', forget);
    call.on('disconnect', forget);
    for (const listener of this.ringListeners) listener(ring);
  }

  /** The SDK call ringing for our call: by its id when Twilio passed it on, else by the caller's number. */
  private ringingFor(call: Call): VoiceCall | undefined {
    for (const [voiceCall, ring] of this.ringing) {
      if (ring.callId === call.id || (ring.callId === null && ring.from === call.from)) return voiceCall;
    }
    return undefined;
  }

  async outgoing(call: Call, events: MediaEvents): Promise<CallMedia> {
    const voiceCall = await this.device.connect({ params: { callId: call.id } });
    return new TwilioMedia(voiceCall, this.device, events, 'caller');
  }

  async incoming(call: Call, events: MediaEvents): Promise<CallMedia> {
    const voiceCall = this.ringingFor(call);
    if (!voiceCall) throw new Error('This call no longer rings on this device');
    this.ringing.delete(voiceCall);
    return new TwilioMedia(voiceCall, this.device, events, 'callee');
  }

  /** Rings known only by the caller's number are stopped by Twilio itself when the server ends the call. */
  dismiss(callId: string): void {
    for (const [voiceCall, ring] of this.ringing) {
      if (ring.callId !== callId) continue;
      voiceCall.reject();
      this.ringing.delete(voiceCall);
    }
  }

  onRing(listener: (ring: EngineRing) => void): () => void {
    this.ringListeners.add(listener);
    return () => this.ringListeners.delete(listener);
  }

  dispose(): void {
    this.ringListeners.clear();
    this.device.destroy();
  }
}

class TwilioMedia implements CallMedia {
  private muted = false;
  private held = false;
  readonly speaker: SpeakerSwitch | null;

  constructor(
    private readonly call: VoiceCall,
    device: Device,
    private readonly events: MediaEvents,
    private readonly role: 'caller' | 'callee',
  ) {
    call.on('accept', () => events.onState('connected'));
    call.on('error', () => events.onState('failed'));
    const audio = device.audio;
    this.speaker =
      audio?.isOutputSelectionSupported === true
        ? {
            async set(on) {
              await audio.speakerDevices.set(pickOutput([...audio.availableOutputDevices.values()], on) || 'default');
            },
          }
        : null;
  }

  /** The callee picks up the SDK's ringing call once the server has given it this device. */
  async start(): Promise<void> {
    if (this.role === 'callee') {
      this.events.onState('connecting');
      this.call.accept();
    }
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    this.call.mute(this.muted || this.held);
  }

  /** Twilio holds the other party in the conference (server side); here the microphone closes. */
  setHeld(held: boolean): void {
    this.held = held;
    this.call.mute(this.muted || this.held);
  }

  readonly canSendDigits = true;

  sendDigits(digits: string): void {
    this.call.sendDigits(digits);
  }

  close(): void {
    this.call.disconnect();
  }
}
