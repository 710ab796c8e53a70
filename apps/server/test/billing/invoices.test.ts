import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectError, registerUser } from '../helpers/auth-flows.js';
import {
  advance,
  allInvoiceNumbers,
  changePlan,
  createBillingTestApp,
  DAY_MS,
  getInvoice,
  listInvoices,
  pdfShownText,
  relogin,
  runDueJobs,
  subscribe,
  subscribeRequest,
} from '../helpers/billing-flows.js';
import type { TestApp } from '../helpers/test-app.js';

/*
 * Invoices as a business files them: numbered without gaps per year across
 * every customer (French invoicing rules), listed newest first, readable as a
 * PDF, and visible only to their owner. The app has a database of its own, so
 * the numbers start at CP-2031-000001 here.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createBillingTestApp('2031-04-10T09:00:00.000Z');
});
afterAll(async () => {
  await t.close();
});

const sequence = (year: number, from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `CP-${year}-${String(from + i).padStart(6, '0')}`);

describe('invoice numbers', () => {
  it('run without gaps across users and kinds of invoice: subscriptions, prorations', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    await subscribe(t, alice.accessToken, 'STARTER');
    await subscribe(t, bob.accessToken, 'BUSINESS');
    await changePlan(t, alice.accessToken, { tier: 'BUSINESS' });
    // A refused subscription takes no number.
    expect((await subscribeRequest(t, bob.accessToken, { tier: 'STARTER' })).statusCode).toBe(409);
    expect(await allInvoiceNumbers(t)).toEqual(sequence(2031, 1, 3));
    const mine = (await listInvoices(t, alice.accessToken)).invoices.map((i) => i.number);
    expect(mine).toEqual(['CP-2031-000003', 'CP-2031-000001']);
  });

  it('eight accounts subscribing at the same moment get eight consecutive numbers, none twice', async () => {
    const before = (await allInvoiceNumbers(t)).length;
    const users = await Promise.all(Array.from({ length: 8 }, () => registerUser(t)));
    const results = await Promise.all(users.map((u) => subscribeRequest(t, u.accessToken, { tier: 'STARTER' })));
    expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(201));
    const numbers = await allInvoiceNumbers(t);
    expect(numbers).toEqual(sequence(2031, 1, before + 8));
    const perUser = await Promise.all(users.map(async (u) => (await listInvoices(t, u.accessToken)).invoices));
    expect(new Set(perUser.map((list) => list[0]!.number)).size).toBe(8);
  });

  it('a new year starts again at 000001', async () => {
    t.clock.now = new Date('2031-12-20T09:00:00.000Z');
    const user = await registerUser(t);
    await subscribe(t, user.accessToken, 'STARTER');
    const lastOf2031 = (await allInvoiceNumbers(t)).at(-1)!;
    expect(lastOf2031).toMatch(/^CP-2031-/);

    // Every rollover due by 20 January 2032 (this user's and the other tests' users') is issued in 2032.
    t.clock.now = new Date('2032-01-20T10:00:00.000Z');
    await runDueJobs(t);
    const of2032 = (await allInvoiceNumbers(t)).filter((n) => n.startsWith('CP-2032-'));
    expect(of2032).toEqual(sequence(2032, 1, of2032.length));
    const again = await relogin(t, user);
    const [renewal] = (await listInvoices(t, again.accessToken)).invoices;
    expect(of2032).toContain(renewal!.number);
    const other = await registerUser(t);
    await subscribe(t, other.accessToken, 'BUSINESS');
    expect((await listInvoices(t, other.accessToken)).invoices[0]!.number).toBe(
      sequence(2032, of2032.length + 1, 1)[0],
    );
    // 2031 kept every number it had, without a gap.
    const of2031 = (await allInvoiceNumbers(t)).filter((n) => n.startsWith('CP-2031-'));
    expect(of2031).toEqual(sequence(2031, 1, of2031.length));
  });
});

describe('GET /api/billing/invoices', () => {
  it('lists newest first and pages with limit and offset, total counting them all', async () => {
    t.clock.now = new Date('2032-03-01T09:00:00.000Z');
    let user = await registerUser(t);
    await subscribe(t, user.accessToken, 'STARTER');
    user = await advance(t, user, 10 * DAY_MS);
    const upgrade = await changePlan(t, user.accessToken, { tier: 'BUSINESS' });
    t.clock.now = new Date('2032-04-01T10:00:00.000Z');
    await runDueJobs(t);
    user = await relogin(t, user);

    const all = await listInvoices(t, user.accessToken);
    expect(all.total).toBe(3);
    expect(all.invoices.map((i) => i.issuedAt)).toEqual([
      '2032-04-01T10:00:00.000Z',
      '2032-03-11T09:00:00.000Z',
      '2032-03-01T09:00:00.000Z',
    ]);
    expect(all.invoices[1]!.id).toBe(upgrade.invoiceId);

    const first = await listInvoices(t, user.accessToken, '?limit=2');
    expect(first.total).toBe(3);
    expect(first.invoices.map((i) => i.id)).toEqual(all.invoices.slice(0, 2).map((i) => i.id));
    const rest = await listInvoices(t, user.accessToken, '?limit=2&offset=2');
    expect(rest.invoices.map((i) => i.id)).toEqual([all.invoices[2]!.id]);

    for (const query of ['?limit=0', '?limit=201', '?limit=ten', '?offset=-1']) {
      expectError(
        await call(t, 'GET', `/api/billing/invoices${query}`, { token: user.accessToken }),
        400,
        'VALIDATION_FAILED',
      );
    }
    expectError(await call(t, 'GET', '/api/billing/invoices'), 401, 'UNAUTHORIZED');
  });
});

describe('one invoice and its PDF', () => {
  it('GET /invoices/:id is the invoice; the PDF is an attachment named by its number showing buyer, lines and totals', async () => {
    const user = await registerUser(t, { firstName: 'Hélène', lastName: 'Martin', companyName: 'Martin Conseil' });
    await subscribe(t, user.accessToken, 'STARTER');
    const [listed] = (await listInvoices(t, user.accessToken)).invoices;
    expect(await getInvoice(t, user.accessToken, listed!.id)).toEqual(listed);

    const res = await call(t, 'GET', `/api/billing/invoices/${listed!.id}/pdf`, { token: user.accessToken });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${listed!.number}.pdf"`);
    const pdf = res.rawPayload;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const shown = pdfShownText(pdf).join('\n');
    for (const expected of [
      listed!.number,
      'Hélène Martin',
      'Martin Conseil',
      user.email,
      listed!.lines[0]!.description,
      '€15.00',
      '€3.00',
      '€18.00',
    ]) {
      expect(shown, `the PDF should show ${expected}`).toContain(expected);
    }
  });

  it('another user’s invoice and its PDF are 404, as is an unknown id; a malformed id is 400', async () => {
    const owner = await registerUser(t);
    await subscribe(t, owner.accessToken, 'STARTER');
    const [invoice] = (await listInvoices(t, owner.accessToken)).invoices;
    const stranger = await registerUser(t);

    expectError(
      await call(t, 'GET', `/api/billing/invoices/${invoice!.id}`, { token: stranger.accessToken }),
      404,
      'NOT_FOUND',
    );
    expectError(
      await call(t, 'GET', `/api/billing/invoices/${invoice!.id}/pdf`, { token: stranger.accessToken }),
      404,
      'NOT_FOUND',
    );
    const unknown = '00000000-0000-4000-8000-000000000000';
    expectError(
      await call(t, 'GET', `/api/billing/invoices/${unknown}`, { token: owner.accessToken }),
      404,
      'NOT_FOUND',
    );
    expectError(
      await call(t, 'GET', `/api/billing/invoices/${unknown}/pdf`, { token: owner.accessToken }),
      404,
      'NOT_FOUND',
    );
    expectError(
      await call(t, 'GET', '/api/billing/invoices/CP-2031-000001', { token: owner.accessToken }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(await call(t, 'GET', `/api/billing/invoices/${invoice!.id}`), 401, 'UNAUTHORIZED');
    expectError(await call(t, 'GET', `/api/billing/invoices/${invoice!.id}/pdf`), 401, 'UNAUTHORIZED');
    // The stranger's own list does not show it either.
    expect((await listInvoices(t, stranger.accessToken)).total).toBe(0);
  });
});

describe('payment methods with local billing', () => {
  it('none to list, none to add (409), none to remove (404); bad bodies 400, no token 401', async () => {
    const user = await registerUser(t);
    const list = await call(t, 'GET', '/api/billing/payment-methods', { token: user.accessToken });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json()).toEqual([]);
    expectError(
      await call(t, 'POST', '/api/billing/payment-methods', {
        token: user.accessToken,
        payload: { paymentMethodId: 'pm_card_visa', setAsDefault: true },
      }),
      409,
      'CONFLICT',
    );
    for (const payload of [{}, { paymentMethodId: '' }, { paymentMethodId: 'pm_1', setAsDefault: 'yes' }]) {
      expectError(
        await call(t, 'POST', '/api/billing/payment-methods', { token: user.accessToken, payload }),
        400,
        'VALIDATION_FAILED',
      );
    }
    expectError(
      await call(t, 'DELETE', '/api/billing/payment-methods/pm_card_visa', { token: user.accessToken }),
      404,
      'NOT_FOUND',
    );
    expectError(await call(t, 'GET', '/api/billing/payment-methods'), 401, 'UNAUTHORIZED');
    expectError(
      await call(t, 'POST', '/api/billing/payment-methods', { payload: { paymentMethodId: 'pm_card_visa' } }),
      401,
      'UNAUTHORIZED',
    );
    expectError(await call(t, 'DELETE', '/api/billing/payment-methods/pm_card_visa'), 401, 'UNAUTHORIZED');
  });
});
