import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { subscriptions } from '../../src/modules/billing/billing.table.js';
import { type Account, call, expectError, registerUser, type Response } from '../helpers/auth-flows.js';
import {
  advance,
  createBillingTestApp,
  currentUsage,
  DAY_MS,
  getSubscription,
  invoiceRowsOf,
  listInvoices,
  pdfShownText,
  recordUsage,
  relogin,
  runDueJobs,
  subscriptionRowOf,
} from '../helpers/billing-flows.js';
import { send, sendRequest, settle } from '../helpers/messaging-flows.js';
import { buyNumber } from '../helpers/numbers-flows.js';
import {
  billingEventRows,
  billingNotificationsOf,
  cardholder,
  deliver,
  postStripeEvent,
  PRICE_IDS,
  saveCard,
  providerUsageJobsOf,
  createStripeTestApp,
  type StripeTestApp,
  stripeEvent,
  stripeSubscriber,
  subscribeRequest,
  userCall,
  WEBHOOK_PATH,
} from '../helpers/stripe-flows.js';
import type { TestApp } from '../helpers/test-app.js';

/*
 * POST /api/billing/webhooks/stripe: Stripe's events, signed as Stripe signs
 * them (stripe-node's own test signer), built from the Stripe double's state
 * so they say what Stripe would. Each is checked, applied once, never over
 * newer state, and moves what the user sees: the subscription, its limits,
 * the invoices and their PDFs, a notification when a payment fails.
 */

const START = '2031-04-10T09:00:00.000Z';
const PERIOD_END = '2031-05-10T09:00:00.000Z';
const NEXT_PERIOD_END = '2031-06-10T09:00:00.000Z';
const OUTSIDE = '+33612345678';

let t: StripeTestApp;
beforeAll(async () => {
  t = await createStripeTestApp(START);
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => {
  t.clock.now = new Date(START);
});

const later = (ms: number) => new Date(t.clock.now.getTime() + ms);
const subscriptionEvent = (type: string, id: string, created: Date, changes: Record<string, unknown> = {}) =>
  stripeEvent(`customer.subscription.${type}`, { ...t.stripe.subscriptionObject(id), ...changes }, created);
const invoiceEvent = (type: string, id: string, created: Date, changes: Record<string, unknown> = {}) =>
  stripeEvent(`invoice.${type}`, { ...t.stripe.invoiceObject(id), ...changes }, created);
const idOf = (payload: string) => (JSON.parse(payload) as { id: string }).id;

/** The period ends at Stripe: it renews (or not) and we are told, as Stripe tells us. Answers Stripe's new invoice. */
async function renewAtStripe(stripeSubscriptionId: string): Promise<string | null> {
  const { invoiceId } = t.stripe.renew(stripeSubscriptionId);
  await deliver(t, subscriptionEvent('updated', stripeSubscriptionId, t.clock.now));
  return invoiceId;
}

describe('signatures', () => {
  it('a genuine event: 200 {received: true}, applied, its id kept', async () => {
    const { user, stripeSubscriptionId } = await stripeSubscriber(t, 'STARTER');
    const payload = subscriptionEvent('updated', stripeSubscriptionId, later(60_000), { cancel_at_period_end: true });
    const res = await postStripeEvent(t, payload);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ received: true });
    expect(await getSubscription(t, user.accessToken)).toMatchObject({ tier: 'STARTER', cancelAtPeriodEnd: true });
    expect((await billingEventRows(t)).map((e) => e.id)).toContain(idOf(payload));
  });

  const nowSeconds = () => Math.floor(Date.now() / 1000);
  it.each<[string, (payload: string, genuine: string) => Parameters<typeof postStripeEvent>[2]]>([
    ['signed with another secret', () => ({ secret: 'whsec_someone_else' })],
    ['changed after signing', (_, genuine) => ({ signedPayload: genuine })],
    ['without a signature', () => ({ signature: null })],
    ['signed more than 5 minutes ago (a replay)', () => ({ timestamp: nowSeconds() - 301 })],
    ['with a signature that is not Stripe’s', () => ({ signature: 'sha256=0123abcd' })],
  ])('an event %s: 400 BAD_SIGNATURE, nothing applied or recorded', async (_, how) => {
    const { user, stripeSubscriptionId } = await stripeSubscriber(t, 'STARTER');
    const genuine = subscriptionEvent('updated', stripeSubscriptionId, later(60_000), { cancel_at_period_end: false });
    const payload = genuine.replace('"cancel_at_period_end":false', '"cancel_at_period_end":true');
    expect(payload).not.toBe(genuine);
    const before = await subscriptionRowOf(t, user.id);

    const res = expectError(await postStripeEvent(t, payload, how(payload, genuine)), 400, 'BAD_REQUEST');
    expect(res.details).toEqual([expect.objectContaining({ field: 'stripe-signature', code: 'BAD_SIGNATURE' })]);
    expect(await subscriptionRowOf(t, user.id)).toEqual(before);
    expect((await billingEventRows(t)).map((e) => e.id)).not.toContain(idOf(payload));
  });
});

