/**
 * Socket.io event names and payloads, `noun:verb`. The server emits to the
 * room `user:<id>`; a later module adds its events here.
 */
import type { Call, CallAck, CallSignal } from './calls.js';
import type { Message, MessageStatus } from './messaging.js';
import type { Notification } from './notifications.js';

export interface ServerToClientEvents {
  /** `reason` SUSPENDED: an operator suspended the account (the app says so rather than "ended elsewhere"). */
  'session:revoked': (payload: { sessionId: string; reason?: 'SUSPENDED' }) => void;
  'message:new': (message: Message) => void;
  'message:status': (payload: {
    id: string;
    conversationId: string;
    status: MessageStatus;
    failure: Message['failure'];
    at: string;
  }) => void;
  /** An inbound call rings on every connected app of the user. */
  'call:incoming': (payload: { call: Call }) => void;
  /**
   * The call was answered. `deviceId` is the answering socket: the user's other
   * apps stop ringing; the caller's app starts the WebRTC offer.
   */
  'call:accepted': (payload: { call: Call; deviceId: string }) => void;
  /** The callee declined; the caller's app ends the call, the callee's other apps stop ringing. */
  'call:declined': (payload: { call: Call }) => void;
  /** Anything else that changed on a live call: ringing, connected through the carrier, mute, hold. */
  'call:updated': (payload: { call: Call }) => void;
  /** The call is over, with its final status, duration and (for a missed call) why. */
  'call:ended': (payload: { call: Call }) => void;
  /** The other app's SDP or ICE candidate, for the app holding this call. */
  'call:signal': (signal: CallSignal) => void;
  /** A new notification for the centre and the bell's badge. */
  'notification:new': (notification: Notification) => void;
}

type Acknowledged<T> = (payload: T, ack: (result: CallAck) => void) => void;

export interface ClientToServerEvents {
  /** The caller's app takes its outbound call: it receives that call's signalling from now on. */
  'call:join': Acknowledged<{ callId: string }>;
  /** Answers a ringing inbound call on this device; the first device to answer wins. */
  'call:accept': Acknowledged<{ callId: string }>;
  'call:decline': Acknowledged<{ callId: string }>;
  /** An SDP or ICE candidate for the other app; only a device holding the call may send it. */
  'call:signal': (signal: CallSignal) => void;
}

export const userRoom = (userId: string): string => `user:${userId}`;
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;
/** The device holding one leg of a call: the signalling for that leg goes there. */
export const callRoom = (callId: string): string => `call:${callId}`;
