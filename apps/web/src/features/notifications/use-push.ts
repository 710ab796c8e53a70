import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { getDeviceId, getDeviceName } from '../../shared/api/device';
import { useMe } from '../auth/auth-context';
import { notificationsApi, notificationsKeys } from './api';
import { createPushRegistration, type PushEnvironment, type PushManagerLike } from './push';

/** How long to wait for the service worker before saying push cannot work here (e.g. the dev server has none). */
const WORKER_TIMEOUT_MS = 10_000;

function browserPushEnvironment(): PushEnvironment {
  const supported =
    typeof window !== 'undefined' &&
    'serviceWorker' in navigator &&
    'PushManager' in window &&
    'Notification' in window &&
    window.isSecureContext;
  return {
    supported,
    permission: () => Notification.permission,
    requestPermission: () => Notification.requestPermission(),
    pushManager: () =>
      new Promise<PushManagerLike>((resolve, reject) => {
        const timer = window.setTimeout(() => reject(new Error('No service worker')), WORKER_TIMEOUT_MS);
        void navigator.serviceWorker.ready.then((registration) => {
          window.clearTimeout(timer);
          resolve(registration.pushManager);
        });
      }),
  };
}

/** This browser's push registration (see push.ts). */
export const pushRegistration = createPushRegistration({
  env: browserPushEnvironment(),
  api: notificationsApi,
  storage: localStorage,
  deviceId: getDeviceId,
  deviceName: getDeviceName,
});

/** iPhones and iPads get push only in the app added to the Home Screen (iOS 16.4+), not in a Safari tab. */
export function needsHomeScreen(): boolean {
  const ios = /iPhone|iPad|iPod/.test(navigator.userAgent);
  const standalone =
    window.matchMedia('(display-mode: standalone)').matches ||
    (navigator as Navigator & { standalone?: boolean }).standalone === true;
  return ios && !standalone;
}

const pushStateKey = (userId: string | undefined) => [...notificationsKeys.all, 'push-state', userId ?? ''] as const;

/** Push on this device for the signed-in person: its state, and turning it on or off. */
export function usePushRegistration() {
  const queryClient = useQueryClient();
  const userId = useMe().data?.id;
  const state = useQuery({
    queryKey: pushStateKey(userId),
    queryFn: () => pushRegistration.state(userId ?? ''),
    enabled: Boolean(userId),
    staleTime: Infinity,
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: pushStateKey(userId) });
    void queryClient.invalidateQueries({ queryKey: notificationsKeys.devices });
  };
  const enable = useMutation({
    mutationFn: () => pushRegistration.enable(userId ?? ''),
    onSettled: refresh,
  });
  const disable = useMutation({
    mutationFn: () => pushRegistration.disable(),
    onSettled: refresh,
  });
  return { state: state.data, enable, disable };
}

/**
 * Once signed in: registers again when the browser renewed the subscription
 * (on start, and when the service worker reports a change).
 */
export function usePushSync(): void {
  const queryClient = useQueryClient();
  const userId = useMe().data?.id;
  useEffect(() => {
    if (!userId) return;
    const sync = () => {
      pushRegistration.sync(userId).then(
        () => void queryClient.invalidateQueries({ queryKey: pushStateKey(userId) }),
        () => undefined,
      );
    };
    sync();
    if (!('serviceWorker' in navigator)) return;
    const onMessage = (event: MessageEvent<unknown>) => {
      const data = event.data as { type?: unknown } | null;
      if (data?.type === 'commpro:push-subscription-changed') sync();
    };
    navigator.serviceWorker.addEventListener('message', onMessage);
    return () => navigator.serviceWorker.removeEventListener('message', onMessage);
  }, [userId, queryClient]);
}
