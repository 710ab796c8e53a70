import type { AdminWebhookList, AdminWebhookRow, AuditList, Message, MessageList } from '@commpro/contracts';
import { expect, request as playwrightRequest, test, type APIRequestContext } from '@playwright/test';
import {
  apiToken,
  buyFrenchMobile,
  DESKTOP,
  logInViaForm,
  mainNav,
  registerViaApi,
  shot,
  uniqueEmail,
} from './support';
import { type PostgresServer, postgresUnavailable, startPostgresServer } from './postgres-server';

// An administrator replays a status callback whose processing failed. Making one fail for real
// takes a fault in the server's database (a trigger refusing to record the delivery), which the
// shared e2e server on in-process PGlite cannot take: this spec starts a server of its own on a
// fresh PostgreSQL database.

const OUTSIDE = '+33612345678';

let server: PostgresServer | undefined;
let api: APIRequestContext | undefined;

test.beforeAll(async () => {
  // `npm test` runs against the PostgreSQL on 127.0.0.1 (README): without it this is a failure, not a skip.
  const unavailable = await postgresUnavailable();
  if (unavailable !== null) throw new Error(`${unavailable}; replaying a failed webhook needs a server on PostgreSQL`);
  server = await startPostgresServer();
  api = await playwrightRequest.newContext({ baseURL: server.baseURL });
});

test.afterAll(async () => {
  await api?.dispose();
  await server?.stop();
});

async function getJson<T>(path: string, token: string): Promise<T> {
  const response = await api!.get(path, { headers: { Authorization: `Bearer ${token}` } });
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as T;
}

async function adminLogin(): Promise<string> {
  const login = await api!.post('/api/auth/login', { data: server!.admin });
  expect(login.ok(), await login.text()).toBeTruthy();
  return ((await login.json()) as { accessToken: string }).accessToken;
}

/** The database refuses to record a message as delivered, so the status callback saying so fails with a 500. */
async function refuseDeliveries(): Promise<() => Promise<void>> {
  const db = server!.database;
  await db.query(`create or replace function e2e_replay_fault() returns trigger language plpgsql as $$
    begin raise exception 'messages storage unavailable'; end $$`);
  await db.query(
    `create trigger e2e_replay_fault before update on messages for each row ` +
      `when (new.status = 'DELIVERED') execute function e2e_replay_fault()`,
  );
  return async () => {
    await db.query('drop trigger if exists e2e_replay_fault on messages');
  };
}

test('an administrator replays a status callback that failed, and the message is delivered', async ({ browser }) => {
  const adminToken = await adminLogin();
  const user = { email: uniqueEmail('replay-user') };
  await registerViaApi(api!, user);
  const line = await buyFrenchMobile(api!, user.email);
  const userToken = await apiToken(api!, user.email);

  // The sandbox delivers the text and calls back "sent", then "delivered", which the database refuses.
  let failed: AdminWebhookRow | undefined;
  let message: Message;
  const lift = await refuseDeliveries();
  try {
    const sent = await api!.post('/api/messages/send', {
      headers: { Authorization: `Bearer ${userToken}` },
      data: { from: line, to: OUTSIDE, body: 'Your order is ready for pickup.' },
    });
    expect(sent.status(), await sent.text()).toBe(202);
    message = (await sent.json()) as Message;
    await expect
      .poll(async () => {
        const log = await getJson<AdminWebhookList>(
          '/api/admin/webhooks?outcome=failed&type=message.status&limit=200',
          adminToken,
        );
        failed = log.webhooks.find((row) => row.replayable);
        return failed;
      })
      .toMatchObject({ source: 'sandbox', statusCode: 500, error: 'messages storage unavailable' });
  } finally {
    await lift();
  }
  const conversation = `/api/messages/conversation/${encodeURIComponent(OUTSIDE)}?from=${encodeURIComponent(line)}`;
  const statusOfMessage = async () =>
    (await getJson<MessageList>(conversation, userToken)).messages.find((m) => m.id === message.id)?.status;
  expect(await statusOfMessage()).toBe('SENT');

  // The administrator finds the failed callback in the console and replays it.
  const context = await browser.newContext({ baseURL: server!.baseURL, viewport: DESKTOP });
  try {
    const page = await context.newPage();
    await logInViaForm(page, server!.admin.email, server!.admin.password);
    await expect(page).toHaveURL(/\/messages$/);
    await mainNav(page).getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Webhooks' }).click();
    await page.getByLabel('Outcome').selectOption('failed');
    // The "sent" callback of the same message was processed: wait for the list to narrow to failed ones.
    await expect(page.getByText('1 webhook', { exact: true })).toBeVisible();
    const row = page.getByRole('row').filter({ hasText: failed!.externalId! });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('Failed');
    await expect(row).toContainText('HTTP 500');
    await expect(row).toContainText('messages storage unavailable');
    await shot(page, 'admin-webhook-replay-failed');

    await row.getByRole('button', { name: 'Replay' }).click();
    await expect(page.getByText('Replayed', { exact: true })).toBeVisible();
    await expect(page.getByText('sandbox · message.status')).toBeVisible();
    // Processed now, it leaves the list of failed ones.
    await expect(row).toHaveCount(0);
    await shot(page, 'admin-webhook-replayed');
  } finally {
    await context.close();
  }

  const after = await getJson<AdminWebhookList>('/api/admin/webhooks?type=message.status&limit=200', adminToken);
  expect(after.webhooks.find((row) => row.id === failed!.id)).toMatchObject({
    outcome: 'processed',
    statusCode: 200,
    error: null,
    replayable: false,
  });
  expect(await statusOfMessage()).toBe('DELIVERED');
  const audit = await getJson<AuditList>(`/api/admin/audit?action=webhook.replay&targetId=${failed!.id}`, adminToken);
  expect(audit.entries.map((entry) => [entry.actor.email, entry.targetType, entry.details])).toEqual([
    [server!.admin.email, 'webhook', { source: 'sandbox', eventType: 'message.status', outcome: 'processed' }],
  ]);
});
