import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import {
  DESKTOP,
  mainNav,
  PASSWORD,
  PHONE,
  registerViaApi,
  shot,
  signUpViaForm,
  uniqueEmail,
  logInViaForm,
} from './support';

// Numbers against the real server and its sandbox carrier: search, buy, rename, the dashboard strip,
// the FREE plan's one-number limit (402), a number taken meanwhile (409), release.

async function searchFrenchMobiles(page: Page) {
  await page.getByLabel('France', { exact: true }).check();
  await page.getByLabel('Mobile', { exact: true }).check();
  const searched = page.waitForResponse((r) => r.url().includes('/api/numbers/available?countryCode=FR&type=MOBILE'));
  await page.getByRole('button', { name: 'Search' }).click();
  await searched;
  // Each search may offer other numbers: read the list only once no search is running.
  await expect(page.getByRole('region', { name: 'Available numbers' })).not.toHaveAttribute('aria-busy', 'true');
  const offers = page.getByTestId('offer');
  await expect(offers.first()).toBeVisible();
  // French mobiles: +33 6… or +33 7…, formatted in pairs.
  await expect(offers.first()).toContainText(/\+33 [67] \d\d \d\d \d\d \d\d/);
  return offers;
}

async function apiToken(request: APIRequestContext, email: string): Promise<string> {
  const response = await request.post('/api/auth/login', { data: { email, password: PASSWORD } });
  expect(response.ok(), await response.text()).toBeTruthy();
  return ((await response.json()) as { accessToken: string }).accessToken;
}

test('a new user buys a French mobile number, renames it, sees it on the dashboard; FREE refuses a second', async ({
  page,
}) => {
  await signUpViaForm(page, {
    email: uniqueEmail('numbers'),
    firstName: 'Camille',
    lastName: 'Durand',
    companyName: 'Durand Plomberie',
  });

  // The landing tab leads a new user to a first number.
  const cta = page.getByRole('region', { name: 'Get your business number' });
  await expect(cta).toBeVisible();
  await shot(page, 'numbers-dashboard-empty-phone');
  await cta.getByRole('link', { name: 'Get a number' }).click();
  await expect(page).toHaveURL(/\/numbers\/buy$/);
  await expect(page.getByRole('heading', { name: 'Get a number', level: 1 })).toBeVisible();

  const offers = await searchFrenchMobiles(page);
  const first = offers.first();
  await expect(first).toContainText('Voice');
  await expect(first).toContainText('SMS');
  // The price is the carrier's: read it rather than assume it.
  const price = (await first.locator('.offer__price strong').textContent())!.trim();
  expect(price).toMatch(/^€\d+\.\d\d\/month$/);
  const amount = price.replace('/month', '');
  await shot(page, 'numbers-buy-results-phone');

  const number = (await first.locator('.offer__number').textContent())!.trim();
  await first.getByRole('button', { name: `Buy ${number}` }).click();
  const dialog = page.getByRole('dialog', { name: 'Buy this number?' });
  await expect(dialog).toContainText(number);
  await expect(dialog).toContainText(`${amount} per month`);
  await shot(page, 'numbers-buy-confirm-phone', { fullHeight: false });
  const purchase = page.waitForResponse((r) => r.url().endsWith('/api/numbers/purchase'));
  await dialog.getByRole('button', { name: `Buy for ${price}` }).click();
  expect((await purchase).status()).toBe(201);

  // Bought: a toast, then My Numbers with the new number.
  await expect(page.getByText(`${number} is yours`)).toBeVisible();
  await expect(page).toHaveURL(/\/numbers$/);
  const card = page.getByRole('listitem', { name: number });
  await expect(card).toContainText('Unnamed number');
  await expect(card).toContainText('Active');
  await expect(card).toContainText(/Renews \w+ \d+, \d{4}/);
  await shot(page, 'numbers-mine-new-phone');

  // Rename inline.
  await card.getByRole('button', { name: `Rename ${number}` }).click();
  await card.getByLabel('Name', { exact: true }).fill('Main line');
  await shot(page, 'numbers-rename-phone');
  await card.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Name saved')).toBeVisible();
  await expect(card).toContainText('Main line');
  await page.reload();
  await expect(page.getByRole('listitem', { name: number })).toContainText('Main line');
  await shot(page, 'numbers-mine-phone');

  // The dashboard (the Messages tab) shows it.
  await mainNav(page).getByRole('link', { name: 'Messages' }).click();
  const strip = page.getByRole('region', { name: 'Your numbers' });
  await expect(strip).toContainText(number);
  await expect(strip).toContainText('Main line');
  await expect(page.getByRole('region', { name: 'Get your business number' })).toHaveCount(0);
  await shot(page, 'numbers-dashboard-phone');

  // A second number on FREE: refused with the plan's limit and the plan that lifts it.
  await strip.getByRole('link', { name: 'Add a number' }).click();
  const more = await searchFrenchMobiles(page);
  const second = (await more.nth(1).locator('.offer__number').textContent())!.trim();
  expect(second).not.toBe(number);
  await more
    .nth(1)
    .getByRole('button', { name: `Buy ${second}` })
    .click();
  const refused = page.waitForResponse((r) => r.url().endsWith('/api/numbers/purchase'));
  await page
    .getByRole('dialog')
    .getByRole('button', { name: /^Buy for/ })
    .click();
  const response = await refused;
  expect(response.status()).toBe(402);
  expect(((await response.json()) as { code: string }).code).toBe('PLAN_LIMIT_REACHED');
  const limit = page.getByRole('dialog').getByRole('status').filter({ hasText: 'number limit' });
  await expect(limit).toContainText('Your plan’s number limit is reached');
  await expect(limit).toContainText('Your Free plan includes 1 number; upgrade to Business for up to 3 numbers.');
  await expect(limit).toContainText('Business is €35.00/month.');
  await expect(page.getByRole('dialog').getByRole('button', { name: /^Buy for/ })).toHaveCount(0);
  await shot(page, 'numbers-plan-limit-phone', { fullHeight: false });
  await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).last().click();
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // Still one number.
  await page.getByRole('link', { name: 'Numbers' }).click();
  await expect(page.getByTestId('number-card')).toHaveCount(1);

  // Release, after a confirmation that says what happens.
  await page.getByRole('button', { name: `Release ${number}` }).click();
  const release = page.getByRole('dialog', { name: `Release ${number}?` });
  await expect(release).toContainText('stop reaching you right away');
  await shot(page, 'numbers-release-phone', { fullHeight: false });
  await release.getByRole('button', { name: 'Release number' }).click();
  await expect(page.getByText(`${number} released`)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No number yet' })).toBeVisible();
  await shot(page, 'numbers-mine-empty-phone');
});

