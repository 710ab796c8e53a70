import type { Call, InitiateCallBody, InitiateCallResponse, SuccessResponse } from '@commpro/contracts';
import type { AppSocket } from '../../shared/realtime/socket';
import { MicrophoneError, SILENT_MEDIA, type CallEngine, type CallMedia, type MediaState } from './call-engine';
import { isFinal } from './format';
import { command } from './webrtc-engine';

/**
 * Where the call on screen stands: `calling` until the other side answers,
 * `connecting` while the audio is set up, `connected`, then `ended` for a moment.
 */
export type CallPhase = 'calling' | 'connecting' | 'connected' | 'ended';

export interface ActiveCall {
  /** This device's leg, as the server last described it. */
  call: Call;
  phase: CallPhase;
  muted: boolean;
  onHold: boolean;
  speaker: boolean;
  canUseSpeaker: boolean;
  canSendDigits: boolean;
}

export interface RingingCall {
  call: Call;
  /** This device is claiming it (waiting for the server's answer). */
  answering: boolean;
}

/** Something to tell the person once, e.g. another device took the call. */
export type CallNotice =
  'ANSWERED_ELSEWHERE' | 'MICROPHONE' | 'CALL_FAILED' | 'MUTE_FAILED' | 'HOLD_FAILED' | 'HANGUP_FAILED';

export interface CallsSnapshot {
  active: ActiveCall | null;
  /** Inbound calls ringing on this device, oldest first. */
  ringing: RingingCall[];
  notice: { id: number; code: CallNotice } | null;
}

export interface CallControllerDeps {
  socket: AppSocket;
  api: {
    initiate: (body: InitiateCallBody) => Promise<InitiateCallResponse>;
    hangup: (id: string) => Promise<SuccessResponse>;
    mute: (id: string, muted: boolean) => Promise<SuccessResponse>;
    hold: (id: string, onHold: boolean) => Promise<SuccessResponse>;
  };
  /** The engine for this account's voice token, loaded on first need. */
  engine: () => Promise<CallEngine>;
  /** How long the ended call stays on screen. */
  endedMs?: number;
}

const EMPTY: CallsSnapshot = { active: null, ringing: [], notice: null };

/**
 * The calls of this device: the one in progress and those ringing. Follows the
 * server's socket events, drives the engine's audio, and publishes a snapshot
 * for the screens (useSyncExternalStore).
 */
export class CallController {
  private snapshot: CallsSnapshot = EMPTY;
  private readonly listeners = new Set<() => void>();
  private media: Promise<CallMedia> | null = null;
  private endedTimer: ReturnType<typeof setTimeout> | undefined;
  private noticeId = 0;
  private readonly endedMs: number;
  private readonly detach: () => void;

  constructor(private readonly deps: CallControllerDeps) {
    this.endedMs = deps.endedMs ?? 4000;
    const { socket } = deps;
    const onIncoming = ({ call }: { call: Call }) => this.onIncoming(call);
    const onAccepted = ({ call, deviceId }: { call: Call; deviceId: string }) => this.onAccepted(call, deviceId);
    const onUpdated = ({ call }: { call: Call }) => this.onUpdated(call);
    const onGone = ({ call }: { call: Call }) => this.onGone(call);
    socket.on('call:incoming', onIncoming);
    socket.on('call:accepted', onAccepted);
    socket.on('call:updated', onUpdated);
    socket.on('call:declined', onGone);
    socket.on('call:ended', onGone);
    this.detach = () => {
      socket.off('call:incoming', onIncoming);
      socket.off('call:accepted', onAccepted);
      socket.off('call:updated', onUpdated);
      socket.off('call:declined', onGone);
      socket.off('call:ended', onGone);
    };
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): CallsSnapshot => this.snapshot;

