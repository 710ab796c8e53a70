import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, registerUser } from '../helpers/auth-flows.js';
import {
  advance,
  cancelRequest,
  currentUsage,
  DAY_MS,
  getSubscription,
  invoiceCounterRows,
  invoiceRowsOf,
  linesOfKind,
  listInvoices,
  recordUsage,
  relogin,
  rerunRolloversOf,
  rolloverJobsOf,
  runDueJobs,
  subscribe,
  subscriptionRowOf,
} from '../helpers/billing-flows.js';
import { callAction, type CallsTestApp, createCallsTestApp, initiate, settle } from '../helpers/calls-flows.js';
import { send } from '../helpers/messaging-flows.js';
import { buyNumber } from '../helpers/numbers-flows.js';

/*
 * The end of a billing period: the next period's plan invoiced in advance,
 * the ended period's numbers and usage beyond the plan in arrears, all in
 * integer cents with one rounding per line. Usage goes through the app (real
 * sends, real calls) wherever the quota prices it, so the invoice is checked
 * against what the user was told each message or call cost.
 */

const OUTSIDE_MOBILE = '+33612345678';
const OUTSIDE_PHONE = '+1 415 555 0142';

let t: CallsTestApp;
beforeAll(async () => {
  // The calls app, so calls can be placed; it sends messages as well.
  t = await createCallsTestApp();
});
afterAll(async () => {
  await t.close();
});

const at = (iso: string) => {
  t.clock.now = new Date(iso);
};

/** Moves the clock to `iso`, runs what is due and returns the user logged in at that time. */
async function runUntil(iso: string, user: Account): Promise<Account> {
  at(iso);
  await runDueJobs(t);
  return relogin(t, user);
}

