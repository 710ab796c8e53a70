import type { Notification, NotificationList } from '@commpro/contracts';
import { MutationObserver } from '@tanstack/react-query';
import { createElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { authedRequest } from '../../shared/api/client';
import { renderStatic, testQueryClient } from '../billing/test-render';
import { AuthProvider } from '../auth/auth-context';
import { notificationsKeys } from './api';
import { addNotification, nextOffset, unreadCount, type NotificationPages } from './cache';
import { NotificationsPage } from './NotificationsPage';
import { markAllReadMutation, markReadMutation, removeNotificationMutation } from './use-notifications';

// Modules keep this device's state (push registration, device id) in localStorage, which Node lacks;
// links are checked against the page's origin.
vi.hoisted(() => {
  globalThis.location = { origin: 'http://localhost:3000' } as Location;
  const store = new Map<string, string>([['commpro.locale', 'en']]);
  globalThis.localStorage = {
    getItem: (key: string) => store.get(key) ?? null,
    setItem: (key: string, value: string) => void store.set(key, value),
    removeItem: (key: string) => void store.delete(key),
    clear: () => store.clear(),
    key: (index: number) => [...store.keys()][index] ?? null,
    get length() {
      return store.size;
    },
  };
});

// The API layer is replaced: no request leaves. The session is "resuming", so nothing is fetched while rendering.
vi.mock('../../shared/api/client', () => ({
  authedRequest: vi.fn(),
  publicRequest: vi.fn(),
  authSession: {
    hasSession: () => true,
    subscribe: () => () => undefined,
    getAccessToken: () => new Promise(() => {}),
  },
}));

afterEach(() => {
  vi.mocked(authedRequest).mockReset();
});

function notification(n: number, extra: Partial<Notification> = {}): Notification {
  return {
    id: `00000000-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`,
    type: 'MESSAGE_RECEIVED',
    title: `New message from contact ${n}`,
    body: `Preview ${n}`,
    url: `/messages/%2B3363998540${n}?from=%2B33639985941`,
    data: null,
    read: false,
    readAt: null,
    pushSent: true,
    createdAt: new Date(Date.now() - n * 60_000).toISOString(),
    ...extra,
  };
}

const missed = notification(1, {
  type: 'CALL_MISSED',
  title: 'Missed call from Hélène Martin',
  body: null,
  url: '/calls/abc',
});
const text = notification(2, { title: 'New message from Hugo Bernard' });
const billing = notification(3, {
  type: 'BILLING',
  title: 'Your invoice is ready',
  read: true,
  url: '/settings/billing',
});

function centre(list: Notification[], { unread, total = list.length }: { unread: number; total?: number }) {
  const queryClient = testQueryClient();
  const page: NotificationList = { notifications: list, total, unread };
  queryClient.setQueryData<NotificationPages>(notificationsKeys.list('all'), { pages: [page], pageParams: [0] });
  queryClient.setQueryData(notificationsKeys.unread, unread);
  return queryClient;
}

const render = (queryClient: ReturnType<typeof testQueryClient>) =>
  renderStatic(createElement(AuthProvider, null, createElement(NotificationsPage)), queryClient);

const rows = (html: string) => html.split('data-testid="notification"').slice(1);

describe('The notification centre', () => {
  it('lists notifications newest first, unread ones marked, each opening its page', () => {
    const html = render(centre([missed, text, billing], { unread: 2 }));
    const [first, second, third] = rows(html);
    expect(first).toContain('Missed call from Hélène Martin');
    expect(first).toContain('data-read="false"');
    expect(first).toContain('href="/calls/abc"');
    expect(first).toContain('Unread');
    expect(second).toContain('New message from Hugo Bernard');
    expect(second).toContain('href="/messages/%2B33639985402?from=%2B33639985941"');
    expect(third).toContain('data-read="true"');
    expect(third).not.toContain('notification__dot');
    expect(html).toContain('aria-label="Delete notification: Your invoice is ready"');
    expect(html).toMatch(/<button[^>]*>(?:(?!<\/button>).)*Mark all as read/);
    expect(html).toContain('Unread (2)');
  });

  it('never links outside the app: a foreign URL only marks the notification read', () => {
    const html = render(centre([notification(4, { url: 'https://evil.example/phish' })], { unread: 1 }));
    expect(html).not.toContain('evil.example');
    expect(rows(html)[0]).toContain('<button type="button" class="notification__open"');
  });

  it('offers "Mark all as read" only with something unread, and an empty state with nothing', () => {
    const allRead = render(centre([billing], { unread: 0 }));
    expect(allRead).toMatch(/<button[^>]*disabled=""[^>]*>(?:(?!<\/button>).)*Mark all as read/);
    const empty = render(centre([], { unread: 0 }));
    expect(empty).toContain('You’re all caught up');
    expect(rows(empty)).toHaveLength(0);
  });

  it('offers older notifications while fewer than the total are loaded', () => {
    expect(render(centre([missed, text], { unread: 2, total: 30 }))).toContain('Show older notifications');
    expect(render(centre([missed, text], { unread: 2 }))).not.toContain('Show older notifications');
    expect(nextOffset([{ notifications: [missed, text], total: 30, unread: 2 }])).toBe(2);
    expect(nextOffset([{ notifications: [missed, text], total: 2, unread: 2 }])).toBeUndefined();
  });
});

describe('The bell’s count', () => {
  it('goes up with each new unread notification from the socket, once per notification', () => {
    const queryClient = centre([text], { unread: 1 });
    addNotification(queryClient, missed);
    addNotification(queryClient, missed);
    expect(unreadCount(queryClient)).toBe(2);
    const data = queryClient.getQueryData<NotificationPages>(notificationsKeys.list('all'));
    expect(data?.pages[0]?.notifications.map((item) => item.id)).toEqual([missed.id, text.id]);
    expect(data?.pages[0]?.total).toBe(2);
    addNotification(queryClient, notification(5, { read: true }));
    expect(unreadCount(queryClient)).toBe(2);
  });

  it('goes down when one is read (PUT …/:id/read), at once, and not twice for the same one', async () => {
    const queryClient = centre([missed, text], { unread: 2 });
    vi.mocked(authedRequest).mockResolvedValue({ ...missed, read: true });
    const observer = new MutationObserver(queryClient, markReadMutation(queryClient));
    const pending = observer.mutate(missed);
    expect(unreadCount(queryClient)).toBe(1);
    await pending;
    expect(authedRequest).toHaveBeenCalledExactlyOnceWith(`/api/notifications/${missed.id}/read`, { method: 'PUT' });
    await observer.mutate(missed);
    expect(unreadCount(queryClient)).toBe(1);
    const data = queryClient.getQueryData<NotificationPages>(notificationsKeys.list('all'));
    expect(data?.pages[0]?.notifications.find((item) => item.id === missed.id)?.read).toBe(true);
  });

  it('goes to zero with "Mark all as read" (PUT read-all), and back to the server’s count if that fails', async () => {
    const queryClient = centre([missed, text], { unread: 2 });
    vi.mocked(authedRequest).mockResolvedValue({ updated: 2 });
    await new MutationObserver(queryClient, markAllReadMutation(queryClient)).mutate();
    expect(authedRequest).toHaveBeenCalledExactlyOnceWith('/api/notifications/read-all', { method: 'PUT' });
    expect(unreadCount(queryClient)).toBe(0);
    const data = queryClient.getQueryData<NotificationPages>(notificationsKeys.list('all'));
    expect(data?.pages[0]?.notifications.every((item) => item.read)).toBe(true);

    const failing = centre([missed], { unread: 1 });
    vi.mocked(authedRequest).mockRejectedValue(new Error('offline'));
    await expect(new MutationObserver(failing, markAllReadMutation(failing)).mutate()).rejects.toThrow('offline');
    expect(failing.getQueryState(notificationsKeys.unread)?.isInvalidated).toBe(true);
  });

  it('loses a deleted unread notification (DELETE …/:id), and keeps its count for a read one', async () => {
    const queryClient = centre([missed, billing], { unread: 1 });
    vi.mocked(authedRequest).mockResolvedValue({ success: true });
    const remove = new MutationObserver(queryClient, removeNotificationMutation(queryClient));
    await remove.mutate(billing);
    expect(authedRequest).toHaveBeenLastCalledWith(`/api/notifications/${billing.id}`, { method: 'DELETE' });
    expect(unreadCount(queryClient)).toBe(1);
    await remove.mutate(missed);
    expect(unreadCount(queryClient)).toBe(0);
    const data = queryClient.getQueryData<NotificationPages>(notificationsKeys.list('all'));
    expect(data?.pages[0]).toMatchObject({ notifications: [], total: 0 });
  });
});
