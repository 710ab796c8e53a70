import { dehydrate, hydrate, type DehydratedState, type QueryClient, type QueryKey } from '@tanstack/react-query';

/** What is kept on the device between visits: the readable part of the query cache. */
export interface PersistedQueries {
  /** The app build that wrote it: another build may shape its data differently, so it starts afresh. */
  buster: string;
  savedAt: number;
  state: DehydratedState;
}

export interface PersistedQueriesStore {
  load(): Promise<PersistedQueries | undefined>;
  save(value: PersistedQueries): Promise<void>;
  remove(): Promise<void>;
}

export interface PersistenceOptions {
  buster: string;
  /** Which queries are worth keeping (read offline); the rest are fetched again. */
  shouldPersist: (queryKey: QueryKey) => boolean;
  /** False while nobody is signed in: nothing is written, and what was kept is removed (it holds message text). */
  enabled: () => boolean;
  /** How long kept data stays worth showing. */
  maxAgeMs: number;
  now?: () => number;
}

/**
 * Puts the kept queries back into the cache, before the screens fetch, marked
 * stale. Data too old, from another build, or kept while nobody was signed in
 * is dropped.
 */
export async function restoreQueries(
  queryClient: QueryClient,
  store: PersistedQueriesStore,
  options: PersistenceOptions,
): Promise<void> {
  const now = options.now ?? Date.now;
  try {
    if (!options.enabled()) {
      await store.remove();
      return;
    }
    const kept = await store.load();
    if (!kept) return;
    if (kept.buster !== options.buster || now() - kept.savedAt > options.maxAgeMs) {
      await store.remove();
      return;
    }
    hydrate(queryClient, kept.state);
    // Shown at once, read again as soon as a screen uses them: the copy may be older than its save time says
    // (a change made just before a reload can miss the last write), and a query's staleTime must not keep it.
    for (const query of kept.state.queries) {
      await queryClient.invalidateQueries({ queryKey: query.queryKey, exact: true, refetchType: 'none' });
    }
  } catch {
    // Unreadable (a private window, a full disk, another shape): start with an empty cache.
    await store.remove().catch(() => undefined);
  }
}

/**
 * Keeps the chosen queries on the device as they change, at most once per
 * `throttleMs`. Returns a function that stops it.
 */
export function persistQueries(
  queryClient: QueryClient,
  store: PersistedQueriesStore,
  options: PersistenceOptions & {
    throttleMs?: number;
    /** Calls `flush` when the page goes away, so the last changes are written rather than waiting for the throttle. */
    flushWhen?: (flush: () => void) => () => void;
  },
): () => void {
  const now = options.now ?? Date.now;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const write = () => {
    timer = undefined;
    if (!options.enabled()) {
      void store.remove().catch(() => undefined);
      return;
    }
    const state = dehydrate(queryClient, {
      shouldDehydrateQuery: (query) => query.state.status === 'success' && options.shouldPersist(query.queryKey),
      shouldDehydrateMutation: () => false,
    });
    void store.save({ buster: options.buster, savedAt: now(), state }).catch(() => undefined);
  };

  const unsubscribe = queryClient.getQueryCache().subscribe((event) => {
    if (event.type !== 'added' && event.type !== 'removed' && event.type !== 'updated') return;
    timer ??= setTimeout(write, options.throttleMs ?? 500);
  });
  const stopFlushing = options.flushWhen?.(() => {
    if (timer === undefined) return;
    clearTimeout(timer);
    write();
  });
  return () => {
    unsubscribe();
    stopFlushing?.();
    if (timer !== undefined) clearTimeout(timer);
  };
}