test('a number someone else just bought: 409, the results are refreshed', async ({ page, request }) => {
  const email = uniqueEmail('race');
  const rival = uniqueEmail('rival');
  await registerViaApi(request, { email, firstName: 'Inès' });
  await registerViaApi(request, { email: rival, firstName: 'Hugo' });

  await logInViaForm(page, email);
  await expect(page).toHaveURL(/\/messages$/);
  await page.goto('/numbers/buy');
  const offers = await searchFrenchMobiles(page);
  const number = (await offers.first().locator('.offer__number').textContent())!.trim();

  // The rival buys it first.
  const token = await apiToken(request, rival);
  const bought = await request.post('/api/numbers/purchase', {
    headers: { Authorization: `Bearer ${token}` },
    data: { phoneNumber: number },
  });
  expect(bought.status(), await bought.text()).toBe(201);

  await offers
    .first()
    .getByRole('button', { name: `Buy ${number}` })
    .click();
  const purchase = page.waitForResponse((r) => r.url().endsWith('/api/numbers/purchase'));
  await page
    .getByRole('dialog')
    .getByRole('button', { name: /^Buy for/ })
    .click();
  expect((await purchase).status()).toBe(409);
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Someone just took' })).toHaveText(
    `Someone just took ${number}. The list below is up to date.`,
  );
  await expect(page.getByTestId('offer').filter({ hasText: number })).toHaveCount(0);
  await shot(page, 'numbers-taken-phone');
});