describe('the rollover job', () => {
  it('STARTER: next month’s plan in advance, the number and 4 SMS beyond 500 in arrears, VAT, once', async () => {
    at('2031-04-10T09:00:00.000Z');
    const registered = await registerUser(t);
    const sub = await subscribe(t, registered.accessToken, 'STARTER');
    // The number is bought a minute into the period, so it belongs to it without doubt.
    const user = await advance(t, registered, 60_000);
    const line = await buyNumber(t, user.accessToken, { countryCode: 'FR', type: 'MOBILE' });
    await recordUsage(t, user.id, 'SMS_SENT', 499);
    // 2 segments: the 500th is included, the 501st costs €0.10; then 3 UCS-2 segments at €0.10 each.
    const straddling = await send(t, user.accessToken, {
      from: line.phoneNumber,
      to: OUTSIDE_MOBILE,
      body: 'a'.repeat(161),
    });
    const beyond = await send(t, user.accessToken, {
      from: line.phoneNumber,
      to: OUTSIDE_MOBILE,
      body: 'ж'.repeat(135),
    });
    expect([straddling.cost, beyond.cost]).toEqual([0.1, 0.3]);
    await settle(t);
    expect((await currentUsage(t, user.accessToken)).costs).toEqual({
      total: 5.4,
      breakdown: { calls: 0, sms: 0.4, mms: 0, phoneNumbers: 5 },
    });

    const after = await runUntil('2031-05-10T10:00:00.000Z', user);
    const invoices = await invoiceRowsOf(t, user.id);
    expect(invoices).toHaveLength(2);
    const renewal = (await listInvoices(t, after.accessToken)).invoices[0]!;
    expect(renewal.lines).toEqual([
      expect.objectContaining({ kind: 'PLAN', amountCents: 1500 }),
      expect.objectContaining({ kind: 'PHONE_NUMBERS', amountCents: 500 }),
      expect.objectContaining({ kind: 'SMS_OVERAGE', amountCents: 40 }),
    ]);
    expect(renewal).toMatchObject({
      subtotalCents: 2040,
      vatRatePercent: 20,
      vatCents: 408,
      totalCents: 2448,
      status: 'paid',
      amountPaidCents: 2448,
      periodStart: '2031-04-10T09:00:00.000Z',
      issuedAt: '2031-05-10T10:00:00.000Z',
    });

    const next = await getSubscription(t, after.accessToken);
    expect(next).toMatchObject({
      tier: 'STARTER',
      currentPeriodStart: '2031-05-10T09:00:00.000Z',
      currentPeriodEnd: '2031-06-10T09:00:00.000Z',
    });
    const jobs = await rolloverJobsOf(t, sub.id);
    expect(jobs.filter((j) => !j.doneAt).map((j) => j.runAt.toISOString())).toEqual(['2031-06-10T09:00:00.000Z']);
    expect(jobs.every((j) => j.lastError === null)).toBe(true);
    // The new period starts from nothing used.
    expect((await currentUsage(t, after.accessToken)).usage.smsSent).toBe(0);

    // Delivered again (a crash between the work and marking the job done): nothing more is billed or moved.
    const counters = await invoiceCounterRows(t);
    await rerunRolloversOf(t, sub.id);
    expect(await runDueJobs(t)).toBeGreaterThan(0);
    expect(await invoiceRowsOf(t, user.id)).toHaveLength(2);
    expect(await invoiceCounterRows(t)).toEqual(counters);
    expect(await subscriptionRowOf(t, user.id)).toMatchObject({
      currentPeriodStart: new Date('2031-05-10T09:00:00.000Z'),
      currentPeriodEnd: new Date('2031-06-10T09:00:00.000Z'),
    });
  });

  it('BUSINESS minutes beyond 2000 at 1.5 cents: two 3-minute calls are 9 cents, rounded once on the line', async () => {
    at('2031-04-10T09:00:00.000Z');
    const registered = await registerUser(t);
    await subscribe(t, registered.accessToken, 'BUSINESS');
    const user = await advance(t, registered, 60_000);
    const line = await buyNumber(t, user.accessToken, { countryCode: 'FR', type: 'MOBILE' });
    await recordUsage(t, user.id, 'CALL_MINUTES', 2000);
    for (let i = 0; i < 2; i++) {
      const placed = await initiate(t, user.accessToken, line.phoneNumber, OUTSIDE_PHONE);
      await settle(t);
      // 2 min 30 s connected: 3 started minutes, all beyond the allowance.
      t.clock.advance(150_000);
      await callAction(t, user.accessToken, placed.id, 'hangup');
      await settle(t);
    }
    // Each call costs €0.045; rounding each to the cent first would bill 10 cents instead of 9.
    expect((await currentUsage(t, user.accessToken)).costs.breakdown.calls).toBe(0.09);

    await runUntil('2031-05-10T10:00:00.000Z', user);
    const [renewal] = await invoiceRowsOf(t, user.id);
    expect(renewal!.lines).toEqual([
      expect.objectContaining({ kind: 'PLAN', amountCents: 3500 }),
      expect.objectContaining({ kind: 'PHONE_NUMBERS', amountCents: 500 }),
      expect.objectContaining({ kind: 'MINUTES_OVERAGE', amountCents: 9 }),
    ]);
    // 4009 × 20 % = 801.8 → 802.
    expect(renewal).toMatchObject({ subtotalCents: 4009, vatCents: 802, totalCents: 4811 });
  });

  it('half a cent of overage on its own is rounded half up on the line: 3 minutes at 1.5 cents → 5 cents', async () => {
    at('2031-04-10T09:00:00.000Z');
    const registered = await registerUser(t);
    await subscribe(t, registered.accessToken, 'BUSINESS');
    const user = await advance(t, registered, 60_000);
    const line = await buyNumber(t, user.accessToken, { countryCode: 'FR', type: 'MOBILE' });
    await recordUsage(t, user.id, 'CALL_MINUTES', 2000);
    const placed = await initiate(t, user.accessToken, line.phoneNumber, OUTSIDE_PHONE);
    await settle(t);
    t.clock.advance(150_000);
    await callAction(t, user.accessToken, placed.id, 'hangup');
    await settle(t);

    await runUntil('2031-05-10T10:00:00.000Z', user);
    const [renewal] = await invoiceRowsOf(t, user.id);
    expect(renewal!.lines.find((l) => l.kind === 'MINUTES_OVERAGE')).toMatchObject({ amountCents: 5 });
  });

  it('a FREE account holding a number is invoiced for the number alone: 500 + 100 VAT', async () => {
    at('2031-04-10T09:00:00.000Z');
    const registered = await registerUser(t);
    const user = await advance(t, registered, 60_000);
    await buyNumber(t, user.accessToken, { countryCode: 'FR', type: 'MOBILE' });
    await runUntil('2031-05-10T10:00:00.000Z', user);
    const invoices = await invoiceRowsOf(t, user.id);
    expect(invoices).toHaveLength(1);
    expect(invoices[0]!.lines).toEqual([expect.objectContaining({ kind: 'PHONE_NUMBERS', amountCents: 500 })]);
    expect(invoices[0]).toMatchObject({ subtotalCents: 500, vatCents: 100, totalCents: 600 });
  });

  it('a period started on 31 January keeps its day: 28 February, then 31 March', async () => {
    at('2031-01-31T12:00:00.000Z');
    const registered = await registerUser(t);
    await subscribe(t, registered.accessToken, 'STARTER');
    let user = await runUntil('2031-02-28T13:00:00.000Z', registered);
    expect((await getSubscription(t, user.accessToken)).currentPeriodEnd).toBe('2031-03-31T12:00:00.000Z');
    user = await runUntil('2031-04-01T00:00:00.000Z', user);
    expect(await getSubscription(t, user.accessToken)).toMatchObject({
      currentPeriodStart: '2031-03-31T12:00:00.000Z',
      currentPeriodEnd: '2031-04-30T12:00:00.000Z',
    });
  });
});

