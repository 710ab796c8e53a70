import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/env.js';
import { writeBackup } from '../platform/db/backup.js';
import { openDatabase } from '../platform/db/client.js';
import { callerDir, runBackupCommand } from './backup-command.js';

const USAGE = 'usage: npm run db:backup -- [--out <file>]';

/**
 * Writes a logical backup of the configured database (DATABASE_URL, else the
 * PGlite files in DATA_DIR) to --out, by default backups/commpro-<time>.ndjson.gz.
 * PGlite is single-process: stop the server before backing it up.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({ options: { out: { type: 'string' } }, strict: true });
  if (values.out === '') {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.resolve(callerDir, values.out ?? path.join('backups', `commpro-${stamp}.ndjson.gz`));
  mkdirSync(path.dirname(file), { recursive: true });
  const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
  try {
    const header = await writeBackup(database, file);
    const rows = Object.values(header.tables).reduce((sum, count) => sum + count, 0);
    console.log(
      `Backup of the ${database.driver} database written to ${file}: ${rows} rows in ${Object.keys(header.tables).length} tables, migration level ${header.migrations}.`,
    );
    console.log(
      'Keep the secrets (JWT_SECRET, ENCRYPTION_KEYS or DATA_DIR/secrets) apart from it: encrypted data needs them.',
    );
    return 0;
  } finally {
    await database.close();
  }
}

runBackupCommand(main, 'Backup failed');
