import { createDecipheriv, createECDH, hkdfSync, randomBytes, type ECDH } from 'node:crypto';
import http from 'node:http';
import { expect, test, type APIRequestContext, type CDPSession, type Page } from '@playwright/test';
import config from './playwright.config';
import {
  apiToken,
  buyFrenchMobile,
  DESKTOP,
  formatted,
  logInViaForm,
  PHONE,
  registerViaApi,
  shot,
  uniqueEmail,
} from './support';

// Push notifications end to end, without the internet: B's browser subscribes to a push service this
// test runs (its PushManager is replaced so the endpoint and keys are the test's own), the server
// encrypts each push to those keys (RFC 8291) and posts it there, the test decrypts it and hands it to
// B's service worker through the DevTools protocol, as a push service would. Then B goes offline.

// A calls B from the dialer: a fake microphone, as in calls.spec.ts.
const launchOptions = config.use?.launchOptions ?? {};
test.use({
  launchOptions: {
    ...launchOptions,
    args: [...(launchOptions.args ?? []), '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  },
});

const baseURL = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000';
const pushPort = Number(process.env.E2E_PUSH_PORT);

interface Push {
  id: string;
  type: string;
  title: string;
  body: string;
  url: string;
}

/** The keys a browser makes for a subscription: a P-256 key pair and a 16-byte secret (RFC 8291 §3). */
function browserKeys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return { ecdh, auth, p256dh: ecdh.getPublicKey('base64url'), authSecret: auth.toString('base64url') };
}

/** Reads an aes128gcm Web Push body (RFC 8188 header, RFC 8291 keys) as the browser would. */
function decryptPush(body: Buffer, keys: { ecdh: ECDH; auth: Buffer }): string {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20] ?? 0;
  const senderKey = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  expect(idLength).toBe(65);
  expect(record.length).toBeLessThanOrEqual(recordSize);
  const info = Buffer.concat([Buffer.from('WebPush: info\0'), keys.ecdh.getPublicKey(), senderKey]);
  const ikm = Buffer.from(hkdfSync('sha256', keys.ecdh.computeSecret(senderKey), keys.auth, info, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(-16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, -16)), decipher.final()]);
  // The last record ends with the delimiter 0x02, then zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  expect(padded[end]).toBe(2);
  return padded.subarray(0, end).toString('utf8');
}

/** A push service on 127.0.0.1: keeps what the server posts and answers 201 Created, as RFC 8030 says. */
async function startPushService(port: number) {
  const received: { path: string; headers: http.IncomingHttpHeaders; body: Buffer }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(201, { Location: `/messages/${received.length}` });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * Runs in B's pages before the app: the browser's PushManager hands out the test's subscription
 * (a real one would point at Google's push service, out of reach here).
 */
function fakePushManager(subscription: { endpoint: string; p256dh: string; auth: string }) {
  const SUBSCRIBED = 'e2e.pushSubscribed';
  const made = {
    endpoint: subscription.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: null },
    toJSON: () => ({
      endpoint: subscription.endpoint,
      expirationTime: null,
      keys: { p256dh: subscription.p256dh, auth: subscription.auth },
    }),
    unsubscribe: async () => {
      localStorage.removeItem(SUBSCRIBED);
      return true;
    },
  };
  PushManager.prototype.subscribe = async function () {
    localStorage.setItem(SUBSCRIBED, '1');
    return made as unknown as PushSubscription;
  };
  PushManager.prototype.getSubscription = async function () {
    return (localStorage.getItem(SUBSCRIBED) ? made : null) as unknown as PushSubscription | null;
  };
}

/** The id DevTools knows B's service worker registration by (for ServiceWorker.deliverPushMessage). */
async function watchRegistrations(cdp: CDPSession) {
  const registrations = new Map<string, string>();
  cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations: updated }) => {
    for (const registration of updated) {
      if (registration.isDeleted) registrations.delete(registration.scopeURL);
      else registrations.set(registration.scopeURL, registration.registrationId);
    }
  });
  await cdp.send('ServiceWorker.enable');
  return async () => {
    await expect.poll(() => registrations.get(`${baseURL}/`), { timeout: 15_000 }).toBeTruthy();
    return registrations.get(`${baseURL}/`)!;
  };
}

/** The query keys the app keeps on the device for offline reading (its IndexedDB copy of the query cache). */
function keptOnDevice(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const opened = indexedDB.open('commpro-offline');
        opened.onerror = () => reject(new Error('IndexedDB'));
        opened.onsuccess = () => {
          const read = opened.result.transaction('cache', 'readonly').objectStore('cache').get('queries');
          read.onerror = () => reject(new Error('IndexedDB'));
          read.onsuccess = () => {
            const kept = read.result as { state: { queries: { queryKey: unknown }[] } } | undefined;
            resolve(kept?.state.queries.map((query) => JSON.stringify(query.queryKey)) ?? []);
          };
        };
      }),
  );
}

