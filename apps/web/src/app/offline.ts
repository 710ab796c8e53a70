import type { QueryClient, QueryKey } from '@tanstack/react-query';
import { authSession } from '../shared/api/client';
import { idbQueriesStore } from '../shared/offline/idb-store';
import { persistQueries, restoreQueries, type PersistenceOptions } from '../shared/offline/query-persistence';
import { outbox } from '../features/messages/use-outbox';
import { forgetRecentMessages } from '../features/messages/cache';
import { pushRegistration } from '../features/notifications/use-push';

/** Raised when the shape of kept data changes, so an older copy is not read as the new shape. */
const CACHE_VERSION = 1;
const WEEK_MS = 7 * 24 * 3600_000;

/**
 * What is readable offline: the person, their lines, conversations and
 * threads, calls, contacts and notifications. Not searches, billing or
 * anything short-lived (voice tokens, push state).
 */
export function isKeptOffline(queryKey: QueryKey): boolean {
  const [root, part] = queryKey;
  switch (root) {
    case 'auth':
      return part === 'me';
    case 'numbers':
      return part === 'mine';
    case 'messages':
    case 'calls':
    case 'contacts':
      return true;
    case 'notifications':
      return part === 'list' || part === 'unread';
    default:
      return false;
  }
}

const store = idbQueriesStore();
const options: PersistenceOptions = {
  buster: `${__APP_VERSION__}:${CACHE_VERSION}`,
  shouldPersist: isKeptOffline,
  // Only while someone is signed in on this device: the kept data holds their messages.
  enabled: () => authSession.hasSession(),
  maxAgeMs: WEEK_MS,
};

/** A reload, a closed tab or an app sent to the background: the moments the last changes must be written. */
function onPageHidden(flush: () => void): () => void {
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') flush();
  };
  window.addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', onVisibility);
  return () => {
    window.removeEventListener('pagehide', flush);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}

/**
 * Puts the last-seen data back before the screens fetch, then keeps it up to
 * date. Resolves once restored (the app shows no screen data before that).
 */
export function startOfflineCache(queryClient: QueryClient): Promise<void> {
  const restored = restoreQueries(queryClient, store, options);
  // Only after restoring: writing the still-empty cache first would erase what was kept.
  void restored.then(() => persistQueries(queryClient, store, { ...options, flushWhen: onPageHidden }));
  return restored;
}

/**
 * Signing out, here or in another tab, leaves nothing of the person on the
 * device: the kept data, the messages waiting to be sent, the push subscription.
 */
authSession.subscribe((event) => {
  if (event.type !== 'signed-out') return;
  outbox.clear();
  forgetRecentMessages();
  void store.remove().catch(() => undefined);
  void pushRegistration.forget().catch(() => undefined);
});
