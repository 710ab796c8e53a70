import { z } from 'zod';
import { Pagination } from './common.js';
import { ContactRef } from './contact-ref.js';
import { PhoneNumberInput } from './numbers.js';

export const CallDirection = z.enum(['INBOUND', 'OUTBOUND']);
export type CallDirection = z.infer<typeof CallDirection>;
export const CallStatus = z.enum([
  'QUEUED',
  'RINGING',
  'IN_PROGRESS',
  'COMPLETED',
  'FAILED',
  'BUSY',
  'NO_ANSWER',
  'CANCELLED',
]);
export type CallStatus = z.infer<typeof CallStatus>;

/** Statuses after which nothing more happens on a call. */
export const FINAL_CALL_STATUSES: readonly CallStatus[] = ['COMPLETED', 'FAILED', 'BUSY', 'NO_ANSWER', 'CANCELLED'];

/** An inbound call nobody answered: the seed's `MISSED` filter. */
export const MISSED_CALL_STATUSES: readonly CallStatus[] = ['NO_ANSWER', 'BUSY', 'CANCELLED'];

/**
 * Why an inbound call was missed. The first complaint of people using phone
 * apps is a call that never rang, so every missed call says which of these it was.
 */
export const MissedReason = z.enum([
  /** None of the user's apps was connected while it rang. */
  'NO_DEVICE_ONLINE',
  /** Declined on one of the user's devices. */
  'DECLINED',
  /** It rang on at least one device until the ring timeout. */
  'NOT_ANSWERED',
  /** The caller hung up while it rang. */
  'CALLER_HUNG_UP',
  /** The plan's minutes were used up, so it was not put through. */
  'PLAN_LIMIT',
]);
export type MissedReason = z.infer<typeof MissedReason>;

/**
 * How the call's audio reaches this app: `WEBRTC` is a direct peer connection
 * to the other user's app (two lines of this instance, sandbox carrier),
 * signalled over Socket.io; `CARRIER` is audio through the carrier (Twilio's
 * Voice SDK, or none for the sandbox's simulated outside world).
 */
export const CallAudio = z.enum(['WEBRTC', 'CARRIER']);
export type CallAudio = z.infer<typeof CallAudio>;

export const Call = z.object({
  id: z.uuid(),
  contactId: z.uuid().nullable(),
  /** The contact saved for the other party's number, if any. */
  contact: ContactRef.nullable(),
  from: z.string(),
  to: z.string(),
  direction: CallDirection,
  status: CallStatus,
  audio: CallAudio,
  /** For a missed inbound call: why, with a sentence a person understands. */
  missed: z.object({ reason: MissedReason, message: z.string() }).nullable(),
  /** For a failed outbound call: why, in words, with a stable code. */
  failure: z.object({ code: z.string(), reason: z.string() }).nullable(),
  muted: z.boolean(),
  onHold: z.boolean(),
  /** The other party put this call on hold (calls between two apps of this instance). */
  peerOnHold: z.boolean(),
  startedAt: z.iso.datetime().nullable(),
  answeredAt: z.iso.datetime().nullable(),
  endedAt: z.iso.datetime().nullable(),
  /** Seconds connected, from answer to hang-up. */
  durationSeconds: z.number().int(),
  /** Connected time rounded up to the started minute, as billed. */
  billableDurationSeconds: z.number().int(),
  /** Charged beyond the plan's minutes, in EUR; 0 within the allowance, null until the call ends. */
  cost: z.number().nullable(),
  costCurrency: z.string(),
  /** A voicemail left on a missed call (Twilio carrier). */
  recordingUrl: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type Call = z.infer<typeof Call>;

export const CallListQuery = Pagination.extend({
  direction: CallDirection.optional(),
  /** `MISSED` is an inbound call nobody answered (no answer, busy/declined or cancelled). */
  status: z.enum(['COMPLETED', 'MISSED', 'FAILED']).optional(),
  startDate: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  endDate: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
});
export type CallListQuery = z.infer<typeof CallListQuery>;

export const CallList = z.object({ calls: z.array(Call), total: z.number().int() });
export type CallList = z.infer<typeof CallList>;

export const InitiateCallBody = z.object({ from: PhoneNumberInput, to: PhoneNumberInput });
export type InitiateCallBody = z.infer<typeof InitiateCallBody>;

export const InitiateCallResponse = z.object({
  callId: z.uuid(),
  /**
   * The carrier's id for the call (the seed's name, whichever carrier runs);
   * null for a call between two apps of this instance, which no carrier carries.
   */
  twilioCallSid: z.string().nullable(),
  status: CallStatus,
  call: Call,
});
export type InitiateCallResponse = z.infer<typeof InitiateCallResponse>;

export const MuteCallBody = z.object({ muted: z.boolean() });
export const HoldCallBody = z.object({ onHold: z.boolean() });

export const IceServer = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof IceServer>;

/**
 * What the app needs to place and take calls. `webrtc`: the app talks to the
 * other app directly (sandbox carrier) through these ICE servers; `twilio`: a
 * Voice SDK access token for `identity`.
 */
export const VoiceToken = z.discriminatedUnion('provider', [
  z.object({
    provider: z.literal('webrtc'),
    identity: z.string(),
    iceServers: z.array(IceServer),
    ringTimeoutSeconds: z.number().int(),
  }),
  z.object({
    provider: z.literal('twilio'),
    identity: z.string(),
    token: z.string(),
    expiresAt: z.iso.datetime(),
  }),
]);
export type VoiceToken = z.infer<typeof VoiceToken>;

/** WebRTC signalling between the two apps of an on-net call, relayed as is by the server. */
export const CallSignal = z
  .object({
    callId: z.uuid(),
    description: z.object({ type: z.enum(['offer', 'answer']), sdp: z.string().max(20_000) }).optional(),
    candidate: z
      .object({
        candidate: z.string().max(1_000),
        sdpMid: z.string().max(64).nullable().optional(),
        sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
        usernameFragment: z.string().max(256).nullable().optional(),
      })
      .optional(),
  })
  .refine((s) => (s.description === undefined) !== (s.candidate === undefined), {
    error: 'Send either a description or a candidate',
  });
export type CallSignal = z.infer<typeof CallSignal>;

/** What a socket call command answers through its acknowledgement. */
export type CallAck = { ok: true } | { ok: false; code: string; message: string };