describe('usage of a period that ends early is still billed', () => {
  it('cancel now: the SMS sent beyond STARTER’s 500 before cancelling reach an invoice', async () => {
    at('2031-04-10T09:00:00.000Z');
    const registered = await registerUser(t);
    await subscribe(t, registered.accessToken, 'STARTER');
    const user = await advance(t, registered, 60_000);
    const line = await buyNumber(t, user.accessToken, { countryCode: 'FR', type: 'MOBILE' });
    await recordUsage(t, user.id, 'SMS_SENT', 500);
    // Three segments beyond the allowance: the user is told €0.30.
    const sent = await send(t, user.accessToken, { from: line.phoneNumber, to: OUTSIDE_MOBILE, body: 'ж'.repeat(135) });
    expect(sent.cost).toBe(0.3);
    await settle(t);

    const later = await advance(t, user, 2 * DAY_MS);
    const res = await cancelRequest(t, later.accessToken, { cancelAtPeriodEnd: false });
    expect(res.statusCode, res.body).toBe(200);
    // Past the end of the FREE period that followed, every job run.
    await runUntil('2031-05-13T10:00:00.000Z', later);
    const billed = (await invoiceRowsOf(t, user.id)).flatMap((i) => i.lines);
    expect(billed.filter((l) => l.kind === 'SMS_OVERAGE').reduce((sum, l) => sum + l.amountCents, 0)).toBe(30);
  });

  it('subscribing from FREE: the month of the number bought on FREE reaches an invoice', async () => {
    at('2031-04-10T09:00:00.000Z');
    const registered = await registerUser(t);
    let user = await advance(t, registered, 60_000);
    // €5 for 10 April – 10 May, bought on FREE.
    await buyNumber(t, user.accessToken, { countryCode: 'FR', type: 'MOBILE' });
    user = await advance(t, user, 5 * DAY_MS);
    await subscribe(t, user.accessToken, 'STARTER');
    // The number renews on 10 May (its second month), the STARTER period ends on 15 May.
    user = await runUntil('2031-05-10T10:00:00.000Z', user);
    user = await runUntil('2031-05-15T10:00:00.000Z', user);
    const invoices = (await listInvoices(t, user.accessToken)).invoices;
    // Two months of the number were started before 15 May: both are billed.
    expect(linesOfKind(invoices, 'PHONE_NUMBERS').reduce((sum, l) => sum + l.amountCents, 0)).toBe(1000);
  });
});