describe('deliveries', () => {
  it('the same event delivered again, even at once, is applied once: one invoice, one notification', async () => {
    const { user, card, stripeSubscriptionId } = await stripeSubscriber(t, 'STARTER');
    t.clock.now = new Date(PERIOD_END);
    t.stripe.declineCard(card.id);
    const { invoiceId } = t.stripe.renew(stripeSubscriptionId);
    const payload = invoiceEvent('payment_failed', invoiceId!, t.clock.now);
    // Stripe retries a delivery it thinks failed, even while the first is still being handled.
    await Promise.all([deliver(t, payload), deliver(t, payload)]);
    await deliver(t, payload);

    expect((await invoiceRowsOf(t, user.id)).filter((i) => i.stripeInvoiceId === invoiceId)).toHaveLength(1);
    expect(await billingNotificationsOf(t, user.id)).toHaveLength(1);
    expect((await billingEventRows(t)).filter((e) => e.id === idOf(payload))).toHaveLength(1);
  });

  it('an older subscription.updated arriving after a newer one changes nothing', async () => {
    const { user, stripeSubscriptionId } = await stripeSubscriber(t, 'STARTER');
    const newer = subscriptionEvent('updated', stripeSubscriptionId, later(120_000), { cancel_at_period_end: true });
    const older = subscriptionEvent('updated', stripeSubscriptionId, later(60_000), { cancel_at_period_end: false });
    await deliver(t, newer);
    await deliver(t, older);
    expect(await getSubscription(t, user.accessToken)).toMatchObject({ cancelAtPeriodEnd: true });
    expect((await subscriptionRowOf(t, user.id))!.providerSyncedAt).toEqual(later(120_000));
  });

  it('an event for a customer who is not ours: 200, and nothing of ours changes', async () => {
    await stripeSubscriber(t, 'STARTER');
    const before = await t.database.handle.db.select().from(subscriptions);
    const stranger = {
      ...t.stripe.subscriptionObject([...t.stripe.subscriptions.keys()][0]!),
      id: 'sub_elsewhere',
      customer: 'cus_elsewhere',
    };
    await deliver(t, stripeEvent('customer.subscription.updated', stranger, later(60_000)));
    await deliver(t, stripeEvent('customer.subscription.deleted', { ...stranger, status: 'canceled' }, later(61_000)));
    const invoice = {
      ...t.stripe.invoiceObject([...t.stripe.invoices.keys()][0]!),
      id: 'in_elsewhere',
      customer: 'cus_elsewhere',
    };
    await deliver(t, stripeEvent('invoice.paid', invoice, later(62_000)));
    expect(await t.database.handle.db.select().from(subscriptions)).toEqual(before);
  });

  it('a subscription on a price no setting names: another product’s passes, ours fails unclaimed to come again', async () => {
    const { user, stripeSubscriptionId } = await stripeSubscriber(t, 'STARTER');
    const before = await subscriptionRowOf(t, user.id);
    const object = t.stripe.subscriptionObject(stripeSubscriptionId) as { items: { data: object[] } };
    const onOtherPrice = (customer: string) => ({
      ...object,
      id: customer === before!.stripeCustomerId ? stripeSubscriptionId : 'sub_other_product',
      customer,
      items: { ...object.items, data: [{ ...object.items.data[0], price: { id: 'price_other', object: 'price' } }] },
    });

    const foreign = stripeEvent('customer.subscription.updated', onOtherPrice('cus_other_product'), later(1000));
    await deliver(t, foreign);
    expect((await billingEventRows(t)).map((e) => e.id)).toContain(idOf(foreign));

    const ours = stripeEvent('customer.subscription.updated', onOtherPrice(before!.stripeCustomerId!), later(2000));
    const res = await postStripeEvent(t, ours);
    expect(res.statusCode, res.body).toBe(502);
    expect(res.body).not.toContain('price_other');
    // Not recorded as handled: Stripe's next delivery is acted on once the price is configured.
    expect((await billingEventRows(t)).map((e) => e.id)).not.toContain(idOf(ours));
    expect(await subscriptionRowOf(t, user.id)).toEqual(before);
  });

  it('an event billing does not act on: 200, and nothing changes', async () => {
    const { user } = await stripeSubscriber(t, 'STARTER');
    const before = await subscriptionRowOf(t, user.id);
    await deliver(
      t,
      stripeEvent('customer.updated', { id: before!.stripeCustomerId, object: 'customer' }, later(1000)),
    );
    expect(await subscriptionRowOf(t, user.id)).toEqual(before);
  });
});

