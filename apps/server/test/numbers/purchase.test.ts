import type { PhoneNumber } from '@commpro/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectError, registerUser } from '../helpers/auth-flows.js';
import {
  buyNumber,
  createNumbersTestApp,
  firstOffer,
  myNumbers,
  numberRowsFor,
  numberRowsOf,
  numberUsageOf,
  type NumbersTestApp,
  offerOf,
  oneMonthAfter,
  purchaseRequest,
  renewalJobsFor,
  search,
  setPlan,
} from '../helpers/numbers-flows.js';

let t: NumbersTestApp;
beforeAll(async () => {
  t = await createNumbersTestApp();
});
afterAll(async () => {
  await t.close();
});

/** A free French mobile number (+33 6 39 98 xx xx) as its E.164 and national digits. */
async function freeFrenchMobile(token: string): Promise<{ e164: string; national: string }> {
  const offer = await firstOffer(t, token, { countryCode: 'FR', type: 'MOBILE' });
  return { e164: offer.phoneNumber, national: `0${offer.phoneNumber.slice(3)}` };
}

const spaced = (digits: string) => digits.replace(/(\d{2})(?=\d)/g, '$1 ');

describe('POST /api/numbers/purchase', () => {
  it('answers 401 without a token', async () => {
    expectError(await purchaseRequest(t, undefined, { phoneNumber: '+33639981234' }), 401, 'UNAUTHORIZED');
  });

  it('buys an offered number: 201 ACTIVE with the carrier capabilities, paid for one month', async () => {
    const user = await registerUser(t);
    const offer = await firstOffer(t, user.accessToken, { countryCode: 'FR', type: 'MOBILE' });
    const res = await purchaseRequest(t, user.accessToken, { phoneNumber: offer.phoneNumber, friendlyName: 'Sales' });
    expect(res.statusCode, res.body).toBe(201);
    const bought: PhoneNumber = res.json();
    expect(bought).toMatchObject({
      phoneNumber: offer.phoneNumber,
      friendlyName: 'Sales',
      countryCode: 'FR',
      numberType: 'MOBILE',
      capabilities: offer.capabilities,
      status: 'ACTIVE',
      // Charged what the offer said: a French mobile is €5 a month.
      monthlyCost: offer.monthlyCost,
    });
    expect(bought.monthlyCost).toBe(5);
    expect(bought.capabilities).toEqual({ voice: true, sms: true, mms: true });
    expect(bought.purchasedAt).toBe(t.clock.now.toISOString());
    expect(bought.expiresAt).toBe(oneMonthAfter(t.clock.now).toISOString());

    expect(await myNumbers(t, user.accessToken)).toEqual([bought]);
  });

  it('never offers a bought number again, to the buyer or anyone else', async () => {
    const buyer = await registerUser(t);
    const other = await registerUser(t);
    const { e164 } = await freeFrenchMobile(buyer.accessToken);
    expect(await offerOf(t, other.accessToken, e164)).toBeDefined();

    expect((await purchaseRequest(t, buyer.accessToken, { phoneNumber: e164 })).statusCode).toBe(201);

    expect(await offerOf(t, buyer.accessToken, e164)).toBeUndefined();
    expect(await offerOf(t, other.accessToken, e164)).toBeUndefined();
    const all = await search(t, other.accessToken, { countryCode: 'FR', type: 'MOBILE', limit: 50 });
    expect(all.map((n) => n.phoneNumber)).not.toContain(e164);
  });

  it('answers 409 NUMBER_UNAVAILABLE to someone buying a number already taken, and charges nothing', async () => {
    const buyer = await registerUser(t);
    const late = await registerUser(t);
    const { e164 } = await freeFrenchMobile(buyer.accessToken);
    expect((await purchaseRequest(t, buyer.accessToken, { phoneNumber: e164 })).statusCode).toBe(201);

    expectError(await purchaseRequest(t, late.accessToken, { phoneNumber: e164 }), 409, 'NUMBER_UNAVAILABLE');
    expect(await myNumbers(t, late.accessToken)).toEqual([]);
    expect(await numberRowsOf(t, late.id)).toEqual([]);
    expect(await numberUsageOf(t, late.id)).toEqual([]);
    // The taken number is still the buyer's, and only theirs.
    expect((await numberRowsFor(t, e164)).map((r) => [r.userId, r.status])).toEqual([[buyer.id, 'ACTIVE']]);
  });

  it('answers 409 to the owner buying their own number again', async () => {
    const user = await registerUser(t);
    await setPlan(t, user.id, 'BUSINESS');
    const { e164 } = await freeFrenchMobile(user.accessToken);
    expect((await purchaseRequest(t, user.accessToken, { phoneNumber: e164 })).statusCode).toBe(201);
    expectError(await purchaseRequest(t, user.accessToken, { phoneNumber: e164 }), 409, 'NUMBER_UNAVAILABLE');
    expect(await myNumbers(t, user.accessToken)).toHaveLength(1);
    expect(await numberUsageOf(t, user.id)).toHaveLength(1);
  });

  describe('normalises what a person types to E.164', () => {
    const forms: [string, (n: { e164: string; national: string }) => { phoneNumber: string; countryCode?: string }][] =
      [
        ['national with countryCode FR', (n) => ({ phoneNumber: spaced(n.national), countryCode: 'FR' })],
        ['national, France being the default', (n) => ({ phoneNumber: spaced(n.national) })],
        ['international with spaces', (n) => ({ phoneNumber: `+33 ${spaced(n.national.slice(1))}` })],
        ['00 international prefix', (n) => ({ phoneNumber: `0033${n.national.slice(1)}` })],
        ['dotted national', (n) => ({ phoneNumber: n.national.replace(/(\d{2})(?=\d)/g, '$1.') })],
      ];
    it.each(forms)('%s', async (_label, form) => {
      const user = await registerUser(t);
      const number = await freeFrenchMobile(user.accessToken);
      const res = await purchaseRequest(t, user.accessToken, form(number));
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().phoneNumber).toBe(number.e164);
      expect((await numberRowsFor(t, number.e164)).map((r) => r.userId)).toEqual([user.id]);
    });

    it('reads an international number as written, whatever countryCode says', async () => {
      const user = await registerUser(t);
      const offer = await firstOffer(t, user.accessToken, { countryCode: 'GB', type: 'MOBILE' });
      const res = await purchaseRequest(t, user.accessToken, {
        phoneNumber: `+44 ${offer.phoneNumber.slice(3, 7)} ${offer.phoneNumber.slice(7)}`,
        countryCode: 'FR',
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ phoneNumber: offer.phoneNumber, countryCode: 'GB' });
    });

    it('reads a UK national number with countryCode UK', async () => {
      const user = await registerUser(t);
      const offer = await firstOffer(t, user.accessToken, { countryCode: 'GB', type: 'LOCAL', areaCode: '020' });
      const national = `0${offer.phoneNumber.slice(3)}`; // 020 7946 0xxx
      const res = await purchaseRequest(t, user.accessToken, { phoneNumber: national, countryCode: 'UK' });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ phoneNumber: offer.phoneNumber, countryCode: 'GB' });
    });

    it('reads a US number written (415) 555-01xx with countryCode US', async () => {
      const user = await registerUser(t);
      const offer = await firstOffer(t, user.accessToken, { countryCode: 'US', areaCode: '415' });
      const line = offer.phoneNumber.slice(-4);
      const res = await purchaseRequest(t, user.accessToken, { phoneNumber: `(415) 555-${line}`, countryCode: 'US' });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ phoneNumber: offer.phoneNumber, countryCode: 'US' });
    });
  });

  it.each([['hello'], ['12'], ['+33 1'], ['+33 6 39 98 12 34 56 78 90'], ['   ']])(
    'refuses %j as a phone number, naming phoneNumber',
    async (phoneNumber) => {
      const user = await registerUser(t);
      expectError(await purchaseRequest(t, user.accessToken, { phoneNumber }), 400, 'VALIDATION_FAILED', 'phoneNumber');
      expect(await numberRowsOf(t, user.id)).toEqual([]);
    },
  );

  it('refuses a body without phoneNumber, naming it', async () => {
    const user = await registerUser(t);
    const res = await call(t, 'POST', '/api/numbers/purchase', { token: user.accessToken, payload: {} });
    expectError(res, 400, 'VALIDATION_FAILED', 'phoneNumber');
  });

  it('refuses an unknown countryCode hint, naming countryCode', async () => {
    const user = await registerUser(t);
    expectError(
      await purchaseRequest(t, user.accessToken, { phoneNumber: '06 39 98 12 34', countryCode: 'XX' }),
      400,
      'VALIDATION_FAILED',
      'countryCode',
    );
  });

  it.each([
    ['Belgium', '+32 2 647 12 34'],
    ['Canada', '+1 416 555 0123'],
    ['Switzerland', '+41 44 668 18 00'],
  ])('refuses a number in %s, a country we do not sell in', async (_country, phoneNumber) => {
    const user = await registerUser(t);
    expectError(await purchaseRequest(t, user.accessToken, { phoneNumber }), 400, 'VALIDATION_FAILED', 'phoneNumber');
    expect(await numberRowsOf(t, user.id)).toEqual([]);
  });

  it('refuses a real number the carrier does not offer (400 naming phoneNumber) and keeps nothing', async () => {
    const user = await registerUser(t);
    const res = await purchaseRequest(t, user.accessToken, { phoneNumber: '+33 6 12 34 56 78' });
    expectError(res, 400, 'VALIDATION_FAILED', 'phoneNumber');
    expect(await numberRowsOf(t, user.id)).toEqual([]);
    expect(await numberUsageOf(t, user.id)).toEqual([]);
    // The refused attempt did not use the FREE plan's one number.
    await buyNumber(t, user.accessToken);
  });

  it('refuses a friendlyName over 100 characters, naming friendlyName', async () => {
    const user = await registerUser(t);
    const { e164 } = await freeFrenchMobile(user.accessToken);
    expectError(
      await purchaseRequest(t, user.accessToken, { phoneNumber: e164, friendlyName: 'x'.repeat(101) }),
      400,
      'VALIDATION_FAILED',
      'friendlyName',
    );
  });
});

