import { COUNTRIES } from '@commpro/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, expectError, registerUser } from '../helpers/auth-flows.js';
import {
  CALLING_CODES,
  createNumbersTestApp,
  E164,
  type NumbersTestApp,
  search,
  searchRequest,
} from '../helpers/numbers-flows.js';

const PRICES = { LOCAL: 2, MOBILE: 5, TOLL_FREE: 5 } as const;

let t: NumbersTestApp;
let user: Account;
beforeAll(async () => {
  t = await createNumbersTestApp();
  user = await registerUser(t);
});
afterAll(async () => {
  await t.close();
});

/** The digits a person could type to find the number: E.164, national, national with the trunk 0. */
function searchableForms(e164: string, country: keyof typeof CALLING_CODES): string[] {
  const national = e164.slice(1 + CALLING_CODES[country].length);
  return [e164.slice(1), national, `0${national}`];
}

describe('GET /api/numbers/available', () => {
  it('answers 401 without a token', async () => {
    expectError(await searchRequest(t, undefined, { countryCode: 'FR' }), 401, 'UNAUTHORIZED');
  });

  it('requires countryCode and names it', async () => {
    expectError(await searchRequest(t, user.accessToken, {}), 400, 'VALIDATION_FAILED', 'countryCode');
  });

  it('refuses a country we do not sell in, naming countryCode', async () => {
    expectError(
      await searchRequest(t, user.accessToken, { countryCode: 'BE' }),
      400,
      'VALIDATION_FAILED',
      'countryCode',
    );
  });

  it("accepts the seed's UK and answers with ISO GB numbers", async () => {
    for (const code of ['UK', 'uk', 'GB']) {
      const numbers = await search(t, user.accessToken, { countryCode: code });
      expect(numbers.length).toBeGreaterThan(0);
      for (const n of numbers) {
        expect(n.countryCode).toBe('GB');
        expect(n.phoneNumber.startsWith('+44')).toBe(true);
      }
    }
  });

  it.each(COUNTRIES)('offers %s numbers in E.164 with capabilities, price and requirements', async (country) => {
    const numbers = await search(t, user.accessToken, { countryCode: country });
    expect(numbers.length).toBeGreaterThan(0);
    expect(numbers.length).toBeLessThanOrEqual(20); // the default limit
    expect(new Set(numbers.map((n) => n.phoneNumber)).size).toBe(numbers.length);
    for (const n of numbers) {
      expect(n.countryCode).toBe(country);
      expect(n.phoneNumber).toMatch(E164);
      expect(n.phoneNumber.startsWith(`+${CALLING_CODES[country]}`)).toBe(true);
      expect(['LOCAL', 'MOBILE', 'TOLL_FREE']).toContain(n.type);
      expect(n.capabilities).toEqual({
        voice: expect.any(Boolean),
        sms: expect.any(Boolean),
        mms: expect.any(Boolean),
      });
      // Every number can at least be called; what else it does is stated, not assumed.
      expect(n.capabilities.voice).toBe(true);
      // The seed's Buy Number prices: local €2/month, mobile and toll-free €5, no setup fee.
      expect(n.monthlyCost).toBe(PRICES[n.type]);
      expect(n.setupCost).toBe(0);
      expect(['NONE', 'ADDRESS', 'IDENTITY']).toContain(n.requirements);
      expect(n.friendlyName.length).toBeGreaterThan(0);
    }
  });

  it('says which numbers take SMS: a French mobile does, a French landline does not', async () => {
    const mobiles = await search(t, user.accessToken, { countryCode: 'FR', type: 'MOBILE', limit: 5 });
    const landlines = await search(t, user.accessToken, { countryCode: 'FR', type: 'LOCAL', limit: 5 });
    expect(mobiles.length).toBeGreaterThan(0);
    expect(landlines.length).toBeGreaterThan(0);
    for (const n of mobiles) expect(n.capabilities).toEqual({ voice: true, sms: true, mms: true });
    for (const n of landlines) expect(n.capabilities.sms).toBe(false);
  });

  it.each([
    ['FR', 'LOCAL', 2],
    ['FR', 'MOBILE', 5],
    ['GB', 'TOLL_FREE', 5],
    ['US', 'LOCAL', 2],
  ])('prices %s %s at €%i a month with no setup fee', async (countryCode, type, price) => {
    const numbers = await search(t, user.accessToken, { countryCode, type, limit: 5 });
    expect(numbers.length).toBeGreaterThan(0);
    for (const n of numbers) expect([n.monthlyCost, n.setupCost]).toEqual([price, 0]);
  });

  it('says a US number needs no documents and a French one does', async () => {
    const [us] = await search(t, user.accessToken, { countryCode: 'US', limit: 1 });
    const [fr] = await search(t, user.accessToken, { countryCode: 'FR', limit: 1 });
    expect(us!.requirements).toBe('NONE');
    expect(fr!.requirements).not.toBe('NONE');
  });

  it.each([
    ['FR', 'LOCAL'],
    ['FR', 'MOBILE'],
    ['GB', 'LOCAL'],
    ['GB', 'MOBILE'],
    ['GB', 'TOLL_FREE'],
    ['US', 'LOCAL'],
    ['DE', 'LOCAL'],
    ['ES', 'LOCAL'],
    ['ES', 'MOBILE'],
    ['IT', 'LOCAL'],
    ['IT', 'MOBILE'],
  ])('filters %s by type %s: every result has that type', async (country, type) => {
    const numbers = await search(t, user.accessToken, { countryCode: country, type });
    expect(numbers.length).toBeGreaterThan(0);
    for (const n of numbers) {
      expect(n.type).toBe(type);
      expect(n.countryCode).toBe(country);
    }
  });

  it.each([
    ['DE', 'MOBILE'],
    ['US', 'TOLL_FREE'],
    ['FR', 'TOLL_FREE'],
  ])('answers %s %s, a type the country lacks here, with an empty list', async (country, type) => {
    const res = await searchRequest(t, user.accessToken, { countryCode: country, type });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ numbers: [] });
  });

  it('refuses an unknown type, naming type', async () => {
    expectError(
      await searchRequest(t, user.accessToken, { countryCode: 'FR', type: 'PREMIUM' }),
      400,
      'VALIDATION_FAILED',
      'type',
    );
  });

  it.each([
    ['US', '415', '+1415'],
    ['US', '212', '+1212'],
    ['FR', '01', '+331'],
    ['FR', '1', '+331'],
    ['GB', '020', '+4420'],
    ['DE', '030', '+4930'],
  ])('narrows %s to area code %s: every result starts with %s', async (country, areaCode, prefix) => {
    const numbers = await search(t, user.accessToken, { countryCode: country, areaCode });
    expect(numbers.length).toBeGreaterThan(0);
    for (const n of numbers) expect(n.phoneNumber.startsWith(prefix), n.phoneNumber).toBe(true);
  });

  it('answers an area code nothing is offered in with an empty list', async () => {
    const res = await searchRequest(t, user.accessToken, { countryCode: 'US', areaCode: '999' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ numbers: [] });
  });

  it.each([
    ['FR', '1234'],
    ['GB', '900123'],
    ['US', '0142'],
    ['IT', '77'],
  ])('narrows %s to numbers containing %s', async (country, contains) => {
    const numbers = await search(t, user.accessToken, { countryCode: country, contains });
    expect(numbers.length).toBeGreaterThan(0);
    for (const n of numbers) {
      const forms = searchableForms(n.phoneNumber, country as keyof typeof CALLING_CODES);
      expect(
        forms.some((f) => f.includes(contains)),
        `${n.phoneNumber} should contain ${contains}`,
      ).toBe(true);
    }
  });

  it('reads * in contains as any one digit', async () => {
    const numbers = await search(t, user.accessToken, { countryCode: 'FR', type: 'MOBILE', contains: '12*4' });
    expect(numbers.length).toBeGreaterThan(0);
    for (const n of numbers) expect(n.phoneNumber).toMatch(/12\d4/);
  });

  it('combines type, area code and contains', async () => {
    const numbers = await search(t, user.accessToken, {
      countryCode: 'US',
      type: 'LOCAL',
      areaCode: '617',
      contains: '5550',
      limit: 50,
    });
    expect(numbers.length).toBeGreaterThan(0);
    for (const n of numbers) {
      expect(n.type).toBe('LOCAL');
      expect(n.phoneNumber).toMatch(/^\+1617555\d{4}$/);
    }
  });

  it('respects limit', async () => {
    expect(await search(t, user.accessToken, { countryCode: 'FR', limit: 3 })).toHaveLength(3);
    expect(await search(t, user.accessToken, { countryCode: 'US', limit: 1 })).toHaveLength(1);
    expect(await search(t, user.accessToken, { countryCode: 'GB', limit: 50 })).toHaveLength(50);
  });

  it.each([['0'], ['51'], ['abc'], ['2.5'], ['-1']])('refuses limit=%s, naming limit', async (limit) => {
    expectError(
      await searchRequest(t, user.accessToken, { countryCode: 'FR', limit }),
      400,
      'VALIDATION_FAILED',
      'limit',
    );
  });

  it.each([['ab'], ['1'], ['12-34'], ['1'.repeat(17)]])('refuses contains=%s, naming contains', async (contains) => {
    expectError(
      await searchRequest(t, user.accessToken, { countryCode: 'FR', contains }),
      400,
      'VALIDATION_FAILED',
      'contains',
    );
  });

  it.each([['abc'], ['123456']])('refuses areaCode=%s, naming areaCode', async (areaCode) => {
    expectError(
      await searchRequest(t, user.accessToken, { countryCode: 'US', areaCode }),
      400,
      'VALIDATION_FAILED',
      'areaCode',
    );
  });
});

describe('carrier-call limit', () => {
  let limited: NumbersTestApp;
  beforeAll(async () => {
    limited = await createNumbersTestApp({ env: { CARRIER_CALLS_PER_MINUTE: '2' } });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('answers 429 once an account has searched too often, without slowing down other accounts', async () => {
    const alice = await registerUser(limited);
    const bob = await registerUser(limited);
    for (let i = 0; i < 2; i += 1) {
      expect((await searchRequest(limited, alice.accessToken, { countryCode: 'FR' })).statusCode).toBe(200);
    }
    const refused = await searchRequest(limited, alice.accessToken, { countryCode: 'FR' });
    expectError(refused, 429, 'RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await searchRequest(limited, bob.accessToken, { countryCode: 'FR' })).statusCode).toBe(200);
  });
});