test('numbers screens on desktop, in French and in dark mode', async ({ page, request }) => {
  const email = uniqueEmail('numbers-shots');
  await registerViaApi(request, { email, firstName: 'Léa', lastName: 'Martin' });
  await logInViaForm(page, email);
  await expect(page).toHaveURL(/\/messages$/);

  // Settings leads to the numbers too.
  await mainNav(page).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: /^Phone numbers/ }).click();
  await expect(page.getByRole('heading', { name: 'No number yet' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Settings' }).first()).toBeVisible();

  // Bring a number from another provider.
  const port = page.getByRole('region', { name: 'Bring your number' });
  await port.getByRole('button', { name: 'Transfer a number' }).click();
  await port.getByLabel('Number to transfer', { exact: true }).fill('06 12 34 56 78');
  await port.getByLabel('Current provider', { exact: true }).fill('Orange');
  await port.getByRole('button', { name: 'Request transfer' }).click();
  await expect(port.getByLabel('Account number', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await port.getByLabel('Account number', { exact: true }).fill('ORG-4432-118');
  await port.getByLabel('Transfer PIN (optional)', { exact: true }).fill('1234');
  await shot(page, 'numbers-port-form-phone');
  await port.getByRole('button', { name: 'Request transfer' }).click();
  await expect(port.getByRole('status')).toContainText(
    /We’ve asked for \+33 6 12 34 56 78 to be transferred\. Expected by/,
  );
  await shot(page, 'numbers-port-sent-phone');

  await page.setViewportSize(DESKTOP);
  await page.goto('/messages');
  await expect(page.getByRole('region', { name: 'Get your business number' })).toBeVisible();
  await shot(page, 'numbers-dashboard-empty-desktop');
  await page.goto('/numbers');
  await shot(page, 'numbers-mine-empty-desktop');
  await page.goto('/numbers/buy');
  await searchFrenchMobiles(page);
  await shot(page, 'numbers-buy-results-desktop');
  const offer = page.getByTestId('offer').first();
  const number = (await offer.locator('.offer__number').textContent())!.trim();
  await offer.getByRole('button', { name: `Buy ${number}` }).click();
  await page.getByRole('dialog').getByLabel('Name (optional)').fill('Support');
  await shot(page, 'numbers-buy-confirm-desktop', { fullHeight: false });
  await page
    .getByRole('dialog')
    .getByRole('button', { name: /^Buy for/ })
    .click();
  await expect(page).toHaveURL(/\/numbers$/);
  await expect(page.getByRole('listitem', { name: number })).toContainText('Support');
  await shot(page, 'numbers-mine-desktop');
  await page.goto('/messages');
  await expect(page.getByRole('region', { name: 'Your numbers' })).toContainText('Support');
  await shot(page, 'numbers-dashboard-desktop');

  // Dark mode.
  await page.goto('/settings/appearance');
  await page.getByLabel('Dark', { exact: true }).check();
  await page.goto('/numbers');
  await expect(page.getByRole('listitem', { name: number })).toBeVisible();
  await shot(page, 'numbers-mine-dark-desktop');
  await page.setViewportSize(PHONE);
  await shot(page, 'numbers-mine-dark-phone');
  await page.goto('/messages');
  await expect(page.getByRole('region', { name: 'Your numbers' })).toBeVisible();
  await shot(page, 'numbers-dashboard-dark-phone');
  await page.goto('/numbers/buy');
  await page.getByLabel('United Kingdom', { exact: true }).check();
  await expect(page.getByTestId('offer').first()).toContainText('+44');
  await shot(page, 'numbers-buy-dark-phone');
  await page.getByRole('button', { name: /^Buy / }).first().click();
  await page
    .getByRole('dialog')
    .getByRole('button', { name: /^Buy for/ })
    .click();
  await expect(page.getByRole('dialog').getByText('Your plan’s number limit is reached')).toBeVisible();
  await shot(page, 'numbers-plan-limit-dark-phone', { fullHeight: false });
  await page.keyboard.press('Escape');

  // French, light.
  await page.goto('/settings/appearance');
  await page.getByLabel('Light', { exact: true }).check();
  await page.getByLabel('Français', { exact: true }).check();
  await page.goto('/numbers');
  await expect(page.getByRole('heading', { name: 'Numéros', level: 1 })).toBeVisible();
  await expect(page.getByRole('listitem', { name: number })).toContainText(/\d+,\d\d\s€\/mois/);
  await shot(page, 'numbers-mine-fr-phone');
  await page.goto('/numbers/buy');
  await page.getByLabel('Mobile', { exact: true }).check();
  await expect(page.getByTestId('offer').first()).toBeVisible();
  await shot(page, 'numbers-buy-fr-phone');
  await page
    .getByRole('button', { name: /^Acheter le/ })
    .first()
    .click();
  await page
    .getByRole('dialog')
    .getByRole('button', { name: /^Acheter pour/ })
    .click();
  await expect(page.getByRole('dialog')).toContainText(
    'Votre forfait Gratuit inclut 1 numéro ; passez au forfait Business pour en avoir jusqu’à 3.',
  );
  await shot(page, 'numbers-plan-limit-fr-phone', { fullHeight: false });
  await page.keyboard.press('Escape');
  await page.goto('/messages');
  await shot(page, 'numbers-dashboard-fr-phone');
});
