import { useEffect, useSyncExternalStore } from 'react';
import { useSocket, type AppSocket } from '../../shared/realtime/socket';
import { callsApi } from './api';
import { CallController, type CallsSnapshot } from './call-controller';
import type { CallEngine } from './call-engine';
import { createCallEngine } from './create-engine';
import { ringingCallOf } from './engine-rings';

let current: CallController | null = null;
const listeners = new Set<() => void>();

function setController(controller: CallController | null): void {
  current = controller;
  for (const listener of listeners) listener();
}

/** Loads the engine once; a failed load is tried again on next use. */
function engineLoader(socket: AppSocket): { get: () => Promise<CallEngine>; dispose: () => void } {
  let loading: Promise<CallEngine> | null = null;
  const get = () => {
    loading ??= callsApi
      .token()
      .then((token) => createCallEngine(token, { socket, fetchToken: callsApi.token }))
      .catch((error: unknown) => {
        loading = null;
        throw error;
      });
    return loading;
  };
  return {
    get,
    dispose: () => {
      void loading?.then(
        (engine) => engine.dispose(),
        () => undefined,
      );
    },
  };
}

/** Runs this device's calls while the socket is open; mounted once, in the app shell. */
export function useCallRuntime(): void {
  const socket = useSocket();
  useEffect(() => {
    if (!socket) return;
    const engine = engineLoader(socket);
    const controller = new CallController({ socket, api: callsApi, engine: engine.get });
    let stopRings: (() => void) | undefined;
    let stopped = false;
    // Loaded at once rather than at the first call: the Twilio engine must register to hear calls ring.
    engine.get().then(
      (loaded) => {
        if (stopped) return;
        stopRings = loaded.onRing((ring) => {
          void ringingCallOf(ring, callsApi).then(
            (call) => call && controller.ring(call),
            () => undefined,
          );
        });
      },
      () => undefined,
    );
    setController(controller);
    return () => {
      stopped = true;
      stopRings?.();
      setController(null);
      controller.dispose();
      engine.dispose();
    };
  }, [socket]);
}

/** The calls controller, null while signed out or before the socket opens. */
export function useCallController(): CallController | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
    () => null,
  );
}

const IDLE: CallsSnapshot = { active: null, ringing: [], notice: null };
const noop = () => () => undefined;

/** What the call screens show: the call in progress and those ringing. */
export function useCallsState(): CallsSnapshot {
  const controller = useCallController();
  return useSyncExternalStore(controller?.subscribe ?? noop, controller?.getSnapshot ?? (() => IDLE), () => IDLE);
}
