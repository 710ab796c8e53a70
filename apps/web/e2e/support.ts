import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { PlanTier } from '@commpro/contracts';
import { expect, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { generate } from 'otplib';

export const PASSWORD = 'Blue-Harbor-Lantern-42';

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@example.com`;
}

export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

const screenshotsDir = new URL('./screenshots/', import.meta.url);
mkdirSync(screenshotsDir, { recursive: true });

/**
 * Saves a full-page screenshot to e2e/screenshots/<name>.png once fonts and layout have settled.
 * `{ fullHeight: false }` keeps the viewport as it is (for a modal dialog, drawn over the viewport).
 */
export async function shot(page: Page, name: string, { fullHeight = true } = {}): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  // A real full-height viewport rather than `fullPage`, which paints fixed and sticky bars mid-page.
  const viewport = page.viewportSize() ?? PHONE;
  const height = fullHeight ? await page.evaluate(() => document.documentElement.scrollHeight) : 0;
  if (height > viewport.height) await page.setViewportSize({ width: viewport.width, height });
  await page.screenshot({
    path: new URL(`${name}.png`, screenshotsDir).pathname,
    animations: 'disabled',
    caret: 'hide',
  });
  if (height > viewport.height) await page.setViewportSize(viewport);
}

/** Creates an account through the API (faster than the form when the form is not under test). */
export async function registerViaApi(
  request: APIRequestContext,
  body: { email: string; password?: string; firstName?: string; lastName?: string; companyName?: string },
): Promise<void> {
  const response = await request.post('/api/auth/register', { data: { password: PASSWORD, ...body } });
  expect(response.status(), await response.text()).toBe(201);
  // Close the session registration opened, so the sessions list holds only the ones a test creates.
  const { accessToken, refreshToken } = (await response.json()) as { accessToken: string; refreshToken: string };
  const logout = await request.post('/api/auth/logout', {
    headers: { Authorization: `Bearer ${accessToken}` },
    data: { refreshToken },
  });
  expect(logout.ok()).toBeTruthy();
}

export async function signUpViaForm(
  page: Page,
  user: { email: string; firstName: string; lastName: string; companyName?: string },
): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('First name', { exact: true }).fill(user.firstName);
  await page.getByLabel('Last name', { exact: true }).fill(user.lastName);
  if (user.companyName) await page.getByLabel('Company (optional)', { exact: true }).fill(user.companyName);
  await page.getByLabel('Work email', { exact: true }).fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/messages$/);
}

export async function logInViaForm(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
}

/** The main navigation: bottom tab bar on phones, sidebar on desktop (only one is visible). */
export function mainNav(page: Page) {
  return page.getByRole('navigation', { name: 'Main' });
}

const STEP_MS = 30_000;
export const totpStep = (at = Date.now()): number => Math.floor(at / STEP_MS);

/** A TOTP code from a time step after `afterStep`, waiting for the next 30-second window when needed. */
export async function freshTotp(secret: string, afterStep: number): Promise<{ code: string; step: number }> {
  while (totpStep() <= afterStep) {
    await new Promise((resolve) => setTimeout(resolve, (totpStep() + 1) * STEP_MS - Date.now() + 200));
  }
  return totp(secret);
}

export async function totp(secret: string): Promise<{ code: string; step: number }> {
  // Stay clear of a window edge so the code is still valid when the server checks it.
  if (STEP_MS - (Date.now() % STEP_MS) < 2_000) await new Promise((resolve) => setTimeout(resolve, 2_500));
  const step = totpStep();
  return { code: await generate({ secret }), step };
}

// Messaging: the sandbox carrier sells French mobiles and delivers texts in-process.

export async function apiToken(request: APIRequestContext, email: string): Promise<string> {
  const response = await request.post('/api/auth/login', { data: { email, password: PASSWORD } });
  expect(response.ok(), await response.text()).toBeTruthy();
  return ((await response.json()) as { accessToken: string }).accessToken;
}

/** Buys a French mobile for `email` through the API; another test may take an offer first, so try a few. */
export async function buyFrenchMobile(request: APIRequestContext, email: string): Promise<string> {
  const headers = { Authorization: `Bearer ${await apiToken(request, email)}` };
  const search = await request.get('/api/numbers/available?countryCode=FR&type=MOBILE&limit=20', { headers });
  expect(search.ok(), await search.text()).toBeTruthy();
  const { numbers } = (await search.json()) as { numbers: { phoneNumber: string }[] };
  for (const offer of numbers.sort(() => Math.random() - 0.5)) {
    const bought = await request.post('/api/numbers/purchase', { headers, data: { phoneNumber: offer.phoneNumber } });
    if (bought.status() === 201) return offer.phoneNumber;
    expect(bought.status(), await bought.text()).toBe(409);
  }
  throw new Error('no French mobile could be bought');
}

/** "+33 6 12 34 56 78" from "+33612345678", as the app shows it. */
export function formatted(e164: string): string {
  return `${e164.slice(0, 3)} ${e164.slice(3, 4)} ${e164.slice(4).replace(/(\d\d)(?=\d)/g, '$1 ')}`;
}

export async function signedIn(
  browser: Browser,
  email: string,
  options: { viewport?: typeof PHONE } = {},
): Promise<Page> {
  const context = await browser.newContext({ viewport: options.viewport ?? PHONE });
  const page = await context.newPage();
  await logInViaForm(page, email);
  await expect(page).toHaveURL(/\/messages$/);
  return page;
}

// Operators: e2e/run.mjs creates an administrator with the admin CLI before the server starts.

/** Puts the account of `email` on `tier` the way an operator does: as the administrator, through the API. */
export async function putOnPlan(request: APIRequestContext, email: string, tier: Exclude<PlanTier, 'FREE'>) {
  const adminEmail = process.env.E2E_ADMIN_EMAIL;
  const adminPassword = process.env.E2E_ADMIN_PASSWORD;
  if (!adminEmail || !adminPassword) throw new Error('E2E_ADMIN_EMAIL and E2E_ADMIN_PASSWORD come from e2e/run.mjs');
  const user = await request.post('/api/auth/login', { data: { email, password: PASSWORD } });
  expect(user.ok(), await user.text()).toBeTruthy();
  const { user: account } = (await user.json()) as { user: { id: string } };
  const login = await request.post('/api/auth/login', { data: { email: adminEmail, password: adminPassword } });
  expect(login.ok(), await login.text()).toBeTruthy();
  const { accessToken } = (await login.json()) as { accessToken: string };
  const changed = await request.put(`/api/admin/users/${account.id}/plan`, {
    headers: { Authorization: `Bearer ${accessToken}` },
    data: { tier },
  });
  expect(changed.status(), await changed.text()).toBe(200);
}
