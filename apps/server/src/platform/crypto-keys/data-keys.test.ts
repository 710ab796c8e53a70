import { randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/test-database.js';
import { users } from '../../modules/auth/auth.table.js';
import { createCipher, parseKeyring } from '../crypto.js';
import type { Database } from '../db/client.js';
import { createDataKeys } from './data-keys.js';
import { userDataKeys } from './data-keys.table.js';

const masterA = `A:${randomBytes(32).toString('base64')}`;
const masterB = `B:${randomBytes(32).toString('base64')}`;
const clock = () => new Date('2026-03-01T10:00:00Z');

let testDb: TestDatabase;
let db: Database;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.handle.db;
});
afterAll(async () => {
  await testDb.drop();
});

async function newUser(): Promise<string> {
  const [row] = await db
    .insert(users)
    .values({ email: `${randomUUID()}@example.test`, passwordHash: 'x' })
    .returning({ id: users.id });
  return row!.id;
}

/** A fresh instance, as after a restart: nothing cached. */
function dataKeys(keyring: string) {
  return createDataKeys({ db, master: parseKeyring(keyring), clock });
}

async function rowOf(userId: string) {
  const [row] = await db.select().from(userDataKeys).where(eq(userDataKeys.userId, userId));
  return row;
}

/** Flips one bit of the base64url segment `index` of a sealed value. */
function tamper(sealed: string, index: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index]!, 'base64url');
  bytes[0] = bytes[0]! ^ 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('per-user data keys (envelope encryption)', () => {
  it('round-trips text under the user’s data key, named in the sealed value', async () => {
    const keys = dataKeys(masterA);
    const user = await newUser();
    const { sealed, keyId } = await keys.seal(user, 'Rendez-vous à 18h 📞');
    expect(sealed).not.toContain('Rendez-vous');
    expect(sealed.split('.').slice(0, 2)).toEqual(['v1', keyId]);
    expect(await keys.open(user, sealed)).toBe('Rendez-vous à 18h 📞');
    // A second message reuses the same key; a restarted instance reads it from the table.
    expect((await keys.seal(user, 'again')).keyId).toBe(keyId);
    expect(await dataKeys(masterA).open(user, sealed)).toBe('Rendez-vous à 18h 📞');
    expect((await rowOf(user))?.createdAt.toISOString()).toBe('2026-03-01T10:00:00.000Z');
  });

  it('gives two users different keys, and neither can open the other’s data', async () => {
    const keys = dataKeys(masterA);
    const [alice, bob] = [await newUser(), await newUser()];
    const fromAlice = await keys.seal(alice, 'for alice only');
    const fromBob = await keys.seal(bob, 'for bob only');
    expect(fromAlice.keyId).not.toBe(fromBob.keyId);
    await expect(keys.open(bob, fromAlice.sealed)).rejects.toThrow();
    await expect(keys.open(alice, fromBob.sealed)).rejects.toThrow();
    // Even with the key id rewritten to Bob's, Alice's ciphertext does not open under Bob's key.
    const forged = fromAlice.sealed.replace(`.${fromAlice.keyId}.`, `.${fromBob.keyId}.`);
    await expect(keys.open(bob, forged)).rejects.toThrow();
  });

  it('does not create a key when opening for a user who has none', async () => {
    const keys = dataKeys(masterA);
    const [alice, carol] = [await newUser(), await newUser()];
    const { sealed } = await keys.seal(alice, 'hello');
    await expect(keys.open(carol, sealed)).rejects.toThrow();
    expect(await rowOf(carol)).toBeUndefined();
  });

  it('stores only the wrapped key: the raw key bytes are nowhere in the row', async () => {
    const keys = dataKeys(masterA);
    const user = await newUser();
    const { sealed } = await keys.seal(user, 'secret');
    const row = (await rowOf(user))!;
    expect(row.masterKeyId).toBe('A');
    expect(row.wrappedKey.split('.')[1]).toBe('A');

    // Recover the raw data key with the master key, as the service does, and look for it in the row.
    const raw = Buffer.from(createCipher(parseKeyring(masterA)).decrypt(row.wrappedKey), 'base64');
    expect(raw).toHaveLength(32);
    const serialized = JSON.stringify(row);
    for (const form of [raw.toString('base64'), raw.toString('base64url'), raw.toString('hex')]) {
      expect(serialized).not.toContain(form);
    }
    // And that key really is the one sealing the data.
    const direct = createCipher({ activeKeyId: row.keyId, keys: new Map([[row.keyId, raw]]) });
    expect(direct.decrypt(sealed)).toBe('secret');
  });

  it('creates exactly one key when many first uses race, across instances', async () => {
    const user = await newUser();
    const instances = [dataKeys(masterA), dataKeys(masterA), dataKeys(masterA)];
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) => instances[i % instances.length]!.seal(user, `message ${i}`)),
    );
    expect(new Set(results.map((result) => result.keyId)).size).toBe(1);
    const rows = await db.select().from(userDataKeys).where(eq(userDataKeys.userId, user));
    expect(rows).toHaveLength(1);
    for (const [i, result] of results.entries()) {
      expect(await dataKeys(masterA).open(user, result.sealed)).toBe(`message ${i}`);
    }
  });

  it('rejects tampered values and garbage', async () => {
    const keys = dataKeys(masterA);
    const user = await newUser();
    const { sealed } = await keys.seal(user, 'do not touch');
    for (const index of [2, 3, 4]) {
      await expect(keys.open(user, tamper(sealed, index))).rejects.toThrow();
    }
    await expect(keys.open(user, sealed.replace(/^v1\./, 'v2.'))).rejects.toThrow();
    await expect(keys.open(user, 'not-encrypted')).rejects.toThrow();
    await expect(keys.open(user, '')).rejects.toThrow();
  });

  it('refuses a tampered wrapped key', async () => {
    const user = await newUser();
    await dataKeys(masterA).seal(user, 'x');
    const row = (await rowOf(user))!;
    await db
      .update(userDataKeys)
      .set({ wrappedKey: tamper(row.wrappedKey, 4) })
      .where(eq(userDataKeys.userId, user));
    await expect(dataKeys(masterA).seal(user, 'y')).rejects.toThrow();
  });

  it('keeps each user’s cached key to that user', async () => {
    const keys = dataKeys(masterA);
    const [alice, bob] = [await newUser(), await newUser()];
    const fromAlice = await keys.seal(alice, 'alice');
    // Alice's key is now cached; Bob gets his own, and the cache never answers for him with hers.
    const fromBob = await keys.seal(bob, 'bob');
    expect(fromBob.keyId).not.toBe(fromAlice.keyId);
    expect(fromBob.keyId).toBe((await rowOf(bob))!.keyId);
    await expect(keys.open(bob, fromAlice.sealed)).rejects.toThrow();
    expect(await keys.open(alice, fromAlice.sealed)).toBe('alice');
    expect(await keys.open(bob, fromBob.sealed)).toBe('bob');
  });

  it('rejects a master key that is not 32 bytes', () => {
    expect(() => dataKeys(`short:${randomBytes(16).toString('base64')}`)).toThrow(/32 bytes/);
  });
});

