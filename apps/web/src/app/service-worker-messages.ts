import { MutationObserver, type QueryClient } from '@tanstack/react-query';
import { inAppPath } from '../features/notifications/url';
import { markReadMutation } from '../features/notifications/use-notifications';

export interface WorkerMessageActions {
  currentPath(): string;
  navigate(path: string): void;
  markRead(id: string): void;
}

/**
 * A notification was clicked (public/sw.js): go to its page unless already
 * there (a window opened on it), and mark it read. Anything else is ignored.
 */
export function onWorkerMessage(data: unknown, actions: WorkerMessageActions): void {
  if (!data || typeof data !== 'object') return;
  const message = data as { type?: unknown; url?: unknown; id?: unknown };
  if (message.type !== 'commpro:notification-click') return;
  const path = inAppPath(message.url);
  if (path && path !== actions.currentPath()) actions.navigate(path);
  if (typeof message.id === 'string' && message.id) actions.markRead(message.id);
}

/**
 * Listens from the start, before React renders: a window opened by a click
 * gets its message as soon as the page has loaded, and it must not be lost.
 */
export function listenToServiceWorker(
  queryClient: QueryClient,
  navigate: (path: string) => Promise<void> | void,
): void {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  const actions: WorkerMessageActions = {
    currentPath: () => `${location.pathname}${location.search}${location.hash}`,
    navigate: (path) => void navigate(path),
    markRead: (id) =>
      void new MutationObserver(queryClient, markReadMutation(queryClient)).mutate({ id }).catch(() => {
        // Signed out, or offline: it stays unread in the centre.
      }),
  };
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent<unknown>) =>
    onWorkerMessage(event.data, actions),
  );
  navigator.serviceWorker.startMessages();
}
