import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, registerUser } from '../helpers/auth-flows.js';
import {
  createNumbersTestApp,
  myNumbers,
  numberRowsFor,
  numberRowsOf,
  numberUsageOf,
  type NumbersTestApp,
  purchaseRequest,
  search,
} from '../helpers/numbers-flows.js';

let t: NumbersTestApp;
beforeAll(async () => {
  t = await createNumbersTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('two users buy the same number at the same moment', () => {
  // Several rounds, so a lucky interleaving cannot pass for correct locking.
  it.each([1, 2, 3, 4, 5])('round %i: exactly one wins, the other gets 409, nothing is charged twice', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const [offer] = await search(t, alice.accessToken, { countryCode: 'FR', type: 'MOBILE', limit: 1 });
    const e164 = offer!.phoneNumber;

    const responses = await Promise.all([
      purchaseRequest(t, alice.accessToken, { phoneNumber: e164 }),
      purchaseRequest(t, bob.accessToken, { phoneNumber: e164 }),
    ]);

    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses, responses.map((r) => r.body).join('\n')).toEqual([201, 409]);
    const winner = responses.find((r) => r.statusCode === 201)!;
    const loser = responses.find((r) => r.statusCode === 409)!;
    expectError(loser, 409, 'NUMBER_UNAVAILABLE');
    const winnerId = responses[0] === winner ? alice.id : bob.id;
    const loserAccount = responses[0] === winner ? bob : alice;

    const rows = await numberRowsFor(t, e164);
    expect(rows.map((r) => [r.userId, r.status])).toEqual([[winnerId, 'ACTIVE']]);
    expect(await numberUsageOf(t, winnerId)).toHaveLength(1);
    expect(await numberUsageOf(t, loserAccount.id)).toEqual([]);
    expect(await numberRowsOf(t, loserAccount.id)).toEqual([]);
    // The loser's one FREE number is still theirs to buy.
    const [another] = await search(t, loserAccount.accessToken, { countryCode: 'FR', type: 'MOBILE', limit: 1 });
    expect((await purchaseRequest(t, loserAccount.accessToken, { phoneNumber: another!.phoneNumber })).statusCode).toBe(
      201,
    );
  });

  it('with ten buyers at once, one wins and nine get 409', async () => {
    const buyers = await Promise.all(Array.from({ length: 10 }, () => registerUser(t)));
    const [offer] = await search(t, buyers[0]!.accessToken, { countryCode: 'US', limit: 1 });
    const responses = await Promise.all(
      buyers.map((b) => purchaseRequest(t, b.accessToken, { phoneNumber: offer!.phoneNumber })),
    );
    expect(responses.filter((r) => r.statusCode === 201)).toHaveLength(1);
    for (const r of responses.filter((r) => r.statusCode !== 201)) expectError(r, 409, 'NUMBER_UNAVAILABLE');
    const rows = await numberRowsFor(t, offer!.phoneNumber);
    expect(rows.map((r) => r.status)).toEqual(['ACTIVE']);
    const charged = (await Promise.all(buyers.map((b) => numberUsageOf(t, b.id)))).flat();
    expect(charged).toHaveLength(1);
  });
});

describe('one FREE user buys two different numbers at the same moment', () => {
  it.each([1, 2, 3])('round %i: one 201, one 402, and only one number held', async () => {
    const user = await registerUser(t);
    const [first, second] = await search(t, user.accessToken, { countryCode: 'FR', type: 'MOBILE', limit: 2 });

    const responses = await Promise.all([
      purchaseRequest(t, user.accessToken, { phoneNumber: first!.phoneNumber }),
      purchaseRequest(t, user.accessToken, { phoneNumber: second!.phoneNumber }),
    ]);

    expect(responses.map((r) => r.statusCode).sort(), responses.map((r) => r.body).join('\n')).toEqual([201, 402]);
    expectError(
      responses.find((r) => r.statusCode === 402)!,
      402,
      'PLAN_LIMIT_REACHED',
    );
    const won = responses.find((r) => r.statusCode === 201)!.json();

    expect((await myNumbers(t, user.accessToken)).map((n) => n.id)).toEqual([won.id]);
    expect((await numberRowsOf(t, user.id)).map((r) => r.status)).toEqual(['ACTIVE']);
    expect(await numberUsageOf(t, user.id)).toHaveLength(1);
    // The number that was refused stays on offer to others.
    const lost = won.phoneNumber === first!.phoneNumber ? second! : first!;
    const other = await registerUser(t);
    const res = await purchaseRequest(t, other.accessToken, { phoneNumber: lost.phoneNumber });
    expect(res.statusCode, res.body).toBe(201);
  });
});
