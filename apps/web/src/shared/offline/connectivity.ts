import { useSyncExternalStore } from 'react';

/**
 * - `online`: the browser has a network and the realtime connection is up (or not needed yet).
 * - `offline`: the browser says it has no network.
 * - `reconnecting`: the network is there but the realtime connection has been down for a while.
 */
export type ConnectivityStatus = 'online' | 'offline' | 'reconnecting';

export interface ConnectivityDeps {
  /** The browser's own idea (navigator.onLine) at start. */
  initiallyOnline: boolean;
  /** A socket down for less than this is a blip (a deploy, a network switch): not worth a banner. */
  graceMs?: number;
  setTimer?: (fn: () => void, ms: number) => () => void;
}

/**
 * What the app knows about its connection: the browser's online/offline
 * events, and whether the realtime socket is connected. The socket tells us
 * more than navigator.onLine, which stays true behind a dead Wi-Fi.
 */
export function createConnectivity(deps: ConnectivityDeps) {
  const graceMs = deps.graceMs ?? 4000;
  const setTimer =
    deps.setTimer ??
    ((fn: () => void, ms: number) => {
      const id = setTimeout(fn, ms);
      return () => clearTimeout(id);
    });
  let browserOnline = deps.initiallyOnline;
  let socketLost = false;
  let cancelGrace: (() => void) | null = null;
  let status: ConnectivityStatus = compute();
  const listeners = new Set<() => void>();

  function compute(): ConnectivityStatus {
    if (!browserOnline) return 'offline';
    return socketLost ? 'reconnecting' : 'online';
  }

  function update(): void {
    const next = compute();
    if (next === status) return;
    status = next;
    for (const listener of listeners) listener();
  }

  return {
    status: (): ConnectivityStatus => status,
    isOnline: (): boolean => status === 'online',
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setBrowserOnline(online: boolean): void {
      browserOnline = online;
      update();
    },
    /** `null`: no socket (signed out), so nothing is lost. */
    setSocketConnected(connected: boolean | null): void {
      cancelGrace?.();
      cancelGrace = null;
      if (connected === false) {
        cancelGrace = setTimer(() => {
          cancelGrace = null;
          socketLost = true;
          update();
        }, graceMs);
        return;
      }
      socketLost = false;
      update();
    },
  };
}

/** The app's one connectivity store, fed by the browser's events here and by the socket (app/use-realtime.ts). */
export const connectivity = createConnectivity({
  initiallyOnline: typeof navigator === 'undefined' ? true : navigator.onLine,
});

if (typeof window !== 'undefined') {
  window.addEventListener('online', () => connectivity.setBrowserOnline(true));
  window.addEventListener('offline', () => connectivity.setBrowserOnline(false));
}

export function useConnectivity(): ConnectivityStatus {
  return useSyncExternalStore(connectivity.subscribe, connectivity.status, () => 'online');
}
