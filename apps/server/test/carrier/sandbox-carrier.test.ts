import type { AvailableNumber, CountryCode, NumberType } from '@commpro/contracts';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CarrierError, type E164, type NumbersCarrier } from '../../src/providers/carrier/carrier.port.js';
import { createSandboxCarrier } from '../../src/providers/carrier/sandbox/sandbox-carrier.js';
import { isSandboxNumber } from '../../src/providers/carrier/sandbox/pools.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const QUARANTINE_MS = 30 * 24 * 3600 * 1000;
const WEBHOOKS = {
  smsUrl: 'http://commpro.test/webhooks/sms',
  voiceUrl: 'http://commpro.test/webhooks/voice',
  statusCallbackUrl: 'http://commpro.test/webhooks/status',
};

let testDb: TestDatabase;
let now = new Date('2026-01-01T00:00:00Z');
let carrier: NumbersCarrier;

beforeAll(async () => {
  testDb = await createTestDatabase();
  carrier = createSandboxCarrier({ db: testDb.handle.db, clock: () => now, quarantineMs: QUARANTINE_MS });
});
afterAll(async () => {
  await testDb.drop();
});

function buy(phoneNumber: string, friendlyName?: string) {
  return carrier.purchaseNumber({ phoneNumber: phoneNumber as E164, friendlyName, webhooks: WEBHOOKS });
}

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CarrierError) return error.reason;
    throw error;
  }
  return 'RESOLVED';
}

/** Searches until every number of a small pool has been seen (each search starts at a random place). */
async function everything(search: Parameters<NumbersCarrier['searchAvailableNumbers']>[0]): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < 40; i += 1) {
    for (const n of await carrier.searchAvailableNumbers(search)) seen.add(n.phoneNumber);
  }
  return seen;
}

const CASES: Array<{
  country: CountryCode;
  type: NumberType;
  capabilities: AvailableNumber['capabilities'];
  requirements: AvailableNumber['requirements'];
  friendly: RegExp;
}> = [
  {
    country: 'FR',
    type: 'LOCAL',
    capabilities: { voice: true, sms: false, mms: false },
    requirements: 'IDENTITY',
    friendly: /^\+33 [1-5] \d\d \d\d \d\d \d\d$/,
  },
  {
    country: 'FR',
    type: 'MOBILE',
    capabilities: { voice: true, sms: true, mms: true },
    requirements: 'IDENTITY',
    friendly: /^\+33 6 39 98 \d\d \d\d$/,
  },
  {
    country: 'US',
    type: 'LOCAL',
    capabilities: { voice: true, sms: true, mms: true },
    requirements: 'NONE',
    friendly: /^\(\d{3}\) 555-01\d\d$/,
  },
  {
    country: 'GB',
    type: 'LOCAL',
    capabilities: { voice: true, sms: false, mms: false },
    requirements: 'ADDRESS',
    friendly: /^\+44 \d{2,4}( \d{3,4} \d{3,4}| \d{6})$/,
  },
  {
    country: 'GB',
    type: 'MOBILE',
    capabilities: { voice: true, sms: true, mms: true },
    requirements: 'ADDRESS',
    friendly: /^\+44 7700 900\d{3}$/,
  },
  {
    country: 'GB',
    type: 'TOLL_FREE',
    capabilities: { voice: true, sms: false, mms: false },
    requirements: 'ADDRESS',
    friendly: /^\+44 808 157 0\d{3}$/,
  },
  {
    country: 'DE',
    type: 'LOCAL',
    capabilities: { voice: true, sms: false, mms: false },
    requirements: 'IDENTITY',
    friendly: /^\+49 \d{2,3} \d{7,8}$/,
  },
  {
    country: 'ES',
    type: 'LOCAL',
    capabilities: { voice: true, sms: false, mms: false },
    requirements: 'IDENTITY',
    friendly: /^\+34 9[28]9 \d\d \d\d \d\d$/,
  },
  {
    country: 'ES',
    type: 'MOBILE',
    capabilities: { voice: true, sms: true, mms: true },
    requirements: 'IDENTITY',
    friendly: /^\+34 790 \d\d \d\d \d\d$/,
  },
  {
    country: 'IT',
    type: 'LOCAL',
    capabilities: { voice: true, sms: false, mms: false },
    requirements: 'IDENTITY',
    friendly: /^\+39 012[79] \d{6}$/,
  },
  {
    country: 'IT',
    type: 'MOBILE',
    capabilities: { voice: true, sms: true, mms: true },
    requirements: 'IDENTITY',
    friendly: /^\+39 309 \d{3} \d{4}$/,
  },
];

