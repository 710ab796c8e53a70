import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
  purchaseRequest,
  renewalJobsFor,
  searchRequest,
} from '../helpers/numbers-flows.js';
import { type Carrier, CarrierError, type CarrierErrorReason } from '../../src/providers/carrier/carrier.port.js';

/**
 * A port double: the sandbox, except that the next purchase (or search) fails
 * the way the test says. It stands in for a carrier refusing or falling over;
 * the numbers module is what is under test.
 */
const failures: Record<'purchase' | 'search' | 'update' | 'release', unknown[]> = {
  purchase: [],
  search: [],
  update: [],
  release: [],
};

function failingCarrier({ sandbox }: { sandbox: Carrier }): Carrier {
  return {
    ...sandbox,
    async searchAvailableNumbers(query) {
      if (failures.search.length) throw failures.search.shift();
      return sandbox.searchAvailableNumbers(query);
    },
    async purchaseNumber(request) {
      if (failures.purchase.length) throw failures.purchase.shift();
      return sandbox.purchaseNumber(request);
    },
    async updateNumber(sid, changes) {
      if (failures.update.length) throw failures.update.shift();
      return sandbox.updateNumber(sid, changes);
    },
    async releaseNumber(sid) {
      if (failures.release.length) throw failures.release.shift();
      return sandbox.releaseNumber(sid);
    },
  };
}

const carrierError = (reason: CarrierErrorReason) => new CarrierError(reason, `vendor says: ${reason} (secret detail)`);

let t: NumbersTestApp;
beforeAll(async () => {
  t = await createNumbersTestApp({ carrier: failingCarrier });
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  for (const queue of Object.values(failures)) queue.length = 0;
});

describe('a purchase the carrier refuses leaves nothing half-created', () => {
  it.each([
    ['REGULATORY_REQUIREMENT', carrierError('REGULATORY_REQUIREMENT'), 422, 'REGULATORY_REQUIREMENT'],
    ['UNAVAILABLE', carrierError('UNAVAILABLE'), 502, 'PROVIDER_UNAVAILABLE'],
    ['AUTHENTICATION', carrierError('AUTHENTICATION'), 502, 'PROVIDER_UNAVAILABLE'],
    ['NUMBER_UNAVAILABLE', carrierError('NUMBER_UNAVAILABLE'), 409, 'NUMBER_UNAVAILABLE'],
    ['a network error', new Error('socket hang up'), 502, 'PROVIDER_UNAVAILABLE'],
  ])('%s → %i %s', async (_label, failure, status, code) => {
    const user = await registerUser(t);
    const offer = await firstOffer(t, user.accessToken, { countryCode: 'FR', type: 'MOBILE' });
    failures.purchase.push(failure);

    const res = await purchaseRequest(t, user.accessToken, { phoneNumber: offer.phoneNumber });
    const body = expectError(res, status, code);
    // Our words, not the vendor's.
    expect(body.error).not.toMatch(/secret detail|socket hang up/);

    expect(await numberRowsFor(t, offer.phoneNumber)).toEqual([]);
    expect(await numberRowsOf(t, user.id)).toEqual([]);
    expect(await numberUsageOf(t, user.id)).toEqual([]);
    expect(await myNumbers(t, user.accessToken)).toEqual([]);

    // The FREE plan's one number was not consumed: the user buys one right after.
    const bought = await buyNumber(t, user.accessToken);
    expect(bought.status).toBe('ACTIVE');
    expect(await numberUsageOf(t, user.id)).toHaveLength(1);
    expect(await renewalJobsFor(t, bought.id)).toHaveLength(1);
  });

  it('the number the carrier failed to sell can be bought by someone else afterwards', async () => {
    const first = await registerUser(t);
    const second = await registerUser(t);
    const offer = await firstOffer(t, first.accessToken, { countryCode: 'US' });
    failures.purchase.push(carrierError('UNAVAILABLE'));
    expectError(
      await purchaseRequest(t, first.accessToken, { phoneNumber: offer.phoneNumber }),
      502,
      'PROVIDER_UNAVAILABLE',
    );

    expect(await offerOf(t, second.accessToken, offer.phoneNumber)).toBeDefined();
    const res = await purchaseRequest(t, second.accessToken, { phoneNumber: offer.phoneNumber });
    expect(res.statusCode, res.body).toBe(201);
  });

  it('a carrier asking for documents says so, in words a buyer understands', async () => {
    const user = await registerUser(t);
    const offer = await firstOffer(t, user.accessToken, { countryCode: 'DE' });
    failures.purchase.push(carrierError('REGULATORY_REQUIREMENT'));
    const body = expectError(
      await purchaseRequest(t, user.accessToken, { phoneNumber: offer.phoneNumber }),
      422,
      'REGULATORY_REQUIREMENT',
    );
    expect(body.error).toMatch(/address|identity|document/i);
  });
});

describe('a search the carrier cannot answer', () => {
  it('answers 502 PROVIDER_UNAVAILABLE and works again once the carrier is back', async () => {
    const user = await registerUser(t);
    failures.search.push(carrierError('UNAVAILABLE'));
    expectError(await searchRequest(t, user.accessToken, { countryCode: 'FR' }), 502, 'PROVIDER_UNAVAILABLE');
    expect((await searchRequest(t, user.accessToken, { countryCode: 'FR' })).statusCode).toBe(200);
  });
});

describe('managing a number while the carrier fails', () => {
  it('a rename the carrier cannot apply answers 502 and keeps the old name', async () => {
    const user = await registerUser(t);
    const number = await buyNumber(t, user.accessToken, undefined, 'Before');
    failures.update.push(carrierError('UNAVAILABLE'));
    const res = await call(t, 'PUT', `/api/numbers/${number.id}`, {
      token: user.accessToken,
      payload: { friendlyName: 'After' },
    });
    expectError(res, 502, 'PROVIDER_UNAVAILABLE');
    expect((await myNumbers(t, user.accessToken))[0]!.friendlyName).toBe('Before');
  });

  it('a release the carrier cannot carry out answers 502 and the number stays active and mine', async () => {
    const user = await registerUser(t);
    const number = await buyNumber(t, user.accessToken);
    failures.release.push(carrierError('UNAVAILABLE'));
    expectError(
      await call(t, 'DELETE', `/api/numbers/${number.id}`, { token: user.accessToken }),
      502,
      'PROVIDER_UNAVAILABLE',
    );
    expect(await myNumbers(t, user.accessToken)).toEqual([number]);
    // Once the carrier is back, the release goes through.
    const res = await call(t, 'DELETE', `/api/numbers/${number.id}`, { token: user.accessToken });
    expect(res.statusCode, res.body).toBe(200);
    expect(await myNumbers(t, user.accessToken)).toEqual([]);
  });

  it('releasing a number the carrier no longer has succeeds: the user asked for it to be gone', async () => {
    const user = await registerUser(t);
    const number = await buyNumber(t, user.accessToken);
    failures.release.push(carrierError('NOT_FOUND'));
    const res = await call(t, 'DELETE', `/api/numbers/${number.id}`, { token: user.accessToken });
    expect(res.statusCode, res.body).toBe(200);
    expect(await myNumbers(t, user.accessToken)).toEqual([]);
    expect((await numberRowsOf(t, user.id)).map((r) => r.status)).toEqual(['CANCELLED']);
  });
});
