import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectError, loginUser, registerUser } from '../helpers/auth-flows.js';
import {
  buyNumber,
  createNumbersTestApp,
  DAY_MS,
  myNumbers,
  numberRowsFor,
  numberRowsOf,
  numberUsageOf,
  type NumbersTestApp,
  offerOf,
  purchaseRequest,
  QUARANTINE_DAYS,
} from '../helpers/numbers-flows.js';

let t: NumbersTestApp;
beforeAll(async () => {
  t = await createNumbersTestApp();
});
afterAll(async () => {
  await t.close();
});

const rename = (token: string | undefined, id: string, payload: unknown) =>
  call(t, 'PUT', `/api/numbers/${id}`, { token, payload });
const release = (token: string | undefined, id: string) => call(t, 'DELETE', `/api/numbers/${id}`, { token });

describe('PUT /api/numbers/:numberId', () => {
  it('renames a number, and the new name is what my-numbers shows', async () => {
    const user = await registerUser(t);
    const number = await buyNumber(t, user.accessToken, undefined, 'Old name');
    const res = await rename(user.accessToken, number.id, { friendlyName: '  Support line  ' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: number.id, friendlyName: 'Support line', status: 'ACTIVE' });
    expect((await myNumbers(t, user.accessToken))[0]!.friendlyName).toBe('Support line');
  });

  it('clears the name with null', async () => {
    const user = await registerUser(t);
    const number = await buyNumber(t, user.accessToken, undefined, 'Temporary');
    const res = await rename(user.accessToken, number.id, { friendlyName: null });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().friendlyName).toBeNull();
    expect((await myNumbers(t, user.accessToken))[0]!.friendlyName).toBeNull();
  });

  it('leaves the number as it is when the body changes nothing', async () => {
    const user = await registerUser(t);
    const number = await buyNumber(t, user.accessToken, undefined, 'Kept');
    const res = await rename(user.accessToken, number.id, {});
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().friendlyName).toBe('Kept');
  });

  it.each([[''], ['   '], ['x'.repeat(101)]])('refuses friendlyName %j, naming friendlyName', async (friendlyName) => {
    const user = await registerUser(t);
    const number = await buyNumber(t, user.accessToken, undefined, 'Unchanged');
    expectError(await rename(user.accessToken, number.id, { friendlyName }), 400, 'VALIDATION_FAILED', 'friendlyName');
    expect((await myNumbers(t, user.accessToken))[0]!.friendlyName).toBe('Unchanged');
  });

  it('answers 400 naming numberId for an id that is not a uuid', async () => {
    const user = await registerUser(t);
    expectError(
      await rename(user.accessToken, 'not-a-uuid', { friendlyName: 'x' }),
      400,
      'VALIDATION_FAILED',
      'numberId',
    );
  });

  it('answers 404 for an unknown number', async () => {
    const user = await registerUser(t);
    expectError(await rename(user.accessToken, randomUUID(), { friendlyName: 'x' }), 404, 'NOT_FOUND');
  });

  it('answers 401 without a token', async () => {
    expectError(await rename(undefined, randomUUID(), { friendlyName: 'x' }), 401, 'UNAUTHORIZED');
  });

  it('answers 404 for a number once released', async () => {
    const user = await registerUser(t);
    const number = await buyNumber(t, user.accessToken);
    expect((await release(user.accessToken, number.id)).statusCode).toBe(200);
    expectError(await rename(user.accessToken, number.id, { friendlyName: 'Back' }), 404, 'NOT_FOUND');
  });
});

describe('ownership', () => {
  it("user B gets 404 on user A's number for PUT and DELETE, and A's number is unchanged", async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const number = await buyNumber(t, alice.accessToken, undefined, "Alice's line");

    expectError(await rename(bob.accessToken, number.id, { friendlyName: 'Mine now' }), 404, 'NOT_FOUND');
    expectError(await release(bob.accessToken, number.id), 404, 'NOT_FOUND');

    expect(await myNumbers(t, alice.accessToken)).toEqual([number]);
    expect(await myNumbers(t, bob.accessToken)).toEqual([]);
    expect((await numberRowsFor(t, number.phoneNumber)).map((r) => [r.userId, r.status, r.friendlyName])).toEqual([
      [alice.id, 'ACTIVE', "Alice's line"],
    ]);
    // Alice can still manage it.
    expect((await rename(alice.accessToken, number.id, { friendlyName: 'Still mine' })).statusCode).toBe(200);
  });
});

