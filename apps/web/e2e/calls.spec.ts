import { expect, test, type Browser, type Page } from '@playwright/test';
import config from './playwright.config';
import { buyFrenchMobile, DESKTOP, formatted, logInViaForm, PHONE, registerViaApi, shot, uniqueEmail } from './support';

// Calls between two users of this instance: the sandbox carrier puts them through app to app,
// so A's voice reaches B over a real RTCPeerConnection between the two browser contexts
// (Chromium's fake microphone plays a tone), signalled through the server's socket.

const launchOptions = config.use?.launchOptions ?? {};
test.use({
  launchOptions: {
    ...launchOptions,
    args: [...(launchOptions.args ?? []), '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  },
});

declare global {
  interface Window {
    peerConnections: RTCPeerConnection[];
  }
}

/** Remembers every RTCPeerConnection the page makes, so the test can read its statistics. */
function trackPeerConnections() {
  const Native = window.RTCPeerConnection;
  window.peerConnections = [];
  window.RTCPeerConnection = class extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      window.peerConnections.push(this);
    }
  };
}

async function phoneWithMicrophone(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: PHONE, permissions: ['microphone'] });
  await context.addInitScript(trackPeerConnections);
  const page = await context.newPage();
  await logInViaForm(page, email);
  await expect(page).toHaveURL(/\/messages$/);
  return page;
}

/** Audio bytes received on the page's latest peer connection. */
function audioBytesReceived(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const pc = window.peerConnections.at(-1);
    if (!pc) return 0;
    let bytes = 0;
    (await pc.getStats()).forEach((report: { type: string; kind?: string; bytesReceived?: number }) => {
      if (report.type === 'inbound-rtp' && report.kind === 'audio') bytes += report.bytesReceived ?? 0;
    });
    return bytes;
  });
}

/** Whether the microphone track the page sends is enabled (null without one). */
function microphoneEnabled(page: Page): Promise<boolean | null> {
  return page.evaluate(() => {
    const sender = window.peerConnections
      .at(-1)
      ?.getSenders()
      .find((item) => item.track?.kind === 'audio');
    return sender?.track ? sender.track.enabled : null;
  });
}

function callRow(page: Page, number: string) {
  return page.getByTestId('call').filter({ hasText: number });
}

