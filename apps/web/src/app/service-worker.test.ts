import { describe, expect, it, vi } from 'vitest';
import source from '../../public/sw.js?raw';
import { onWorkerMessage } from './service-worker-messages';

// The page side checks links against its own origin and never calls the API here.
vi.hoisted(() => {
  globalThis.location = { origin: 'https://app.commpro.test' } as Location;
});
vi.mock('../shared/api/client', () => ({ authedRequest: vi.fn() }));

// The real public/sw.js, run with stand-ins for the worker's globals.
const ORIGIN = 'https://app.commpro.test';

interface FakeClient {
  url: string;
  focused: boolean;
  visibilityState: 'visible' | 'hidden';
  postMessage: ReturnType<typeof vi.fn>;
  focus: ReturnType<typeof vi.fn>;
}

function worker(windows: Partial<FakeClient>[] = []) {
  const handlers = new Map<string, (event: unknown) => void>();
  const clients: FakeClient[] = windows.map((window) => ({
    url: `${ORIGIN}/messages`,
    focused: false,
    visibilityState: 'hidden',
    postMessage: vi.fn(),
    // Without the click's user activation (an event built by a test) browsers refuse focus.
    focus: vi.fn(async () => {
      throw new Error('Not allowed to focus a window');
    }),
    ...window,
  }));
  const self = {
    location: new URL(`${ORIGIN}/sw.js`),
    addEventListener: (type: string, handler: (event: unknown) => void) => handlers.set(type, handler),
    skipWaiting: vi.fn(),
    registration: { showNotification: vi.fn(async () => undefined), pushManager: { subscribe: vi.fn() } },
    clients: {
      matchAll: vi.fn(async () => clients),
      openWindow: vi.fn(async () => null),
      claim: vi.fn(),
    },
  };
  new Function('self', 'caches', 'fetch', source)(self, {}, vi.fn());

  async function dispatch(type: string, event: Record<string, unknown>) {
    const pending: Promise<unknown>[] = [];
    handlers.get(type)?.({ ...event, waitUntil: (promise: Promise<unknown>) => pending.push(promise) });
    await Promise.all(pending);
  }

  return {
    self,
    clients,
    push: (payload: unknown) =>
      dispatch('push', {
        data:
          payload === undefined
            ? null
            : {
                json: () => (typeof payload === 'string' ? JSON.parse(payload) : payload),
              },
      }),
    click: (data: unknown) => {
      const notification = { data, close: vi.fn() };
      return dispatch('notificationclick', { notification }).then(() => notification);
    },
  };
}

const missedCall = {
  id: '3f0c6a9e-7d1b-4c2f-9a55-0b1e2d3c4f5a',
  type: 'CALL_MISSED',
  title: 'Missed call from Hélène Martin',
  body: '+33 6 39 98 54 07 · on your line',
  url: '/calls/7d1b4c2f',
};

describe('service worker: push', () => {
  it('shows the notification the server pushed, one per id, opening its page', async () => {
    const sw = worker();
    await sw.push(missedCall);
    expect(sw.self.registration.showNotification).toHaveBeenCalledExactlyOnceWith('Missed call from Hélène Martin', {
      body: '+33 6 39 98 54 07 · on your line',
      tag: missedCall.id,
      renotify: false,
      icon: '/icons/icon-192.png',
      badge: '/icons/badge-96.png',
      data: { id: missedCall.id, type: 'CALL_MISSED', url: '/calls/7d1b4c2f' },
    });
  });

  it('ignores pushes that are not ours: no data, not JSON, no title or id', async () => {
    const sw = worker();
    await sw.push(undefined);
    await sw.push('not json {');
    await sw.push({ id: 'x', body: 'no title' });
    await sw.push({ title: 'no id' });
    await sw.push(['an', 'array']);
    expect(sw.self.registration.showNotification).not.toHaveBeenCalled();
  });

  it('keeps a pushed link inside the app', async () => {
    const sw = worker();
    await sw.push({ ...missedCall, url: 'https://evil.example/steal' });
    await sw.push({ ...missedCall, id: 'other', url: `${ORIGIN}/messages/%2B33639985407?from=%2B33639985941` });
    const urls = sw.self.registration.showNotification.mock.calls.map(
      (call) => (call as unknown as [string, { data: { url: string } }])[1].data.url,
    );
    expect(urls).toEqual(['/notifications', '/messages/%2B33639985407?from=%2B33639985941']);
  });
});

