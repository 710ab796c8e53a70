import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/env.js';
import { type DatabaseHandle, openDatabase } from '../../src/platform/db/client.js';
import { resolveSecrets } from '../../src/platform/secrets.js';
import { createRecordingMailer, STRONG_PASSWORD, uniqueEmail } from '../helpers/test-app.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'commpro-pglite-smoke-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** What main.ts does with no DATABASE_URL: PGlite under DATA_DIR, migrated, secrets from DATA_DIR. */
async function start(): Promise<{ app: FastifyInstance; database: DatabaseHandle; stop(): Promise<void> }> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    PUBLIC_URL: 'http://commpro.test',
  });
  const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  expect(database.driver).toBe('pglite');
  await database.migrate();
  const app = await buildApp(config, { database, secrets: resolveSecrets(config), mailer: createRecordingMailer() });
  await app.ready();
  return {
    app,
    database,
    async stop() {
      await app.close();
      await database.close();
    },
  };
}

async function appliedMigrations(database: DatabaseHandle): Promise<number> {
  const result = await database.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return (result as unknown as { rows: { n: number }[] }).rows[0]!.n;
}

describe('embedded PGlite (no DATABASE_URL)', () => {
  const email = uniqueEmail('pglite');
  let firstTokens: { accessToken: string; refreshToken: string };
  let migrationsAfterFirstStart: number;

  it('migrates a fresh DATA_DIR and serves register, login and /me', async () => {
    const node = await start();
    try {
      migrationsAfterFirstStart = await appliedMigrations(node.database);
      expect(migrationsAfterFirstStart).toBeGreaterThan(0);

      const reg = await node.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email, password: STRONG_PASSWORD },
      });
      expect(reg.statusCode).toBe(201);
      const login = await node.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email, password: STRONG_PASSWORD },
      });
      expect(login.statusCode).toBe(200);
      firstTokens = login.json();
      const me = await node.app.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: { authorization: `Bearer ${firstTokens.accessToken}` },
      });
      expect(me.statusCode).toBe(200);
      expect(me.json().email).toBe(email);
      const health = await node.app.inject({ method: 'GET', url: '/health' });
      expect(health.json().services.database).toBe('OK');
    } finally {
      await node.stop();
    }
  });

  it('keeps users, sessions and keys when restarted on the same DATA_DIR; migrating again changes nothing', async () => {
    const node = await start();
    try {
      expect(await appliedMigrations(node.database)).toBe(migrationsAfterFirstStart);

      const login = await node.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email, password: STRONG_PASSWORD },
      });
      expect(login.statusCode).toBe(200);
      expect(login.json().user.email).toBe(email);
      // The JWT secret lives in DATA_DIR too, so a token issued before the restart is still good...
      const me = await node.app.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: { authorization: `Bearer ${firstTokens.accessToken}` },
      });
      expect(me.statusCode).toBe(200);
      // ...and so is the session it belongs to.
      const refresh = await node.app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        payload: { refreshToken: firstTokens.refreshToken },
      });
      expect(refresh.statusCode).toBe(200);

      const again = await node.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email, password: STRONG_PASSWORD },
      });
      expect(again.statusCode).toBe(409);
    } finally {
      await node.stop();
    }
  });
});
