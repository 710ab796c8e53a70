import { readFile } from 'node:fs/promises';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { apiToken, buyFrenchMobile, DESKTOP, PHONE, registerViaApi, shot, signedIn, uniqueEmail } from './support';

// Billing against the real server with local billing (no payment): a FREE user runs out of SMS,
// follows the upgrade prompt to the plans, moves to STARTER, texts again, watches the usage move
// and downloads the invoice as a PDF whose printed lines and totals are checked. No card is asked
// for anywhere, and Stripe.js is never fetched.

const OUTSIDE = '+33612345678';

async function sendViaApi(request: APIRequestContext, token: string, from: string, body: string) {
  const response = await request.post('/api/messages/send', {
    headers: { Authorization: `Bearer ${token}` },
    data: { from, to: OUTSIDE, body },
  });
  expect(response.status(), await response.text()).toBe(202);
  return (await response.json()) as { segments: number };
}

/** WinAnsi bytes 0x80–0x9F that are not Latin-1: the invoice only prints the euro sign among them. */
const WIN_ANSI = new Map([[0x80, '€']]);

/**
 * The strings the PDF's page content shows with `(…) Tj`, decoded: the streams are
 * uncompressed, `\(`, `\)` and `\\` are escaped and bytes above 0x7E are octal escapes.
 */
function pdfShownText(pdf: Buffer): string[] {
  const raw = pdf.toString('latin1');
  return [...raw.matchAll(/\(((?:\\[\s\S]|[^\\()])*)\) Tj/g)].map(([, literal]) =>
    literal!
      .replace(/\\([0-7]{1,3}|[\s\S])/g, (_, escaped: string) =>
        /^[0-7]+$/.test(escaped) ? String.fromCharCode(parseInt(escaped, 8)) : escaped,
      )
      .replace(/[\x80-\x9f]/g, (c) => WIN_ANSI.get(c.charCodeAt(0)) ?? c),
  );
}

async function openSettingsTab(page: Page, tab: 'Plan' | 'Usage' | 'Invoices') {
  await page.goto('/settings/billing');
  await page.getByRole('navigation', { name: 'Plan & billing' }).getByRole('link', { name: tab }).click();
}

