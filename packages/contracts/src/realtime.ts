/**
 * Socket.io event names and payloads, `noun:verb`. The server emits to the
 * room `user:<id>`; a later module adds its events here.
 */
export interface ServerToClientEvents {
  'session:revoked': (payload: { sessionId: string }) => void;
}

export type ClientToServerEvents = Record<string, never>;

export const userRoom = (userId: string): string => `user:${userId}`;
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;
