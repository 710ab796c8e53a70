import { IsRestoringProvider, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { RouterProvider } from 'react-router';
import { AuthProvider } from '../features/auth/auth-context';
import { inAppPath } from '../features/notifications/url';
import { ApiError } from '../shared/api/errors';
import { I18nProvider } from '../shared/i18n/i18n';
import { ThemeProvider } from '../shared/theme/theme';
import { ToastProvider } from '../shared/ui/Toast';
import { startOfflineCache } from './offline';
import { router } from './router';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Client errors (401, 404…) will not fix themselves; network and 5xx errors get two more tries.
      retry: (failureCount, error) =>
        failureCount < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      refetchOnWindowFocus: false,
      // Kept for the offline copy (app/offline.ts): a query dropped from memory would be dropped from it too.
      gcTime: 24 * 3600_000,
    },
  },
});

const restored = startOfflineCache(queryClient);

/** While the offline copy is read back, screens wait rather than fetch what is about to be restored. */
function useRestoring(): boolean {
  const [restoring, setRestoring] = useState(true);
  useEffect(() => {
    let live = true;
    void restored.then(() => {
      if (live) setRestoring(false);
    });
    return () => {
      live = false;
    };
  }, []);
  return restoring;
}

/** A notification clicked while the app is open: the service worker asks this window to go to its page. */
function useServiceWorkerNavigation(): void {
  useEffect(() => {
    if (!('serviceWorker' in navigator)) return;
    const container = navigator.serviceWorker;
    const onMessage = (event: MessageEvent<unknown>) => {
      const data = event.data as { type?: unknown; url?: unknown } | null;
      if (data?.type !== 'commpro:navigate') return;
      const path = inAppPath(data.url);
      if (path) void router.navigate(path);
    };
    container.addEventListener('message', onMessage);
    // Messages sent before this listener existed (a notification clicked while the page loaded) are delivered now.
    container.startMessages();
    return () => container.removeEventListener('message', onMessage);
  }, []);
}

export function App() {
  const restoring = useRestoring();
  useServiceWorkerNavigation();
  return (
    <QueryClientProvider client={queryClient}>
      <IsRestoringProvider value={restoring}>
        <I18nProvider>
          <ThemeProvider>
            <ToastProvider>
              <AuthProvider>
                <RouterProvider router={router} />
              </AuthProvider>
            </ToastProvider>
          </ThemeProvider>
        </I18nProvider>
      </IsRestoringProvider>
    </QueryClientProvider>
  );
}
