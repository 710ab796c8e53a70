import { expect, test } from '@playwright/test';
import { freshTotp, logInViaForm, mainNav, shot, signUpViaForm, totp, uniqueEmail } from './support';

test('sign up, turn on two-step verification, log out, log back in with a code', async ({ page }) => {
  const email = uniqueEmail('twofa');
  await signUpViaForm(page, { email, firstName: 'Camille', lastName: 'Durand', companyName: 'Atelier Durand' });
  await expect(page.getByRole('heading', { name: 'No conversations yet' })).toBeVisible();

  // Settings → Security → turn on 2FA.
  await mainNav(page).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: /^Security/ }).click();
  await expect(page).toHaveURL(/\/settings\/security$/);
  await page.getByRole('button', { name: 'Turn on two-step verification' }).click();

  await expect(page.getByRole('img', { name: /QR code/ })).toBeVisible();
  const secret = await page.getByTestId('totp-secret').getAttribute('data-secret');
  expect(secret).toMatch(/^[A-Z2-7]+=*$/);
  // The grouped text shown for manual entry is the same secret.
  expect((await page.getByTestId('totp-secret').innerText()).replace(/\s/g, '')).toBe(secret);
  await shot(page, 'security-2fa-qr-phone');

  const confirm = await totp(secret!);
  await page.getByLabel('Authentication code', { exact: true }).fill(confirm.code);
  await page.getByRole('button', { name: 'Confirm and turn on' }).click();

  // Backup codes are shown once, with copy/download and an acknowledgement.
  const codes = page.getByTestId('backup-codes').getByRole('listitem');
  await expect(codes).toHaveCount(10);
  await expect(page.getByRole('button', { name: 'Done' })).toBeDisabled();
  await shot(page, 'security-backup-codes-phone');
  await page.getByLabel('I have saved my backup codes in a safe place').check();
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByTestId('backup-codes')).toHaveCount(0);
  await expect(page.locator('#two-factor').getByText('On', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Turn off' })).toBeVisible();

  // Log out from the settings menu.
  await mainNav(page).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByText('You’ve been logged out.')).toBeVisible();

  // Log in again: the password alone is not enough.
  await logInViaForm(page, email);
  await expect(page).toHaveURL(/\/login\/2fa$/);
  await expect(page.getByRole('heading', { name: 'Two-step verification' })).toBeVisible();
  await shot(page, 'login-2fa-phone');

  const fresh = await freshTotp(secret!, confirm.step);
  await page.getByLabel('Authentication code', { exact: true }).fill(fresh.code);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/messages$/);
  await expect(page.getByRole('heading', { name: 'No conversations yet' })).toBeVisible();
});