  private set(next: Partial<CallsSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...next };
    for (const listener of this.listeners) listener();
  }

  private patchActive(callId: string, patch: Partial<ActiveCall>): void {
    const active = this.snapshot.active;
    if (active?.call.id === callId) this.set({ active: { ...active, ...patch } });
  }

  private notify(code: CallNotice): void {
    this.set({ notice: { id: ++this.noticeId, code } });
  }

  /** True while a call is in progress on this device (not just ending). */
  get busy(): boolean {
    const active = this.snapshot.active;
    return Boolean(active && active.phase !== 'ended');
  }

  /** Places a call; the API's refusal (plan limit, bad number) is thrown for the dialer to show. */
  async dial(body: InitiateCallBody): Promise<Call> {
    if (this.busy) await this.hangup();
    const engine = await this.deps.engine();
    const { call } = await this.deps.api.initiate(body);
    this.show(call, 'calling');
    const media = engine.outgoing(call, { onState: (state) => this.onMediaState(call.id, state) }).then(
      (ready) => {
        this.onMediaReady(call.id, ready);
        return ready;
      },
      (error: unknown) => {
        // No audio without a microphone: the call ends rather than ringing the other side in silence.
        this.notify(error instanceof MicrophoneError ? 'MICROPHONE' : 'CALL_FAILED');
        void this.hangup();
        return SILENT_MEDIA;
      },
    );
    this.media = media;
    return call;
  }

  /** Answers a ringing call on this device (ending the one in progress, if any). */
  async accept(callId: string): Promise<void> {
    const ringing = this.snapshot.ringing.find((item) => item.call.id === callId);
    if (!ringing || ringing.answering) return;
    if (this.busy) await this.hangup();
    this.setRinging(callId, { answering: true });
    let media: CallMedia | null = null;
    try {
      const engine = await this.deps.engine();
      // Listening for the offer before claiming the call: it may follow the acknowledgement at once.
      media = await engine.incoming(ringing.call, { onState: (state) => this.onMediaState(callId, state) });
      await command(this.deps.socket, 'call:accept', callId);
    } catch (error) {
      media?.close();
      this.dropRinging(callId);
      if (error instanceof MicrophoneError) {
        this.notify('MICROPHONE');
        void command(this.deps.socket, 'call:decline', callId).catch(() => undefined);
      } else {
        this.notify(hasCode(error, 'ALREADY_ANSWERED') ? 'ANSWERED_ELSEWHERE' : 'CALL_FAILED');
      }
      return;
    }
    const call = this.snapshot.ringing.find((item) => item.call.id === callId)?.call ?? ringing.call;
    this.dropRinging(callId);
    this.show(call, 'connecting');
    this.media = Promise.resolve(media);
    this.onMediaReady(callId, media);
    await media.start();
  }

  async decline(callId: string): Promise<void> {
    this.dropRinging(callId);
    void this.deps.engine().then(
      (engine) => engine.dismiss(callId),
      () => undefined,
    );
    await command(this.deps.socket, 'call:decline', callId).catch(() => undefined);
  }

  /** Ends the call in progress; its final figures follow with `call:ended`. */
  async hangup(): Promise<void> {
    const active = this.snapshot.active;
    if (!active || active.phase === 'ended') return;
    this.end(active.call);
    try {
      await this.deps.api.hangup(active.call.id);
    } catch {
      this.notify('HANGUP_FAILED');
    }
  }

  async toggleMute(): Promise<void> {
    const active = this.snapshot.active;
    if (!active || active.phase === 'ended') return;
    const muted = !active.muted;
    // The microphone closes at once; the server records it for the other devices and the history.
    this.patchActive(active.call.id, { muted });
    void this.media?.then((media) => media.setMuted(muted));
    try {
      await this.deps.api.mute(active.call.id, muted);
    } catch (error) {
      // Twilio calls the carrier cannot mute for us stay muted by the app alone.
      if (hasCode(error, 'CALL_CONTROL_UNAVAILABLE')) return;
      this.patchActive(active.call.id, { muted: !muted });
      void this.media?.then((media) => media.setMuted(!muted));
      this.notify('MUTE_FAILED');
    }
  }

  async toggleHold(): Promise<void> {
    const active = this.snapshot.active;
    if (!active || active.phase === 'ended') return;
    const onHold = !active.onHold;
    this.patchActive(active.call.id, { onHold });
    void this.media?.then((media) => media.setHeld(onHold));
    try {
      await this.deps.api.hold(active.call.id, onHold);
    } catch {
      this.patchActive(active.call.id, { onHold: !onHold });
      void this.media?.then((media) => media.setHeld(!onHold));
      this.notify('HOLD_FAILED');
    }
  }

  async toggleSpeaker(): Promise<void> {
    const active = this.snapshot.active;
    const media = await this.media;
    if (!active || !media?.speaker) return;
    const speaker = !active.speaker;
    await media.speaker.set(speaker);
    this.patchActive(active.call.id, { speaker });
  }

  sendDigits(digits: string): void {
    void this.media?.then((media) => {
      if (media.canSendDigits) media.sendDigits(digits);
    });
  }

  /** Closes the ended call's screen before its time. */
  dismissEnded(): void {
    if (this.snapshot.active?.phase === 'ended') this.clearActive();
  }

  dispose(): void {
    this.detach();
    clearTimeout(this.endedTimer);
    void this.media?.then(
      (media) => media.close(),
      () => undefined,
    );
    this.media = null;
    this.listeners.clear();
  }

  private show(call: Call, phase: CallPhase): void {
    clearTimeout(this.endedTimer);
    this.set({
      active: {
        call,
        phase,
        muted: call.muted,
        onHold: call.onHold,
        speaker: false,
        canUseSpeaker: false,
        canSendDigits: false,
      },
    });
  }

  private onMediaReady(callId: string, media: CallMedia): void {
    if (this.snapshot.active?.call.id !== callId || this.snapshot.active.phase === 'ended') {
      media.close();
      return;
    }
    this.patchActive(callId, { canUseSpeaker: media.speaker !== null, canSendDigits: media.canSendDigits });
  }

  private onMediaState(callId: string, state: MediaState): void {
    const active = this.snapshot.active;
    if (active?.call.id !== callId || active.phase === 'ended') return;
    if (state === 'connected') {
      void this.media?.then((media) =>
        this.patchActive(callId, { phase: 'connected', canSendDigits: media.canSendDigits }),
      );
    } else if (state === 'failed') {
      this.notify('CALL_FAILED');
      void this.hangup();
    }
  }

  /** A call the engine heard ringing, once the server's record of it is known. */
  ring(call: Call): void {
    this.onIncoming(call);
  }

  private onIncoming(call: Call): void {
    if (isFinal(call) || this.snapshot.ringing.some((item) => item.call.id === call.id)) return;
    this.set({ ringing: [...this.snapshot.ringing, { call, answering: false }] });
  }

  private onAccepted(call: Call, deviceId: string): void {
    const ringing = this.snapshot.ringing.find((item) => item.call.id === call.id);
    if (ringing) {
      if (ringing.answering && deviceId === this.deps.socket.id) {
        // Ours, ahead of the acknowledgement: keep the answered call (answeredAt) for accept() to show.
        this.setRinging(call.id, { call });
      } else {
        // Answered on another of my devices: stop ringing here.
        this.dropRinging(call.id);
        void this.deps.engine().then(
          (engine) => engine.dismiss(call.id),
          () => undefined,
        );
      }
      return;
    }
    const active = this.snapshot.active;
    if (active?.call.id !== call.id || active.phase === 'ended') return;
    this.set({ active: { ...active, call, phase: active.phase === 'connected' ? 'connected' : 'connecting' } });
    // The callee took my call: the caller's side starts the audio.
    if (call.direction === 'OUTBOUND') {
      void this.media?.then((media) => media.start()).catch(() => this.onMediaState(call.id, 'failed'));
    }
  }

  private onUpdated(call: Call): void {
    if (this.snapshot.ringing.some((item) => item.call.id === call.id)) this.setRinging(call.id, { call });
    const active = this.snapshot.active;
    if (active?.call.id !== call.id || active.phase === 'ended') return;
    // Without WebRTC audio here, the carrier's word is all there is: in progress means connected.
    const connected = call.audio === 'CARRIER' && call.status === 'IN_PROGRESS';
    this.set({
      active: {
        ...active,
        call,
        muted: call.muted,
        onHold: call.onHold,
        phase: connected ? 'connected' : active.phase,
      },
    });
  }

  /** `call:declined` and `call:ended`: the call is over for this device. */
  private onGone(call: Call): void {
    if (this.snapshot.ringing.some((item) => item.call.id === call.id)) {
      this.dropRinging(call.id);
      void this.deps.engine().then(
        (engine) => engine.dismiss(call.id),
        () => undefined,
      );
    }
    const active = this.snapshot.active;
    if (active?.call.id !== call.id) return;
    if (active.phase === 'ended') {
      // The final figures (duration, reason) arrive after a hang-up from here.
      this.set({ active: { ...active, call } });
      return;
    }
    this.end(call);
  }

  private end(call: Call): void {
    const active = this.snapshot.active;
    if (!active) return;
    void this.media?.then(
      (media) => media.close(),
      () => undefined,
    );
    this.media = null;
    this.set({ active: { ...active, call, phase: 'ended' } });
    clearTimeout(this.endedTimer);
    this.endedTimer = setTimeout(() => this.clearActive(), this.endedMs);
  }

  private clearActive(): void {
    clearTimeout(this.endedTimer);
    this.set({ active: null });
  }

  private setRinging(callId: string, patch: Partial<RingingCall>): void {
    this.set({
      ringing: this.snapshot.ringing.map((item) => (item.call.id === callId ? { ...item, ...patch } : item)),
    });
  }

  private dropRinging(callId: string): void {
    if (!this.snapshot.ringing.some((item) => item.call.id === callId)) return;
    this.set({ ringing: this.snapshot.ringing.filter((item) => item.call.id !== callId) });
  }
}

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}
