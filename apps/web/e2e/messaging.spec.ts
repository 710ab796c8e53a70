import { expect, test, type Page } from '@playwright/test';
import { buyFrenchMobile, DESKTOP, formatted, PHONE, registerViaApi, shot, signedIn, uniqueEmail } from './support';

// Messaging between two users of this instance: the sandbox carrier delivers in-process
// (the recipient's inbound webhook runs), so A's text reaches B for real, live, over the socket.

function conversationRow(page: Page, number: string) {
  return page.getByTestId('conversation').filter({ hasText: number });
}

test('A texts B, B sees it live with an unread badge, replies; A sees the reply and ✓✓', async ({
  browser,
  request,
}) => {
  const emailA = uniqueEmail('texter-a');
  const emailB = uniqueEmail('texter-b');
  await registerViaApi(request, { email: emailA, firstName: 'Camille', lastName: 'Durand' });
  await registerViaApi(request, { email: emailB, firstName: 'Hugo', lastName: 'Bernard' });
  const numberA = await buyFrenchMobile(request, emailA);
  const numberB = await buyFrenchMobile(request, emailB);
  const shownA = formatted(numberA);
  const shownB = formatted(numberB);

  const a = await signedIn(browser, emailA);
  const b = await signedIn(browser, emailB);
  await expect(b.getByRole('heading', { name: 'No conversations yet' })).toBeVisible();

  // A starts a conversation with B's number, written the French way.
  await a.getByRole('link', { name: 'New message' }).click();
  await expect(a).toHaveURL(/\/messages\/new$/);
  const to = a.getByLabel('To', { exact: true });
  // A number that is not one is refused before anything is sent.
  await to.fill('12');
  const composerA = a.getByLabel('Message', { exact: true });
  await composerA.fill('Bonjour');
  await a.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(to).toHaveAttribute('aria-invalid', 'true');
  await expect(a.getByText('Enter a phone number, e.g. +33 6 12 34 56 78.')).toBeVisible();
  await to.fill(`0${numberB.slice(3)}`);
  const body = 'Hello Hugo! Are you free on Thursday at 10 to go over the quote?';
  await composerA.fill(body);
  await expect(a.getByTestId('segment-count')).toHaveText(`1 SMS · ${160 - body.length} left`);
  await shot(a, 'messages-new-phone');
  const sent = a.waitForResponse((r) => r.url().endsWith('/api/messages/send'));
  await composerA.press('Enter');
  expect((await sent).status()).toBe(202);

  // A lands in the thread with the message, ✓ then ✓✓ as the sandbox delivers it.
  await expect(a).toHaveURL(new RegExp(`/messages/${encodeURIComponent(numberB)}\\?from=`));
  await expect(a.getByRole('heading', { name: shownB, level: 1 })).toBeVisible();
  const firstA = a.getByTestId('message').filter({ hasText: body });
  await expect(firstA).toHaveAttribute('data-direction', 'OUTBOUND');
  await expect(composerA).toHaveValue('');

  // B: the conversation appears live, unread, without a reload.
  const rowB = conversationRow(b, shownA);
  await expect(rowB).toBeVisible();
  await expect(rowB).toContainText(body);
  await expect(rowB).toContainText('1 unread');
  await expect(rowB).toContainText('Just now');
  await expect(b.getByRole('heading', { name: 'No conversations yet' })).toHaveCount(0);
  await shot(b, 'messages-list-unread-phone');

  await expect(firstA).toHaveAttribute('data-status', 'DELIVERED');
  await expect(firstA.getByText('Delivered')).toBeAttached();

  // B opens it: read, and the badge is gone.
  const read = b.waitForResponse((r) => /\/api\/messages\/[^/]+\/read$/.test(r.url()));
  await rowB.click();
  await expect(b.getByRole('heading', { name: shownA, level: 1 })).toBeVisible();
  await expect(b.getByTestId('message').filter({ hasText: body })).toHaveAttribute('data-direction', 'INBOUND');
  expect((await read).status()).toBe(200);

  // B replies with an emoji: the counter says Unicode.
  const reply = 'Yes, Thursday 10 am works 👍 See you then.';
  const composerB = b.getByLabel('Message', { exact: true });
  await composerB.fill(reply);
  await expect(b.getByTestId('segment-count')).toHaveText(`1 SMS · ${70 - reply.length} left`);
  await expect(b.locator('.composer__unicode')).toContainText('Unicode');
  await shot(b, 'messages-thread-composing-phone');
  await b.getByRole('button', { name: 'Send', exact: true }).click();
  const replyB = b.getByTestId('message').filter({ hasText: reply });
  await expect(replyB).toHaveAttribute('data-status', 'DELIVERED');
  await b.getByRole('link', { name: 'Messages' }).first().click();
  await expect(conversationRow(b, shownA)).not.toContainText('unread');
  await expect(conversationRow(b, shownA)).toContainText(`You: ${reply}`);
  await shot(b, 'messages-list-phone');

  // A sees the reply live in the open thread, and ✓✓ on the first message.
  const replyA = a.getByTestId('message').filter({ hasText: reply });
  await expect(replyA).toHaveAttribute('data-direction', 'INBOUND');
  await expect(firstA).toHaveAttribute('data-status', 'DELIVERED');
  await expect(firstA.locator('.bubble__status--delivered')).toBeVisible();
  await shot(a, 'messages-thread-phone');

  // The details of a message: its delivery timeline, and Delete after a confirmation.
  await firstA.getByRole('button', { name: /Delivered/ }).click();
  await expect(firstA).toContainText('Delivery');
  await expect(firstA.locator('.timeline')).toContainText('Queued');
  await expect(firstA.locator('.timeline li').last()).toContainText('Delivered');
  await shot(a, 'messages-details-phone');
  await firstA.getByRole('button', { name: 'Delete this message' }).click();
  const confirm = a.getByRole('dialog', { name: 'Delete this message?' });
  await expect(confirm).toContainText(body);
  await shot(a, 'messages-delete-phone', { fullHeight: false });
  await confirm.getByRole('button', { name: 'Delete message' }).click();
  await expect(a.getByText('Message deleted')).toBeVisible();
  await expect(a.getByTestId('message').filter({ hasText: body })).toHaveCount(0);
  await a.reload();
  await expect(replyA).toBeVisible();
  await expect(a.getByTestId('message').filter({ hasText: body })).toHaveCount(0);

  // Desktop: list and thread side by side; the list updates live too.
  await b.setViewportSize(DESKTOP);
  await conversationRow(b, shownA).click();
  await expect(b.getByRole('heading', { name: shownA, level: 1 })).toBeVisible();
  const followUp = 'Great, I’ll bring the samples.';
  await a.getByLabel('Message', { exact: true }).fill(followUp);
  await a.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(b.getByTestId('message').filter({ hasText: followUp })).toBeVisible();
  await expect(conversationRow(b, shownA)).toContainText(followUp);
  await shot(b, 'messages-thread-desktop');

  // Dark, then French.
  await b.goto('/settings/appearance');
  await b.getByLabel('Dark', { exact: true }).check();
  await b.goto('/messages');
  await expect(conversationRow(b, shownA)).toBeVisible();
  await shot(b, 'messages-list-dark-desktop');
  await conversationRow(b, shownA).click();
  await expect(b.getByTestId('message').filter({ hasText: followUp })).toBeVisible();
  await shot(b, 'messages-thread-dark-desktop');
  await b.setViewportSize(PHONE);
  await shot(b, 'messages-thread-dark-phone');
  await b.goto('/messages');
  await shot(b, 'messages-list-dark-phone');

  await b.goto('/settings/appearance');
  await b.getByLabel('Light', { exact: true }).check();
  await b.getByLabel('Français', { exact: true }).check();
  await b.goto('/messages');
  await expect(b.getByRole('list', { name: 'Conversations' })).toBeVisible();
  await expect(conversationRow(b, shownA)).toContainText('À l’instant');
  await shot(b, 'messages-list-fr-phone');
  await conversationRow(b, shownA).click();
  await b.getByLabel('Message', { exact: true }).fill('Merci, à jeudi !');
  await expect(b.getByTestId('segment-count')).toHaveText(`1 SMS · ${160 - 'Merci, à jeudi !'.length} restants`);
  await expect(b.getByText('Distribué').first()).toBeAttached();
  await shot(b, 'messages-thread-fr-phone');
  await b.setViewportSize(DESKTOP);
  await shot(b, 'messages-thread-fr-desktop');

  await a.context().close();
  await b.context().close();
});

