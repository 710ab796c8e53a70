import { expect, test, type Page } from '@playwright/test';
import { DESKTOP, logInViaForm, mainNav, PASSWORD, PHONE, registerViaApi, shot, uniqueEmail } from './support';

// Walks every screen and saves screenshots to e2e/screenshots/ for review, checking the essentials on the way.

test('public screens', async ({ page }) => {
  for (const [viewport, suffix] of [
    [PHONE, 'phone'],
    [DESKTOP, 'desktop'],
  ] as const) {
    await page.setViewportSize(viewport);

    await page.goto('/signup');
    await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
    await shot(page, `signup-${suffix}`);

    await page.goto('/login');
    await expect(page.getByRole('heading', { name: 'Welcome back' })).toBeVisible();
    await shot(page, `login-${suffix}`);

    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await expect(page.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
    await shot(page, `forgot-password-${suffix}`);
  }

  await page.setViewportSize(PHONE);
  await page.getByLabel('Email', { exact: true }).fill('someone@example.com');
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(page.getByRole('heading', { name: 'Check your inbox' })).toBeVisible();
  await shot(page, 'forgot-password-sent-phone');

  await page.goto('/reset-password?token=not-a-real-token');
  await page.getByLabel('New password', { exact: true }).fill('Another-Strong-Passphrase-7');
  await page.getByRole('button', { name: 'Update password' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await shot(page, 'reset-password-invalid-phone');

  await page.goto('/reset-password');
  await expect(page.getByRole('heading', { name: 'This link is incomplete' })).toBeVisible();

  await page.goto('/verify-email/not-a-real-token');
  await expect(page.getByRole('heading', { name: 'We couldn’t verify your email' })).toBeVisible();
  await shot(page, 'verify-email-failed-phone');

  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});

test('public screens in French and dark mode', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'fr-FR', colorScheme: 'dark', viewport: PHONE });
  const page = await context.newPage();
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Bon retour parmi nous' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await shot(page, 'login-fr-dark-phone');
  await page.goto('/signup');
  await shot(page, 'signup-fr-dark-phone');
  await page.setViewportSize(DESKTOP);
  await shot(page, 'signup-fr-dark-desktop');
  await context.close();
});

async function visitTabs(page: Page, suffix: string) {
  for (const [tab, heading, file] of [
    ['Messages', 'No conversations yet', 'messages'],
    ['Calls', 'No calls yet', 'calls'],
    ['Contacts', 'No contacts yet', 'contacts'],
  ] as const) {
    await mainNav(page).getByRole('link', { name: tab }).click();
    await expect(page.getByRole('heading', { name: heading })).toBeVisible();
    await shot(page, `${file}-${suffix}`);
  }
}