describe('every kind of number offered can be bought', () => {
  it.each([
    ['FR', 'LOCAL', {}],
    ['FR', 'MOBILE', {}],
    ['GB', 'LOCAL', { areaCode: '020' }],
    ['GB', 'TOLL_FREE', {}],
    ['US', 'LOCAL', {}],
    ['DE', 'LOCAL', {}],
    ['ES', 'LOCAL', {}],
    ['ES', 'MOBILE', {}],
  ])('%s %s', async (countryCode, type, extra) => {
    const user = await registerUser(t);
    const offer = await firstOffer(t, user.accessToken, { countryCode, type, ...extra });
    const res = await purchaseRequest(t, user.accessToken, { phoneNumber: offer.phoneNumber });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      phoneNumber: offer.phoneNumber,
      countryCode,
      numberType: type,
      capabilities: offer.capabilities,
      monthlyCost: offer.monthlyCost,
      status: 'ACTIVE',
    });
  });

  // The sandbox offers these, but libphonenumber-js assigns them no country
  // (fiction and unassigned ranges): the purchase must still know they are GB/IT.
  it.each([
    ['GB', 'MOBILE', {}, /^\+447700900\d{3}$/],
    ['GB', 'LOCAL', { areaCode: '01632' }, /^\+441632960\d{3}$/],
    ['IT', 'LOCAL', {}, /^\+3901[27]\d{7}$/],
    ['IT', 'MOBILE', {}, /^\+39309\d{7}$/],
  ])('%s %s %j (a range libphonenumber does not place)', async (countryCode, type, extra, pattern) => {
    const user = await registerUser(t);
    const offer = await firstOffer(t, user.accessToken, { countryCode, type, ...extra });
    expect(offer.phoneNumber).toMatch(pattern);
    const res = await purchaseRequest(t, user.accessToken, { phoneNumber: offer.phoneNumber });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ phoneNumber: offer.phoneNumber, countryCode, numberType: type });
  });
});

