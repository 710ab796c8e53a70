import { IsRestoringProvider, onlineManager, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { RouterProvider } from 'react-router';
import { AuthProvider } from '../features/auth/auth-context';
import { ApiError } from '../shared/api/errors';
import { I18nProvider } from '../shared/i18n/i18n';
import { ThemeProvider } from '../shared/theme/theme';
import { ToastProvider } from '../shared/ui/Toast';
import { startOfflineCache } from './offline';
import { router } from './router';
import { listenToServiceWorker } from './service-worker-messages';

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

// TanStack Query assumes online until told otherwise: opened offline, the screens would fail their fetches
// (and show errors over the kept data) instead of waiting for the network.
onlineManager.setOnline(navigator.onLine);
const restored = startOfflineCache(queryClient);
listenToServiceWorker(queryClient, (path) => router.navigate(path));

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

export function App() {
  const restoring = useRestoring();
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
