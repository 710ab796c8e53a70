import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Email, NewPassword } from '@commpro/contracts';
import { ConfigError, loadConfig } from '../config/env.js';
import { createAuthRepository } from '../modules/auth/auth.repository.js';
import { hashPassword, passwordWeakness } from '../modules/auth/password.js';
import { openDatabase } from '../platform/db/client.js';

const USAGE = 'usage: npm run admin:create -- --email <email> [--password <password>]';

/**
 * Creates the first administrator, or promotes an existing account. Without
 * --password a strong one is generated and printed once.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, password: { type: 'string' } },
    strict: true,
  });
  const email = Email.safeParse(values.email ?? '');
  if (!email.success) {
    console.error(`A valid --email is required. ${USAGE}`);
    return 2;
  }
  const generated = values.password === undefined;
  const password = values.password ?? randomBytes(18).toString('base64url');
  const lengthCheck = NewPassword.safeParse(password);
  const weakness = lengthCheck.success
    ? passwordWeakness(password, { email: email.data })?.message
    : lengthCheck.error.issues[0]?.message;
  if (weakness) {
    console.error(`Password refused: ${weakness}`);
    return 2;
  }

  const config = loadConfig();
  const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
  try {
    await database.migrate();
    const repo = createAuthRepository(database.db);
    const existing = await repo.findUserByEmail(email.data);
    if (existing) {
      await repo.updateUser(existing.id, { role: 'ADMIN' });
      console.log(`${email.data} already had an account; it is now an administrator (password unchanged).`);
      return 0;
    }
    await repo.insertUser({
      email: email.data,
      passwordHash: await hashPassword(password),
      role: 'ADMIN',
      emailVerified: true,
    });
    console.log(`Administrator ${email.data} created.`);
    if (generated) console.log(`Password (shown once, change it after logging in): ${password}`);
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