test('A calls B, B answers, they talk (audio both ways), A mutes, B hangs up; a call B ignores is missed', async ({
  browser,
  request,
}) => {
  test.setTimeout(180_000);
  const emailA = uniqueEmail('caller-a');
  const emailB = uniqueEmail('caller-b');
  await registerViaApi(request, { email: emailA, firstName: 'Camille', lastName: 'Durand' });
  await registerViaApi(request, { email: emailB, firstName: 'Hugo', lastName: 'Bernard' });
  const numberA = await buyFrenchMobile(request, emailA);
  const numberB = await buyFrenchMobile(request, emailB);
  const shownA = formatted(numberA);
  const shownB = formatted(numberB);

  const a = await phoneWithMicrophone(browser, emailA);
  const b = await phoneWithMicrophone(browser, emailB);

  // A opens the dialer from the Calls tab and types B's number the French way.
  await a.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Calls' }).click();
  await expect(a.getByRole('heading', { name: 'No calls yet' })).toBeVisible();
  await a.getByRole('link', { name: 'Keypad' }).click();
  await expect(a.getByRole('heading', { name: 'New call', level: 1 })).toBeVisible();
  const number = a.getByLabel('Number', { exact: true });
  // A number that is not one is refused before anything is placed.
  await a.getByRole('button', { name: '1', exact: true }).click();
  await a.getByRole('button', { name: '2', exact: true }).click();
  await expect(number).toHaveValue('12');
  await a.getByRole('button', { name: 'Call', exact: true }).click();
  await expect(number).toHaveAttribute('aria-invalid', 'true');
  await number.fill(shownB);
  await expect(a.getByText(`Calling from ${shownA}`)).toBeVisible();
  await shot(a, 'calls-dialer-phone');
  const placed = a.waitForResponse((r) => r.url().endsWith('/api/calls/initiate'));
  await a.getByRole('button', { name: 'Call', exact: true }).click();
  expect((await placed).status()).toBe(201);

  // A: the outgoing call screen.
  const screenA = a.getByRole('region', { name: `Call with ${shownB}` });
  await expect(screenA).toBeVisible();
  await expect(screenA.getByTestId('call-status')).toHaveText(/Calling…|Ringing…/);
  await shot(a, 'calls-outgoing-phone');

  // B: the call rings over whatever page is open, with who calls and on which line.
  const ringingB = b.getByRole('dialog', { name: 'Incoming call' });
  await expect(ringingB).toBeVisible();
  await expect(ringingB).toContainText(shownA);
  await expect(ringingB).toContainText(`On ${shownB}`);
  await shot(b, 'calls-incoming-phone', { fullHeight: false });
  await ringingB.getByRole('button', { name: 'Accept' }).click();
  await expect(ringingB).toBeHidden();

  // Both: connected, with a running timer.
  const screenB = b.getByRole('region', { name: `Call with ${shownA}` });
  for (const screen of [screenA, screenB]) {
    await expect(screen.getByTestId('call-status')).toHaveText('Connected');
    await expect(screen.getByTestId('call-timer')).toHaveText(/^00:0[1-9]$/, { timeout: 15_000 });
  }

  // Audio flows both ways on the peer connection.
  await expect.poll(() => audioBytesReceived(a), { timeout: 15_000 }).toBeGreaterThan(1000);
  await expect.poll(() => audioBytesReceived(b), { timeout: 15_000 }).toBeGreaterThan(1000);
  await shot(a, 'calls-connected-phone');
  await shot(b, 'calls-connected-callee-phone');

  // A mutes: the button says so, the microphone track is off at once; then unmutes.
  const mute = screenA.getByRole('button', { name: 'Mute' });
  const muted = a.waitForResponse((r) => /\/api\/calls\/[^/]+\/mute$/.test(r.url()));
  await mute.click();
  await expect(mute).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => microphoneEnabled(a)).toBe(false);
  expect((await muted).status()).toBe(200);
  await shot(a, 'calls-muted-phone');
  await mute.click();
  await expect(mute).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(() => microphoneEnabled(a)).toBe(true);

  // The call carries on while B looks at another page (minimised to a bar).
  await screenB.getByRole('button', { name: 'Minimise call' }).click();
  await expect(screenB).toBeHidden();
  await b.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Calls' }).click();
  const bar = b.getByRole('button', { name: `On call with ${shownA} · Return to call` });
  await expect(bar).toBeVisible();
  await shot(b, 'calls-minimised-phone');
  await bar.click();

  // B hangs up: both screens say it ended, with how long it lasted.
  await screenB.getByRole('button', { name: 'End call' }).click();
  for (const screen of [screenA, screenB]) {
    await expect(screen.getByTestId('call-status')).toHaveText('Call ended');
  }
  await expect(a.evaluate(() => window.peerConnections.at(-1)?.connectionState)).resolves.toBe('closed');
  await shot(a, 'calls-ended-phone');
  await screenA.getByRole('button', { name: 'Close' }).click();
  await expect(screenA).toBeHidden();
  await expect(screenB).toBeHidden({ timeout: 10_000 });

  // Both histories: the completed call, its direction and a duration of some seconds (how many depends on the
  // machine's load, not on the app).
  const talked = /^00:(0[1-9]|[1-5]\d)$/;
  const rowB = callRow(b, shownA);
  await expect(rowB).toHaveAttribute('data-status', 'COMPLETED');
  await expect(rowB).toHaveAttribute('data-direction', 'INBOUND');
  await expect(rowB.getByTestId('call-detail')).toHaveText(talked);
  await a.goto('/calls');
  const rowA = callRow(a, shownB);
  await expect(rowA).toHaveAttribute('data-status', 'COMPLETED');
  await expect(rowA).toHaveAttribute('data-direction', 'OUTBOUND');
  await expect(rowA).toContainText('Outgoing');
  const duration = (await rowA.getByTestId('call-detail').textContent()) ?? '';
  expect(duration).toMatch(talked);
  await shot(a, 'calls-history-phone');

  // The call's page: its timeline and figures.
  await rowA.getByRole('link').click();
  await expect(a.getByRole('heading', { name: shownB, level: 1 })).toBeVisible();
  const details = a.getByTestId('call-details');
  await expect(details).toHaveAttribute('data-status', 'COMPLETED');
  for (const step of ['Started', 'Answered', 'Ended']) await expect(details.locator('.timeline')).toContainText(step);
  await expect(details).toContainText(`Duration${duration}`);
  await expect(details).toContainText('Billed time1 min');
  await shot(a, 'calls-detail-phone');

  // A calls back from there; B lets it ring. After the ring timeout it is missed.
  await details.getByRole('button', { name: 'Call back' }).click();
  await expect(screenA.getByTestId('call-status')).toHaveText(/Calling…|Ringing…/);
  await expect(ringingB).toBeVisible();
  await expect(ringingB).toBeHidden({ timeout: 30_000 });
  await expect(screenA.getByTestId('call-status')).toHaveText('No answer');

  const missed = b.locator('[data-testid="call"][data-status="NO_ANSWER"]');
  await expect(missed).toHaveCount(1);
  await expect(missed).toHaveClass(/call-row--missed/);
  await expect(missed).toContainText('Missed');
  await expect(missed.getByTestId('call-detail')).toHaveText('Not answered');
  await expect(missed.locator('.call-row__name')).toHaveCSS('color', 'rgb(217, 45, 32)');
  await b.getByLabel('Missed', { exact: true }).check();
  await expect(b.getByTestId('call')).toHaveCount(1);
  await shot(b, 'calls-missed-phone');
  await missed.getByRole('link').click();
  await expect(b.getByTestId('call-details')).toContainText('Why it was missed');
  await expect(b.getByTestId('call-details')).toContainText('Not answered');
  await shot(b, 'calls-missed-detail-phone');

  // Desktop: history and call side by side; dark.
  await b.setViewportSize(DESKTOP);
  await shot(b, 'calls-detail-desktop');
  await b.goto('/settings/appearance');
  await b.getByLabel('Dark', { exact: true }).check();
  await b.goto('/calls');
  await expect(callRow(b, shownA).first()).toBeVisible();
  await shot(b, 'calls-history-dark-desktop');

  await a.context().close();
  await b.context().close();
});
