import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Account, call, expectError, registerUser } from '../helpers/auth-flows.js';
import {
  advance,
  cancelRequest,
  changePlan,
  changePlanRequest,
  createBillingTestApp,
  currentUsage,
  DAY_MS,
  getSubscription,
  getSubscriptionRequest,
  listInvoices,
  reactivateRequest,
  relogin,
  rolloverJobsOf,
  runDueJobs,
  subscribe,
  subscribeRequest,
  subscriptionRowOf,
} from '../helpers/billing-flows.js';
import { buyNumber } from '../helpers/numbers-flows.js';
import type { TestApp } from '../helpers/test-app.js';

/*
 * Subscriptions with local billing: plan changes apply without payment and
 * every charge is an invoice issued paid. The clock starts on 10 April 2031 so
 * a period started then is exactly 30 days (to 10 May) and prorations are
 * whole numbers a reader can check by hand.
 */
const START = '2031-04-10T09:00:00.000Z';
const ONE_MONTH_LATER = '2031-05-10T09:00:00.000Z';

let t: TestApp;
beforeAll(async () => {
  t = await createBillingTestApp(START);
});
afterAll(async () => {
  await t.close();
});
// Every test starts its users on the same date; users of other tests never share a subscription.
beforeEach(() => {
  t.clock.now = new Date(START);
});

async function onPlan(tier: 'STARTER' | 'BUSINESS' | 'ENTERPRISE'): Promise<Account> {
  const user = await registerUser(t);
  await subscribe(t, user.accessToken, tier);
  return user;
}

/** Past the end of the period started at START, jobs run, the user logged in again. */
async function afterRollover(user: Account): Promise<Account> {
  t.clock.now = new Date(new Date(ONE_MONTH_LATER).getTime() + 3600_000);
  await runDueJobs(t);
  return relogin(t, user);
}

describe('a new account', () => {
  it('is on FREE from sign-up: a monthly period from now and its rollover queued, before any billing call', async () => {
    const user = await registerUser(t);
    // Read from the database first: GET /subscription would create a missing row itself and hide the gap.
    const row = await subscriptionRowOf(t, user.id);
    expect(row).toMatchObject({ tier: 'FREE', status: 'ACTIVE', interval: 'MONTHLY', amountCents: 0 });
    expect(row!.currentPeriodStart.toISOString()).toBe(START);
    expect(row!.currentPeriodEnd.toISOString()).toBe(ONE_MONTH_LATER);
    const jobs = await rolloverJobsOf(t, row!.id);
    expect(jobs.map((j) => j.runAt.toISOString())).toEqual([ONE_MONTH_LATER]);

    expect(await getSubscription(t, user.accessToken)).toEqual({
      id: row!.id,
      tier: 'FREE',
      status: 'ACTIVE',
      interval: 'MONTHLY',
      currentPeriodStart: START,
      currentPeriodEnd: ONE_MONTH_LATER,
      cancelAtPeriodEnd: false,
      cancelledAt: null,
      scheduledChange: null,
      amountCents: 0,
      currency: 'EUR',
      pastDue: null,
      provider: 'local',
    });
    expect((await listInvoices(t, user.accessToken)).total).toBe(0);
  });

  it('a FREE period with nothing used ends without an invoice (nothing to bill), and the next one starts', async () => {
    const user = await afterRollover(await registerUser(t));
    expect((await listInvoices(t, user.accessToken)).total).toBe(0);
    expect(await getSubscription(t, user.accessToken)).toMatchObject({
      tier: 'FREE',
      currentPeriodStart: ONE_MONTH_LATER,
      currentPeriodEnd: '2031-06-10T09:00:00.000Z',
    });
  });
});

describe('GET /api/billing/plans', () => {
  it('is public: the four plans in cents, the annual price twelve annual months, VAT 20 %', async () => {
    const res = await call(t, 'GET', '/api/billing/plans');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.currency).toBe('EUR');
    expect(body.vatRatePercent).toBe(20);
    expect(body.plans.map((p: { tier: string }) => p.tier)).toEqual(['FREE', 'STARTER', 'BUSINESS', 'ENTERPRISE']);
    const byTier = Object.fromEntries(body.plans.map((p: { tier: string }) => [p.tier, p]));
    expect(byTier.FREE).toEqual({
      tier: 'FREE',
      monthlyPriceCents: 0,
      annualMonthlyPriceCents: 0,
      annualPriceCents: 0,
      limits: { phoneNumbers: 1, smsSent: 50, mmsSent: 0, callMinutes: 50 },
      extraNumberPriceCents: null,
      overageMillicents: null,
    });
    expect(byTier.STARTER).toMatchObject({
      monthlyPriceCents: 1500,
      annualMonthlyPriceCents: 1200,
      annualPriceCents: 14_400,
      limits: { phoneNumbers: 1, smsSent: 500, mmsSent: 100, callMinutes: 500 },
      overageMillicents: { sms: 10_000, minute: 2_000, mms: 15_000 },
    });
    expect(byTier.BUSINESS).toMatchObject({
      monthlyPriceCents: 3500,
      annualPriceCents: 34_800,
      extraNumberPriceCents: 500,
      overageMillicents: { sms: 8_000, minute: 1_500, mms: 12_000 },
    });
    expect(byTier.ENTERPRISE).toMatchObject({ monthlyPriceCents: 11_900, annualPriceCents: 118_800 });
    for (const plan of body.plans) expect(plan.annualPriceCents).toBe(plan.annualMonthlyPriceCents * 12);
  });
});