describe('sandbox carrier: search', () => {
  it.each(CASES)('offers $country $type numbers, formatted, with their capabilities', async (c) => {
    const numbers = await carrier.searchAvailableNumbers({ countryCode: c.country, type: c.type, limit: 20 });
    expect(numbers).toHaveLength(20);
    for (const n of numbers) {
      expect(n).toMatchObject({
        countryCode: c.country,
        type: c.type,
        capabilities: c.capabilities,
        requirements: c.requirements,
      });
      expect(n.friendlyName).toMatch(c.friendly);
      expect(isSandboxNumber(n.phoneNumber)).toBe(true);
      const parsed = parsePhoneNumberFromString(n.phoneNumber);
      expect(parsed?.number).toBe(n.phoneNumber);
      expect(n.friendlyName.replace(/\D/g, '')).toContain(parsed?.nationalNumber.replace(/^0/, ''));
    }
    // Stable order within an answer.
    expect(numbers.map((n) => n.phoneNumber)).toEqual(numbers.map((n) => n.phoneNumber).toSorted());
    expect(new Set(numbers.map((n) => n.phoneNumber)).size).toBe(20);
  });

  it('offers nothing for a type a country has no fiction range for', async () => {
    expect(await carrier.searchAvailableNumbers({ countryCode: 'US', type: 'TOLL_FREE', limit: 20 })).toEqual([]);
    expect(await carrier.searchAvailableNumbers({ countryCode: 'US', type: 'MOBILE', limit: 20 })).toEqual([]);
    expect(await carrier.searchAvailableNumbers({ countryCode: 'DE', type: 'MOBILE', limit: 20 })).toEqual([]);
  });

  it('mixes types when none is asked for', async () => {
    const types = new Set<string>();
    for (let i = 0; i < 5; i += 1) {
      for (const n of await carrier.searchAvailableNumbers({ countryCode: 'GB', limit: 50 })) types.add(n.type);
    }
    expect(types).toEqual(new Set(['LOCAL', 'MOBILE', 'TOLL_FREE']));
  });

  it('varies the numbers offered from one search to the next', async () => {
    const first = await carrier.searchAvailableNumbers({ countryCode: 'FR', type: 'LOCAL', limit: 20 });
    const answers = new Set([first.map((n) => n.phoneNumber).join()]);
    for (let i = 0; i < 4; i += 1) {
      answers.add(
        (await carrier.searchAvailableNumbers({ countryCode: 'FR', type: 'LOCAL', limit: 20 }))
          .map((n) => n.phoneNumber)
          .join(),
      );
    }
    expect(answers.size).toBeGreaterThan(1);
    // Spread over the zones, not 20 neighbours.
    expect(new Set(first.map((n) => n.phoneNumber.slice(0, 7))).size).toBeGreaterThan(1);
  });

  it('filters by area code, with or without the trunk prefix', async () => {
    for (const areaCode of ['1', '01', '0199']) {
      const numbers = await carrier.searchAvailableNumbers({ countryCode: 'FR', areaCode, limit: 30 });
      expect(numbers.length, areaCode).toBe(30);
      for (const n of numbers) expect(n.phoneNumber.startsWith('+33199')).toBe(true);
    }
    for (const areaCode of ['20', '020']) {
      const numbers = await carrier.searchAvailableNumbers({ countryCode: 'GB', areaCode, limit: 10 });
      expect(numbers).toHaveLength(10);
      for (const n of numbers) expect(n.friendlyName).toMatch(/^\+44 20 7946 0\d{3}$/);
    }
    const sf = await carrier.searchAvailableNumbers({ countryCode: 'US', areaCode: '415', limit: 50 });
    expect(sf).toHaveLength(50);
    for (const n of sf) expect(n.friendlyName).toMatch(/^\(415\) 555-01\d\d$/);
    const mobiles = await carrier.searchAvailableNumbers({ countryCode: 'GB', areaCode: '07700', limit: 5 });
    for (const n of mobiles) expect(n.type).toBe('MOBILE');
    expect(await carrier.searchAvailableNumbers({ countryCode: 'US', areaCode: '999', limit: 5 })).toEqual([]);
    expect(await carrier.searchAvailableNumbers({ countryCode: 'FR', areaCode: '6', type: 'LOCAL', limit: 5 })).toEqual(
      [],
    );
  });

  it('filters by contains, * matching any one digit, in national and E.164 digits', async () => {
    const exact = await carrier.searchAvailableNumbers({
      countryCode: 'US',
      areaCode: '415',
      contains: '0134',
      limit: 10,
    });
    expect(exact.map((n) => n.friendlyName)).toEqual(['(415) 555-0134']);

    const wild = await everything({ countryCode: 'US', areaCode: '212', contains: '01*7', limit: 50 });
    expect([...wild].toSorted()).toEqual(
      ['0107', '0117', '0127', '0137', '0147', '0157', '0167', '0177', '0187', '0197'].map((s) => `+1212555${s}`),
    );

    const fr = await carrier.searchAvailableNumbers({ countryCode: 'FR', contains: '33639', limit: 50 });
    expect(fr.length).toBe(50);
    for (const n of fr) expect(n.phoneNumber.startsWith('+33639')).toBe(true);

    const stars = await carrier.searchAvailableNumbers({ countryCode: 'DE', contains: '4710**7', limit: 50 });
    expect(stars.length).toBe(50);
    for (const n of stars) expect(n.phoneNumber).toMatch(/^\+492214710\d\d7$/);

    expect(await carrier.searchAvailableNumbers({ countryCode: 'GB', contains: '55555', limit: 10 })).toEqual([]);
  });

  it('caps limit at 50', async () => {
    expect(await carrier.searchAvailableNumbers({ countryCode: 'FR', limit: 500 })).toHaveLength(50);
    expect(await carrier.searchAvailableNumbers({ countryCode: 'FR', limit: 3 })).toHaveLength(3);
  });
});

