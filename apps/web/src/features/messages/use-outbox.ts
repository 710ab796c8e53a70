import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { browserLock } from '../../shared/api/auth-session';
import { connectivity } from '../../shared/offline/connectivity';
import { messagesApi } from './api';
import { onNewMessage } from './cache';
import { Outbox, OUTBOX_KEY, type OutboxEntry } from './outbox';

/** This device's outbox (see outbox.ts). */
export const outbox = new Outbox({ storage: localStorage, send: messagesApi.send, withLock: browserLock });

// Another tab queued, sent or removed a message: this tab's threads follow.
window.addEventListener('storage', (event) => {
  if (event.key === OUTBOX_KEY || event.key === null) outbox.reload();
});

const EMPTY: readonly OutboxEntry[] = [];

/** The messages of one thread still waiting in the outbox, in the order written, and which are being sent. */
export function useOutboxThread(
  mine: string,
  their: string,
): { entries: readonly OutboxEntry[]; sending: ReadonlySet<string> } {
  const state = useSyncExternalStore(
    (listener) => outbox.subscribe(listener),
    () => outbox.snapshot(),
  );
  const entries = useMemo(() => {
    const mineOnly = state.entries.filter((entry) => entry.from === mine && entry.to === their);
    return mineOnly.length > 0 ? mineOnly : EMPTY;
  }, [state.entries, mine, their]);
  return { entries, sending: state.sending };
}

const FIRST_RETRY_MS = 2000;
const MAX_RETRY_MS = 60_000;

/**
 * Sends the outbox while signed in: at once, whenever a message is queued,
 * when the browser comes back online or the socket reconnects, and after a
 * failure with a growing delay (2 s, 4 s… up to a minute).
 */
export function useOutboxRunner(active: boolean): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!active) return;
    let attempt = 0;
    let timer: number | undefined;
    let stopped = false;

    const run = () => {
      window.clearTimeout(timer);
      timer = undefined;
      if (connectivity.status() === 'offline' || !outbox.hasWaiting()) return;
      void outbox
        .flush((_entry, message) => {
          // Back online, the thread is fetched again at the same time; the cache keeps this message from being
          // lost to a fetch that left before it was stored.
          onNewMessage(queryClient, message);
        })
        .then((result) => {
          if (stopped) return;
          if (result === 'done') {
            attempt = 0;
            return;
          }
          const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** attempt++);
          timer = window.setTimeout(run, delay);
        });
    };

    let status = connectivity.status();
    const offConnectivity = connectivity.subscribe(() => {
      const next = connectivity.status();
      const cameBack = status !== 'online' && next === 'online';
      status = next;
      if (cameBack) {
        attempt = 0;
        run();
      }
    });
    let waiting = outbox.hasWaiting();
    const offOutbox = outbox.subscribe(() => {
      // Only a newly queued (or retried) message starts a send; entries leaving the outbox do not.
      const now = outbox.hasWaiting();
      if (now && !waiting && timer === undefined) run();
      waiting = now;
    });
    run();

    return () => {
      stopped = true;
      window.clearTimeout(timer);
      offConnectivity();
      offOutbox();
    };
  }, [active, queryClient]);
}

/** How many messages wait to be sent (not counting those the server refused). */
export function useWaitingCount(): number {
  const state = useSyncExternalStore(
    (listener) => outbox.subscribe(listener),
    () => outbox.snapshot(),
  );
  return state.entries.filter((entry) => !entry.failure).length;
}