describe('POST /api/billing/subscribe', () => {
  it('FREE → STARTER starts a new period now and issues a paid invoice: 1500 + 20 % VAT = 1800', async () => {
    // Ten days into the FREE period: the paid period starts at the subscription, not at sign-up.
    const user = await advance(t, await registerUser(t), 10 * DAY_MS);
    const now = t.clock.now.toISOString();
    const res = await subscribeRequest(t, user.accessToken, { tier: 'STARTER' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      tier: 'STARTER',
      status: 'ACTIVE',
      interval: 'MONTHLY',
      currentPeriodStart: now,
      currentPeriodEnd: '2031-05-20T09:00:00.000Z',
      amountCents: 1500,
    });

    const { invoices, total } = await listInvoices(t, user.accessToken);
    expect(total).toBe(1);
    expect(invoices[0]).toMatchObject({
      status: 'paid',
      periodStart: now,
      periodEnd: '2031-05-20T09:00:00.000Z',
      issuedAt: now,
      paidAt: now,
      lines: [{ kind: 'PLAN', quantity: 1, unitPriceCents: 1500, amountCents: 1500 }],
      subtotalCents: 1500,
      vatRatePercent: 20,
      vatCents: 300,
      totalCents: 1800,
      amountPaidCents: 1800,
      currency: 'EUR',
    });
    expect(invoices[0]!.number).toMatch(/^CP-2031-\d{6}$/);
    expect(invoices[0]!.lines[0]!.description).toMatch(/starter/i);
    expect(invoices[0]!.pdfUrl).toBe(`http://commpro.test/api/billing/invoices/${invoices[0]!.id}/pdf`);
    expect((await currentUsage(t, user.accessToken)).limits.smsSent).toBe(500);

    // The FREE period's rollover, still queued for 10 May, must not roll the new period over early.
    t.clock.now = new Date('2031-05-11T00:00:00Z');
    await runDueJobs(t);
    const again = await relogin(t, user);
    expect(await getSubscription(t, again.accessToken)).toMatchObject({
      tier: 'STARTER',
      currentPeriodStart: now,
      currentPeriodEnd: '2031-05-20T09:00:00.000Z',
    });
    expect((await listInvoices(t, again.accessToken)).total).toBe(1);
  });

  it('annual STARTER is invoiced twelve annual months at once: 14400 + 2880 VAT', async () => {
    const user = await registerUser(t);
    const sub = await subscribe(t, user.accessToken, 'STARTER', 'ANNUAL');
    expect(sub).toMatchObject({
      interval: 'ANNUAL',
      amountCents: 14_400,
      currentPeriodEnd: '2032-04-10T09:00:00.000Z',
    });
    const [invoice] = (await listInvoices(t, user.accessToken)).invoices;
    expect(invoice).toMatchObject({ subtotalCents: 14_400, vatCents: 2880, totalCents: 17_280 });
  });

  it('subscribing again while on a paid plan is 409 and charges nothing more', async () => {
    const user = await onPlan('STARTER');
    const again = await subscribeRequest(t, user.accessToken, { tier: 'BUSINESS' });
    expectError(again, 409, 'CONFLICT');
    expect((await getSubscription(t, user.accessToken)).tier).toBe('STARTER');
    expect((await listInvoices(t, user.accessToken)).total).toBe(1);
  });

  it('three subscribes at once from one account: one 201, two 409, one invoice', async () => {
    const user = await registerUser(t);
    const results = await Promise.all(
      ['STARTER', 'STARTER', 'BUSINESS'].map((tier) => subscribeRequest(t, user.accessToken, { tier })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
    expect((await listInvoices(t, user.accessToken)).total).toBe(1);
  });

  it('refuses bodies that name no paid plan or a wrong interval (400), and callers without a token (401)', async () => {
    const user = await registerUser(t);
    for (const payload of [{}, { tier: 'FREE' }, { tier: 'GOLD' }, { tier: 'STARTER', interval: 'WEEKLY' }]) {
      expectError(await subscribeRequest(t, user.accessToken, payload), 400, 'VALIDATION_FAILED');
    }
    expectError(await subscribeRequest(t, undefined, { tier: 'STARTER' }), 401, 'UNAUTHORIZED');
    expectError(await getSubscriptionRequest(t, undefined), 401, 'UNAUTHORIZED');
    expect((await getSubscription(t, user.accessToken)).tier).toBe('FREE');
    expect((await listInvoices(t, user.accessToken)).total).toBe(0);
  });
});

describe('PUT /api/billing/upgrade', () => {
  it('STARTER → BUSINESS ten days into a 30-day period: (3500 − 1500) × 20/30 = 1333 now, plus VAT 267', async () => {
    const user = await advance(t, await onPlan('STARTER'), 10 * DAY_MS);

    // A preview says what it would cost and changes nothing.
    const preview = await changePlan(t, user.accessToken, { tier: 'BUSINESS', preview: true });
    expect(preview).toMatchObject({ effective: 'NOW', prorationCents: 1333, invoiceId: null });
    expect(preview.subscription.tier).toBe('STARTER');
    expect((await getSubscription(t, user.accessToken)).tier).toBe('STARTER');
    expect((await listInvoices(t, user.accessToken)).total).toBe(1);

    const change = await changePlan(t, user.accessToken, { tier: 'BUSINESS' });
    expect(change).toMatchObject({ effective: 'NOW', prorationCents: 1333 });
    expect(change.subscription).toMatchObject({
      tier: 'BUSINESS',
      amountCents: 3500,
      // The period does not move: the upgrade pays for what is left of it.
      currentPeriodStart: START,
      currentPeriodEnd: ONE_MONTH_LATER,
      scheduledChange: null,
    });
    const { invoices } = await listInvoices(t, user.accessToken);
    expect(invoices).toHaveLength(2);
    const proration = invoices.find((i) => i.id === change.invoiceId);
    expect(proration).toMatchObject({
      lines: [{ kind: 'PRORATION', quantity: 1, unitPriceCents: 1333, amountCents: 1333 }],
      subtotalCents: 1333,
      vatCents: 267,
      totalCents: 1600,
      periodStart: t.clock.now.toISOString(),
      periodEnd: ONE_MONTH_LATER,
      status: 'paid',
    });
    expect((await currentUsage(t, user.accessToken)).limits).toMatchObject({ smsSent: 2000, phoneNumbers: 3 });

    // The next period is BUSINESS at its full price.
    const later = await afterRollover(user);
    const [renewal] = (await listInvoices(t, later.accessToken)).invoices;
    expect(renewal!.lines).toEqual([expect.objectContaining({ kind: 'PLAN', amountCents: 3500 })]);
  });

  it('FREE → STARTER through /upgrade is a subscription: full price now, new period', async () => {
    const user = await registerUser(t);
    const change = await changePlan(t, user.accessToken, { tier: 'STARTER' });
    expect(change).toMatchObject({ effective: 'NOW', prorationCents: 1500, subscription: { tier: 'STARTER' } });
    expect(change.invoiceId).toEqual(expect.any(String));
    expect((await listInvoices(t, user.accessToken)).invoices[0]!.totalCents).toBe(1800);
  });

  it('BUSINESS → STARTER waits for the period end (scheduledChange), then the rollover applies it', async () => {
    const user = await advance(t, await onPlan('BUSINESS'), 5 * DAY_MS);
    const preview = await changePlan(t, user.accessToken, { tier: 'STARTER', preview: true });
    expect(preview).toMatchObject({ effective: 'PERIOD_END', prorationCents: 0, invoiceId: null });
    expect((await getSubscription(t, user.accessToken)).scheduledChange).toBeNull();

    const change = await changePlan(t, user.accessToken, { tier: 'STARTER' });
    expect(change).toMatchObject({ effective: 'PERIOD_END', prorationCents: 0, invoiceId: null });
    expect(change.subscription).toMatchObject({
      tier: 'BUSINESS',
      scheduledChange: { tier: 'STARTER', interval: 'MONTHLY', at: ONE_MONTH_LATER },
    });
    // Paid for until the end: BUSINESS limits stay, nothing is refunded or charged.
    expect((await currentUsage(t, user.accessToken)).limits.smsSent).toBe(2000);
    expect((await listInvoices(t, user.accessToken)).total).toBe(1);

    const later = await afterRollover(user);
    expect(await getSubscription(t, later.accessToken)).toMatchObject({
      tier: 'STARTER',
      amountCents: 1500,
      scheduledChange: null,
      currentPeriodStart: ONE_MONTH_LATER,
    });
    const [renewal] = (await listInvoices(t, later.accessToken)).invoices;
    expect(renewal).toMatchObject({
      lines: [{ kind: 'PLAN', amountCents: 1500 }],
      subtotalCents: 1500,
      vatCents: 300,
      totalCents: 1800,
    });
    expect((await currentUsage(t, later.accessToken)).limits.smsSent).toBe(500);
  });

  it('a downgrade the numbers do not fit is refused (409 TOO_MANY_NUMBERS) and says how many to release', async () => {
    const user = await onPlan('BUSINESS');
    for (let i = 0; i < 3; i++) await buyNumber(t, user.accessToken);

    const toStarter = expectError(await changePlanRequest(t, user.accessToken, { tier: 'STARTER' }), 409, 'CONFLICT');
    expect(toStarter.error).toMatch(/release 2 numbers/i);
    expect(toStarter.details).toEqual([expect.objectContaining({ field: 'tier', code: 'TOO_MANY_NUMBERS' })]);
    // A preview is refused the same way: it would not happen.
    expectError(await changePlanRequest(t, user.accessToken, { tier: 'STARTER', preview: true }), 409, 'CONFLICT');
    const toFree = expectError(await changePlanRequest(t, user.accessToken, { tier: 'FREE' }), 409, 'CONFLICT');
    expect(toFree.error).toMatch(/release 2 numbers/i);
    // Ending the plan now would leave three numbers on FREE's one.
    expectError(await cancelRequest(t, user.accessToken, { cancelAtPeriodEnd: false }), 409, 'CONFLICT');

    expect(await getSubscription(t, user.accessToken)).toMatchObject({ tier: 'BUSINESS', scheduledChange: null });
  });

  it('the plan and interval already in force: 409', async () => {
    const user = await onPlan('STARTER');
    expectError(await changePlanRequest(t, user.accessToken, { tier: 'STARTER' }), 409, 'CONFLICT');
    expectError(
      await changePlanRequest(t, user.accessToken, { tier: 'STARTER', interval: 'MONTHLY' }),
      409,
      'CONFLICT',
    );
    const free = await registerUser(t);
    expectError(await changePlanRequest(t, free.accessToken, { tier: 'FREE' }), 409, 'CONFLICT');
  });

  it('choosing the current plan again drops a scheduled downgrade: the next period stays BUSINESS', async () => {
    const user = await onPlan('BUSINESS');
    await changePlan(t, user.accessToken, { tier: 'STARTER' });
    const kept = await changePlan(t, user.accessToken, { tier: 'BUSINESS' });
    expect(kept).toMatchObject({ effective: 'NOW', prorationCents: 0, invoiceId: null });
    expect(kept.subscription).toMatchObject({ tier: 'BUSINESS', scheduledChange: null });
    expect((await listInvoices(t, user.accessToken)).total).toBe(1);

    const later = await afterRollover(user);
    expect((await getSubscription(t, later.accessToken)).tier).toBe('BUSINESS');
    expect((await listInvoices(t, later.accessToken)).invoices[0]!.lines[0]).toMatchObject({ amountCents: 3500 });
  });

  it('monthly → annual on the same plan waits for the period end, then a year is invoiced', async () => {
    const user = await onPlan('STARTER');
    const change = await changePlan(t, user.accessToken, { tier: 'STARTER', interval: 'ANNUAL' });
    expect(change).toMatchObject({ effective: 'PERIOD_END', prorationCents: 0, invoiceId: null });
    expect(change.subscription).toMatchObject({
      interval: 'MONTHLY',
      scheduledChange: { tier: 'STARTER', interval: 'ANNUAL', at: ONE_MONTH_LATER },
    });

    const later = await afterRollover(user);
    expect(await getSubscription(t, later.accessToken)).toMatchObject({
      tier: 'STARTER',
      interval: 'ANNUAL',
      amountCents: 14_400,
      currentPeriodStart: ONE_MONTH_LATER,
      currentPeriodEnd: '2032-05-10T09:00:00.000Z',
    });
    const [renewal] = (await listInvoices(t, later.accessToken)).invoices;
    expect(renewal).toMatchObject({ subtotalCents: 14_400, vatCents: 2880, totalCents: 17_280 });
  });

  it('refuses unknown plans and malformed bodies (400) and callers without a token (401)', async () => {
    const user = await onPlan('STARTER');
    for (const payload of [
      {},
      { tier: 'PLATINUM' },
      { tier: 'BUSINESS', interval: 'DAILY' },
      { tier: 'BUSINESS', preview: 'yes' },
    ]) {
      expectError(await changePlanRequest(t, user.accessToken, payload), 400, 'VALIDATION_FAILED');
    }
    expectError(await changePlanRequest(t, undefined, { tier: 'BUSINESS' }), 401, 'UNAUTHORIZED');
    expect((await getSubscription(t, user.accessToken)).tier).toBe('STARTER');
    expect((await listInvoices(t, user.accessToken)).total).toBe(1);
  });
});

describe('POST /api/billing/cancel and /reactivate', () => {
  it('cancel at the period end keeps the plan until then; reactivate keeps it for good', async () => {
    const user = await advance(t, await onPlan('STARTER'), DAY_MS);
    const cancelled = await cancelRequest(t, user.accessToken, { cancelAtPeriodEnd: true });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({
      tier: 'STARTER',
      cancelAtPeriodEnd: true,
      cancelledAt: t.clock.now.toISOString(),
    });
    expect((await currentUsage(t, user.accessToken)).limits.smsSent).toBe(500);

    const reactivated = await reactivateRequest(t, user.accessToken);
    expect(reactivated.statusCode, reactivated.body).toBe(200);
    expect(reactivated.json()).toMatchObject({ tier: 'STARTER', cancelAtPeriodEnd: false, cancelledAt: null });

    const later = await afterRollover(user);
    expect((await getSubscription(t, later.accessToken)).tier).toBe('STARTER');
    expect((await listInvoices(t, later.accessToken)).total).toBe(2);
  });

  it('a POST /cancel without a body cancels at the period end, the documented default', async () => {
    // What `curl -X POST` or a client sending no JSON does: no content type, no body.
    const user = await onPlan('STARTER');
    const res = await cancelRequest(t, user.accessToken);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ tier: 'STARTER', cancelAtPeriodEnd: true });
  });

  it('a cancellation left in place ends the plan at the rollover: FREE, no plan invoiced', async () => {
    const user = await onPlan('STARTER');
    const res = await cancelRequest(t, user.accessToken, { cancelAtPeriodEnd: true });
    expect(res.statusCode, res.body).toBe(200);
    const later = await afterRollover(user);
    expect(await getSubscription(t, later.accessToken)).toMatchObject({
      tier: 'FREE',
      amountCents: 0,
      cancelAtPeriodEnd: false,
    });
    expect((await listInvoices(t, later.accessToken)).total).toBe(1);
    expect((await currentUsage(t, later.accessToken)).limits.smsSent).toBe(50);
  });

  it('cancel now drops to FREE at once', async () => {
    const user = await advance(t, await onPlan('BUSINESS'), 3 * DAY_MS);
    const res = await cancelRequest(t, user.accessToken, { cancelAtPeriodEnd: false });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      tier: 'FREE',
      status: 'ACTIVE',
      amountCents: 0,
      cancelAtPeriodEnd: false,
      cancelledAt: t.clock.now.toISOString(),
    });
    expect((await currentUsage(t, user.accessToken)).limits).toMatchObject({ smsSent: 50, phoneNumbers: 1 });
    expectError(await reactivateRequest(t, user.accessToken), 409, 'CONFLICT');
  });

  it('nothing to cancel on FREE, nothing to reactivate when nothing is set to end: 409', async () => {
    const free = await registerUser(t);
    expectError(await cancelRequest(t, free.accessToken, { cancelAtPeriodEnd: true }), 409, 'CONFLICT');
    expectError(await reactivateRequest(t, free.accessToken), 409, 'CONFLICT');
    const paying = await onPlan('STARTER');
    expectError(await reactivateRequest(t, paying.accessToken), 409, 'CONFLICT');
    expect(await getSubscription(t, paying.accessToken)).toMatchObject({ tier: 'STARTER', cancelAtPeriodEnd: false });
  });

  it('refuses a malformed body (400) and callers without a token (401)', async () => {
    const user = await onPlan('STARTER');
    expectError(await cancelRequest(t, user.accessToken, { cancelAtPeriodEnd: 'now' }), 400, 'VALIDATION_FAILED');
    expectError(await cancelRequest(t, undefined, { cancelAtPeriodEnd: true }), 401, 'UNAUTHORIZED');
    expectError(await reactivateRequest(t, undefined), 401, 'UNAUTHORIZED');
    expect((await getSubscription(t, user.accessToken)).cancelAtPeriodEnd).toBe(false);
  });
});