describe('a new period', () => {
  it('STARTER renewed: the ended period’s number and SMS beyond 500 go on the subscription as invoice items, in cents, once', async () => {
    const subscriber = await stripeSubscriber(t, 'STARTER');
    const { customerId, stripeSubscriptionId } = subscriber;
    // Bought a minute into the period, so it belongs to it without doubt.
    const user = await advance(t, subscriber.user, 60_000);
    const line = await buyNumber(t, user.accessToken, { countryCode: 'FR', type: 'MOBILE' });
    await recordUsage(t, user.id, 'SMS_SENT', 499);
    // 2 segments: the 500th included, the 501st €0.10; then 3 UCS-2 segments at €0.10.
    const straddling = await send(t, user.accessToken, { from: line.phoneNumber, to: OUTSIDE, body: 'a'.repeat(161) });
    const beyond = await send(t, user.accessToken, { from: line.phoneNumber, to: OUTSIDE, body: 'ж'.repeat(135) });
    expect([straddling.cost, beyond.cost]).toEqual([0.1, 0.3]);
    await settle(t);

    t.clock.now = new Date(PERIOD_END);
    const renewal = await renewAtStripe(stripeSubscriptionId);
    expect(await getSubscription(t, (await relogin(t, user)).accessToken)).toMatchObject({
      tier: 'STARTER',
      currentPeriodStart: PERIOD_END,
      currentPeriodEnd: NEXT_PERIOD_END,
    });
    const [job] = (await providerUsageJobsOf(t, user.id)).filter((j) => j.payload.providerSubscriptionId !== null);
    expect(job?.payload).toMatchObject({
      customerId,
      providerSubscriptionId: stripeSubscriptionId,
      from: START,
      to: PERIOD_END,
    });

    await runDueJobs(t);
    const items = () => t.stripe.invoiceItems.filter((i) => i.subscription === stripeSubscriptionId);
    expect(items().map((i) => [i.description, i.amount, i.currency])).toEqual([
      ['Phone numbers', 500, 'eur'],
      ['SMS beyond the plan', 40, 'eur'],
    ]);
    // Stripe renews the plan; we do not invoice it ourselves as well.
    expect(await invoiceRowsOf(t, user.id)).toEqual([]);
    // The renewal invoice Stripe already made holds the plan alone.
    expect(t.stripe.invoices.get(renewal!)!.lines.map((l) => l.amount)).toEqual([1500]);

    // Told again, and the job run again: nothing reported twice.
    await deliver(t, subscriptionEvent('updated', stripeSubscriptionId, t.clock.now));
    await runDueJobs(t);
    expect(items()).toHaveLength(2);

    // They are billed with the next renewal.
    t.clock.now = new Date(NEXT_PERIOD_END);
    const next = t.stripe.invoices.get(t.stripe.renew(stripeSubscriptionId).invoiceId!)!;
    expect(next.lines.map((l) => [l.description, l.amount])).toEqual([
      ['1 × CommPro Starter (at €15.00 / month)', 1500],
      ['Phone numbers', 500],
      ['SMS beyond the plan', 40],
    ]);
  });

  it('a change down waiting for the new period: applied, and no longer shown as waiting', async () => {
    const { user, stripeSubscriptionId } = await stripeSubscriber(t, 'BUSINESS');
    expect((await userCall(t, user, 'PUT', '/api/billing/upgrade', { tier: 'STARTER' })).statusCode).toBe(200);
    t.clock.now = new Date(PERIOD_END);
    await renewAtStripe(stripeSubscriptionId);
    expect(t.stripe.subscriptions.get(stripeSubscriptionId)!.price).toBe(PRICE_IDS.STARTER.MONTHLY);
    expect(await getSubscription(t, (await relogin(t, user)).accessToken)).toMatchObject({
      tier: 'STARTER',
      amountCents: 1500,
      currentPeriodStart: PERIOD_END,
      scheduledChange: null,
    });
  });
});

