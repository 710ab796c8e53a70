import { crc32, deflateSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { apiToken, buyFrenchMobile, DESKTOP, registerViaApi, shot, signedIn, uniqueEmail } from './support';

// Pictures (MMS): attach, preview, remove, upload refused, and the FREE plan's 402 explained.
// Sending is refused on FREE (0 MMS) and no plan can be changed yet, so the picture of a
// message is shown from an inbound MMS put into the thread's answer, with a real signed URL.

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

test('a picture in a message shows from its signed URL and opens full size', async ({ browser, request }) => {
  const email = uniqueEmail('mms-view');
  await registerViaApi(request, { email, firstName: 'Zoé', lastName: 'Garnier' });
  const mine = await buyFrenchMobile(request, email);
  const headers = { Authorization: `Bearer ${await apiToken(request, email)}` };
  const upload = await request.post('/api/messages/media', { headers, multipart: { file: PICTURE } });
  expect(upload.status(), await upload.text()).toBe(201);
  const { url } = (await upload.json()) as { url: string };
  // The signed URL alone (no session) serves the picture: that is what a phone gets.
  const anonymous = await request.get(url.replace(/^https?:\/\/[^/]+/, ''));
  expect(anonymous.status()).toBe(200);
  expect(anonymous.headers()['content-type']).toBe('image/png');

  const their = '+33611223346';
  const page = await signedIn(browser, email);
  await page.getByRole('link', { name: 'New message' }).click();
  await page.getByLabel('To', { exact: true }).fill(their);
  await page.getByLabel('Message', { exact: true }).fill('Did the photos arrive?');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByRole('heading', { name: '+33 6 11 22 33 46', level: 1 })).toBeVisible();

  // Their reply with a picture (an inbound MMS), as the thread would bring it.
  await page.route('**/api/messages/conversation/**', async (route) => {
    const response = await route.fetch();
    const list = (await response.json()) as { messages: Record<string, unknown>[] };
    const now = new Date().toISOString();
    const [latest] = list.messages;
    list.messages.unshift({
      ...latest,
      id: '5b0e6f4e-8a53-4c57-9a4e-2f1f3c7d9a10',
      from: their,
      to: mine,
      direction: 'INBOUND',
      type: 'MMS',
      body: 'Here it is!',
      mediaUrls: [url],
      status: 'RECEIVED',
      statusHistory: [{ status: 'RECEIVED', at: now }],
      failure: null,
      readAt: now,
      createdAt: now,
    });
    await route.fulfill({ response, json: list });
  });
  await page.reload();
  const photo = page.getByTestId('message-photo');
  await expect(photo).toBeVisible();
  await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(480);
  await shot(page, 'messages-attach-bubble-phone');

  await page.getByRole('button', { name: 'View photo full size' }).click();
  const viewer = page.getByRole('dialog', { name: 'Photo' });
  await expect(viewer).toBeVisible();
  await expect(viewer.getByRole('link', { name: 'Open original' })).toHaveAttribute(
    'href',
    /\/api\/media\/.+signature=/,
  );
  await shot(page, 'messages-attach-lightbox-phone', { fullHeight: false });
  await page.keyboard.press('Escape');
  await expect(viewer).toHaveCount(0);

  await page.setViewportSize(DESKTOP);
  await shot(page, 'messages-attach-bubble-desktop');
  await page.getByRole('button', { name: 'View photo full size' }).click();
  await expect(viewer).toBeVisible();
  await shot(page, 'messages-attach-lightbox-desktop', { fullHeight: false });
  await viewer.getByRole('button', { name: 'Close' }).click();
  await expect(viewer).toHaveCount(0);
  await page.context().close();
});
