import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/env.js';
import type { Email, Mailer } from '../../src/platform/email/mailer.js';
import type { Carrier } from '../../src/providers/carrier/carrier.port.js';
import type { PushSender } from '../../src/providers/push/push.port.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** Keeps what the app sent, so tests can follow the links a user would get by email. */
export interface RecordingMailer extends Mailer {
  sent: Email[];
  lastLinkTo(email: string): string | undefined;
}

export function createRecordingMailer(): RecordingMailer {
  const sent: Email[] = [];
  return {
    kind: 'outbox',
    sent,
    async send(email) {
      sent.push(email);
    },
    lastLinkTo: (to) => sent.filter((e) => e.to === to && e.link).at(-1)?.link,
  };
}

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  mailer: RecordingMailer;
  clock: { now: Date; advance(ms: number): void };
  close(): Promise<void>;
}

/**
 * buildApp on a database of its own, with a controllable clock and a recording
 * mailer. `env` overrides configuration as the environment would; `secrets`
 * fixes the app's secrets (random otherwise), so a test can sign what a
 * provider signs with a key derived from them.
 */
export async function createTestApp(
  options: {
    env?: Record<string, string>;
    redis?: Redis;
    realClock?: boolean;
    carrier?: Carrier;
    push?: PushSender;
    secrets?: { jwtSecret?: string; encryptionKeys?: string };
  } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const mailer = createRecordingMailer();
  const clock = {
    now: new Date(),
    advance(ms: number) {
      this.now = new Date(this.now.getTime() + ms);
    },
  };
  // Uploaded files go to a directory of this app's own, never into the repository.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'commpro-test-data-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    PUBLIC_URL: 'http://commpro.test',
    RATE_LIMIT_MAX: '10000',
    EMAIL_SEND_LIMIT_PER_HOUR: '10000',
    ...options.env,
  });
  // An app that refuses to start must not leave its database behind.
  const app = await buildApp(config, {
    database: database.handle,
    redis: options.redis,
    secrets: {
      jwtSecret: options.secrets?.jwtSecret ?? randomBytes(32).toString('hex'),
      encryptionKeys: options.secrets?.encryptionKeys ?? `t1:${randomBytes(32).toString('base64')}`,
    },
    mailer,
    carrier: options.carrier,
    push: options.push,
    clock: options.realClock ? undefined : () => clock.now,
  }).catch(async (error: unknown) => {
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  await app.ready();
  return {
    app,
    database,
    mailer,
    clock,
    async close() {
      await app.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}-${counter}-${randomBytes(4).toString('hex')}@example.com`;
}

export const STRONG_PASSWORD = 'Correct-Horse-Battery-42';
