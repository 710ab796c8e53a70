import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/modules/auth/auth.table.js';
import { createCipher, parseKeyring } from '../../src/platform/crypto.js';
import { resealColumn } from '../../src/platform/crypto-keys/reseal-column.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

const key = () => randomBytes(32).toString('base64');

describe('resealColumn (master-key rotation of directly sealed secrets)', () => {
  it('moves values sealed by an old key under the new one, so the old key can leave the keyring', async () => {
    const oldSpec = `old:${key()}`;
    const newSpec = `new:${key()}`;
    const before = createCipher(parseKeyring(oldSpec));
    const [user] = await database.handle.db
      .insert(users)
      .values({
        email: `r-${randomBytes(4).toString('hex')}@example.com`,
        passwordHash: 'x',
        twoFaSecret: before.encrypt('JBSWY3DPEHPK3PXPJBSWY3DP'),
      })
      .returning();

    const rotating = parseKeyring(`${newSpec},${oldSpec}`);
    const count = await resealColumn(database.handle.db, createCipher(rotating), rotating.activeKeyId, {
      table: 'users',
      column: 'two_fa_secret',
    });
    expect(count).toBeGreaterThanOrEqual(1);
    const [after] = await database.handle.db.select().from(users).where(eq(users.id, user!.id));
    expect(after!.twoFaSecret!.startsWith('v1.new.')).toBe(true);
    // The new key alone reads it now.
    expect(createCipher(parseKeyring(newSpec)).decrypt(after!.twoFaSecret!)).toBe('JBSWY3DPEHPK3PXPJBSWY3DP');
    // A second run has nothing left to do.
    expect(
      await resealColumn(database.handle.db, createCipher(rotating), rotating.activeKeyId, {
        table: 'users',
        column: 'two_fa_secret',
      }),
    ).toBe(0);
  });

  it('stops with an error rather than guess when a value was sealed by a key it does not have', async () => {
    const stranger = createCipher(parseKeyring(`gone:${key()}`));
    await database.handle.db.insert(users).values({
      email: `r-${randomBytes(4).toString('hex')}@example.com`,
      passwordHash: 'x',
      twoFaSecret: stranger.encrypt('secret'),
    });
    const keyring = parseKeyring(`new2:${key()}`);
    await expect(
      resealColumn(database.handle.db, createCipher(keyring), keyring.activeKeyId, {
        table: 'users',
        column: 'two_fa_secret',
      }),
    ).rejects.toThrow();
  });
});
