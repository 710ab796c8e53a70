import type { Call, CallAck, CallSignal, IceServer } from '@commpro/contracts';
import type { AppSocket } from '../../shared/realtime/socket';
import {
  openMicrophone,
  SILENT_MEDIA,
  type CallEngine,
  type CallMedia,
  type MediaEvents,
  type SpeakerSwitch,
} from './call-engine';
import { speakerSwitchFor } from './speaker';

/** A socket command refused by the server (ack `{ ok: false }`). */
export class CallCommandError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'CallCommandError';
    this.code = code;
  }
}

/** Emits a call command and waits for the server's acknowledgement, refusals as CallCommandError. */
export function command(
  socket: AppSocket,
  event: 'call:join' | 'call:accept' | 'call:decline',
  callId: string,
  timeoutMs = 10_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.timeout(timeoutMs).emit(event, { callId }, (error: Error | null, ack: CallAck) => {
      if (error) reject(new CallCommandError('TIMEOUT', 'The server did not answer'));
      else if (ack.ok) resolve();
      else reject(new CallCommandError(ack.code, ack.message));
    });
  });
}

/**
 * Calls between two lines of this instance: a direct RTCPeerConnection between
 * the two apps, signalled through the server. The caller offers once the callee
 * has answered; each side trickles its ICE candidates.
 */
export class WebRtcCallEngine implements CallEngine {
  readonly kind = 'webrtc';

  constructor(
    private readonly socket: AppSocket,
    private readonly iceServers: IceServer[],
  ) {}

  async outgoing(call: Call, events: MediaEvents): Promise<CallMedia> {
    if (call.audio !== 'WEBRTC') return SILENT_MEDIA;
    const microphone = await openMicrophone();
    try {
      // From now on this socket receives the call's signalling.
      await command(this.socket, 'call:join', call.id);
    } catch (error) {
      stopTracks(microphone);
      throw error;
    }
    return new PeerMedia(this.socket, call.id, this.iceServers, microphone, 'caller', events);
  }

  async incoming(call: Call, events: MediaEvents): Promise<CallMedia> {
    if (call.audio !== 'WEBRTC') return SILENT_MEDIA;
    return new PeerMedia(this.socket, call.id, this.iceServers, await openMicrophone(), 'callee', events);
  }

  // Nothing rings here but the screen, and its rings come through the socket.
  dismiss(): void {}

  onRing(): () => void {
    return () => undefined;
  }

  dispose(): void {}
}

function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}

type Role = 'caller' | 'callee';

class PeerMedia implements CallMedia {
  private readonly pc: RTCPeerConnection;
  private readonly audio: HTMLAudioElement;
  private readonly pending: RTCIceCandidateInit[] = [];
  // Signals are applied one after the other: a candidate must wait for the description before it.
  private chain: Promise<void> = Promise.resolve();
  private muted = false;
  private held = false;
  private closed = false;
  readonly speaker: SpeakerSwitch | null;

  constructor(
    private readonly socket: AppSocket,
    private readonly callId: string,
    iceServers: IceServer[],
    private readonly microphone: MediaStream,
    private readonly role: Role,
    private readonly events: MediaEvents,
  ) {
    this.pc = new RTCPeerConnection({ iceServers });
    for (const track of microphone.getAudioTracks()) this.pc.addTrack(track, microphone);
    this.audio = document.createElement('audio');
    this.audio.autoplay = true;
    this.audio.hidden = true;
    document.body.append(this.audio);
    this.speaker = speakerSwitchFor(this.audio);

    this.pc.addEventListener('icecandidate', ({ candidate }) => {
      // A null or empty candidate only marks the end of gathering.
      if (!candidate?.candidate) return;
      const { sdpMid, sdpMLineIndex, usernameFragment } = candidate.toJSON();
      this.socket.emit('call:signal', {
        callId: this.callId,
        candidate: { candidate: candidate.candidate, sdpMid, sdpMLineIndex, usernameFragment },
      });
    });
    this.pc.addEventListener('track', (event) => {
      this.audio.srcObject = event.streams[0] ?? new MediaStream([event.track]);
    });
    this.pc.addEventListener('connectionstatechange', () => {
      if (this.pc.connectionState === 'connected') this.events.onState('connected');
      else if (this.pc.connectionState === 'failed') this.events.onState('failed');
    });
    this.socket.on('call:signal', this.onSignal);
  }

  private readonly onSignal = (signal: CallSignal) => {
    if (signal.callId !== this.callId || this.closed) return;
    this.chain = this.chain.then(() => this.apply(signal)).catch(() => this.events.onState('failed'));
  };

  private async apply(signal: CallSignal): Promise<void> {
    if (signal.description) {
      await this.pc.setRemoteDescription(signal.description);
      for (const candidate of this.pending.splice(0)) await this.pc.addIceCandidate(candidate);
      if (signal.description.type === 'offer') {
        const answer = await this.pc.createAnswer();
        await this.pc.setLocalDescription(answer);
        this.sendDescription();
      }
    } else if (signal.candidate) {
      if (this.pc.remoteDescription) await this.pc.addIceCandidate(signal.candidate);
      else this.pending.push(signal.candidate);
    }
  }

  private sendDescription(): void {
    const local = this.pc.localDescription;
    if (!local || (local.type !== 'offer' && local.type !== 'answer')) return;
    this.socket.emit('call:signal', { callId: this.callId, description: { type: local.type, sdp: local.sdp } });
  }

  async start(): Promise<void> {
    if (this.role !== 'caller' || this.closed) return;
    this.events.onState('connecting');
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    this.sendDescription();
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    this.applyMicrophone();
  }

  setHeld(held: boolean): void {
    this.held = held;
    this.audio.muted = held;
    this.applyMicrophone();
  }

  private applyMicrophone(): void {
    for (const track of this.microphone.getAudioTracks()) track.enabled = !this.muted && !this.held;
  }

  get canSendDigits(): boolean {
    return Boolean(this.dtmf()?.canInsertDTMF);
  }

  sendDigits(digits: string): void {
    this.dtmf()?.insertDTMF(digits);
  }

  private dtmf(): RTCDTMFSender | null {
    return this.pc.getSenders().find((sender) => sender.track?.kind === 'audio')?.dtmf ?? null;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.off('call:signal', this.onSignal);
    this.pc.close();
    stopTracks(this.microphone);
    this.audio.srcObject = null;
    this.audio.remove();
  }
}