describe('master-key rotation (rewrapAll)', () => {
  // Exact counts: each rotation scenario starts from an empty key table.
  beforeEach(async () => {
    await db.delete(userDataKeys);
  });

  it('re-wraps data keys under the new master key without re-encrypting data', async () => {
    const [alice, bob] = [await newUser(), await newUser()];
    const beforeA = dataKeys(masterA);
    const aliceOld = await beforeA.seal(alice, 'sealed before rotation (alice)');
    const bobOld = await beforeA.seal(bob, 'sealed before rotation (bob)');

    // Restart with B active and A still known: old data opens, new users get B-wrapped keys.
    const during = dataKeys(`${masterB},${masterA}`);
    expect(await during.open(alice, aliceOld.sealed)).toBe('sealed before rotation (alice)');
    const carol = await newUser();
    await during.seal(carol, 'new user during rotation');
    expect((await rowOf(carol))!.masterKeyId).toBe('B');

    expect(await during.rewrapAll()).toEqual({ rewrapped: 2 });
    for (const user of [alice, bob]) {
      const row = (await rowOf(user))!;
      expect(row.masterKeyId).toBe('B');
      expect(row.wrappedKey.split('.')[1]).toBe('B');
      expect(row.rewrappedAt?.toISOString()).toBe('2026-03-01T10:00:00.000Z');
    }
    // The data key itself did not change.
    expect((await rowOf(alice))!.keyId).toBe(aliceOld.keyId);
    expect(await during.rewrapAll()).toEqual({ rewrapped: 0 });

    // Restart with B alone: data sealed before the rotation still opens.
    const after = dataKeys(masterB);
    expect(await after.open(alice, aliceOld.sealed)).toBe('sealed before rotation (alice)');
    expect(await after.open(bob, bobOld.sealed)).toBe('sealed before rotation (bob)');
    const aliceNew = await after.seal(alice, 'sealed after rotation');
    expect(aliceNew.keyId).toBe(aliceOld.keyId);
    expect(await after.open(alice, aliceNew.sealed)).toBe('sealed after rotation');

    // A node still on A alone can no longer unwrap: B really is in use.
    await expect(dataKeys(masterA).open(alice, aliceOld.sealed)).rejects.toThrow();
  });

  it('is safe to run concurrently and covers more rows than one batch', async () => {
    const masterC = `C:${randomBytes(32).toString('base64')}`;
    const userIds = await db
      .insert(users)
      .values(Array.from({ length: 620 }, () => ({ email: `${randomUUID()}@example.test`, passwordHash: 'x' })))
      .returning({ id: users.id });
    const onB = dataKeys(masterB);
    const sealed = new Map<string, string>();
    for (const { id } of userIds) sealed.set(id, (await onB.seal(id, `hello ${id}`)).sealed);

    const runs = await Promise.all([
      dataKeys(`${masterC},${masterB}`).rewrapAll(),
      dataKeys(`${masterC},${masterB}`).rewrapAll(),
    ]);
    // Each row re-wrapped exactly once between the two runs.
    expect(runs[0]!.rewrapped + runs[1]!.rewrapped).toBe(620);
    const remaining = await db.select().from(userDataKeys);
    expect(remaining.every((row) => row.masterKeyId === 'C')).toBe(true);

    const onC = dataKeys(masterC);
    for (const { id } of userIds.slice(0, 20)) expect(await onC.open(id, sealed.get(id)!)).toBe(`hello ${id}`);
  });

  it('re-wraps every row it can, then fails loudly naming the rows it could not', async () => {
    const [good, lost, corrupt] = [await newUser(), await newUser(), await newUser()];
    const { sealed } = await dataKeys(masterA).seal(good, 'still readable');
    await dataKeys(`old:${randomBytes(32).toString('base64')}`).seal(lost, 'x');
    await dataKeys(masterA).seal(corrupt, 'y');
    const row = (await rowOf(corrupt))!;
    await db
      .update(userDataKeys)
      .set({ wrappedKey: tamper(row.wrappedKey, 4) })
      .where(eq(userDataKeys.userId, corrupt));

    const error = await dataKeys(`${masterB},${masterA}`)
      .rewrapAll()
      .then(
        () => undefined,
        (caught: unknown) => caught as Error,
      );
    expect(error?.message).toMatch(/re-wrapped 1 data keys/);
    expect(error?.message).toMatch(/1 × master key 'old' is not in ENCRYPTION_KEYS/);
    expect(error?.message).toMatch(/1 × wrapped key does not decrypt/);
    expect((await rowOf(good))!.masterKeyId).toBe('B');
    expect(await dataKeys(masterB).open(good, sealed)).toBe('still readable');
    expect((await rowOf(lost))!.masterKeyId).toBe('old');
  });
});
