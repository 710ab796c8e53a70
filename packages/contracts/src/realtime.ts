/**
 * Socket.io event names and payloads, `noun:verb`. The server emits to the
 * room `user:<id>`; a later module adds its events here.
 */
import type { Message, MessageStatus } from './messaging.js';

export interface ServerToClientEvents {
  'session:revoked': (payload: { sessionId: string }) => void;
  'message:new': (message: Message) => void;
  'message:status': (payload: {
    id: string;
    conversationId: string;
    status: MessageStatus;
    failure: Message['failure'];
    at: string;
  }) => void;
}

export type ClientToServerEvents = Record<string, never>;

export const userRoom = (userId: string): string => `user:${userId}`;
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;