describe('invoices', () => {
  it('finalized then paid: one invoice in our list with our number, Stripe’s lines and totals, and its PDF', async () => {
    const { user, stripeSubscriptionId } = await stripeSubscriber(t, 'BUSINESS');
    const stripeInvoiceId = t.stripe.subscriptions.get(stripeSubscriptionId)!.latestInvoice!;
    await deliver(t, invoiceEvent('finalized', stripeInvoiceId, t.clock.now, { status: 'open', amount_paid: 0 }));
    expect((await listInvoices(t, user.accessToken)).invoices).toEqual([
      expect.objectContaining({ status: 'open', totalCents: 4200, amountPaidCents: 0, paidAt: null }),
    ]);
    await deliver(t, invoiceEvent('paid', stripeInvoiceId, t.clock.now));

    const { invoices, total } = await listInvoices(t, user.accessToken);
    expect(total).toBe(1);
    const invoice = invoices[0]!;
    expect(invoice.number).toMatch(/^CP-2031-\d{6}$/);
    expect(invoice).toMatchObject({
      status: 'paid',
      periodStart: START,
      periodEnd: PERIOD_END,
      lines: [
        {
          kind: 'PLAN',
          description: '1 × CommPro Business (at €35.00 / month)',
          quantity: 1,
          unitPriceCents: 3500,
          amountCents: 3500,
        },
      ],
      subtotalCents: 3500,
      vatRatePercent: 20,
      vatCents: 700,
      totalCents: 4200,
      amountPaidCents: 4200,
      paidAt: START,
      currency: 'EUR',
    });

    const res = await call(t, 'GET', `/api/billing/invoices/${invoice.id}/pdf`, { token: user.accessToken });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${invoice.number}.pdf"`);
    const shown = pdfShownText(res.rawPayload).join('\n');
    for (const expected of [invoice.number, invoice.lines[0]!.description, '€35.00', '€7.00', '€42.00']) {
      expect(shown, `the PDF should show ${expected}`).toContain(expected);
    }
  });

  it('an upgrade’s proration: the credit for the old plan and the charge for the new one, as proration lines', async () => {
    const subscriber = await stripeSubscriber(t, 'STARTER');
    const user = await advance(t, subscriber.user, 15 * DAY_MS);
    expect((await userCall(t, user, 'PUT', '/api/billing/upgrade', { tier: 'BUSINESS' })).statusCode).toBe(200);
    const stripeInvoiceId = t.stripe.subscriptions.get(subscriber.stripeSubscriptionId)!.latestInvoice!;
    await deliver(t, invoiceEvent('paid', stripeInvoiceId, t.clock.now));

    const [invoice] = (await listInvoices(t, user.accessToken)).invoices;
    expect(invoice).toMatchObject({
      status: 'paid',
      lines: [
        { kind: 'PRORATION', description: 'Unused time on CommPro Starter', amountCents: -750 },
        { kind: 'PRORATION', description: 'Remaining time on CommPro Business', amountCents: 1750 },
      ],
      subtotalCents: 1000,
      vatCents: 200,
      totalCents: 1200,
      amountPaidCents: 1200,
    });
  });
});

