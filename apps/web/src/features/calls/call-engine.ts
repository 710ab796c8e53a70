import type { Call } from '@commpro/contracts';

/** Where a call's audio stands on this device. */
export type MediaState = 'connecting' | 'connected' | 'failed';

/** The audio of one call on this device, whatever carries it. */
export interface CallMedia {
  /**
   * The call was answered: start the audio. The caller's WebRTC side sends its
   * offer; the Twilio callee picks up the ringing Voice SDK call.
   */
  start(): Promise<void>;
  setMuted(muted: boolean): void;
  /** Holding keeps the microphone closed and the other party silent on this side. */
  setHeld(held: boolean): void;
  /** Keypad tones during the call; only when `canSendDigits`. */
  sendDigits(digits: string): void;
  readonly canSendDigits: boolean;
  /** Plays the other party on the loudspeaker; null when the device has no output to switch to. */
  readonly speaker: SpeakerSwitch | null;
  close(): void;
}

export interface SpeakerSwitch {
  set(on: boolean): Promise<void>;
}

export interface MediaEvents {
  onState: (state: MediaState) => void;
}

/**
 * What places and takes calls' audio: the WebRTC engine (sandbox carrier,
 * app-to-app) or the Twilio Voice SDK. Answering, declining and signalling
 * which device won go through the socket whatever the engine.
 */
export interface CallEngine {
  readonly kind: 'webrtc' | 'twilio';
  /** The audio of an outbound call the server has just created. */
  outgoing(call: Call, events: MediaEvents): Promise<CallMedia>;
  /** Ready to take an inbound call, before this device claims it (the offer may follow at once). */
  incoming(call: Call, events: MediaEvents): Promise<CallMedia>;
  /** An inbound call stopped ringing here (declined, answered elsewhere, ended). */
  dismiss(callId: string): void;
  /**
   * Calls the engine itself hears ringing (the Voice SDK's own ring); the
   * socket's `call:incoming` covers the others. Returns how to stop listening.
   */
  onRing(listener: (ring: EngineRing) => void): () => void;
  dispose(): void;
}

/** A call ringing through the engine: our call's id when the carrier passed it on, and the caller's number. */
export interface EngineRing {
  callId: string | null;
  from: string;
}

/** A call without audio on this device: the sandbox's simulated outside numbers. */
export const SILENT_MEDIA: CallMedia = {
  start: () => Promise.resolve(),
  setMuted: () => undefined,
  setHeld: () => undefined,
  sendDigits: () => undefined,
  canSendDigits: false,
  speaker: null,
  close: () => undefined,
};

/** The microphone was refused or is missing: the call cannot carry our voice. */
export class MicrophoneError extends Error {
  constructor(cause: unknown) {
    super('Microphone unavailable', { cause });
    this.name = 'MicrophoneError';
  }
}

export async function openMicrophone(): Promise<MediaStream> {
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
  } catch (error) {
    throw new MicrophoneError(error);
  }
}
