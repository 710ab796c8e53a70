import { expect, test } from '@playwright/test';
import { logInViaForm, PASSWORD, registerViaApi, uniqueEmail } from './support';

test('a session revoked from another device logs this tab out in real time', async ({ page, request }) => {
  const email = uniqueEmail('revoked');
  await registerViaApi(request, { email });
  await logInViaForm(page, email);
  await expect(page).toHaveURL(/\/messages$/);

  // Another device lists the sessions and ends the browser's one.
  const login = await request.post('/api/auth/login', {
    data: { email, password: PASSWORD, deviceId: 'e2e-other', deviceName: 'Firefox on Windows' },
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const headers = { Authorization: `Bearer ${accessToken}` };
  const list = (await (await request.get('/api/auth/sessions', { headers })).json()) as {
    sessions: { id: string; deviceName: string | null; current: boolean }[];
  };
  const browserSession = list.sessions.find((session) => session.deviceName === 'Chrome on Linux');
  expect(browserSession).toBeDefined();
  const revoke = await request.delete(`/api/auth/sessions/${browserSession!.id}`, { headers });
  expect(revoke.ok()).toBeTruthy();

  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByText('You were logged out because this session was ended from another device.')).toBeVisible();
});

test('the session survives a reload and concurrent requests share one refresh', async ({ page }) => {
  const email = uniqueEmail('reload');
  await page.goto('/signup');
  await page.getByLabel('Work email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/messages$/);

  const refreshes: string[] = [];
  page.on('request', (req) => {
    if (req.url().endsWith('/api/auth/refresh')) refreshes.push(req.url());
  });
  // Reload: the access token was in memory only, so one refresh restores the session.
  await page.goto('/settings/security');
  await expect(page.getByTestId('session-row')).toHaveCount(1);
  expect(refreshes).toHaveLength(1);

  // A second tab of the same browser resumes with its own refresh, without revoking the first.
  const second = await page.context().newPage();
  await second.goto('/settings/profile');
  await expect(second.getByTestId('profile-email')).toHaveText(email);
  await page.reload();
  await expect(page.getByTestId('session-row')).toHaveCount(1);
});
