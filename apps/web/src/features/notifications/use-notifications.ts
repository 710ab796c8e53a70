import type { Notification } from '@commpro/contracts';
import {
  mutationOptions,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import { notificationsApi, notificationsKeys, type NotificationFilter } from './api';
import { markAllReadInCache, markReadInCache, nextOffset, removeFromCache, syncUnread } from './cache';

/** The centre's list, newest first, a page at a time. */
export function useNotificationList(filter: NotificationFilter) {
  const queryClient = useQueryClient();
  return useInfiniteQuery({
    queryKey: notificationsKeys.list(filter),
    queryFn: async ({ pageParam }) => {
      const page = await notificationsApi.list({ filter, offset: pageParam });
      syncUnread(queryClient, page);
      return page;
    },
    initialPageParam: 0,
    getNextPageParam: (_last, pages) => nextOffset(pages),
  });
}

/** The bell's number: every unread notification, whatever the centre shows. */
export function useUnreadCount(): number {
  const unread = useQuery({
    queryKey: notificationsKeys.unread,
    queryFn: async () => (await notificationsApi.list({ filter: 'unread', offset: 0, limit: 1 })).unread,
    staleTime: 60_000,
  });
  return unread.data ?? 0;
}

/** Server and screen may disagree after a failed write: ask the server again. */
function refetchAll(queryClient: QueryClient) {
  void queryClient.invalidateQueries({ queryKey: notificationsKeys.lists });
  void queryClient.invalidateQueries({ queryKey: notificationsKeys.unread });
}

/** Read as soon as it is opened: the screen does not wait for the server. */
export const markReadMutation = (queryClient: QueryClient) =>
  mutationOptions({
    mutationFn: (notification: Pick<Notification, 'id'>) => notificationsApi.markRead(notification.id),
    onMutate: (notification) => markReadInCache(queryClient, notification.id),
    onError: () => refetchAll(queryClient),
  });

export const markAllReadMutation = (queryClient: QueryClient) =>
  mutationOptions({
    mutationFn: () => notificationsApi.markAllRead(),
    onMutate: () => markAllReadInCache(queryClient),
    onError: () => refetchAll(queryClient),
  });

export const removeNotificationMutation = (queryClient: QueryClient) =>
  mutationOptions({
    mutationFn: (notification: Pick<Notification, 'id'>) => notificationsApi.remove(notification.id),
    onSuccess: (_result, notification) => removeFromCache(queryClient, notification.id),
  });

export function useMarkRead() {
  return useMutation(markReadMutation(useQueryClient()));
}

export function useMarkAllRead() {
  return useMutation(markAllReadMutation(useQueryClient()));
}

export function useRemoveNotification() {
  return useMutation(removeNotificationMutation(useQueryClient()));
}
