import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

// A server of its own on a fresh PostgreSQL database, for a spec that must reach the server's
// database (e.g. to inject a fault): the one e2e/run.mjs starts runs on in-process PGlite.

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const serverEntry = path.join(repoRoot, 'apps/server/dist/main.js');
const adminCli = path.join(repoRoot, 'apps/server/dist/cli/admin-create.js');
const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres' };

export interface PostgresServer {
  baseURL: string;
  admin: { email: string; password: string };
  /** A client on the server's database, for the spec's own statements. */
  database: pg.Client;
  stop(): Promise<void>;
}

/** Why PostgreSQL cannot be used here, or null when it answers. */
export async function postgresUnavailable(): Promise<string | null> {
  const client = new pg.Client({ ...POSTGRES, database: 'postgres', connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    return null;
  } catch (error) {
    return `PostgreSQL at ${POSTGRES.host}:${POSTGRES.port} is not reachable (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function onPostgres(statement: string): Promise<void> {
  const client = new pg.Client({ ...POSTGRES, database: 'postgres' });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function waitUntilReady(baseURL: string, exited: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited()) throw new Error('the server exited before it was ready');
    try {
      if ((await fetch(`${baseURL}/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the server was not ready within ${timeoutMs / 1000} s`);
}

/**
 * Creates a database and a DATA_DIR, an administrator with the admin CLI, and starts
 * `node apps/server/dist/main.js` on them. `stop()` undoes all of it, whatever state it was left in.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const databaseName = `commpro_e2e_replay_${randomBytes(6).toString('hex')}`;
  const databaseUrl = `postgres://${POSTGRES.user}@${POSTGRES.host}:${POSTGRES.port}/${databaseName}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'commpro-e2e-pg-'));
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const admin = { email: 'e2e-replay-admin@example.com', password: `${randomBytes(18).toString('base64url')}-Aa1` };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    PUBLIC_URL: baseURL,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_MAX: '1000',
    EMAIL_SEND_LIMIT_PER_HOUR: '1000',
    JOBS_POLL_MS: '500',
  };
  // In-process state: this server is alone on its database.
  delete env.REDIS_URL;

  let server: ChildProcess | undefined;
  let exited = false;
  let exit: Promise<void> = Promise.resolve();
  let database: pg.Client | undefined;
  let databaseCreated = false;

  const stop = async () => {
    await database?.end().catch(() => undefined);
    if (server && !exited) {
      server.kill('SIGTERM');
      const timer = setTimeout(() => server?.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    }
    if (databaseCreated) await onPostgres(`drop database if exists ${databaseName} with (force)`);
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await onPostgres(`create database ${databaseName}`);
    databaseCreated = true;
    // `--password=…` in one piece: a generated password may start with "-", which would read as an option.
    const created = spawnSync(process.execPath, [adminCli, `--email=${admin.email}`, `--password=${admin.password}`], {
      cwd: repoRoot,
      env,
      encoding: 'utf8',
    });
    if (created.status !== 0) throw new Error(`the admin CLI failed (${created.status}): ${created.stderr}`);

    server = spawn(process.execPath, [serverEntry], { cwd: repoRoot, env, stdio: ['ignore', 'inherit', 'inherit'] });
    const child = server;
    exit = new Promise((resolve) =>
      child.on('exit', () => {
        exited = true;
        resolve();
      }),
    );
    await waitUntilReady(baseURL, () => exited, 45_000);

    database = new pg.Client({ connectionString: databaseUrl });
    await database.connect();
    return { baseURL, admin, database, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
