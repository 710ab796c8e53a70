import { randomUUID } from 'node:crypto';
import type { AdminCharts, AdminOverview, AdminWebhookList } from '@commpro/contracts';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import {
  apiToken,
  buyFrenchMobile,
  DESKTOP,
  logInViaForm,
  mainNav,
  PASSWORD,
  PHONE,
  registerViaApi,
  shot,
  signedIn,
  uniqueEmail,
} from './support';

// The operators' console against the real server: activity is seeded through the API (two
// accounts, their numbers, texts both ways, a text from the outside world), then an administrator
// reads it on the overview and the charts, finds one of the two accounts, suspends it (its open
// page is thrown out at its next call) and reactivates it, and looks at the webhook log.
// Other specs run alongside and add activity of their own: counts are compared with what the
// API says at the time, and with the seeded activity as a floor.

const OUTSIDE = '+33698765432';

function adminCredentials() {
  const email = process.env.E2E_ADMIN_EMAIL;
  const password = process.env.E2E_ADMIN_PASSWORD;
  if (!email || !password) throw new Error('E2E_ADMIN_EMAIL and E2E_ADMIN_PASSWORD come from e2e/run.mjs');
  return { email, password };
}

async function adminHeaders(request: APIRequestContext) {
  const { email, password } = adminCredentials();
  const login = await request.post('/api/auth/login', { data: { email, password } });
  expect(login.ok(), await login.text()).toBeTruthy();
  return { Authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}` };
}

async function getJson<T>(request: APIRequestContext, path: string, headers: Record<string, string>): Promise<T> {
  const response = await request.get(path, { headers });
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as T;
}

async function text(request: APIRequestContext, token: string, from: string, to: string, body: string) {
  const response = await request.post('/api/messages/send', {
    headers: { Authorization: `Bearer ${token}` },
    data: { from, to, body },
  });
  expect(response.status(), await response.text()).toBe(202);
}

/** The value of the overview tile labelled `label`. */
function kpi(page: Page, label: string) {
  return page
    .locator('.kpi')
    .filter({ has: page.locator('dt').getByText(label, { exact: true }) })
    .locator('dd');
}

const count = (value: number) => new Intl.NumberFormat('en-US').format(value);

test('an administrator reads the seeded activity, suspends and reactivates an account, and checks the webhook log', async ({
  browser,
  request,
}) => {
  const headers = await adminHeaders(request);
  const before = await getJson<AdminOverview>(request, '/api/admin/overview', headers);

  // Seed: two accounts with a number each text each other, and the outside world texts the first.
  const tag = randomUUID().slice(0, 6);
  const alice = { email: uniqueEmail('ops-alice'), firstName: 'Alice', lastName: `Quillon${tag}` };
  const bruno = { email: uniqueEmail('ops-bruno'), firstName: 'Bruno', lastName: `Varenne${tag}` };
  await registerViaApi(request, alice);
  await registerViaApi(request, bruno);
  const aliceLine = await buyFrenchMobile(request, alice.email);
  const brunoLine = await buyFrenchMobile(request, bruno.email);
  await text(request, await apiToken(request, alice.email), aliceLine, brunoLine, 'Hello Bruno, the quote is ready.');
  await text(request, await apiToken(request, bruno.email), brunoLine, aliceLine, 'Thanks Alice, reading it now.');
  const inbound = await request.post('/api/sandbox/messages/inbound', {
    headers,
    data: { from: OUTSIDE, to: aliceLine, body: 'Is the shop open on Sunday?' },
  });
  expect(inbound.status(), await inbound.text()).toBe(202);
  // A status callback nobody signed: refused, and logged as a failed webhook that cannot be replayed.
  const forgedSid = `SM${randomUUID().replace(/-/g, '')}`;
  const forged = await request.post('/api/messages/webhooks/status', {
    form: { MessageSid: forgedSid, MessageStatus: 'delivered' },
  });
  expect(forged.status()).toBe(403);
  const failed = await getJson<AdminWebhookList>(request, '/api/admin/webhooks?outcome=failed&limit=200', headers);
  const forgedEntry = failed.webhooks.find((row) => row.externalId === forgedSid);
  expect(forgedEntry).toMatchObject({ outcome: 'failed', replayable: false, statusCode: 403 });
  const replayForged = await request.post(`/api/admin/webhooks/${forgedEntry!.id}/replay`, { headers });
  expect(replayForged.status(), await replayForged.text()).toBe(409);

  // What the seeded activity adds, once the sandbox has delivered all three texts.
  await expect
    .poll(async () => {
      const now = await getJson<AdminOverview>(request, '/api/admin/overview', headers);
      return now.traffic.messagesInbound - before.traffic.messagesInbound;
    })
    .toBeGreaterThanOrEqual(3);

  // The administrator logs in through the form and opens the console from the navigation.
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  const { email: adminEmail, password: adminPassword } = adminCredentials();
  await logInViaForm(page, adminEmail, adminPassword);
  await expect(page).toHaveURL(/\/messages$/);
  await mainNav(page).getByRole('link', { name: 'Admin' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('heading', { name: 'Overview', level: 2 })).toBeVisible();

  // The tiles show what the API counts now, which holds at least the seeded activity.
  await expect(async () => {
    const now = await getJson<AdminOverview>(request, '/api/admin/overview', headers);
    expect(now.users.total).toBeGreaterThanOrEqual(before.users.total + 2);
    expect(now.users.newThisWeek).toBeGreaterThanOrEqual(before.users.newThisWeek + 2);
    expect(now.traffic.messagesOutbound).toBeGreaterThanOrEqual(before.traffic.messagesOutbound + 2);
    expect(now.numbers.byCountry.FR ?? 0).toBeGreaterThanOrEqual((before.numbers.byCountry.FR ?? 0) + 2);
    await page.reload();
    await expect(kpi(page, 'Total users')).toHaveText(count(now.users.total), { timeout: 5_000 });
    await expect(kpi(page, 'New this week')).toHaveText(count(now.users.newThisWeek), { timeout: 1_000 });
    await expect(kpi(page, 'Messages sent')).toHaveText(count(now.traffic.messagesOutbound), { timeout: 1_000 });
    await expect(kpi(page, 'Messages received')).toHaveText(count(now.traffic.messagesInbound), { timeout: 1_000 });
    await expect(kpi(page, 'Total numbers')).toHaveText(count(now.numbers.total), { timeout: 1_000 });
    await expect(
      page.getByRole('list', { name: 'Numbers by country' }).getByRole('listitem').filter({ hasText: 'France' }),
    ).toContainText(count(now.numbers.byCountry.FR ?? 0), { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByText('Database: OK')).toBeVisible();
  await expect(page.getByText('Carrier: sandbox')).toBeVisible();
  await shot(page, 'admin-overview-desktop');

  // Bruno is at work in another browser when the administrator looks him up.
  const brunoPage = await signedIn(browser, bruno.email);
  const brunoToken = await apiToken(request, bruno.email);

  await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Users' }).click();
  await page.getByLabel('Search', { exact: true }).fill(`varenne${tag}`.slice(0, 10));
  const brunoRow = page.getByRole('row').filter({ hasText: bruno.email });
  await expect(brunoRow).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: alice.email })).toHaveCount(0);
  await expect(brunoRow).toContainText('Active');
  await shot(page, 'admin-users-search');
  await brunoRow.getByRole('link', { name: `Bruno Varenne${tag}` }).click();
  await expect(page.getByRole('heading', { name: `Bruno Varenne${tag}`, level: 2 })).toBeVisible();
  const numbersCard = page.locator('section.card').filter({ has: page.getByRole('heading', { name: 'Numbers' }) });
  await expect(numbersCard).toContainText(brunoLine.slice(-2));

  // Suspending asks why; the reason is required.
  await page.getByRole('button', { name: 'Suspend' }).click();
  const dialog = page.getByRole('dialog', { name: `Suspend Bruno Varenne${tag}?` });
  await dialog.getByRole('button', { name: 'Suspend' }).click();
  await expect(dialog.getByText('Give a reason of at least 3 characters.')).toBeVisible();
  await dialog.getByLabel('Reason').fill('Reported for unsolicited bulk texts');
  await shot(page, 'admin-user-suspend-dialog', { fullHeight: false });
  await dialog.getByRole('button', { name: 'Suspend' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('This account is suspended')).toBeVisible();
  await expect(page.getByText('Reason: Reported for unsolicited bulk texts')).toBeVisible();
  await shot(page, 'admin-user-suspended');

  // Bruno's calls are refused from now on, and his open page lands on the login page, saying why.
  const refused = await request.get('/api/auth/me', { headers: { Authorization: `Bearer ${brunoToken}` } });
  expect(refused.status()).toBe(403);
  await expect(async () => {
    // The server may already have closed his socket's session, which signs the page out by itself.
    if (!brunoPage.url().endsWith('/login')) {
      await mainNav(brunoPage).getByRole('link', { name: 'Calls' }).click({ timeout: 2_000 });
    }
    await expect(brunoPage).toHaveURL(/\/login$/, { timeout: 5_000 });
  }).toPass({ timeout: 20_000 });
  await expect(brunoPage.getByRole('status').or(brunoPage.getByRole('alert'))).toContainText(
    'You were logged out because this account was suspended.',
  );
  await shot(brunoPage, 'admin-suspended-user-login');

  // Logging in again is refused while the account is suspended, saying so.
  await brunoPage.getByLabel('Email', { exact: true }).fill(bruno.email);
  await brunoPage.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await brunoPage.getByRole('button', { name: 'Log in', exact: true }).click();
  await expect(brunoPage.getByRole('alert')).toHaveText(
    'This account is suspended. Contact support to have it reactivated.',
  );

  // Reactivated, Bruno can log in again.
  await page.getByRole('button', { name: 'Reactivate' }).click();
  await expect(page.getByText('This account is suspended')).toBeHidden();
  await expect(page.getByRole('button', { name: 'Suspend' })).toBeVisible();
  await logInViaForm(brunoPage, bruno.email);
  await expect(brunoPage).toHaveURL(/\/messages$/);

  // The audit log has both actions, by this administrator.
  await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Audit log' }).click();
  for (const action of ['user.suspend', 'user.reactivate']) {
    await expect(page.getByRole('row').filter({ hasText: action }).first()).toContainText(adminEmail);
  }
  await shot(page, 'admin-audit');

  // The webhook log: failed events can be picked out; the forged callback is one, and cannot be replayed.
  await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Webhooks' }).click();
  await page.getByLabel('Outcome').selectOption('failed');
  const forgedRow = page.getByRole('row').filter({ hasText: forgedSid });
  await expect(forgedRow).toContainText('Failed');
  await expect(forgedRow).toContainText('invalid signature');
  await expect(forgedRow.getByRole('button', { name: 'Replay' })).toHaveCount(0);
  await shot(page, 'admin-webhooks-failed');

  // All numbers with their owners: Bruno's is found by a part of it.
  await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Numbers' }).click();
  await page.getByLabel('Search', { exact: true }).fill(brunoLine.slice(-6));
  await expect(page.getByText('1 number', { exact: true })).toBeVisible();
  const brunoNumber = page.getByRole('row').filter({ hasText: `Bruno Varenne${tag}` });
  await expect(brunoNumber).toContainText('Active');
  await expect(brunoNumber.getByRole('button', { name: /^Suspend / })).toBeVisible();
  await shot(page, 'admin-numbers');

  // The sandbox tools play the outside world: a text to Alice's line, picked among the lines.
  await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Sandbox tools' }).click();
  const sms = page.getByRole('region', { name: 'Inbound text' });
  await sms.getByLabel('From').fill(OUTSIDE);
  await sms.getByLabel('To').fill(aliceLine);
  await sms.getByLabel('Message').fill('Do you deliver to Lyon?');
  await sms.getByRole('button', { name: 'Deliver text' }).click();
  await expect(sms.getByRole('status')).toContainText('Delivered');
  await shot(page, 'admin-sandbox');

  // The charts: today's bars hold the seeded sign-ups and texts, as the API counts them.
  await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Charts' }).click();
  await expect(async () => {
    const charts = await getJson<AdminCharts>(request, '/api/admin/charts?days=30', headers);
    const today = charts.days[charts.days.length - 1]!;
    expect(today.signups).toBeGreaterThanOrEqual(2);
    expect(today.messages).toBeGreaterThanOrEqual(6);
    await page.reload();
    const signups = page.getByRole('figure', { name: /^Sign-ups/ });
    await expect(signups.locator('.chart__bar--today')).toHaveAttribute('data-value', String(today.signups), {
      timeout: 5_000,
    });
    const messages = page.getByRole('figure', { name: /^Messages/ });
    await expect(messages.locator('.chart__bar--today')).toHaveAttribute('data-value', String(today.messages), {
      timeout: 1_000,
    });
    // The same numbers, in the table screen readers read.
    await expect(messages.getByRole('row').last()).toContainText(count(today.messages), { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByRole('img', { name: /Sign-ups/ })).toBeVisible();
  await shot(page, 'admin-charts-desktop');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await shot(page, 'admin-charts-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // On a phone, the console is the same screens, the tables turned into cards.
  await page.setViewportSize(PHONE);
  await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Overview' }).click();
  await expect(kpi(page, 'Total users')).toBeVisible();
  await shot(page, 'admin-overview-phone');
  await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Users' }).click();
  await page.getByLabel('Search', { exact: true }).fill(tag);
  await expect(page.getByText('2 users', { exact: true })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: alice.email })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: bruno.email })).toBeVisible();
  await shot(page, 'admin-users-phone');

  await context.close();
  await brunoPage.context().close();
});

test('someone who is not an administrator is told the console is not for them', async ({ browser, request }) => {
  const email = uniqueEmail('not-admin');
  await registerViaApi(request, { email, firstName: 'Nadia', lastName: 'Perrin' });
  const page = await signedIn(browser, email);
  await expect(mainNav(page).getByRole('link', { name: 'Admin' })).toHaveCount(0);
  await page.goto('/admin/users');
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
  // The API answers the same.
  const refused = await request.get('/api/admin/overview', {
    headers: { Authorization: `Bearer ${await apiToken(request, email)}` },
  });
  expect(refused.status()).toBe(403);
  await shot(page, 'admin-not-allowed-phone');
  await page.context().close();
});
