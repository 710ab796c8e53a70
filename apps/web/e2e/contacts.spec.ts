import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import config from './playwright.config';
import { buyFrenchMobile, DESKTOP, mainNav, PHONE, registerViaApi, shot, signedIn, uniqueEmail } from './support';

// Contacts from a phone's vCard export (three vCard versions, accents, every way people write
// numbers, and one that is not a number), found by typing part of a name, tagged, and texted
// from their page; the text then shows in their timeline and their name in Messages. Calling
// them from their page needs a microphone: Chromium's fake one.

const launchOptions = config.use?.launchOptions ?? {};
test.use({
  launchOptions: {
    ...launchOptions,
    args: [...(launchOptions.args ?? []), '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  },
});

interface Card {
  version: '2.1' | '3.0' | '4.0';
  first: string;
  last: string;
  tel: string;
  org?: string;
  email?: string;
  categories?: string[];
}

/** One card as phones write them, CRLF line ends; 2.1 says its charset, as Android does for accents. */
function vcard(card: Card): string {
  const charset = card.version === '2.1' ? ';CHARSET=UTF-8' : '';
  const lines = [
    'BEGIN:VCARD',
    `VERSION:${card.version}`,
    `N${charset}:${card.last};${card.first};;;`,
    `FN${charset}:${`${card.first} ${card.last}`.trim()}`,
    card.version === '2.1' ? `TEL;CELL:${card.tel}` : `TEL;TYPE=cell:${card.tel}`,
  ];
  if (card.org) lines.push(`ORG${charset}:${card.org}`);
  if (card.email) lines.push(`EMAIL:${card.email}`);
  if (card.categories) lines.push(`CATEGORIES:${card.categories.join(',')}`);
  lines.push('END:VCARD');
  return lines.join('\r\n') + '\r\n';
}

const FIRST = ['Alice', 'Bastien', 'Chloé', 'Damien', 'Élise', 'Fabien', 'Gaëlle', 'Hugo', 'Inès', 'Jérôme'];
const LAST = ['Bernard', 'Caron', 'Dubois', 'Faure', 'Girard', 'Lemoine', 'Moreau', 'Noël', 'Perrin', 'Robin'];
/** The card that is not a number: its position in the file, from 0. */
const BAD_CARD = 30;

/** 50 cards: eight with the accents and number formats that break importers, 41 more, and a "12". */
function addressBook(): Card[] {
  const cards: Card[] = [
    {
      version: '4.0',
      first: 'Hélène',
      last: 'Martin',
      tel: '+33 6 12 34 56 78',
      org: 'Atelier Martin',
      email: 'helene@atelier-martin.fr',
      categories: ['client'],
    },
    { version: '2.1', first: 'François', last: 'Dupré', tel: '06 12 34 56 79', org: 'Dupré & Fils' },
    { version: '3.0', first: 'Zoë', last: 'Lambert', tel: '0033612345680', categories: ['client'] },
    { version: '3.0', first: 'Olivia', last: 'Chen', tel: '+1 (415) 555-0101', org: 'Bay Tools' },
    { version: '4.0', first: 'James', last: 'Whitfield', tel: '+44 20 7946 0958', categories: ['supplier'] },
    { version: '3.0', first: 'Jürgen', last: 'Schäfer', tel: '+49 30 901820', categories: ['supplier'] },
    { version: '4.0', first: 'Lucía', last: 'Fernández', tel: '+34 912 345 678' },
    { version: '2.1', first: 'Giulia', last: 'Rossi', tel: '+39 06 1234 5678' },
  ];
  for (let i = 0; cards.length < 50; i++) {
    const suffix = String(10 + i).padStart(2, '0');
    const formats = [`+33 6 20 00 10 ${suffix}`, `06 20 00 10 ${suffix}`, `0033 6 20 00 10 ${suffix}`];
    const versions = ['2.1', '3.0', '4.0'] as const;
    cards.push({
      version: versions[i % 3]!,
      first: FIRST[i % FIRST.length]!,
      last: LAST[Math.floor(i / FIRST.length) % LAST.length]!,
      tel: cards.length === BAD_CARD ? '12' : formats[i % 3]!,
      ...(i % 4 === 0 ? { categories: ['client'] } : {}),
    });
  }
  return cards;
}

function contactRow(page: Page, name: string) {
  return page.getByTestId('contact').filter({ hasText: name });
}

test('imports a vCard of 50, finds Hélène by typing "hele", tags her vip, filters by it, texts her from her page and sees it in her timeline', async ({
  browser,
  request,
}) => {
  const email = uniqueEmail('contacts');
  await registerViaApi(request, { email, firstName: 'Camille', lastName: 'Durand', companyName: 'Durand Conseil' });
  await buyFrenchMobile(request, email);
  const page = await signedIn(browser, email);

  await mainNav(page).getByRole('link', { name: 'Contacts' }).click();
  await expect(page.getByRole('heading', { name: 'No contacts yet' })).toBeVisible();

  // Import: the file picker from the empty state, then the summary.
  const file = addressBook()
    .map((card) => vcard(card))
    .join('');
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import a vCard file' }).click();
  const uploaded = page.waitForResponse((r) => r.url().endsWith('/api/contacts/import'));
  await (await chooser).setFiles({ name: 'contacts.vcf', mimeType: 'text/vcard', buffer: Buffer.from(file, 'utf8') });
  expect((await uploaded).status()).toBe(200);
  const summary = page.getByRole('dialog', { name: 'Import finished' });
  await expect(summary).toContainText('49 imported, 0 updated, 1 failed');
  const failure = summary.getByTestId('import-failure');
  await expect(failure).toHaveCount(1);
  await expect(failure).toContainText(`Card ${BAD_CARD + 1}`);
  await expect(failure).toContainText('“12” is not a phone number.');
  await shot(page, 'contacts-import-summary-phone', { fullHeight: false });
  await summary.getByRole('button', { name: 'Done' }).click();
  await expect(summary).toHaveCount(0);

  // The list: by name, under letters, with the company under it.
  await expect(page.getByRole('status').filter({ hasText: '49 contacts' })).toBeVisible();
  await expect(page.getByTestId('contact')).toHaveCount(49);
  await expect(contactRow(page, 'François Dupré')).toContainText('Dupré & Fils');
  await expect(contactRow(page, 'Zoë Lambert')).toContainText('+33 6 12 34 56 80');
  await expect(page.getByTestId('contact').first()).toContainText('Alice');
  await expect(page.getByRole('button', { name: /^client/ })).toBeVisible();
  await shot(page, 'contacts-list-phone');

  // Search as you type: part of a name without its accent, a name with a typo, part of a number.
  const search = page.getByRole('searchbox', { name: 'Search contacts' });
  await search.fill('dupree');
  await expect(page.getByTestId('contact').first()).toContainText('François Dupré');
  await search.fill('415 555');
  await expect(page.getByTestId('contact').first()).toContainText('Olivia Chen');
  await search.fill('');
  await search.pressSequentially('hele', { delay: 40 });
  await expect(page.getByTestId('contact').first()).toContainText('Hélène Martin');
  await expect(page.getByTestId('contact').filter({ hasText: 'Giulia Rossi' })).toHaveCount(0);
  await shot(page, 'contacts-search-phone');

  // Her page: tag her vip (typed in capitals: tags are stored in lower case) and star her.
  await contactRow(page, 'Hélène Martin').click();
  await expect(page).toHaveURL(/\/contacts\/[0-9a-f-]{36}$/);
  const helenePath = new URL(page.url()).pathname;
  await expect(page.getByRole('heading', { name: 'Hélène Martin', level: 1 })).toBeVisible();
  const details = page.getByTestId('contact-details');
  await expect(details).toContainText('Atelier Martin');
  await expect(details).toContainText('+33 6 12 34 56 78');
  await expect(details).toContainText('helene@atelier-martin.fr');
  const tags = details.getByRole('list', { name: 'Tags' });
  await expect(tags.getByTestId('tag')).toHaveText(['client']);
  await details.getByLabel('Add a tag').fill('VIP');
  const tagged = page.waitForResponse((r) => r.url().endsWith(helenePath.replace('/contacts', '/api/contacts')));
  await details.getByLabel('Add a tag').press('Enter');
  expect((await tagged).status()).toBe(200);
  await expect(tags.getByTestId('tag')).toHaveText(['client', 'vip']);
  const star = details.getByRole('button', { name: 'Favourite' });
  await star.click();
  await expect(star).toHaveAttribute('aria-pressed', 'true');
  await expect(details.getByText('No calls or messages with this contact yet.')).toBeVisible();
  await shot(page, 'contacts-detail-phone');

  // Back to the list, the search kept; cleared, then the vip tag: only she has it.
  await page.getByRole('link', { name: 'Contacts', exact: true }).first().click();
  await expect(search).toHaveValue('hele');
  await page.getByRole('button', { name: 'Clear the search' }).click();
  await expect(page.getByTestId('contact')).toHaveCount(49);
  const vip = page.getByRole('button', { name: /^vip/ });
  await vip.click();
  await expect(vip).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('contact')).toHaveCount(1);
  await expect(page.getByTestId('contact')).toContainText('Hélène Martin');
  await expect(page.getByRole('status').filter({ hasText: '1 contact' })).toBeVisible();
  await shot(page, 'contacts-tag-filter-phone');

  // Text her from her page: the conversation opens under her name.
  await contactRow(page, 'Hélène Martin').click();
  await page.getByRole('link', { name: 'Text', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/messages/${encodeURIComponent('+33612345678')}\\?from=`));
  await expect(page.getByRole('heading', { name: 'Hélène Martin', level: 1 })).toBeVisible();
  await expect(page.getByText('+33 6 12 34 56 78', { exact: true })).toBeVisible();
  const body = 'Bonjour Hélène, le devis est prêt : je vous l’envoie ce soir.';
  await page.getByLabel('Message', { exact: true }).fill(body);
  const sent = page.waitForResponse((r) => r.url().endsWith('/api/messages/send'));
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  expect((await sent).status()).toBe(202);
  await expect(page.getByTestId('message').filter({ hasText: body })).toBeVisible();

  // Her timeline has the message, newest first.
  await page.getByRole('link', { name: 'Open the contact Hélène Martin' }).click();
  await expect(page).toHaveURL(new RegExp(`${helenePath}$`));
  const timeline = page.getByRole('list', { name: 'Calls and messages with Hélène Martin' });
  const item = timeline.getByTestId('history-item').first();
  await expect(item).toHaveAttribute('data-kind', 'message');
  await expect(item).toHaveAttribute('data-direction', 'OUTBOUND');
  await expect(item).toContainText('Message sent');
  await expect(item).toContainText(body);
  await shot(page, 'contacts-timeline-phone');

  // Call her from her page (the sandbox's outside world answers): the call screen names her.
  await page.getByRole('button', { name: 'Call', exact: true }).click();
  const screen = page.getByRole('region', { name: 'Call with Hélène Martin' });
  await expect(screen.getByRole('heading', { name: 'Hélène Martin' })).toBeVisible();
  await expect(screen).toContainText('+33 6 12 34 56 78');
  await expect(screen.getByTestId('call-status')).toHaveText('Connected', { timeout: 20_000 });
  await shot(page, 'contacts-calling-phone', { fullHeight: false });
  await screen.getByRole('button', { name: 'End call' }).click();
  await expect(screen.getByTestId('call-status')).toHaveText('Call ended');
  await screen.getByRole('button', { name: 'Close' }).click();
  // Newest first: the call, then the message.
  await expect(timeline.getByTestId('history-item').first()).toHaveAttribute('data-kind', 'call');
  await expect(timeline.getByTestId('history-item').first()).toContainText('Outgoing call');
  await expect(timeline.getByTestId('history-item').nth(1)).toContainText(body);

  // The call history names her too, with her number beside.
  await mainNav(page).getByRole('link', { name: 'Calls' }).click();
  const callRow = page.getByTestId('call').first();
  await expect(callRow).toContainText('Hélène Martin');
  await expect(callRow).toContainText('+33 6 12 34 56 78');
  await expect(callRow.getByRole('button', { name: 'Call Hélène Martin back' })).toBeVisible();

  // The form: her number again, written the French way, is refused with a way to her.
  await page.goto('/contacts/new');
  await expect(page.getByRole('heading', { name: 'New contact', level: 1 })).toBeVisible();
  await page.getByLabel('First name', { exact: true }).fill('Hélène');
  await page.getByLabel('Phone number', { exact: true }).fill('06 12 34 56 78');
  await expect(page.getByText('+33 6 12 34 56 78')).toBeVisible();
  await page.getByRole('button', { name: 'Save contact' }).click();
  await expect(page.getByText('Already saved as Hélène Martin')).toBeVisible();
  await shot(page, 'contacts-form-phone');
  await page.getByRole('link', { name: 'Open Hélène Martin' }).click();
  await expect(page).toHaveURL(new RegExp(`${helenePath}$`));

  // A new contact through the form.
  await page.goto('/contacts/new');
  await page.getByLabel('First name', { exact: true }).fill('Anaïs');
  await page.getByLabel('Last name', { exact: true }).fill('Roy');
  await page.getByLabel('Phone number', { exact: true }).fill('07 81 00 10 13');
  await page.getByLabel('Company (optional)', { exact: true }).fill('Roy Architectes');
  await page.getByRole('button', { name: 'Save contact' }).click();
  await expect(page.getByRole('heading', { name: 'Anaïs Roy', level: 1 })).toBeVisible();
  await expect(page.getByTestId('contact-details')).toContainText('+33 7 81 00 10 13');

  // Edited: an emptied field is cleared, a note added; then deleted after a confirmation.
  await page.getByRole('link', { name: 'Edit', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Edit contact', level: 1 })).toBeVisible();
  await expect(page.getByLabel('Phone number', { exact: true })).toHaveValue('+33 7 81 00 10 13');
  await page.getByLabel('Company (optional)', { exact: true }).fill('');
  await page.getByLabel('Notes (optional)', { exact: true }).fill('Prefers a text before a call.');
  await page.getByRole('button', { name: 'Save changes' }).click();
  const anais = page.getByTestId('contact-details');
  await expect(anais).toContainText('Prefers a text before a call.');
  await expect(anais).not.toContainText('Roy Architectes');
  await page.getByRole('button', { name: 'Delete contact' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete Anaïs Roy?' });
  await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page.getByText('Anaïs Roy deleted')).toBeVisible();
  await expect(page).toHaveURL(/\/contacts$/);
  await expect(contactRow(page, 'Anaïs Roy')).toHaveCount(0);

  // Messages shows her name, with the number under it.
  await mainNav(page).getByRole('link', { name: 'Messages' }).click();
  const conversation = page.getByTestId('conversation').filter({ hasText: 'Hélène Martin' });
  await expect(conversation).toContainText('+33 6 12 34 56 78');
  await expect(conversation).toContainText(body);
  await shot(page, 'contacts-messages-phone');

  // Export: every contact as vCard and CSV, accents intact.
  await mainNav(page).getByRole('link', { name: 'Contacts' }).click();
  await page.getByRole('button', { name: 'Import or export' }).click();
  const transfer = page.getByRole('dialog', { name: 'Import & export' });
  const vcf = page.waitForEvent('download');
  await transfer.getByRole('button', { name: 'vCard (.vcf)' }).click();
  const vcfText = readFileSync((await (await vcf).path())!, 'utf8');
  expect(vcfText.match(/BEGIN:VCARD/g)).toHaveLength(49);
  expect(vcfText).toContain('Hélène');
  const csv = page.waitForEvent('download');
  await transfer.getByRole('button', { name: 'CSV (spreadsheet)' }).click();
  const download = await csv;
  expect(download.suggestedFilename()).toBe('contacts.csv');
  expect(readFileSync((await download.path())!, 'utf8')).toContain('François');
  await transfer.getByRole('button', { name: 'Close' }).click();

  // Desktop: the list and her page side by side; then dark.
  await page.setViewportSize(DESKTOP);
  await page.goto(helenePath);
  await expect(page.getByRole('heading', { name: 'Hélène Martin', level: 1 })).toBeVisible();
  await expect(contactRow(page, 'François Dupré')).toBeVisible();
  await expect(page.getByTestId('history-item').filter({ hasText: body })).toBeVisible();
  await shot(page, 'contacts-detail-desktop');

  await page.goto('/settings/appearance');
  await page.getByLabel('Dark', { exact: true }).check();
  await page.goto(helenePath);
  await expect(page.getByTestId('history-item').filter({ hasText: body })).toBeVisible();
  await shot(page, 'contacts-detail-dark-desktop');
  await page.setViewportSize(PHONE);
  await page.goto('/contacts');
  await expect(page.getByTestId('contact')).toHaveCount(49);
  await shot(page, 'contacts-list-dark-phone');
});
