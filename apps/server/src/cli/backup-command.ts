import { ConfigError } from '../config/env.js';
import { BackupError } from '../platform/db/backup.js';

/** Paths given are relative to where the operator typed the command (npm runs scripts from the root). */
export const callerDir = process.env.INIT_CWD ?? process.cwd();

/**
 * Runs db:backup or db:restore and exits with its code. An error the operator can act on prints its
 * message alone; any other is a driver error, which names the failure (never the connection string),
 * so only its message follows `failure`: its detail may quote row data.
 */
export function runBackupCommand(main: () => Promise<number>, failure: string): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(
        error instanceof BackupError || error instanceof ConfigError || error instanceof TypeError
          ? error.message
          : `${failure}: ${error instanceof Error ? error.message : String(error)}`,
      );
      process.exit(1);
    },
  );
}
