import type { Notification, NotificationList } from '@commpro/contracts';
import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import { notificationsKeys } from './api';

export type NotificationPages = InfiniteData<NotificationList, number>;

/** Every notification loaded in the centre, all filters together (an id appears once). */
function loaded(queryClient: QueryClient): Map<string, Notification> {
  const byId = new Map<string, Notification>();
  for (const [, data] of queryClient.getQueriesData<NotificationPages>({ queryKey: notificationsKeys.lists })) {
    for (const page of data?.pages ?? []) for (const item of page.notifications) byId.set(item.id, item);
  }
  return byId;
}

function updateLists(queryClient: QueryClient, update: (page: NotificationList, index: number) => NotificationList) {
  queryClient.setQueriesData<NotificationPages>({ queryKey: notificationsKeys.lists }, (data) =>
    data ? { ...data, pages: data.pages.map(update) } : data,
  );
}

export function unreadCount(queryClient: QueryClient): number {
  return queryClient.getQueryData<number>(notificationsKeys.unread) ?? 0;
}

function setUnread(queryClient: QueryClient, unread: number): void {
  queryClient.setQueryData<number>(notificationsKeys.unread, Math.max(0, unread));
}

/** The bell follows what the server last said (every page of the list carries the unread count). */
export function syncUnread(queryClient: QueryClient, list: Pick<NotificationList, 'unread'>): void {
  setUnread(queryClient, list.unread);
}

/** A new notification (from the socket): on top of the centre, and one more on the bell when unread. */
export function addNotification(queryClient: QueryClient, notification: Notification): void {
  if (loaded(queryClient).has(notification.id)) return;
  for (const [queryKey, data] of queryClient.getQueriesData<NotificationPages>({ queryKey: notificationsKeys.lists })) {
    if (!data) continue;
    const unreadOnly = queryKey[2] === 'unread';
    if (unreadOnly && notification.read) continue;
    queryClient.setQueryData<NotificationPages>(queryKey, {
      ...data,
      pages: data.pages.map((page, index) => ({
        ...page,
        notifications: index === 0 ? [notification, ...page.notifications] : page.notifications,
        total: page.total + 1,
      })),
    });
  }
  if (!notification.read) setUnread(queryClient, unreadCount(queryClient) + 1);
}

/** Marks one read in every list; the bell loses one when it was unread. */
export function markReadInCache(queryClient: QueryClient, id: string): void {
  const known = loaded(queryClient).get(id);
  if (known?.read) return;
  const readAt = new Date().toISOString();
  updateLists(queryClient, (page) => ({
    ...page,
    notifications: page.notifications.map((item) => (item.id === id ? { ...item, read: true, readAt } : item)),
  }));
  if (known) setUnread(queryClient, unreadCount(queryClient) - 1);
  else void queryClient.invalidateQueries({ queryKey: notificationsKeys.unread });
}

export function markAllReadInCache(queryClient: QueryClient): void {
  const readAt = new Date().toISOString();
  updateLists(queryClient, (page) => ({
    ...page,
    unread: 0,
    notifications: page.notifications.map((item) => (item.read ? item : { ...item, read: true, readAt })),
  }));
  setUnread(queryClient, 0);
}

export function removeFromCache(queryClient: QueryClient, id: string): void {
  const known = loaded(queryClient).get(id);
  queryClient.setQueriesData<NotificationPages>({ queryKey: notificationsKeys.lists }, (data) => {
    if (!data?.pages.some((page) => page.notifications.some((item) => item.id === id))) return data;
    return {
      ...data,
      pages: data.pages.map((page) => ({
        ...page,
        notifications: page.notifications.filter((item) => item.id !== id),
        total: Math.max(0, page.total - 1),
      })),
    };
  });
  if (known && !known.read) setUnread(queryClient, unreadCount(queryClient) - 1);
}

/**
 * The next page starts after everything loaded: a notification arriving or
 * deleted meanwhile moves the server's offsets and ours alike.
 */
export function nextOffset(pages: NotificationList[]): number | undefined {
  const last = pages.at(-1);
  if (!last || last.notifications.length === 0) return undefined;
  const loadedCount = pages.reduce((sum, page) => sum + page.notifications.length, 0);
  return loadedCount < last.total ? loadedCount : undefined;
}