test('a FREE user out of SMS upgrades to Starter from the prompt, texts again, sees usage and the invoice PDF', async ({
  browser,
  request,
}) => {
  const email = uniqueEmail('billing');
  await registerViaApi(request, { email, firstName: 'Élodie', lastName: 'Marchand', companyName: 'Atelier Marchand' });
  const line = await buyFrenchMobile(request, email);
  const token = await apiToken(request, email);

  // FREE's 50 SMS, spent fast: 4 × 11 segments + 6 segments.
  for (let i = 0; i < 4; i += 1) {
    expect((await sendViaApi(request, token, line, `${i}`.repeat(1600))).segments).toBe(11);
  }
  expect((await sendViaApi(request, token, line, 'x'.repeat(153 * 5 + 1))).segments).toBe(6);

  // One more, from the conversation: refused with the plan that lifts the limit, and a way there.
  const page = await signedIn(browser, email);
  const stripeRequests: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).hostname.endsWith('stripe.com')) stripeRequests.push(request.url());
  });
  await page.goto(`/messages/${encodeURIComponent(OUTSIDE)}?from=${encodeURIComponent(line)}`);
  const composer = page.getByLabel('Message', { exact: true });
  await composer.fill('Bonjour, the quote is attached to my email.');
  const refused = page.waitForResponse((r) => r.url().endsWith('/api/messages/send'));
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  expect((await refused).status()).toBe(402);
  await expect(page.getByTestId('plan-limit-message')).toHaveText(
    'Your Free plan includes 50 SMS a month. Upgrade to Starter to keep texting.',
  );
  await page.getByRole('link', { name: 'Compare plans and upgrade' }).click();

  // The plans: Free is current; annual billing shows the monthly equivalent and the yearly bill.
  await expect(page).toHaveURL(/\/plans$/);
  await expect(page.getByRole('heading', { name: 'Plans', level: 1 })).toBeVisible();
  const plan = (name: string) => page.getByRole('listitem', { name, exact: true });
  await expect(page.getByRole('list', { name: 'Plans' }).getByRole('listitem', { name: /./ })).toHaveCount(4);
  await expect(plan('Free')).toContainText('Your plan');
  await expect(plan('Free').getByRole('button', { name: 'Current plan' })).toBeDisabled();
  await expect(plan('Free')).toContainText('50 SMS a month');
  await expect(plan('Free')).toContainText('No MMS');
  const starter = plan('Starter');
  await expect(starter).toContainText('€15/month');
  await expect(starter).toContainText('500 SMS a month');
  await expect(starter).toContainText('100 MMS a month');
  await expect(starter).toContainText('500 call minutes a month');
  await expect(starter).toContainText('SMS €0.10 · call minute €0.02 · MMS €0.15');
  await expect(plan('Business')).toContainText('SMS €0.08 · call minute €0.015 · MMS €0.12');
  await expect(plan('Business')).toContainText('Extra number €5/month');
  await expect(plan('Enterprise')).toContainText('Negotiated rates.');
  await expect(page.getByText('Annual billing saves up to 20%.')).toBeVisible();
  await page.getByLabel('Annual', { exact: true }).check();
  await expect(starter).toContainText('€12/month');
  await expect(starter).toContainText('billed €144/year');
  await expect(plan('Enterprise')).toContainText('billed €1,188/year');
  await shot(page, 'billing-plans-annual-phone');
  await page.setViewportSize(DESKTOP);
  await shot(page, 'billing-plans-annual-desktop');
  await page.getByLabel('Monthly', { exact: true }).check();
  await expect(starter).toContainText('billed monthly');
  await shot(page, 'billing-plans-desktop');
  await page.setViewportSize(PHONE);
  await shot(page, 'billing-plans-phone');

  // Upgrading: the preview says what changes, that it is now, and what is charged with VAT: the
  // first month of Starter, plus what the Free period it closes owes (its French mobile, €5).
  await starter.getByRole('button', { name: 'Upgrade to Starter' }).click();
  const dialog = page.getByRole('dialog', { name: 'Upgrade to Starter' });
  await expect(dialog.getByTestId('change-when')).toHaveText('Now');
  await expect(dialog.getByTestId('change-owed')).toHaveText(/^€5\.00Numbers and usage beyond the plan since /);
  await expect(dialog.getByTestId('change-charge')).toHaveText('€24.00€20.00 + €4.00 VAT (20%)');
  await expect(dialog.getByRole('row', { name: /SMS/ })).toContainText('50→500');
  await expect(dialog).toContainText('Local billing: no card is needed, the invoice is issued as paid.');
  await shot(page, 'billing-change-plan-phone', { fullHeight: false });
  const subscribed = page.waitForResponse((r) => r.url().endsWith('/api/billing/subscribe'));
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  expect((await subscribed).status()).toBe(201);
  await expect(dialog).toHaveCount(0);
  await expect(page.getByText('You are on Starter now')).toBeVisible();
  await expect(starter).toContainText('Your plan');
  await expect(plan('Free').getByRole('button', { name: 'Downgrade to Free' })).toBeEnabled();
  await expect(plan('Business').getByRole('button', { name: 'Upgrade to Business' })).toBeEnabled();

  // Back to the conversation: the same text goes now.
  await page.getByRole('link', { name: 'Back' }).click();
  await expect(page).toHaveURL(/\/messages\/%2B33612345678\?from=/);
  const text = 'Bonjour, the quote is attached to my email. Sending again now that I have the Starter plan.';
  await composer.fill(text);
  const sent = page.waitForResponse((r) => r.url().endsWith('/api/messages/send'));
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  expect((await sent).status()).toBe(202);
  await expect(page.getByTestId('message').filter({ hasText: text })).toBeVisible();
  await expect(page.getByTestId('plan-limit-message')).toHaveCount(0);

  // The subscription: Starter, monthly, €15 excl. VAT, next invoice at the end of the period.
  await openSettingsTab(page, 'Plan');
  await expect(page.getByTestId('current-plan')).toHaveText('Starter · Monthly');
  await expect(page.getByRole('region', { name: 'Your plan' })).toContainText('€15.00/month excl. VAT');
  await expect(page.getByRole('region', { name: 'Your plan' })).toContainText('Active');
  await expect(page.getByRole('region', { name: 'Your plan' })).toContainText(/Next invoice.*€15\.00 excl\. VAT/);
  await expect(page.getByRole('region', { name: 'Payment methods' })).toHaveCount(0);
  await shot(page, 'billing-subscription-phone');

  // Usage: the new period counts the one SMS sent since, against Starter's 500; then it moves.
  await openSettingsTab(page, 'Usage');
  const sms = page.getByRole('meter', { name: 'SMS' });
  await expect(sms).toHaveAttribute('aria-valuetext', '1 of 500');
  await expect(page.getByRole('meter', { name: 'Phone numbers' })).toHaveAttribute('aria-valuetext', '1 of 1');
  await expect(page.getByTestId('cost-so-far')).toHaveText('€0.00');
  await expect(page.getByTestId('cost-projected')).toHaveText('€0.00Estimate');
  await sendViaApi(request, token, line, 'y'.repeat(1600));
  await page.reload();
  await expect(sms).toHaveAttribute('aria-valuetext', '12 of 500');
  await expect(page.getByText('Not included')).toHaveCount(0);
  await shot(page, 'billing-usage-phone');

  // Invoices: Starter's first month and the Free period's number, paid; the PDF prints the lines and totals.
  await openSettingsTab(page, 'Invoices');
  const invoice = page.getByTestId('invoice');
  await expect(invoice).toHaveCount(1);
  await expect(invoice).toContainText(/CP-\d{4}-\d{6}/);
  await expect(invoice).toContainText('€24.00');
  await expect(invoice).toContainText('Paid');
  const number = (await invoice.locator('.invoice__number').textContent())!;
  await invoice.getByText('Details').click();
  await expect(invoice.getByRole('row', { name: 'CommPro Starter plan (monthly)' })).toContainText('€15.00');
  await expect(invoice.getByRole('row', { name: 'Phone numbers' })).toContainText('€5.00');
  await expect(invoice.getByRole('row', { name: /^Subtotal/ })).toContainText('€20.00');
  await expect(invoice.getByRole('row', { name: 'VAT (20%)' })).toContainText('€4.00');
  await expect(invoice.getByRole('row', { name: /^Total/ })).toContainText('€24.00');
  await shot(page, 'billing-invoices-phone');
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: `Download invoice ${number} (PDF)` }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`${number}.pdf`);
  const pdf = await readFile((await download.path())!);
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const printed = pdfShownText(pdf);
  for (const expected of [
    number,
    'Atelier Marchand',
    'CommPro Starter plan (monthly)',
    '€15.00',
    'Phone numbers',
    '€5.00',
    '€20.00',
    '€4.00',
    '€24.00',
  ]) {
    expect(printed, expected).toContain(expected);
  }

  // Dark, on a desktop: a downgrade waits for the end of the period, and can be taken back.
  await page.goto('/settings/appearance');
  await page.getByLabel('Dark', { exact: true }).check();
  await page.setViewportSize(DESKTOP);
  await page.goto('/plans');
  await expect(starter).toContainText('Your plan');
  await shot(page, 'billing-plans-dark-desktop');
  await plan('Free').getByRole('button', { name: 'Downgrade to Free' }).click();
  const downgrade = page.getByRole('dialog', { name: 'Downgrade to Free' });
  await expect(downgrade.getByTestId('change-when')).toHaveText(/^At the end of your period, on \w{3} \d{1,2}, \d{4}$/);
  await expect(downgrade.getByTestId('change-charge')).toHaveText('Nothing');
  await shot(page, 'billing-downgrade-dark-desktop', { fullHeight: false });
  await downgrade.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByText(/^Free starts on /)).toBeVisible();
  await expect(plan('Free')).toContainText(/From \w{3} \d{1,2}, \d{4}/);

  await openSettingsTab(page, 'Plan');
  const scheduled = page.getByRole('status').filter({ hasText: 'Your plan changes on' });
  await expect(scheduled).toContainText('You move to Free. Until then you keep Starter.');
  await expect(page.getByRole('region', { name: 'Your plan' })).toContainText(/Next invoice\s*None/);
  await shot(page, 'billing-subscription-scheduled-dark-desktop');
  await scheduled.getByRole('button', { name: 'Keep Starter' }).click();
  await expect(page.getByText('You keep Starter')).toBeVisible();
  await expect(scheduled).toHaveCount(0);

  // Cancelling at the end of the period, after a confirmation, then keeping the plan after all.
  await page.getByRole('button', { name: 'Cancel plan' }).click();
  const cancel = page.getByRole('dialog', { name: 'Cancel your Starter plan?' });
  await expect(cancel.getByRole('radio', { name: /^At the end of the period, on / })).toBeChecked();
  await expect(cancel.getByRole('radio', { name: 'Now' })).toHaveAccessibleDescription(
    'You move to the Free plan right away; the rest of this period is not refunded.',
  );
  await shot(page, 'billing-cancel-dark-desktop', { fullHeight: false });
  const cancelled = page.waitForResponse((r) => r.url().endsWith('/api/billing/cancel'));
  await cancel.getByRole('button', { name: 'Cancel plan' }).click();
  expect((await cancelled).request().postDataJSON()).toEqual({ cancelAtPeriodEnd: true });
  const ending = page.getByRole('status').filter({ hasText: /Your Starter plan ends on/ });
  await expect(ending).toContainText('After that you are on the Free plan');
  await expect(page.getByRole('button', { name: 'Cancel plan' })).toHaveCount(0);
  await shot(page, 'billing-subscription-ending-dark-desktop');
  await ending.getByRole('button', { name: 'Keep Starter' }).click();
  await expect(ending).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Cancel plan' })).toBeVisible();

  await openSettingsTab(page, 'Usage');
  await expect(sms).toHaveAttribute('aria-valuetext', '12 of 500');
  await shot(page, 'billing-usage-dark-desktop');

  expect(stripeRequests).toEqual([]);
});
