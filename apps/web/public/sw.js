/* global self, caches */
// CommPro service worker: keeps the app shell available offline, and shows push notifications.
// It never touches the API, the socket or the health check: those always go to the network.
const CACHE = 'commpro-shell-v2';
const SHELL = ['/', '/index.html', '/manifest.webmanifest', '/theme-init.js', '/icons/icon.svg', '/icons/icon-192.png'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

function isBypassed(url) {
  return (
    url.origin !== self.location.origin ||
    url.pathname.startsWith('/api/') ||
    url.pathname.startsWith('/socket.io') ||
    url.pathname === '/health' ||
    url.pathname === '/metrics'
  );
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (isBypassed(url)) return;

  // Pages: network first (fresh deploys win), the cached shell when offline.
  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request)
        .then((response) => {
          const copy = response.clone();
          if (response.ok) caches.open(CACHE).then((cache) => cache.put('/index.html', copy));
          return response;
        })
        .catch(() => caches.match('/index.html').then((cached) => cached || Response.error())),
    );
    return;
  }

  // Hashed build assets never change: cache first. Other static files: stale-while-revalidate.
  event.respondWith(
    caches.match(request).then((cached) => {
      if (cached && url.pathname.startsWith('/assets/')) return cached;
      const network = fetch(request).then((response) => {
        if (response.ok && response.type === 'basic') {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      });
      if (!cached) return network;
      network.catch(() => undefined);
      return cached;
    }),
  );
});

// Push: the server sends `{ id, type, title, body, url }` (encrypted Web Push). One notification per id,
// replaced silently if the same one comes again (a redelivery).
const ICON = '/icons/icon-192.png';
const BADGE = '/icons/badge-96.png';
const FALLBACK_URL = '/notifications';

/** The payload, or null when it is not one of ours (anything unreadable is ignored, never shown half-filled). */
function readPush(data) {
  if (!data) return null;
  let payload;
  try {
    payload = data.json();
  } catch {
    return null;
  }
  if (!payload || typeof payload !== 'object') return null;
  const { id, type, title, body, url } = payload;
  if (typeof id !== 'string' || id === '' || typeof title !== 'string' || title === '') return null;
  return {
    id,
    type: typeof type === 'string' ? type : 'SYSTEM',
    title,
    body: typeof body === 'string' ? body : '',
    url: typeof url === 'string' ? url : FALLBACK_URL,
  };
}

/** A path of this app for the notification to open; anything else (another site, a script URL) opens the centre. */
function inAppUrl(url) {
  if (typeof url !== 'string' || url === '') return FALLBACK_URL;
  try {
    const parsed = new URL(url, self.location.origin);
    if (parsed.origin === self.location.origin) return parsed.pathname + parsed.search + parsed.hash;
  } catch {
    // Not a URL: fall through.
  }
  return FALLBACK_URL;
}

/** waitUntil throws on an event the page built itself (untrusted); the work is done either way. */
function extend(event, promise) {
  try {
    event.waitUntil(promise);
  } catch {
    // Untrusted event: nothing to extend.
  }
  return promise;
}

self.addEventListener('push', (event) => {
  const push = readPush(event.data);
  if (!push) return;
  extend(
    event,
    self.registration.showNotification(push.title, {
      body: push.body,
      tag: push.id,
      renotify: false,
      icon: ICON,
      badge: BADGE,
      data: { id: push.id, type: push.type, url: inAppUrl(push.url) },
    }),
  );
});

/**
 * Opens a clicked notification's page in the app: an open window goes there through its router (no reload),
 * else a new window opens on it. Either way the page is told which notification was opened, to mark it read
 * (the worker has no session to do it itself).
 */
async function openApp(url, id) {
  const message = { type: 'commpro:notification-click', url, id };
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const ours = windows.filter((client) => new URL(client.url).origin === self.location.origin);
  const client =
    ours.find((item) => item.focused) || ours.find((item) => item.visibilityState === 'visible') || ours[0];
  if (client) {
    client.postMessage(message);
    // Focusing needs the click's user activation; without it the window still navigates.
    await client.focus().catch(() => undefined);
    return;
  }
  const opened = await self.clients.openWindow(url);
  if (opened) opened.postMessage(message);
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data || {};
  extend(event, openApp(inAppUrl(data.url), typeof data.id === 'string' ? data.id : null));
});

// The browser renewed the subscription (expiry, key change): subscribe again with the same key, and let an
// open app register the new endpoint at once (otherwise it does so the next time it starts).
self.addEventListener('pushsubscriptionchange', (event) => {
  const options = event.oldSubscription && event.oldSubscription.options;
  const renewed = (
    options && options.applicationServerKey
      ? self.registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: options.applicationServerKey,
        })
      : Promise.resolve()
  )
    .catch(() => undefined)
    .then(() => self.clients.matchAll({ type: 'window', includeUncontrolled: true }))
    .then((clients) => clients.forEach((client) => client.postMessage({ type: 'commpro:push-subscription-changed' })));
  extend(event, renewed);
});
