import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/env.js';
import { users } from '../../src/modules/auth/auth.table.js';
import { restoreBackup, tablesInDependencyOrder, writeBackup } from '../../src/platform/db/backup.js';
import { type Database, type DatabaseHandle, openDatabase } from '../../src/platform/db/client.js';
import { jobs } from '../../src/platform/jobs/jobs.table.js';
import { call, loginUser, registerUser } from '../helpers/auth-flows.js';
import { invoiceRowsOf, subscribe } from '../helpers/billing-flows.js';
import { send, settle } from '../helpers/messaging-flows.js';
import { buyNumber } from '../helpers/numbers-flows.js';
import { createTestApp } from '../helpers/test-app.js';
import { createTestDatabase } from '../helpers/test-database.js';

const workDir = mkdtempSync(path.join(os.tmpdir(), 'commpro-backup-test-'));
const cleanups: (() => Promise<unknown> | void)[] = [() => rmSync(workDir, { recursive: true, force: true })];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Every row of every table, as PostgreSQL prints it, in a stable order. */
async function snapshot(db: Database): Promise<Record<string, string[]>> {
  const tables: Record<string, string[]> = {};
  for (const table of tablesInDependencyOrder()) {
    const result = (await db.execute(
      sql`select row_to_json(t)::text as row from ${sql.identifier(table)} t order by 1`,
    )) as unknown as { rows: { row: string }[] };
    tables[table] = result.rows.map((r) => r.row);
  }
  return tables;
}

function rewriteHeader(file: string, change: (header: Record<string, unknown>) => void): string {
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
  const header = JSON.parse(lines[0]!) as Record<string, unknown>;
  change(header);
  lines[0] = JSON.stringify(header);
  const changed = path.join(workDir, `changed-${randomBytes(4).toString('hex')}.ndjson.gz`);
  writeFileSync(changed, gzipSync(lines.join('\n')));
  return changed;
}