describe('sandbox carrier: purchase, update, release', () => {
  it('sells a number once: it is never offered again, to anyone', async () => {
    const [offer] = await carrier.searchAvailableNumbers({
      countryCode: 'US',
      areaCode: '617',
      contains: '0142',
      limit: 1,
    });
    expect(offer?.phoneNumber).toBe('+16175550142');
    const bought = await buy('+16175550142', 'Office');
    expect(bought).toMatchObject({
      phoneNumber: '+16175550142',
      countryCode: 'US',
      type: 'LOCAL',
      capabilities: { voice: true, sms: true, mms: true },
    });
    expect(bought.carrierSid).toMatch(/^SB[0-9a-f]{32}$/);

    expect(
      await carrier.searchAvailableNumbers({ countryCode: 'US', areaCode: '617', contains: '0142', limit: 5 }),
    ).toEqual([]);
    const all617 = await everything({ countryCode: 'US', areaCode: '617', limit: 50 });
    expect(all617.size).toBe(99);
    expect(all617.has('+16175550142')).toBe(false);
    expect(await reason(buy('+16175550142'))).toBe('NUMBER_UNAVAILABLE');
  });

  it('a crowded pool still answers with the free numbers', async () => {
    // Take 90 of the 100 Boston… Denver numbers; the 10 left must all be found.
    for (let i = 0; i < 90; i += 1) await buy(`+1303555${String(100 + i).padStart(4, '0')}`);
    const left = await carrier.searchAvailableNumbers({ countryCode: 'US', areaCode: '303', limit: 50 });
    expect(left.map((n) => n.phoneNumber)).toEqual(
      Array.from({ length: 10 }, (_, i) => `+1303555${String(190 + i).padStart(4, '0')}`),
    );
  });

  it('two parallel purchases of one number: exactly one wins', async () => {
    for (const phoneNumber of ['+33639980001', '+442079460777', '+34790005555']) {
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => buy(phoneNumber)));
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won, phoneNumber).toHaveLength(1);
      for (const r of lost) {
        expect(r.reason).toBeInstanceOf(CarrierError);
        expect((r.reason as CarrierError).reason).toBe('NUMBER_UNAVAILABLE');
      }
    }
  });

  it('refuses numbers outside the pools', async () => {
    for (const outside of ['+33612345678', '+14155550200', '+18005550100', '+4930231251234', '+15005550006']) {
      expect(await reason(buy(outside)), outside).toBe('INVALID_NUMBER');
    }
  });

  it('renames, releases idempotently, and answers NOT_FOUND for unknown sids', async () => {
    const bought = await buy('+33199004321', 'Paris');
    await carrier.updateNumber(bought.carrierSid, { friendlyName: 'Bureau' });
    await carrier.updateNumber(bought.carrierSid, { friendlyName: null });
    await carrier.updateNumber(bought.carrierSid, {});
    expect(await reason(carrier.updateNumber('SB00000000000000000000000000000000', { friendlyName: 'x' }))).toBe(
      'NOT_FOUND',
    );
    expect(await reason(carrier.releaseNumber('SB00000000000000000000000000000000'))).toBe('NOT_FOUND');

    await carrier.releaseNumber(bought.carrierSid);
    await carrier.releaseNumber(bought.carrierSid);
    expect(await reason(carrier.updateNumber(bought.carrierSid, { friendlyName: 'gone' }))).toBe('NOT_FOUND');
  });

  it('a released number rests through the quarantine, then is offered and sold again', async () => {
    const start = now;
    try {
      const bought = await buy('+498999998042');
      const search = { countryCode: 'DE' as const, areaCode: '089', contains: '998042', limit: 5 };
      now = new Date(start.getTime() + 1000);
      await carrier.releaseNumber(bought.carrierSid);
      const releasedAt = now;

      now = new Date(releasedAt.getTime() + QUARANTINE_MS - 1);
      expect(await carrier.searchAvailableNumbers(search)).toEqual([]);
      expect(await reason(buy('+498999998042'))).toBe('NUMBER_UNAVAILABLE');
      // A second release does not restart the quarantine.
      await carrier.releaseNumber(bought.carrierSid);

      now = new Date(releasedAt.getTime() + QUARANTINE_MS);
      expect((await carrier.searchAvailableNumbers(search)).map((n) => n.phoneNumber)).toEqual(['+498999998042']);
      const again = await buy('+498999998042', 'München');
      expect(again.carrierSid).not.toBe(bought.carrierSid);
      expect(await carrier.searchAvailableNumbers(search)).toEqual([]);
      // The previous holder's sid no longer reaches the number.
      expect(await reason(carrier.releaseNumber(bought.carrierSid))).toBe('NOT_FOUND');
      await carrier.updateNumber(again.carrierSid, { friendlyName: 'Zentrale' });
    } finally {
      now = start;
    }
  });

  it('checkCredentials answers when the database does', async () => {
    await expect(carrier.checkCredentials()).resolves.toBeUndefined();
  });
});
