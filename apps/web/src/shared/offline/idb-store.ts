import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import type { PersistedQueries, PersistedQueriesStore } from './query-persistence';

const KEY = 'queries';

/** The kept query cache in IndexedDB: it outgrows localStorage's few megabytes once threads pile up. */
export function idbQueriesStore(): PersistedQueriesStore {
  let store: UseStore | null = null;
  // Opened on first use, so that merely importing this never touches IndexedDB.
  const open = () => (store ??= createStore('commpro-offline', 'cache'));
  return {
    load: () => get<PersistedQueries>(KEY, open()),
    save: (value) => set(KEY, value, open()),
    remove: () => del(KEY, open()),
  };
}