test('app screens: tabs, settings, sessions, appearance, French, dark', async ({ page, request }) => {
  const email = uniqueEmail('screens');
  await registerViaApi(request, { email, firstName: 'Léa', lastName: 'Martin', companyName: 'Martin Conseil' });
  // A second session from another device, so the sessions list has something to revoke.
  const other = await request.post('/api/auth/login', {
    data: { email, password: PASSWORD, deviceId: 'e2e-iphone', deviceName: 'Safari on iOS' },
  });
  expect(other.ok()).toBeTruthy();

  await logInViaForm(page, email);
  await expect(page).toHaveURL(/\/messages$/);
  await visitTabs(page, 'phone');

  // Settings menu (phone) and each section.
  await mainNav(page).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('button', { name: 'Log out', exact: true })).toBeVisible();
  await shot(page, 'settings-phone');

  await page.getByRole('link', { name: /^Profile/ }).click();
  await expect(page.getByLabel('First name', { exact: true })).toHaveValue('Léa');
  await expect(page.getByText('Not verified')).toBeVisible();
  await shot(page, 'profile-phone');

  // Edit the profile: save is enabled only once something changed.
  const save = page.getByRole('button', { name: 'Save changes' });
  await expect(save).toBeDisabled();
  await page.getByLabel('Company', { exact: true }).fill('Martin Conseil SARL');
  await page.getByLabel('Time zone', { exact: true }).selectOption('America/New_York');
  await save.click();
  await expect(page.getByText('Profile saved')).toBeVisible();
  await expect(save).toBeDisabled();
  await page.reload();
  await expect(page.getByLabel('Company', { exact: true })).toHaveValue('Martin Conseil SARL');
  await expect(page.getByLabel('Time zone', { exact: true })).toHaveValue('America/New_York');

  const emailCard = page.getByRole('region', { name: 'Email address' });
  await emailCard.getByRole('button', { name: 'Resend verification email' }).click();
  await expect(emailCard.getByText(`We sent a new verification link to ${email}.`)).toBeVisible();

  await mainNav(page).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: /^Security/ }).click();
  const sessions = page.getByTestId('session-row');
  await expect(sessions).toHaveCount(2);
  await expect(sessions.first()).toContainText('This device');
  await expect(sessions.first()).toContainText('Chrome on Linux');
  await expect(sessions.nth(1)).toContainText('Safari on iOS');
  await shot(page, 'security-phone');

  // Change password: a wrong current password is reported on its field.
  await page.getByLabel('Current password', { exact: true }).fill('not-my-password');
  await page.getByLabel('New password', { exact: true }).fill('Brand-New-Passphrase-88');
  await page.getByRole('button', { name: 'Update password' }).click();
  await expect(page.getByText('Your current password is incorrect.')).toBeVisible();

  // Revoke the other device.
  await page.getByRole('button', { name: 'Revoke session on Safari on iOS' }).click();
  await expect(sessions).toHaveCount(1);
  await shot(page, 'sessions-after-revoke-phone');

  // Appearance: dark theme, then French.
  await mainNav(page).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: /^Appearance/ }).click();
  await shot(page, 'appearance-phone');
  await page.getByLabel('Dark', { exact: true }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await shot(page, 'appearance-dark-phone');
  await visitTabs(page, 'dark-phone');
  await mainNav(page).getByRole('link', { name: 'Settings' }).click();
  await shot(page, 'settings-dark-phone');
  await page.getByRole('link', { name: /^Security/ }).click();
  await shot(page, 'security-dark-phone');

  await mainNav(page).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: /^Appearance/ }).click();
  await page.getByLabel('Français', { exact: true }).check();
  await expect(page.getByRole('heading', { name: 'Apparence et langue' })).toBeVisible();
  await page.getByLabel('Clair', { exact: true }).check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await shot(page, 'appearance-fr-phone');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Apparence et langue' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Messages' }).click();
  await expect(page.getByRole('heading', { name: 'Aucune conversation' })).toBeVisible();
  await shot(page, 'messages-fr-phone');
  await page.goto('/settings');
  await shot(page, 'settings-fr-phone');
  await page.goto('/settings/security');
  await expect(page.getByTestId('session-row')).toHaveCount(1);
  await shot(page, 'security-fr-phone');

  // Desktop: sidebar instead of the tab bar.
  await page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Réglages' }).click();
  await page.setViewportSize(DESKTOP);
  await page.goto('/settings/appearance');
  await page.getByLabel('English', { exact: true }).check();
  await page.goto('/messages');
  await expect(page.locator('.sidebar')).toBeVisible();
  await expect(page.locator('.tabbar')).toBeHidden();
  await shot(page, 'messages-desktop');
  await page.goto('/settings');
  await shot(page, 'settings-desktop');
  await page.goto('/settings/security');
  await expect(page.getByTestId('session-row')).toHaveCount(1);
  await shot(page, 'security-desktop');
  await page.goto('/settings/appearance');
  await page.getByLabel('Dark', { exact: true }).check();
  await page.goto('/calls');
  await expect(page.getByRole('heading', { name: 'No calls yet' })).toBeVisible();
  await expect(page.locator('.sidebar__me')).toBeVisible();
  await shot(page, 'calls-dark-desktop');
  await page.goto('/settings/profile');
  await shot(page, 'profile-dark-desktop');
});
