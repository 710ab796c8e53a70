import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/modules/auth/auth.table.js';
import { invoices } from '../../src/modules/billing/billing.table.js';
import { messages } from '../../src/modules/messaging/messaging.table.js';
import { phoneNumbers } from '../../src/modules/numbers/numbers.table.js';
import { userDataKeys } from '../../src/platform/crypto-keys/data-keys.table.js';
import { sandboxNumbers } from '../../src/providers/carrier/sandbox/sandbox.table.js';
import {
  call,
  enable2fa,
  expectError,
  loginRequest,
  refreshRequest,
  registerUser,
  totp,
} from '../helpers/auth-flows.js';
import { DAY_MS, setSubscriptionRow, subscribe } from '../helpers/billing-flows.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE_TEXT, BOB_TEXT, deleteRequest, person, type Person, twoAcquaintances } from './gdpr-flows.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { SANDBOX_STEP_DELAY_MS: '0' } });
});
afterAll(async () => {
  await t.close();
});

const db = () => t.database.handle.db;
const userRow = async (id: string) => (await db().select().from(users).where(eq(users.id, id)))[0]!;

/** Tables where a row names `needle`, leaving out the rows of `otherUserId` (their own data) and what is kept on purpose. */
async function tablesHolding(needles: string[], otherUserId: string): Promise<string[]> {
  // Kept on purpose: invoices (the law; they carry the buyer as issued) and the sandbox carrier's own pool.
  const kept = new Set(['invoices', 'sandbox_numbers']);
  const tables = (await db().execute(
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
  )) as unknown as { rows: { table_name: string }[] };
  const found: string[] = [];
  for (const { table_name: table } of tables.rows) {
    if (kept.has(table)) continue;
    const rows = (await db().execute(sql`select to_jsonb(t) as row from ${sql.identifier(table)} t`)) as unknown as {
      rows: { row: Record<string, unknown> }[];
    };
    for (const { row } of rows.rows) {
      if (row.user_id === otherUserId || (table === 'users' && row.id === otherUserId)) continue;
      const text = JSON.stringify(row);
      const hit = needles.find((needle) => text.includes(needle));
      if (hit) found.push(`${table}: ${hit}`);
    }
  }
  return found;
}

/** What would identify Alice, or what she wrote, received or saved. */
const needlesOf = (alice: Person, bob: Person) => [
  alice.email,
  alice.firstName,
  alice.lastName,
  alice.number,
  ALICE_TEXT,
  BOB_TEXT,
  bob.firstName,
  bob.lastName,
  'Lyon fair',
];

