import { expect, test } from '@playwright/test';
import { logInViaForm, PASSWORD, registerViaApi, shot, uniqueEmail } from './support';

test('a wrong password shows an error and keeps the person on the login page', async ({ page, request }) => {
  const email = uniqueEmail('wrongpw');
  await registerViaApi(request, { email, firstName: 'Noah' });

  await logInViaForm(page, email, `${PASSWORD}-nope`);
  await expect(page.getByRole('alert')).toHaveText('Incorrect email or password.');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
  await shot(page, 'login-error-phone');

  // The right password then works.
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await expect(page).toHaveURL(/\/messages$/);
});

test('sign-up shows field errors: too short locally, too common from the server', async ({ page }) => {
  await page.goto('/signup');
  await page.getByLabel('Work email', { exact: true }).fill(uniqueEmail('weak'));

  // Caught by the shared schema before any request.
  const password = page.getByLabel('Password', { exact: true });
  await password.fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('Use at least 10 characters')).toBeVisible();
  await expect(password).toHaveAttribute('aria-invalid', 'true');
  await expect(password).toBeFocused();

  // Long enough but refused by the server's common-password check: shown next to the field.
  await password.fill('password123');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText(/most commonly used/)).toBeVisible();
  await expect(password).toHaveAttribute('aria-invalid', 'true');
  await expect(page).toHaveURL(/\/signup$/);
  await shot(page, 'signup-weak-password-phone');
});

test('signing up with an email that is taken points to log in', async ({ page, request }) => {
  const email = uniqueEmail('taken');
  await registerViaApi(request, { email });
  await page.goto('/signup');
  await page.getByLabel('Work email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('An account already exists with this email.', { exact: false })).toBeVisible();
});

test('repeated failures are throttled with a clear wait message', async ({ page, request }) => {
  const email = uniqueEmail('throttled');
  await registerViaApi(request, { email });
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(email);
  const password = page.getByLabel('Password', { exact: true });
  const alert = page.getByRole('alert');
  // The server answers 429 TOO_MANY_ATTEMPTS with Retry-After after a few failures.
  await expect(async () => {
    await password.fill('definitely-not-it');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await expect(alert).toContainText('Too many attempts', { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(alert).toHaveText(/Please wait \d+ min/);
  await shot(page, 'login-throttled-phone');
});
