import { randomBytes } from 'node:crypto';
import { and, asc, eq, gt, ne } from 'drizzle-orm';
import { type Cipher, createCipher, type Keyring, randomToken } from '../crypto.js';
import type { Database } from '../db/client.js';
import { userDataKeys } from './data-keys.table.js';

export interface DataKeys {
  /** Encrypts with the user's data key, created on first use. `keyId` is the row's `encryption_key_id`. */
  seal(userId: string, plaintext: string): Promise<{ sealed: string; keyId: string }>;
  /** Decrypts a value sealed for this user; throws for another user's value, a tampered one or garbage. */
  open(userId: string, sealed: string): Promise<string>;
  /** Re-wraps every data key not under the active master key: the master-key rotation. */
  rewrapAll(): Promise<{ rewrapped: number }>;
}

const DATA_KEY_BYTES = 32;
const REWRAP_BATCH = 500;
const CACHE_LIMIT = 10_000;

interface UnwrappedKey {
  keyId: string;
  cipher: Cipher;
}

/**
 * Envelope encryption: each user's data is sealed by their own random data
 * key; the data key is stored wrapped by the active master key from
 * ENCRYPTION_KEYS. A master-key rotation only re-wraps these small rows, so
 * it runs while the service keeps serving: every node knows the old master
 * key (`new:…,old:…`) until `rewrapAll` has finished.
 */
export function createDataKeys(deps: { db: Database; master: Keyring; clock: () => Date }): DataKeys {
  const { db, master, clock } = deps;
  for (const [id, key] of master.keys) {
    if (key.length !== DATA_KEY_BYTES) throw new Error(`master key '${id}' must be 32 bytes (AES-256)`);
  }
  const masterCipher = createCipher(master);
  /** Least recently used first (Map keeps insertion order). */
  const cache = new Map<string, UnwrappedKey>();
  /** One creation or load in flight per user, so concurrent first uses in this process share it. */
  const pending = new Map<string, Promise<UnwrappedKey>>();

  function remember(userId: string, entry: UnwrappedKey): UnwrappedKey {
    cache.delete(userId);
    cache.set(userId, entry);
    if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    return entry;
  }

  function unwrap(row: { keyId: string; wrappedKey: string }): UnwrappedKey {
    const key = Buffer.from(masterCipher.decrypt(row.wrappedKey), 'base64');
    if (key.length !== DATA_KEY_BYTES) throw new Error('cannot decrypt: malformed data key');
    return { keyId: row.keyId, cipher: createCipher({ activeKeyId: row.keyId, keys: new Map([[row.keyId, key]]) }) };
  }

  async function readRow(userId: string) {
    const [row] = await db
      .select({ keyId: userDataKeys.keyId, wrappedKey: userDataKeys.wrappedKey })
      .from(userDataKeys)
      .where(eq(userDataKeys.userId, userId))
      .limit(1);
    return row;
  }

  async function load(userId: string, create: boolean): Promise<UnwrappedKey> {
    const existing = await readRow(userId);
    if (existing) return unwrap(existing);
    if (!create) throw new Error('cannot decrypt: this user has no data key');
    const key = randomBytes(DATA_KEY_BYTES);
    await db
      .insert(userDataKeys)
      .values({
        userId,
        keyId: `dk${randomToken(12)}`,
        wrappedKey: masterCipher.encrypt(key.toString('base64')),
        masterKeyId: master.activeKeyId,
        createdAt: clock(),
      })
      .onConflictDoNothing();
    key.fill(0);
    // Whoever won the race (this process or another node), the row now holds the one key.
    const row = await readRow(userId);
    if (!row) throw new Error('data key could not be created');
    return unwrap(row);
  }

  /** Opening never creates a key: a user without one has nothing sealed. */
  async function keyFor(userId: string, create: boolean): Promise<UnwrappedKey> {
    const cached = cache.get(userId);
    if (cached) return remember(userId, cached);
    const slot = `${create ? 'create' : 'load'}:${userId}`;
    let inFlight = pending.get(slot);
    if (!inFlight) {
      inFlight = load(userId, create).finally(() => pending.delete(slot));
      pending.set(slot, inFlight);
    }
    return remember(userId, await inFlight);
  }

  return {
    async seal(userId, plaintext) {
      const { keyId, cipher } = await keyFor(userId, true);
      return { sealed: cipher.encrypt(plaintext), keyId };
    },

    async open(userId, sealed) {
      const { keyId, cipher } = await keyFor(userId, false);
      if (sealed.split('.')[1] !== keyId) throw new Error('cannot decrypt: not sealed with this user’s key');
      return cipher.decrypt(sealed);
    },

    async rewrapAll() {
      let rewrapped = 0;
      /** Rows that could not be re-wrapped, by reason; they never stop the others. */
      const failures = new Map<string, number>();
      const fail = (reason: string) => failures.set(reason, (failures.get(reason) ?? 0) + 1);
      // Keyset pagination by user id: one pass over the table, whatever concurrent runs do.
      let after: string | undefined;
      for (;;) {
        const batch = await db
          .select({
            userId: userDataKeys.userId,
            wrappedKey: userDataKeys.wrappedKey,
            masterKeyId: userDataKeys.masterKeyId,
          })
          .from(userDataKeys)
          .where(
            and(
              ne(userDataKeys.masterKeyId, master.activeKeyId),
              after === undefined ? undefined : gt(userDataKeys.userId, after),
            ),
          )
          .orderBy(asc(userDataKeys.userId))
          .limit(REWRAP_BATCH);
        for (const row of batch) {
          if (!master.keys.has(row.masterKeyId)) {
            fail(`master key '${row.masterKeyId}' is not in ENCRYPTION_KEYS`);
            continue;
          }
          let plain: string;
          try {
            plain = masterCipher.decrypt(row.wrappedKey);
          } catch {
            fail('wrapped key does not decrypt (corrupt or altered)');
            continue;
          }
          const updated = await db
            .update(userDataKeys)
            .set({ wrappedKey: masterCipher.encrypt(plain), masterKeyId: master.activeKeyId, rewrappedAt: clock() })
            // Conditional: when a concurrent run got there first, this matches nothing and counts nothing.
            .where(and(eq(userDataKeys.userId, row.userId), eq(userDataKeys.wrappedKey, row.wrappedKey)))
            .returning({ userId: userDataKeys.userId });
          rewrapped += updated.length;
        }
        if (batch.length < REWRAP_BATCH) break;
        after = batch[batch.length - 1]!.userId;
      }
      if (failures.size > 0) {
        const reasons = [...failures].map(([reason, count]) => `${count} × ${reason}`).join('; ');
        throw new Error(`re-wrapped ${rewrapped} data keys, but could not re-wrap: ${reasons}`);
      }
      return { rewrapped };
    },
  };
}