describe('DELETE /api/auth/me', () => {
  it('refuses a wrong password and changes nothing', async () => {
    const carol = await person(t, 'Carola', 'Wrongpass');
    const res = await deleteRequest(t, carol.accessToken, { password: 'Not-The-Password-1' });
    expectError(res, 401, 'INVALID_CREDENTIALS', 'password');
    expect(await userRow(carol.id)).toMatchObject({
      email: carol.email,
      firstName: 'Carola',
      isActive: true,
      deletedAt: null,
    });
    expect(await db().select().from(phoneNumbers).where(eq(phoneNumbers.userId, carol.id))).toEqual([
      expect.objectContaining({ phoneNumber: carol.number, status: 'ACTIVE' }),
    ]);
    expect((await call(t, 'GET', '/api/auth/me', { token: carol.accessToken })).statusCode).toBe(200);
  });

  it('asks for a valid body', async () => {
    const dan = await registerUser(t);
    expectError(await deleteRequest(t, dan.accessToken, {}), 400, 'VALIDATION_FAILED', 'password');
    expectError(await call(t, 'DELETE', '/api/auth/me', { payload: { password: 'x' } }), 401, 'UNAUTHORIZED');
  });

  it('with 2FA on, asks for a code, refuses a wrong one, and deletes with a right one', async () => {
    const erin = await registerUser(t);
    const setup = await enable2fa(t, erin.accessToken);
    expectError(
      await deleteRequest(t, erin.accessToken, { password: erin.password }),
      400,
      'VALIDATION_FAILED',
      'code',
    );
    const wrong = (await totp(t, setup.secret, 3600)).padStart(6, '0');
    expectError(
      await deleteRequest(t, erin.accessToken, { password: erin.password, code: wrong }),
      401,
      'INVALID_2FA_CODE',
    );
    expect((await userRow(erin.id)).deletedAt).toBeNull();

    const res = await deleteRequest(t, erin.accessToken, {
      password: erin.password,
      code: await totp(t, setup.secret),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await userRow(erin.id)).toMatchObject({ twoFaEnabled: false, twoFaSecret: null, isActive: false });
  });

  it('deletes an account whose paid plan already lapsed, with nothing left to cancel', async () => {
    const frank = await person(t, 'Franck', 'Lapsed');
    await subscribe(t, frank.accessToken, 'STARTER');
    await setSubscriptionRow(t, frank.id, {
      status: 'PAST_DUE',
      pastDueAt: new Date(t.clock.now.getTime() - 60 * DAY_MS),
    });
    const res = await deleteRequest(t, frank.accessToken, { password: frank.password });
    expect(res.statusCode, res.body).toBe(200);
    expect((await userRow(frank.id)).deletedAt).not.toBeNull();
  });

  describe('a deleted account', () => {
    let alice: Person;
    let bob: Person;
    let invoiceCount: number;
    beforeAll(async () => {
      ({ alice, bob } = await twoAcquaintances(t));
      // The scan finds the person before: an empty result after means erased, not unseen.
      expect(await tablesHolding(needlesOf(alice, bob), bob.id)).toEqual(
        expect.arrayContaining([
          'users: ' + alice.email,
          'contacts: ' + bob.firstName,
          'phone_numbers: ' + alice.number,
        ]),
      );
      invoiceCount = (await db().select().from(invoices).where(eq(invoices.userId, alice.id))).length;
      expect(invoiceCount).toBeGreaterThan(0);
      const res = await deleteRequest(t, alice.accessToken, { password: alice.password });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ success: true });
    });

    it('leaves nothing of the person in any table but the invoices', async () => {
      expect(await tablesHolding(needlesOf(alice, bob), bob.id)).toEqual([]);
    });

    it('keeps an emptied users row for the invoices', async () => {
      expect(await userRow(alice.id)).toMatchObject({
        email: `deleted-${alice.id}@deleted.invalid`,
        firstName: null,
        lastName: null,
        companyName: null,
        phoneNumber: null,
        avatarUrl: null,
        isActive: false,
        deletedAt: expect.any(Date),
      });
      expect(await db().select().from(userDataKeys).where(eq(userDataKeys.userId, alice.id))).toEqual([]);
    });

    it('keeps the invoices, with their buyer as issued', async () => {
      const kept = await db().select().from(invoices).where(eq(invoices.userId, alice.id));
      expect(kept.length).toBeGreaterThanOrEqual(invoiceCount);
      for (const invoice of kept) expect(invoice.buyer).toMatchObject({ email: alice.email });
    });

    it('released the numbers at the carrier', async () => {
      const [held] = await db().select().from(sandboxNumbers).where(eq(sandboxNumbers.phoneNumber, alice.number));
      expect(held!.releasedAt).not.toBeNull();
    });

    it('refuses the old tokens and the old sign-in', async () => {
      expectError(await call(t, 'GET', '/api/auth/me', { token: alice.accessToken }), 401, 'UNAUTHORIZED');
      expect((await refreshRequest(t, alice.refreshToken)).statusCode).toBe(401);
      expectError(await loginRequest(t, alice.email, alice.password), 401, 'INVALID_CREDENTIALS');
    });

    it('lets the same email sign up again, as a new account', async () => {
      const again = await registerUser(t, { email: alice.email });
      expect(again.id).not.toBe(alice.id);
    });

    it("leaves the other person's data alone", async () => {
      const theirs = await db().select().from(messages).where(eq(messages.userId, bob.id));
      expect(theirs).toHaveLength(2);
      const thread = await call(t, 'GET', `/api/messages/conversation/${encodeURIComponent(alice.number)}`, {
        token: bob.accessToken,
      });
      expect(thread.statusCode, thread.body).toBe(200);
      expect(
        thread
          .json()
          .messages.map((m: { body: string }) => m.body)
          .sort(),
      ).toEqual([ALICE_TEXT, BOB_TEXT].sort());
    });
  });
});