describe('an unpaid renewal', () => {
  it('PAST_DUE with one notification; the plan’s limits for 7 days, then FREE’s; paid later, ACTIVE again', async () => {
    const subscriber = await stripeSubscriber(t, 'STARTER');
    const { card, stripeSubscriptionId } = subscriber;
    let user: Account = await advance(t, subscriber.user, 60_000);
    const line = (await buyNumber(t, user.accessToken, { countryCode: 'FR', type: 'MOBILE' })).phoneNumber;

    t.clock.now = new Date(PERIOD_END);
    t.stripe.declineCard(card.id);
    const invoiceId = await renewAtStripe(stripeSubscriptionId);
    expect(t.stripe.subscriptions.get(stripeSubscriptionId)!.status).toBe('past_due');
    await deliver(t, invoiceEvent('payment_failed', invoiceId!, later(1000)));

    user = await relogin(t, user);
    const limitsDropAt = new Date(Date.parse(PERIOD_END) + 7 * DAY_MS).toISOString();
    expect(await getSubscription(t, user.accessToken)).toMatchObject({
      tier: 'STARTER',
      status: 'PAST_DUE',
      pastDue: { since: PERIOD_END, limitsDropAt },
    });
    const notices = await billingNotificationsOf(t, user.id);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.data).toEqual({ reason: 'PAYMENT_FAILED', limitsDropAt });
    expect((await listInvoices(t, user.accessToken)).invoices).toEqual([
      expect.objectContaining({ status: 'open', totalCents: 1800, amountPaidCents: 0 }),
    ]);

    // FREE's 50 SMS used up this period: within the grace, STARTER's 500 still apply.
    await recordUsage(t, user.id, 'SMS_SENT', 50);
    user = await advance(t, user, 6 * DAY_MS);
    expect((await currentUsage(t, user.accessToken)).limits).toMatchObject({ smsSent: 500, mmsSent: 100 });
    expect(
      (await sendRequest(t, user.accessToken, { from: line, to: OUTSIDE, body: 'within the grace' })).statusCode,
    ).toBe(202);
    await settle(t);

    // A day past the grace: FREE's limits, and the 51st SMS is refused.
    user = await advance(t, user, 2 * DAY_MS);
    expect((await currentUsage(t, user.accessToken)).limits).toEqual({
      callMinutes: 50,
      smsSent: 50,
      mmsSent: 0,
      phoneNumbers: 1,
    });
    expectError(
      await sendRequest(t, user.accessToken, { from: line, to: OUTSIDE, body: 'after the grace' }),
      402,
      'PLAN_LIMIT_REACHED',
    );

    // The user saves another card as the default, and Stripe's retry charges it.
    const saved = await saveCard(t, user, { setAsDefault: true });
    t.stripe.payInvoice(invoiceId!);
    expect(t.stripe.invoices.get(invoiceId!)!.paidWith).toBe(saved.id);
    await deliver(t, invoiceEvent('paid', invoiceId!, t.clock.now));
    expect(await getSubscription(t, user.accessToken)).toMatchObject({ status: 'ACTIVE', pastDue: null });
    expect((await currentUsage(t, user.accessToken)).limits.smsSent).toBe(500);
    expect((await listInvoices(t, user.accessToken)).invoices).toEqual([
      expect.objectContaining({ status: 'paid', amountPaidCents: 1800 }),
    ]);
    expect(await billingNotificationsOf(t, user.id)).toHaveLength(1);
  });
});

