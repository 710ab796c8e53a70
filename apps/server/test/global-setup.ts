import net from 'node:net';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { openDatabase } from '../src/platform/db/client.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PostgreSQL server URL (no database) when one answers; undefined → tests run on PGlite. */
    postgresUrl: string | undefined;
    templateDatabase: string;
    redisUrl: string | undefined;
    services: string;
  }
}

const TEMPLATE = `commpro_test_template_${process.pid}`;

function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) || 5432, timeout: 1000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Finds the real PostgreSQL and Redis (TEST_DATABASE_URL / TEST_REDIS_URL, else
 * 127.0.0.1), migrates a template database once, and hands both to the test
 * files. Under CI=true a missing service fails the run instead of skipping.
 */
export default async function setup(project: TestProject) {
  const strict = process.env.CI === 'true';
  const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const hasPg = await reachable(pgUrl);
  const hasRedis = await reachable(redisUrl.replace(/^redis/, 'http'));
  if (strict && (!hasPg || !hasRedis)) {
    throw new Error(`CI=true needs PostgreSQL (${hasPg ? 'up' : 'down'}) and Redis (${hasRedis ? 'up' : 'down'})`);
  }

  const services = `PostgreSQL: ${hasPg ? 'real server' : 'not reachable, using PGlite'}; Redis: ${hasRedis ? 'real server' : 'not reachable, Redis tests skipped'}`;
  console.log(`[test setup] ${services}`);
  project.provide('postgresUrl', hasPg ? pgUrl : undefined);
  project.provide('templateDatabase', TEMPLATE);
  project.provide('redisUrl', hasRedis ? redisUrl : undefined);
  project.provide('services', services);
  if (!hasPg) return;

  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE}`);
  await admin.query(`CREATE DATABASE ${TEMPLATE}`);
  const template = openDatabase({ databaseUrl: withDatabase(pgUrl, TEMPLATE), dataDir: '', poolSize: 1 });
  await template.migrate();
  await template.close();

  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE} WITH (FORCE)`);
    await admin.end();
  };
}