interface ShownNotification {
  title: string;
  body: string;
  tag: string;
  data: { id: string; type: string; url: string };
}

function shownNotifications(page: Page): Promise<ShownNotification[]> {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return (await registration.getNotifications()).map((notification) => ({
      title: notification.title,
      body: notification.body,
      tag: notification.tag,
      data: notification.data as { id: string; type: string; url: string },
    }));
  });
}

async function threadMessages(request: APIRequestContext, email: string, mine: string, theirs: string) {
  const headers = { Authorization: `Bearer ${await apiToken(request, email)}` };
  const response = await request.get(
    `/api/messages/conversation/${encodeURIComponent(theirs)}?from=${encodeURIComponent(mine)}&limit=200`,
    { headers },
  );
  expect(response.ok(), await response.text()).toBeTruthy();
  return ((await response.json()) as { messages: { body: string | null; direction: string }[] }).messages;
}

test('B gets A’s text and missed call as push notifications with the app closed, opens the conversation from one, and a text B writes offline reaches A once', async ({
  browser,
  request,
}) => {
  test.setTimeout(180_000);
  expect(pushPort, 'E2E_PUSH_PORT comes from e2e/run.mjs').toBeGreaterThan(0);
  const pushService = await startPushService(pushPort);

  const emailA = uniqueEmail('push-a');
  const emailB = uniqueEmail('push-b');
  await registerViaApi(request, { email: emailA, firstName: 'Hélène', lastName: 'Martin' });
  await registerViaApi(request, { email: emailB, firstName: 'Hugo', lastName: 'Bernard' });
  const numberA = await buyFrenchMobile(request, emailA);
  const numberB = await buyFrenchMobile(request, emailB);
  const shownB = formatted(numberB);
  // B knows A: the notifications name her.
  const saved = await request.post('/api/contacts', {
    headers: { Authorization: `Bearer ${await apiToken(request, emailB)}` },
    data: { firstName: 'Hélène', lastName: 'Martin', phoneNumber: numberA },
  });
  expect(saved.status(), await saved.text()).toBe(201);

  // B's browser: notifications allowed, its push subscription the test's own.
  const keys = browserKeys();
  const contextB = await browser.newContext({ viewport: PHONE });
  await contextB.grantPermissions(['notifications'], { origin: baseURL });
  await contextB.addInitScript(fakePushManager, {
    endpoint: `http://127.0.0.1:${pushPort}/push/hugo`,
    p256dh: keys.p256dh,
    auth: keys.authSecret,
  });
  // A blank tab holds the DevTools session that plays the push service's part once B's app is closed.
  const devtoolsTab = await contextB.newPage();
  const cdp = await contextB.newCDPSession(devtoolsTab);
  const registrationId = await watchRegistrations(cdp);

  // B signs in: no permission prompt on load; the messages list offers push, B enables it.
  const b = await contextB.newPage();
  await logInViaForm(b, emailB);
  await expect(b).toHaveURL(/\/messages$/);
  await b.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  const prompt = b.getByRole('region', { name: 'Get calls and texts when CommPro is closed' });
  await expect(prompt).toBeVisible();
  await shot(b, 'notifications-prompt-phone');
  const registered = b.waitForResponse(
    (r) => r.url().endsWith('/api/notifications/devices') && r.request().method() === 'POST',
  );
  await prompt.getByRole('button', { name: 'Enable' }).click();
  expect((await registered).status()).toBe(201);
  expect((await registered).request().postDataJSON()).toMatchObject({
    platform: 'WEB',
    subscription: { endpoint: `http://127.0.0.1:${pushPort}/push/hugo`, keys: { p256dh: keys.p256dh } },
  });
  await expect(b.getByText('Notifications are on for this device')).toBeVisible();
  await expect(prompt).toBeHidden();
  const swRegistration = await registrationId();

  // B closes the app.
  await b.close();

  // A texts B, then calls B: with no app of B's open, the call is missed at once.
  const contextA = await browser.newContext({ viewport: PHONE, permissions: ['microphone'] });
  const a = await contextA.newPage();
  await logInViaForm(a, emailA);
  await expect(a).toHaveURL(/\/messages$/);
  await a.getByRole('link', { name: 'New message' }).click();
  await a.getByLabel('To', { exact: true }).fill(numberB);
  const text = 'Hi Hugo, the quote is ready: can we talk today?';
  await a.getByLabel('Message', { exact: true }).fill(text);
  const sent = a.waitForResponse((r) => r.url().endsWith('/api/messages/send'));
  await a.getByRole('button', { name: 'Send', exact: true }).click();
  expect((await sent).status()).toBe(202);
  expect((await sent).request().postDataJSON()).toMatchObject({ clientMessageId: expect.any(String) });
  await expect(a).toHaveURL(new RegExp(`/messages/${encodeURIComponent(numberB)}\\?from=`));
  const threadA = a.url();

  await a.goto('/calls/dial');
  await a.getByLabel('Number', { exact: true }).fill(shownB);
  await a.getByRole('button', { name: 'Call', exact: true }).click();
  const callScreen = a.getByRole('region', { name: `Call with ${shownB}` });
  await expect(callScreen.getByTestId('call-status')).toHaveText('No answer', { timeout: 30_000 });
  await callScreen.getByRole('button', { name: 'Close' }).click();

  // The push service receives both, encrypted to B's keys and signed with the server's VAPID key.
  await expect.poll(() => pushService.received.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
  const headersB = { Authorization: `Bearer ${await apiToken(request, emailB)}` };
  const { vapidPublicKey } = (await (
    await request.get('/api/notifications/push-config', { headers: headersB })
  ).json()) as { vapidPublicKey: string };
  const pushes = pushService.received.map((push) => {
    expect(push.path).toBe('/push/hugo');
    expect(push.headers['content-encoding']).toBe('aes128gcm');
    expect(push.headers.authorization).toMatch(
      new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${vapidPublicKey}$`),
    );
    return decryptPush(push.body, keys);
  });
  const payloads = pushes.map((plain) => JSON.parse(plain) as Push);
  const messagePush = payloads.find((push) => push.type === 'MESSAGE_RECEIVED');
  const callPush = payloads.find((push) => push.type === 'CALL_MISSED');
  expect(messagePush).toMatchObject({
    title: 'New message from Hélène Martin',
    body: expect.any(String),
    url: `/messages/${encodeURIComponent(numberA)}?from=${encodeURIComponent(numberB)}`,
  });
  expect(callPush).toMatchObject({ title: 'Missed call from Hélène Martin', url: expect.stringMatching(/^\/calls\//) });

  // Handed to B's service worker as the browser's push service would: it shows them.
  for (const plain of pushes) {
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: baseURL,
      registrationId: swRegistration,
      data: plain,
    });
  }
  const b2 = await contextB.newPage();
  await b2.goto('/messages');
  await expect
    .poll(async () => (await shownNotifications(b2)).map((notification) => notification.title).sort(), {
      timeout: 15_000,
    })
    .toEqual(['Missed call from Hélène Martin', 'New message from Hélène Martin']);
  const shownMessage = (await shownNotifications(b2)).find((item) => item.data.type === 'MESSAGE_RECEIVED');
  expect(shownMessage).toMatchObject({
    body: messagePush!.body,
    tag: messagePush!.id,
    data: { url: messagePush!.url },
  });

  // The centre has both, unread, and the bell counts them.
  await b2
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: /^Alerts/ })
    .click();
  await expect(b2.getByRole('heading', { name: 'Notifications', level: 1 })).toBeVisible();
  const centreRows = b2.getByTestId('notification');
  await expect(centreRows.filter({ hasText: 'New message from Hélène Martin' })).toHaveAttribute('data-read', 'false');
  await expect(centreRows.filter({ hasText: 'Missed call from Hélène Martin' })).toHaveAttribute('data-read', 'false');
  await expect(b2.getByTestId('nav-badge').first()).toHaveText('2');
  await shot(b2, 'notifications-centre-phone');

  // B clicks the message's notification (dispatched in the worker itself): the open app goes to the conversation.
  const worker = contextB.serviceWorkers()[0] ?? (await contextB.waitForEvent('serviceworker'));
  await worker.evaluate(async () => {
    type Shown = Notification & { data: { type: string } };
    const scope = self as unknown as {
      registration: ServiceWorkerRegistration;
      NotificationEvent: new (type: string, init: { notification: Notification }) => Event;
    };
    const shown = (await scope.registration.getNotifications()) as Shown[];
    const notification = shown.find((item) => item.data.type === 'MESSAGE_RECEIVED');
    if (!notification) throw new Error('the message notification is not shown');
    self.dispatchEvent(new scope.NotificationEvent('notificationclick', { notification }));
  });
  await expect(b2).toHaveURL(`${baseURL}${messagePush!.url}`);
  await expect(b2.getByRole('heading', { name: 'Hélène Martin', level: 1 })).toBeVisible();
  await expect(b2.getByTestId('message').filter({ hasText: text })).toHaveAttribute('data-direction', 'INBOUND');
  await expect.poll(async () => (await shownNotifications(b2)).map((item) => item.data.type)).toEqual(['CALL_MISSED']);
  // Opened, so read: the bell counts the missed call only.
  await expect(b2.getByTestId('nav-badge').first()).toHaveText('1');

  // B goes offline: the app says so, and a message B writes waits in the outbox.
  await contextB.setOffline(true);
  const banner = b2.getByTestId('offline-banner');
  await expect(banner).toContainText('You’re offline');
  const offlineText = 'On the train with no signal: 3 pm works for me.';
  await b2.getByLabel('Message', { exact: true }).fill(offlineText);
  await b2.getByRole('button', { name: 'Send', exact: true }).click();
  const queued = b2.getByTestId('message').filter({ hasText: offlineText });
  await expect(queued).toHaveAttribute('data-status', 'WAITING');
  await expect(queued).toContainText('Waiting for connection');
  await expect(banner).toContainText('1 message waiting to send');
  await shot(b2, 'offline-queued-phone');

  // Reloaded while offline: the conversation is read from the device, the message still waits. (The app writes
  // its copy half a second after a change; a reload sooner than that would find the one before.)
  await expect.poll(() => keptOnDevice(b2)).toContain(JSON.stringify(['messages', 'thread', numberB, numberA]));
  await b2.reload();
  await expect(b2.getByRole('heading', { name: 'Hélène Martin', level: 1 })).toBeVisible();
  await expect(b2.getByTestId('message').filter({ hasText: text })).toBeVisible();
  await expect(queued).toHaveAttribute('data-status', 'WAITING');
  await expect(b2.getByTestId('offline-banner')).toBeVisible();

  // Back online: it is sent, once.
  await a.goto(threadA);
  const sending = b2.waitForResponse((r) => r.url().endsWith('/api/messages/send'));
  await contextB.setOffline(false);
  expect((await sending).status()).toBe(202);
  await expect(b2.getByTestId('offline-banner')).toBeHidden();
  const sentB = b2.getByTestId('message').filter({ hasText: offlineText });
  await expect(sentB).toHaveAttribute('data-direction', 'OUTBOUND');
  await expect(sentB).toHaveAttribute('data-status', /QUEUED|SENDING|SENT|DELIVERED/);
  await expect(sentB).toHaveCount(1);

  // A receives it exactly once: on screen, live, and in A's thread from the API.
  const receivedA = a.getByTestId('message').filter({ hasText: offlineText });
  await expect(receivedA).toHaveAttribute('data-direction', 'INBOUND');
  await b2.waitForTimeout(2000);
  await expect(receivedA).toHaveCount(1);
  const inThreadA = await threadMessages(request, emailA, numberA, numberB);
  expect(inThreadA.filter((message) => message.body === offlineText)).toHaveLength(1);

  // Settings › Notifications: push on for this device, the device listed, quiet hours set.
  await b2.goto('/settings/notifications');
  await expect(b2.getByRole('switch', { name: 'Push notifications on this device' })).toBeChecked();
  await expect(b2.getByTestId('push-device')).toContainText('This device');
  const quiet = b2.getByRole('switch', { name: 'Pause push every day' });
  await expect(quiet).not.toBeChecked();
  const savedQuiet = b2.waitForResponse(
    (r) => r.url().endsWith('/api/notifications/preferences') && r.request().method() === 'PUT',
  );
  await quiet.check();
  expect((await savedQuiet).status()).toBe(200);
  await expect(b2.getByLabel('From', { exact: true })).toHaveValue('22:00');
  await expect(b2.getByLabel('Until', { exact: true })).toHaveValue('07:00');
  await shot(b2, 'notifications-settings-phone');
  const preferences = (await (await request.get('/api/notifications/preferences', { headers: headersB })).json()) as {
    quietHours: unknown;
  };
  expect(preferences.quietHours).toEqual({ start: '22:00', end: '07:00' });

  // Desktop, dark: the bell in the sidebar, the centre beside it.
  await b2.setViewportSize(DESKTOP);
  await b2.goto('/settings/appearance');
  await b2.getByLabel('Dark', { exact: true }).check();
  await b2
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: /^Notifications/ })
    .click();
  await expect(b2.getByTestId('notification').filter({ hasText: 'Missed call from Hélène Martin' })).toBeVisible();
  await shot(b2, 'notifications-centre-dark-desktop');

  await contextA.close();
  await contextB.close();
  await pushService.close();
});