describe('db backup and restore (the database the tests run on: PostgreSQL when it answers)', () => {
  it('round-trips users, numbers, messages and invoices; encrypted bodies read the same with the same secrets', async () => {
    const secrets = {
      jwtSecret: randomBytes(32).toString('hex'),
      encryptionKeys: `t1:${randomBytes(32).toString('base64')}`,
    };
    const source = await createTestApp({ env: { SANDBOX_STEP_DELAY_MS: '0' }, secrets, realClock: true });
    cleanups.push(() => source.close());
    const user = await registerUser(source);
    await subscribe(source, user.accessToken, 'STARTER');
    const line = await buyNumber(source, user.accessToken);
    const body = `Rendez-vous demain à 9 h ${randomBytes(3).toString('hex')}`;
    await send(source, user.accessToken, { from: line.phoneNumber, to: '+33612345678', body });
    await settle(source);
    expect((await invoiceRowsOf(source, user.id)).length).toBeGreaterThan(0);
    const before = await snapshot(source.database.handle.db);
    expect(before.users!.length).toBeGreaterThan(0);
    expect(before.phone_numbers!.length).toBeGreaterThan(0);
    expect(before.messages!.length).toBeGreaterThan(0);
    // Bodies are sealed at rest: the backup carries ciphertext only.
    expect(before.messages!.join('\n')).not.toContain(body);

    const file = path.join(workDir, 'round-trip.ndjson.gz');
    const header = await writeBackup(source.database.handle, file);
    expect(header.tables.users).toBe(before.users!.length);
    expect(gunzipSync(readFileSync(file)).toString('utf8')).not.toContain(body);

    const target = await createTestDatabase();
    cleanups.push(() => target.drop());
    await restoreBackup(target.handle, file, { force: false });
    expect(await snapshot(target.handle.db)).toEqual(before);

    // A server on the restored database, with the same secrets, reads the message back.
    const dataDir = mkdtempSync(path.join(workDir, 'data-'));
    const restored = await buildApp(
      loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, PUBLIC_URL: 'http://commpro.test' }),
      { database: target.handle, secrets },
    );
    cleanups.push(() => restored.close());
    await restored.ready();
    const t = { app: restored } as Parameters<typeof loginUser>[0];
    const session = await loginUser(t, user);
    const res = await call(t, 'GET', `/api/messages/conversation/${encodeURIComponent('+33612345678')}`, {
      token: session.accessToken,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().messages.map((m: { body: string }) => m.body)).toEqual([body]);
  });

  it('refuses a database that holds data unless forced, and replaces it whole when forced', async () => {
    const source = await createTestDatabase();
    cleanups.push(() => source.drop());
    await source.handle.db.insert(users).values({ email: 'kept@example.com', passwordHash: 'x' });
    const file = path.join(workDir, 'force.ndjson.gz');
    await writeBackup(source.handle, file);

    const target = await createTestDatabase();
    cleanups.push(() => target.drop());
    await target.handle.db.insert(users).values({ email: 'overwritten@example.com', passwordHash: 'y' });
    await expect(restoreBackup(target.handle, file, { force: false })).rejects.toThrow(/already holds data \(users\)/);
    expect((await snapshot(target.handle.db)).users!.join()).toContain('overwritten@example.com');

    await restoreBackup(target.handle, file, { force: true });
    expect(await snapshot(target.handle.db)).toEqual(await snapshot(source.handle.db));
  });

  it('refuses a backup from a newer migration level, and a file that is not a backup, changing nothing', async () => {
    const source = await createTestDatabase();
    cleanups.push(() => source.drop());
    await source.handle.db.insert(users).values({ email: 'future@example.com', passwordHash: 'x' });
    const file = path.join(workDir, 'newer.ndjson.gz');
    const header = await writeBackup(source.handle, file);
    const newer = rewriteHeader(file, (h) => (h.migrations = header.migrations + 1));
    const target = await createTestDatabase();
    cleanups.push(() => target.drop());
    await expect(restoreBackup(target.handle, newer, { force: false })).rejects.toThrow(/newer version/);

    const notBackup = path.join(workDir, 'not-a-backup.gz');
    writeFileSync(notBackup, gzipSync('{"hello":"world"}\n'));
    await expect(restoreBackup(target.handle, notBackup, { force: false })).rejects.toThrow(/Not a CommPro backup/);
    expect((await snapshot(target.handle.db)).users).toEqual([]);
  });

  it('leaves no file behind when the backup fails', async () => {
    const gone = await createTestDatabase();
    await gone.drop();
    const file = path.join(workDir, 'failed.ndjson.gz');
    await expect(writeBackup(gone.handle, file)).rejects.toThrow();
    expect(existsSync(file)).toBe(false);
  });

  it('restores nothing when the file is cut short', async () => {
    const source = await createTestDatabase();
    cleanups.push(() => source.drop());
    await source.handle.db
      .insert(users)
      .values([1, 2, 3].map((i) => ({ email: `cut-${i}@example.com`, passwordHash: 'x' })));
    const file = path.join(workDir, 'cut.ndjson.gz');
    await writeBackup(source.handle, file);
    const lines = gunzipSync(readFileSync(file)).toString('utf8').trimEnd().split('\n');
    const usersAt = lines.findIndex((l) => l.startsWith('{"table":"users"'));
    const cut = path.join(workDir, 'cut-short.ndjson.gz');
    writeFileSync(cut, gzipSync(lines.slice(0, usersAt + 2).join('\n')));
    const target = await createTestDatabase();
    cleanups.push(() => target.drop());
    await expect(restoreBackup(target.handle, cut, { force: false })).rejects.toThrow(/truncated/);
    expect((await snapshot(target.handle.db)).users).toEqual([]);
  });
});

describe('db backup and restore on embedded PGlite', () => {
  async function pglite(): Promise<DatabaseHandle> {
    const dir = mkdtempSync(path.join(workDir, 'pglite-'));
    const handle = openDatabase({ databaseUrl: undefined, dataDir: dir });
    cleanups.push(() => handle.close());
    await handle.migrate();
    return handle;
  }

  it('round-trips every row from one PGlite data directory to a fresh one', async () => {
    const source = await pglite();
    const [user] = await source.db
      .insert(users)
      .values({ email: 'pglite@example.com', passwordHash: 'hash', role: 'ADMIN' })
      .returning({ id: users.id });
    await source.db.insert(jobs).values({ kind: 'backup.test', payload: { userId: user!.id, nested: { n: 1.5 } } });
    const before = await snapshot(source.db);
    expect(before.users).toHaveLength(1);
    expect(before.jobs).toHaveLength(1);

    const file = path.join(workDir, 'pglite.ndjson.gz');
    const header = await writeBackup(source, file);
    expect(header.driver).toBe('pglite');

    const target = await pglite();
    await restoreBackup(target, file, { force: false });
    expect(await snapshot(target.db)).toEqual(before);
    // Two embedded databases migrated from scratch: slow on a loaded machine.
  }, 120_000);
});