describe('service worker: notification click', () => {
  it('closes it and sends the open app window to its page (the app navigates with its router)', async () => {
    const sw = worker([{ visibilityState: 'visible' }, { url: 'https://elsewhere.example/' }]);
    const notification = await sw.click({ id: missedCall.id, url: '/messages/%2B33639985407?from=%2B33639985941' });
    expect(notification.close).toHaveBeenCalled();
    expect(sw.clients[0]?.postMessage).toHaveBeenCalledWith({
      type: 'commpro:notification-click',
      url: '/messages/%2B33639985407?from=%2B33639985941',
      id: missedCall.id,
    });
    expect(sw.clients[1]?.postMessage).not.toHaveBeenCalled();
    expect(sw.self.clients.openWindow).not.toHaveBeenCalled();
  });

  it('prefers the focused window among several', async () => {
    const sw = worker([{}, { focused: true, focus: vi.fn(async () => undefined) }]);
    await sw.click({ url: '/calls/7d1b4c2f' });
    expect(sw.clients[1]?.postMessage).toHaveBeenCalledWith({
      type: 'commpro:notification-click',
      url: '/calls/7d1b4c2f',
      id: null,
    });
    expect(sw.clients[1]?.focus).toHaveBeenCalled();
    expect(sw.clients[0]?.postMessage).not.toHaveBeenCalled();
  });

  it('opens a window when the app is closed, never on another site, and tells it which notification', async () => {
    const sw = worker();
    const opened = { postMessage: vi.fn() };
    sw.self.clients.openWindow.mockResolvedValueOnce(opened as never);
    await sw.click({ id: missedCall.id, url: '/calls/7d1b4c2f' });
    expect(opened.postMessage).toHaveBeenCalledWith({
      type: 'commpro:notification-click',
      url: '/calls/7d1b4c2f',
      id: missedCall.id,
    });
    await sw.click({ url: 'javascript:alert(1)' });
    await sw.click(null);
    expect(sw.self.clients.openWindow.mock.calls).toEqual([
      ['/calls/7d1b4c2f'],
      ['/notifications'],
      ['/notifications'],
    ]);
  });
});

describe('the page, told of a click', () => {
  function page(path = '/notifications') {
    return { currentPath: () => path, navigate: vi.fn(), markRead: vi.fn() };
  }

  it('goes to the notification’s page and marks it read', () => {
    const actions = page();
    onWorkerMessage({ type: 'commpro:notification-click', url: '/calls/7d1b4c2f', id: missedCall.id }, actions);
    expect(actions.navigate).toHaveBeenCalledWith('/calls/7d1b4c2f');
    expect(actions.markRead).toHaveBeenCalledWith(missedCall.id);
  });

  it('stays put when already there (a window opened on it), and ignores other messages', () => {
    const actions = page('/calls/7d1b4c2f');
    onWorkerMessage({ type: 'commpro:notification-click', url: '/calls/7d1b4c2f', id: null }, actions);
    onWorkerMessage({ type: 'something-else', url: '/settings' }, actions);
    onWorkerMessage('commpro:notification-click', actions);
    onWorkerMessage({ type: 'commpro:notification-click', url: 'https://evil.example/' }, actions);
    expect(actions.navigate).not.toHaveBeenCalled();
    expect(actions.markRead).not.toHaveBeenCalled();
  });
});