describe('plan limits', () => {
  it('FREE: a second number is refused with 402 naming the limit and the plan that lifts it', async () => {
    const user = await registerUser(t);
    const first = await buyNumber(t, user.accessToken);
    const second = await freeFrenchMobile(user.accessToken);
    const body = expectError(
      await purchaseRequest(t, user.accessToken, { phoneNumber: second.e164 }),
      402,
      'PLAN_LIMIT_REACHED',
    );
    expect(body.error).toMatch(/\bFREE\b/);
    expect(body.error).toMatch(/\b1 number\b/);
    expect(body.error).toMatch(/\bBUSINESS\b/);
    // The same facts, for a client to say in its own words.
    expect(body.limit).toEqual({ resource: 'numbers', allowed: 1, plan: 'FREE', upgradeTo: 'BUSINESS' });
    expect(await myNumbers(t, user.accessToken)).toEqual([first]);
    expect(await numberRowsOf(t, user.id)).toHaveLength(1);
    expect(await numberUsageOf(t, user.id)).toHaveLength(1);
    // The refused number stays on offer.
    expect(await offerOf(t, user.accessToken, second.e164)).toBeDefined();
  });

  it('STARTER also allows one number and points to BUSINESS', async () => {
    const user = await registerUser(t);
    await setPlan(t, user.id, 'STARTER');
    await buyNumber(t, user.accessToken);
    const { e164 } = await freeFrenchMobile(user.accessToken);
    const body = expectError(
      await purchaseRequest(t, user.accessToken, { phoneNumber: e164 }),
      402,
      'PLAN_LIMIT_REACHED',
    );
    expect(body.error).toMatch(/\bSTARTER\b/);
    expect(body.error).toMatch(/\bBUSINESS\b/);
    expect(body.limit).toEqual({ resource: 'numbers', allowed: 1, plan: 'STARTER', upgradeTo: 'BUSINESS' });
  });

  it('BUSINESS: three numbers at €2, a fourth at the extra-number price of €5', async () => {
    const user = await registerUser(t);
    const subscriptionId = await setPlan(t, user.id, 'BUSINESS');
    const bought: PhoneNumber[] = [];
    for (let i = 0; i < 4; i += 1) {
      bought.push(await buyNumber(t, user.accessToken, { countryCode: 'US' }));
      t.clock.advance(1000);
    }
    expect(bought.map((n) => n.monthlyCost)).toEqual([2, 2, 2, 5]);
    expect((await myNumbers(t, user.accessToken)).map((n) => n.id)).toEqual(bought.map((n) => n.id));

    const usage = await numberUsageOf(t, user.id);
    expect(usage.map((u) => [u.phoneNumberId, u.unitCost, u.totalCost])).toEqual(
      bought.map((n) => [n.id, n.monthlyCost, n.monthlyCost]),
    );
    for (const u of usage) expect(u.subscriptionId).toBe(subscriptionId);
  });
});