describe('DELETE /api/numbers/:numberId', () => {
  it('releases a number: success, gone from my-numbers, kept as CANCELLED history', async () => {
    const user = await registerUser(t);
    const number = await buyNumber(t, user.accessToken);
    const res = await release(user.accessToken, number.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ success: true });
    expect(await myNumbers(t, user.accessToken)).toEqual([]);
    const [row] = await numberRowsOf(t, user.id);
    expect(row!.status).toBe('CANCELLED');
    expect(row!.releasedAt?.toISOString()).toBe(t.clock.now.toISOString());
    // Releasing is not a charge.
    expect(await numberUsageOf(t, user.id)).toHaveLength(1);
  });

  it('answers 404 to releasing the same number twice', async () => {
    const user = await registerUser(t);
    const number = await buyNumber(t, user.accessToken);
    expect((await release(user.accessToken, number.id)).statusCode).toBe(200);
    expectError(await release(user.accessToken, number.id), 404, 'NOT_FOUND');
  });

  it('answers 400 naming numberId for a non-uuid, 404 for an unknown one, 401 without a token', async () => {
    const user = await registerUser(t);
    expectError(await release(user.accessToken, '123'), 400, 'VALIDATION_FAILED', 'numberId');
    expectError(await release(user.accessToken, randomUUID()), 404, 'NOT_FOUND');
    expectError(await release(undefined, randomUUID()), 401, 'UNAUTHORIZED');
  });

  it('frees the plan slot: a FREE user can buy another number after releasing theirs', async () => {
    const user = await registerUser(t);
    const first = await buyNumber(t, user.accessToken);
    expectError(
      await purchaseRequest(t, user.accessToken, {
        phoneNumber: (await buyableFrenchMobile(user.accessToken)).phoneNumber,
      }),
      402,
      'PLAN_LIMIT_REACHED',
    );
    expect((await release(user.accessToken, first.id)).statusCode).toBe(200);
    const second = await buyNumber(t, user.accessToken);
    expect((await myNumbers(t, user.accessToken)).map((n) => n.id)).toEqual([second.id]);
  });

  it('does not offer a released number during the quarantine, and offers it again after', async () => {
    const owner = await registerUser(t);
    const number = await buyNumber(t, owner.accessToken);
    expect((await release(owner.accessToken, number.id)).statusCode).toBe(200);

    const other = await registerUser(t);
    expect(await offerOf(t, other.accessToken, number.phoneNumber)).toBeUndefined();
    // Nor can it be bought directly, and trying leaves nothing behind.
    expectError(
      await purchaseRequest(t, other.accessToken, { phoneNumber: number.phoneNumber }),
      409,
      'NUMBER_UNAVAILABLE',
    );
    expect(await numberRowsOf(t, other.id)).toEqual([]);

    t.clock.advance((QUARANTINE_DAYS - 1) * DAY_MS);
    let tokens = await loginUser(t, other);
    expect(await offerOf(t, tokens.accessToken, number.phoneNumber)).toBeUndefined();

    t.clock.advance(2 * DAY_MS); // 31 days after the release
    tokens = await loginUser(t, other);
    expect(await offerOf(t, tokens.accessToken, number.phoneNumber)).toBeDefined();
    const res = await purchaseRequest(t, tokens.accessToken, { phoneNumber: number.phoneNumber });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ phoneNumber: number.phoneNumber, status: 'ACTIVE' });
    // The old owner's history stays, the new owner holds the number.
    const rows = await numberRowsFor(t, number.phoneNumber);
    expect(rows.map((r) => `${r.status}:${r.userId}`).sort()).toEqual([`ACTIVE:${other.id}`, `CANCELLED:${owner.id}`]);
  });
});

async function buyableFrenchMobile(token: string) {
  const res = await call(t, 'GET', '/api/numbers/available?countryCode=FR&type=MOBILE&limit=1', { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().numbers[0] as { phoneNumber: string };
}

describe('SANDBOX_QUARANTINE_DAYS', () => {
  it('sets how long a released number rests: 0 offers it again at once', async () => {
    const noQuarantine = await createNumbersTestApp({ env: { SANDBOX_QUARANTINE_DAYS: '0' } });
    try {
      const owner = await registerUser(noQuarantine);
      const number = await buyNumber(noQuarantine, owner.accessToken);
      const res = await call(noQuarantine, 'DELETE', `/api/numbers/${number.id}`, { token: owner.accessToken });
      expect(res.statusCode).toBe(200);
      const other = await registerUser(noQuarantine);
      expect(await offerOf(noQuarantine, other.accessToken, number.phoneNumber)).toBeDefined();
    } finally {
      await noQuarantine.close();
    }
  });
});
