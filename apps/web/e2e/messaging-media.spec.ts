import { crc32, deflateSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { buyFrenchMobile, DESKTOP, formatted, putOnPlan, registerViaApi, shot, signedIn, uniqueEmail } from './support';

// Pictures (MMS): attach, preview, remove, upload refused, the FREE plan's 402 explained, and a
// real picture from A to B once an administrator has put A on Starter (FREE includes no MMS).

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real PNG (RGB, a diagonal gradient with a sun), built here so the test needs no fixture file. */
function png(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, no interlace
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      const sun = (x - width * 0.7) ** 2 + (y - height * 0.35) ** 2 < (height * 0.16) ** 2;
      const sea = y > height * 0.62;
      const at = row + 1 + x * 3;
      rows[at] = sun ? 255 : sea ? 30 : 90 + Math.round((110 * y) / height);
      rows[at + 1] = sun ? 200 : sea ? 90 + Math.round((60 * x) / width) : 120 + Math.round((80 * y) / height);
      rows[at + 2] = sun ? 60 : sea ? 160 : 230;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const PICTURE = { name: 'harbour.png', mimeType: 'image/png', buffer: png(480, 320) };
// Text renamed .png: the server reads the bytes, not the name.
const NOT_A_PICTURE = {
  name: 'notes.png',
  mimeType: 'image/png',
  buffer: Buffer.from('Meeting notes: bring the quote.'),
};

async function attach(page: Page, file: typeof PICTURE): Promise<void> {
  await page.getByLabel('Attach a picture', { exact: true }).setInputFiles(file);
}

test('a picture is previewed, removed, attached again; on FREE Send explains the plan and keeps the text', async ({
  browser,
  request,
}) => {
  const email = uniqueEmail('mms');
  await registerViaApi(request, { email, firstName: 'Léa', lastName: 'Martin' });
  await buyFrenchMobile(request, email);
  const page = await signedIn(browser, email);

  await page.getByRole('link', { name: 'New message' }).click();
  await page.getByLabel('To', { exact: true }).fill('+33 6 11 22 33 44');
  const composer = page.getByLabel('Message', { exact: true });
  const text = 'Here is the harbour view for the brochure.';
  await composer.fill(text);

  // While it uploads: the thumbnail at once, a progress bar, Send held.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/messages/media', async (route) => {
    await held;
    await route.continue();
  });
  await attach(page, PICTURE);
  const attachment = page.getByTestId('attachment');
  await expect(attachment).toHaveAttribute('data-state', 'uploading');
  await expect(attachment.getByRole('progressbar', { name: 'Uploading picture' })).toBeVisible();
  await expect(attachment.getByRole('img', { name: 'Picture to send: harbour.png' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeDisabled();
  await shot(page, 'messages-attach-uploading-phone');
  const uploaded = page.waitForResponse((r) => r.url().endsWith('/api/messages/media'));
  release();
  expect((await uploaded).status()).toBe(201);
  await page.unroute('**/api/messages/media');
  await expect(attachment).toHaveAttribute('data-state', 'ready');
  await expect(attachment).toContainText('Ready to send');
  await expect(page.getByTestId('segment-count')).toHaveText('Sent as one MMS with the picture');
  await shot(page, 'messages-attach-preview-phone');

  // × removes it; picked again, it uploads again.
  await attachment.getByRole('button', { name: 'Remove picture' }).click();
  await expect(attachment).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeEnabled();
  await attach(page, PICTURE);
  await expect(attachment).toHaveAttribute('data-state', 'ready');

  // FREE includes no MMS: the 402 says which plan brings pictures, and nothing is lost.
  const sent = page.waitForResponse((r) => r.url().endsWith('/api/messages/send'));
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  const refused = await sent;
  expect(refused.status()).toBe(402);
  expect(refused.request().postDataJSON()).toMatchObject({
    body: text,
    mediaUrls: [expect.stringContaining('/api/media/')],
  });
  await expect(page.getByText('Pictures need the Starter plan')).toBeVisible();
  await expect(page.getByTestId('plan-limit-message')).toHaveText(
    'Your Free plan does not include MMS. Upgrade to Starter to send images.',
  );
  await expect(composer).toHaveValue(text);
  await expect(attachment).toHaveAttribute('data-state', 'ready');
  await shot(page, 'messages-attach-plan-phone');

  // Without the picture, the same text goes as an SMS.
  await attachment.getByRole('button', { name: 'Remove picture' }).click();
  const sms = page.waitForResponse((r) => r.url().endsWith('/api/messages/send'));
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  expect((await sms).status()).toBe(202);
  await expect(page.getByRole('heading', { name: '+33 6 11 22 33 44', level: 1 })).toBeVisible();
  await expect(page.getByTestId('message').filter({ hasText: text })).toBeVisible();

  // Desktop, then dark, then French: the same explanation.
  await page.setViewportSize(DESKTOP);
  await attach(page, PICTURE);
  await expect(attachment).toHaveAttribute('data-state', 'ready');
  await shot(page, 'messages-attach-preview-desktop');
  await composer.fill('And the same view at sunset.');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByText('Pictures need the Starter plan')).toBeVisible();
  await shot(page, 'messages-attach-plan-desktop');

  const thread = page.url();
  await page.goto('/settings/appearance');
  await page.getByLabel('Dark', { exact: true }).check();
  await page.goto(thread);
  await attach(page, PICTURE);
  await expect(attachment).toHaveAttribute('data-state', 'ready');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByText('Pictures need the Starter plan')).toBeVisible();
  await shot(page, 'messages-attach-plan-dark-desktop');
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, 'messages-attach-plan-dark-phone');

  await page.goto('/settings/appearance');
  await page.getByLabel('Light', { exact: true }).check();
  await page.getByLabel('Français', { exact: true }).check();
  await page.goto(thread);
  await page.getByLabel('Joindre une photo', { exact: true }).setInputFiles(PICTURE);
  await expect(attachment).toHaveAttribute('data-state', 'ready');
  await expect(attachment).toContainText('Prête à envoyer');
  await page.getByRole('button', { name: 'Envoyer', exact: true }).click();
  await expect(page.getByText('Les photos nécessitent le forfait Starter')).toBeVisible();
  await shot(page, 'messages-attach-plan-fr-phone');

  await page.context().close();
});

