import { dehydrate, QueryClient, QueryObserver } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';
import { persistQueries, restoreQueries, type PersistedQueries, type PersistenceOptions } from './query-persistence';

function memoryStore(initial?: PersistedQueries) {
  let value = initial;
  return {
    load: vi.fn(async () => value),
    save: vi.fn(async (next: PersistedQueries) => {
      value = next;
    }),
    remove: vi.fn(async () => {
      value = undefined;
    }),
    get value() {
      return value;
    },
  };
}

const NOW = 1_800_000_000_000;

function options(extra: Partial<PersistenceOptions> = {}): PersistenceOptions {
  return {
    buster: 'v1',
    shouldPersist: (key) => key[0] === 'messages',
    enabled: () => true,
    maxAgeMs: 60_000,
    now: () => NOW,
    ...extra,
  };
}

describe('query persistence', () => {
  it('keeps only the chosen, successful queries, and puts them back in a new session', async () => {
    vi.useFakeTimers();
    const store = memoryStore();
    const first = new QueryClient();
    const stop = persistQueries(first, store, { ...options(), throttleMs: 100 });
    first.setQueryData(['messages', 'thread', 'a', 'b'], { messages: ['hello'] });
    first.setQueryData(['billing', 'plans'], { plans: [] });
    await vi.advanceTimersByTimeAsync(150);
    stop();
    vi.useRealTimers();
    expect(store.save).toHaveBeenCalledTimes(1);
    expect(store.value?.state.queries.map((query) => query.queryKey)).toEqual([['messages', 'thread', 'a', 'b']]);

    const next = new QueryClient();
    await restoreQueries(next, store, options());
    expect(next.getQueryData(['messages', 'thread', 'a', 'b'])).toEqual({ messages: ['hello'] });
    expect(next.getQueryData(['billing', 'plans'])).toBeUndefined();
  });

  it('has a screen read a kept query again, whatever its staleTime: the copy may predate a last change', async () => {
    const store = memoryStore({
      buster: 'v1',
      savedAt: NOW,
      state: (() => {
        const before = new QueryClient();
        before.setQueryData(['messages', 'thread', 'a', 'b'], { messages: ['before the edit'] });
        return dehydrate(before);
      })(),
    });
    const next = new QueryClient();
    await restoreQueries(next, store, options());
    const queryFn = vi.fn(async () => ({ messages: ['after the edit'] }));
    const observer = new QueryObserver(next, {
      queryKey: ['messages', 'thread', 'a', 'b'],
      queryFn,
      staleTime: 60_000,
    });
    // The kept copy shows at once…
    expect(observer.getCurrentResult().data).toEqual({ messages: ['before the edit'] });
    const unsubscribe = observer.subscribe(() => undefined);
    // …and the server's answer replaces it.
    await vi.waitFor(() =>
      expect(next.getQueryData(['messages', 'thread', 'a', 'b'])).toEqual({ messages: ['after the edit'] }),
    );
    unsubscribe();
    expect(queryFn).toHaveBeenCalledTimes(1);
  });

  it('writes the last changes at once when the page goes away, not after the throttle', async () => {
    const store = memoryStore();
    const queryClient = new QueryClient();
    let hide: () => void = () => undefined;
    const stop = persistQueries(queryClient, store, {
      ...options(),
      throttleMs: 60_000,
      flushWhen: (flush) => {
        hide = flush;
        return () => undefined;
      },
    });
    queryClient.setQueryData(['messages', 'thread', 'a', 'b'], { messages: ['just arrived'] });
    expect(store.save).not.toHaveBeenCalled();
    hide();
    stop();
    expect(store.save).toHaveBeenCalledTimes(1);
    expect(store.value?.state.queries).toHaveLength(1);
  });

  it('drops what another build wrote, or what is too old', async () => {
    const state = { mutations: [], queries: [] };
    const otherBuild = memoryStore({ buster: 'v0', savedAt: NOW, state });
    await restoreQueries(new QueryClient(), otherBuild, options());
    expect(otherBuild.remove).toHaveBeenCalled();
    const stale = memoryStore({ buster: 'v1', savedAt: NOW - 120_000, state });
    await restoreQueries(new QueryClient(), stale, options());
    expect(stale.remove).toHaveBeenCalled();
  });

  it('keeps nothing while nobody is signed in (message text must not outlive the session)', async () => {
    vi.useFakeTimers();
    const store = memoryStore({ buster: 'v1', savedAt: NOW, state: { mutations: [], queries: [] } });
    const queryClient = new QueryClient();
    await restoreQueries(queryClient, store, options({ enabled: () => false }));
    expect(store.load).not.toHaveBeenCalled();
    expect(store.value).toBeUndefined();

    const stop = persistQueries(queryClient, store, { ...options({ enabled: () => false }), throttleMs: 10 });
    queryClient.setQueryData(['messages', 'thread'], { messages: ['secret'] });
    await vi.advanceTimersByTimeAsync(20);
    stop();
    vi.useRealTimers();
    expect(store.save).not.toHaveBeenCalled();
    expect(store.value).toBeUndefined();
  });

  it('starts empty when the kept copy cannot be read', async () => {
    const store = memoryStore();
    store.load.mockRejectedValueOnce(new Error('IndexedDB unavailable'));
    await expect(restoreQueries(new QueryClient(), store, options())).resolves.toBeUndefined();
    expect(store.remove).toHaveBeenCalled();
  });
});