test('a text the recipient’s carrier refuses shows why, and Retry sends it again', async ({ browser, request }) => {
  const email = uniqueEmail('texter-fail');
  await registerViaApi(request, { email, firstName: 'Inès', lastName: 'Moreau' });
  await buyFrenchMobile(request, email);
  const page = await signedIn(browser, email);

  // The sandbox has numbers ending in 0007 filtered as spam by the recipient's carrier.
  await page.getByRole('link', { name: 'New message' }).click();
  await page.getByLabel('To', { exact: true }).fill('+33 6 11 22 00 07');
  await page.getByLabel('Message', { exact: true }).fill('Your appointment is confirmed for Monday.');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByRole('heading', { name: '+33 6 11 22 00 07', level: 1 })).toBeVisible();
  const failed = page.getByTestId('message').first();
  await expect(failed).toHaveAttribute('data-status', /UNDELIVERED|FAILED/);
  await expect(failed).toContainText('Not delivered');
  await expect(failed.getByRole('note')).toContainText(/spam/i);
  await shot(page, 'messages-failed-phone');

  const resent = page.waitForResponse((r) => r.url().endsWith('/api/messages/send'));
  await failed.getByRole('button', { name: 'Send this message again' }).click();
  expect((await resent).status()).toBe(202);
  await expect(page.getByTestId('message')).toHaveCount(2);

  await page.setViewportSize(DESKTOP);
  await page.goto('/messages');
  await expect(page.getByRole('heading', { name: 'Pick a conversation' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Your numbers' })).toBeVisible();
  await shot(page, 'messages-home-desktop');
  await page.getByRole('link', { name: 'New message' }).click();
  await shot(page, 'messages-new-desktop');
  await page.context().close();
});
