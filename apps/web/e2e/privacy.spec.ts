import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { buyFrenchMobile, logInViaForm, PASSWORD, registerViaApi, uniqueEmail } from './support';

test('a person downloads their data, then deletes their account and can no longer log in', async ({
  page,
  request,
}) => {
  const email = uniqueEmail('privacy');
  await registerViaApi(request, { email, firstName: 'Inès', lastName: 'Privacy' });
  await buyFrenchMobile(request, email);
  await logInViaForm(page, email);
  await expect(page).toHaveURL(/\/messages$/);
  await page.goto('/settings/security');

  const privacy = page.locator('#privacy');
  const pending = page.waitForEvent('download');
  await privacy.getByRole('button', { name: 'Download my data' }).click();
  const download = await pending;
  expect(download.suggestedFilename()).toMatch(/^commpro-export-\d{4}-\d{2}-\d{2}\.zip$/);
  const zip = readFileSync((await download.path())!);
  expect(zip.subarray(0, 4).toString('hex')).toBe('504b0304');
  // A ZIP names its files in the clear.
  for (const name of ['README.txt', 'profile.json', 'messages.csv', 'numbers.json', 'invoices.csv']) {
    expect(zip.includes(name), name).toBe(true);
  }

  await privacy.getByRole('button', { name: 'Delete my account' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete your account?' });
  await expect(dialog.getByText('Your invoices are kept, as the law requires.')).toBeVisible();
  await dialog.getByLabel('Your password', { exact: true }).fill('Not-my-password-9');
  await dialog.getByRole('button', { name: 'Delete my account for good' }).click();
  await expect(dialog.getByText('This password is incorrect.')).toBeVisible();

  await dialog.getByLabel('Your password', { exact: true }).fill(PASSWORD);
  await dialog.getByRole('button', { name: 'Delete my account for good' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByText('Your account was deleted.')).toBeVisible();

  await logInViaForm(page, email);
  await expect(page.getByText('Incorrect email or password.')).toBeVisible();
  await expect(page).toHaveURL(/\/login$/);
});
