import { ConfigError, loadConfig } from '../config/env.js';
import { createCipher, parseKeyring } from '../platform/crypto.js';
import { createDataKeys } from '../platform/crypto-keys/data-keys.js';
import { resealColumn } from '../platform/crypto-keys/reseal-column.js';
import { openDatabase } from '../platform/db/client.js';
import { resolveSecrets } from '../platform/secrets.js';

/** Columns sealed by the master keyring itself rather than by a user's data key. */
const MASTER_SEALED_COLUMNS = [
  { table: 'users', column: 'two_fa_secret' },
  { table: 'port_requests', column: 'account_number' },
  { table: 'port_requests', column: 'pin' },
];

/**
 * Master-key rotation without downtime:
 *   1. put the new key first in ENCRYPTION_KEYS on every node, keeping the old
 *      ones after it (`new:…,old:…`), and restart them one by one;
 *   2. run this command: it re-wraps every user's data key under the new key;
 *      and re-encrypts the few values the master key seals directly (2FA
 *      secrets, port-request account numbers and PINs);
 *   3. then remove the old keys from ENCRYPTION_KEYS.
 * Safe to run again, or on several machines at once.
 */
async function main(): Promise<number> {
  const config = loadConfig();
  const master = parseKeyring(resolveSecrets(config).encryptionKeys);
  const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
  try {
    await database.migrate();
    const dataKeys = createDataKeys({ db: database.db, master, clock: () => new Date() });
    let rewrapped: number;
    try {
      ({ rewrapped } = await dataKeys.rewrapAll());
    } catch (error) {
      // The message lists the rows that could not be re-wrapped; the old keys must stay until they are resolved.
      console.error(`Rotation incomplete: ${(error as Error).message}. Keep the old keys in ENCRYPTION_KEYS.`);
      return 1;
    }
    const cipher = createCipher(master);
    let resealed = 0;
    for (const target of MASTER_SEALED_COLUMNS) {
      resealed += await resealColumn(database.db, cipher, master.activeKeyId, target);
    }
    console.log(
      `Re-wrapped ${rewrapped} data key${rewrapped === 1 ? '' : 's'} and re-encrypted ${resealed} secret${resealed === 1 ? '' : 's'} ` +
        `under master key '${master.activeKeyId}'. The other keys can now leave ENCRYPTION_KEYS.`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError || error instanceof TypeError ? error.message : error);
    process.exit(1);
  },
);
