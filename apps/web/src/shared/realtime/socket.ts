import type { ClientToServerEvents, ServerToClientEvents } from '@commpro/contracts';
import { useSyncExternalStore } from 'react';
import type { Socket } from 'socket.io-client';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let current: AppSocket | null = null;
const listeners = new Set<() => void>();

/**
 * The signed-in Socket.io connection, shared: the shell opens it (app/use-realtime.ts)
 * and features that talk back to the server (calls) emit and listen on it.
 */
export const realtimeSocket = {
  get: (): AppSocket | null => current,
  set(socket: AppSocket | null): void {
    if (current === socket) return;
    current = socket;
    for (const listener of listeners) listener();
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

/** The connection while signed in, null before it is opened and after sign-out. */
export function useSocket(): AppSocket | null {
  return useSyncExternalStore(realtimeSocket.subscribe, realtimeSocket.get, () => null);
}