describe('the subscription ends at Stripe', () => {
  it('subscription.deleted: FREE from then on, and what the period used billed on its own', async () => {
    const subscriber = await stripeSubscriber(t, 'BUSINESS');
    const { customerId, stripeSubscriptionId } = subscriber;
    const user = await advance(t, subscriber.user, 5 * DAY_MS);
    const endedAt = t.clock.now.toISOString();
    await deliver(t, subscriptionEvent('deleted', stripeSubscriptionId, t.clock.now, { status: 'canceled' }));

    expect(await getSubscription(t, user.accessToken)).toMatchObject({
      tier: 'FREE',
      status: 'ACTIVE',
      amountCents: 0,
      currentPeriodStart: endedAt,
    });
    expect(await subscriptionRowOf(t, user.id)).toMatchObject({
      stripeSubscriptionId: null,
      stripeCustomerId: customerId,
    });
    expect((await currentUsage(t, user.accessToken)).limits.smsSent).toBe(50);
    const jobs = (await providerUsageJobsOf(t, user.id)).filter((j) => j.payload.providerSubscriptionId === null);
    expect(jobs.map((j) => j.payload)).toEqual([expect.objectContaining({ customerId, from: START, to: endedAt })]);
  });
});

describe('an event racing our own request', () => {
  /** Resolves with `delivery`, or once one of this app's transactions waits for a row lock another holds. */
  async function handledOrWaiting(delivery: Promise<Response>): Promise<void> {
    let settled = false;
    const waiting = (async () => {
      while (!settled) {
        const result = await t.database.handle.db.execute(
          sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
        );
        if ((result as unknown as { rows: { n: number }[] }).rows[0]!.n > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    await Promise.race([delivery, waiting]);
    settled = true;
  }

  // Two transactions at once: PGlite runs one at a time, so this needs the real server.
  it.skipIf(!inject('postgresUrl'))(
    'Stripe’s invoice.paid for a subscription we are still starting: both go through, the plan and its invoice once',
    async () => {
      const { user, customerId } = await cardholder(t);
      let delivery: Promise<Response> | undefined;
      // Stripe sends the first invoice's events as it makes the subscription, before our request has its answer.
      t.stripe.whileAnswering(
        (req) => req.method === 'POST' && req.path === '/v1/subscriptions',
        async () => {
          const started = [...t.stripe.subscriptions.values()].find((s) => s.customer === customerId)!;
          delivery = postStripeEvent(t, invoiceEvent('paid', started.latestInvoice!, t.clock.now));
          await handledOrWaiting(delivery);
        },
      );
      const res = await subscribeRequest(t, user, { tier: 'STARTER' });
      const webhook = await delivery!;
      expect(res.statusCode, res.body).toBe(201);
      expect(webhook.statusCode, webhook.body).toBe(200);
      expect(await subscriptionRowOf(t, user.id)).toMatchObject({ tier: 'STARTER', status: 'ACTIVE' });
      expect((await listInvoices(t, user.accessToken)).invoices).toEqual([
        expect.objectContaining({ status: 'paid', totalCents: 1800 }),
      ]);
    },
  );
});

describe('with local billing', () => {
  let local: TestApp;
  beforeAll(async () => {
    local = await createBillingTestApp(START);
  });
  afterAll(async () => {
    await local?.close();
  });

  it('there is no Stripe webhook: 404', async () => {
    const user = await registerUser(local);
    const payload = stripeEvent('invoice.paid', { id: 'in_1', object: 'invoice' }, new Date(START));
    const res = await postStripeEvent(local, payload);
    expectError(res, 404, 'ROUTE_NOT_FOUND');
    expect(WEBHOOK_PATH).toBe('/api/billing/webhooks/stripe');
    expect(await getSubscription(local, user.accessToken)).toMatchObject({ provider: 'local' });
  });
});
