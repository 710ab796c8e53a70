import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/env.js';
import { restoreBackup } from '../platform/db/backup.js';
import { openDatabase } from '../platform/db/client.js';
import { callerDir, runBackupCommand } from './backup-command.js';

const USAGE = 'usage: npm run db:restore -- --file <backup> [--force]';

/**
 * Restores a backup written by db:backup into the configured database, after
 * migrating it to this code's level. Refuses a database holding data unless
 * --force. Stop the server first: the restore replaces what it reads.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { file: { type: 'string' }, force: { type: 'boolean', default: false } },
    strict: true,
  });
  if (!values.file) {
    console.error(`--file is required. ${USAGE}`);
    return 2;
  }
  const file = path.resolve(callerDir, values.file);
  if (!existsSync(file)) {
    console.error(`No such file: ${file}`);
    return 2;
  }
  const config = loadConfig();
  const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
  try {
    await database.migrate();
    const header = await restoreBackup(database, file, { force: values.force });
    const rows = Object.values(header.tables).reduce((sum, count) => sum + count, 0);
    console.log(
      `Restored ${rows} rows in ${Object.keys(header.tables).length} tables (backup of ${header.createdAt}, from ${header.driver}) into the ${database.driver} database.`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

runBackupCommand(main, 'Restore failed, no row was restored');