test('a file that is not a picture is refused by the server, next to the attachment', async ({ browser, request }) => {
  const email = uniqueEmail('mms-refused');
  await registerViaApi(request, { email, firstName: 'Noah', lastName: 'Petit' });
  await buyFrenchMobile(request, email);
  const page = await signedIn(browser, email);
  await page.getByRole('link', { name: 'New message' }).click();
  await page.getByLabel('To', { exact: true }).fill('+33 6 11 22 33 45');
  await page.getByLabel('Message', { exact: true }).fill('The notes from today.');

  const uploaded = page.waitForResponse((r) => r.url().endsWith('/api/messages/media'));
  await attach(page, NOT_A_PICTURE);
  const answer = await uploaded;
  expect(answer.status()).toBe(415);
  expect(await answer.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', details: [{ field: 'file' }] });
  const attachment = page.getByTestId('attachment');
  await expect(attachment).toHaveAttribute('data-state', 'failed');
  await expect(attachment.getByRole('alert')).toHaveText(
    'This file is not a picture we can send. Use a JPEG, PNG, GIF or WebP image.',
  );
  await expect(attachment).toContainText('notes.png');
  // Send waits until the refused file is taken off.
  await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeDisabled();
  await shot(page, 'messages-attach-refused-phone');
  await page.setViewportSize(DESKTOP);
  await shot(page, 'messages-attach-refused-desktop');
  await attachment.getByRole('button', { name: 'Remove picture' }).click();
  await expect(page.getByRole('button', { name: 'Send', exact: true })).toBeEnabled();
  await page.context().close();
});

test('on Starter, A sends B a picture: B sees it live, unread, loads it and opens it; A sees ✓✓', async ({
  browser,
  request,
}) => {
  const emailA = uniqueEmail('mms-a');
  const emailB = uniqueEmail('mms-b');
  await registerViaApi(request, { email: emailA, firstName: 'Zoé', lastName: 'Garnier' });
  await registerViaApi(request, { email: emailB, firstName: 'Louis', lastName: 'Faure' });
  const numberA = await buyFrenchMobile(request, emailA);
  const numberB = await buyFrenchMobile(request, emailB);
  // An operator puts A on Starter (pictures included), as the administrator, through the API.
  await putOnPlan(request, emailA, 'STARTER');

  const a = await signedIn(browser, emailA);
  const b = await signedIn(browser, emailB);
  await expect(b.getByRole('heading', { name: 'No conversations yet' })).toBeVisible();

  await a.getByRole('link', { name: 'New message' }).click();
  await a.getByLabel('To', { exact: true }).fill(numberB);
  const text = 'Here is the harbour view for the brochure.';
  await a.getByLabel('Message', { exact: true }).fill(text);
  await attach(a, PICTURE);
  await expect(a.getByTestId('attachment')).toHaveAttribute('data-state', 'ready');
  const sent = a.waitForResponse((r) => r.url().endsWith('/api/messages/send'));
  await a.getByRole('button', { name: 'Send', exact: true }).click();
  const accepted = await sent;
  expect(accepted.status(), await accepted.text()).toBe(202);
  expect(await accepted.json()).toMatchObject({ type: 'MMS', body: text });
  // The signed link is built from PUBLIC_URL, the address the browser uses: same origin (CSP img-src 'self').
  const { mediaUrls } = accepted.request().postDataJSON() as { mediaUrls: string[] };
  expect(mediaUrls).toEqual([expect.stringMatching(new RegExp(`^${new URL(a.url()).origin}/api/media/`))]);

  // A: in the thread, the picture in the bubble, ✓✓ once the sandbox delivers it.
  await expect(a.getByRole('heading', { name: formatted(numberB), level: 1 })).toBeVisible();
  const mineA = a.getByTestId('message').filter({ hasText: text });
  await expect(mineA).toHaveAttribute('data-direction', 'OUTBOUND');
  await expect(mineA).toHaveAttribute('data-status', 'DELIVERED');
  await expect(mineA.locator('.bubble__status--delivered')).toBeVisible();
  const photoA = mineA.getByTestId('message-photo');
  await expect.poll(() => photoA.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(480);
  await expect(a.getByTestId('attachment')).toHaveCount(0);
  await shot(a, 'messages-mms-sent-phone');

  // B: the conversation appears live, unread, without a reload.
  const rowB = b.getByTestId('conversation').filter({ hasText: formatted(numberA) });
  await expect(rowB).toBeVisible();
  await expect(rowB).toContainText(text);
  await expect(rowB).toContainText('1 unread');
  await shot(b, 'messages-mms-list-phone');

  // B opens it: the picture loads from its signed URL (same origin) and opens full size.
  await rowB.click();
  await expect(b.getByRole('heading', { name: formatted(numberA), level: 1 })).toBeVisible();
  const received = b.getByTestId('message').filter({ hasText: text });
  await expect(received).toHaveAttribute('data-direction', 'INBOUND');
  const photo = received.getByTestId('message-photo');
  await expect(photo).toBeVisible();
  await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(480);
  await shot(b, 'messages-mms-received-phone');

  await received.getByRole('button', { name: 'View photo full size' }).click();
  const viewer = b.getByRole('dialog', { name: 'Photo' });
  await expect(viewer).toBeVisible();
  await expect.poll(() => viewer.getByRole('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(480);
  await expect(viewer.getByRole('link', { name: 'Open original' })).toHaveAttribute(
    'href',
    /\/api\/media\/.+signature=/,
  );
  await shot(b, 'messages-mms-viewer-phone', { fullHeight: false });
  await b.keyboard.press('Escape');
  await expect(viewer).toHaveCount(0);

  // The signed URL alone (no session) serves the picture: that is what a phone gets.
  const src = await photo.getAttribute('src');
  const anonymous = await request.get(src ?? '');
  expect(anonymous.status()).toBe(200);
  expect(anonymous.headers()['content-type']).toBe('image/png');

  await b.setViewportSize(DESKTOP);
  await shot(b, 'messages-mms-received-desktop');
  await received.getByRole('button', { name: 'View photo full size' }).click();
  await expect(viewer).toBeVisible();
  await shot(b, 'messages-mms-viewer-desktop', { fullHeight: false });
  await viewer.getByRole('button', { name: 'Close' }).click();
  await expect(viewer).toHaveCount(0);
  await a.setViewportSize(DESKTOP);
  await shot(a, 'messages-mms-sent-desktop');

  await a.context().close();
  await b.context().close();
});