describe('usage record and renewal job on purchase', () => {
  it('writes exactly one PHONE_NUMBER usage record with the monthly cost and the paid period', async () => {
    const user = await registerUser(t);
    const bought = await buyNumber(t, user.accessToken, { countryCode: 'GB', type: 'TOLL_FREE' });
    expect(bought.monthlyCost).toBe(5);
    const usage = await numberUsageOf(t, user.id);
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({
      userId: user.id,
      type: 'PHONE_NUMBER',
      quantity: 1,
      unitCost: bought.monthlyCost,
      totalCost: bought.monthlyCost,
      currency: 'EUR',
      phoneNumberId: bought.id,
      // Every account has a subscription (FREE from sign-up): the usage is charged to it.
      subscriptionId: expect.any(String),
    });
    expect(usage[0]!.periodStart.toISOString()).toBe(bought.purchasedAt);
    expect(usage[0]!.periodEnd.toISOString()).toBe(bought.expiresAt);
    // Reading the numbers does not charge again.
    await myNumbers(t, user.accessToken);
    expect(await numberUsageOf(t, user.id)).toHaveLength(1);
  });

  it('queues the renewal at the end of the paid month', async () => {
    const user = await registerUser(t);
    const bought = await buyNumber(t, user.accessToken);
    const queued = await renewalJobsFor(t, bought.id);
    expect(queued).toHaveLength(1);
    expect(queued[0]!.runAt.toISOString()).toBe(bought.expiresAt);
    expect(queued[0]!.doneAt).toBeNull();
  });
});

describe('a month is a calendar month', () => {
  it('a number bought on 31 January is paid until 28 February, not into March', async () => {
    t.clock.now = new Date('2027-01-31T10:00:00.000Z');
    const user = await registerUser(t);
    const bought = await buyNumber(t, user.accessToken);
    expect(bought.expiresAt).toBe('2027-02-28T10:00:00.000Z');
    const [usage] = await numberUsageOf(t, user.id);
    expect(usage!.periodEnd.toISOString()).toBe('2027-02-28T10:00:00.000Z');
  });
});

describe('GET /api/numbers/my-numbers', () => {
  it('answers 401 without a token', async () => {
    expectError(await call(t, 'GET', '/api/numbers/my-numbers'), 401, 'UNAUTHORIZED');
  });

  it('is empty for a new account and never shows another account’s numbers', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    expect(await myNumbers(t, alice.accessToken)).toEqual([]);
    const bobs = await buyNumber(t, bob.accessToken);
    expect(await myNumbers(t, alice.accessToken)).toEqual([]);
    expect(await myNumbers(t, bob.accessToken)).toEqual([bobs]);
  });
});
