import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/env.js';
import { openRedis } from '../../src/platform/redis.js';
import { createRecordingMailer } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

export interface Cluster {
  nodes: FastifyInstance[];
  database: TestDatabase;
  close(): Promise<void>;
}

/**
 * Several API nodes as production runs them behind a load balancer: one
 * database, the same JWT secret and encryption keys, and a Redis connection
 * of their own each.
 */
export async function createCluster(
  size: number,
  redisUrl: string,
  env: Record<string, string> = {},
): Promise<Cluster> {
  const database = await createTestDatabase();
  const secrets = {
    jwtSecret: randomBytes(32).toString('hex'),
    encryptionKeys: `c1:${randomBytes(32).toString('base64')}`,
  };
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'http://commpro.test',
    RATE_LIMIT_MAX: '10000',
    EMAIL_SEND_LIMIT_PER_HOUR: '10000',
    ...env,
  });
  const clients: Redis[] = [];
  const nodes: FastifyInstance[] = [];
  for (let i = 0; i < size; i++) {
    const redis = openRedis(redisUrl);
    clients.push(redis);
    const app = await buildApp(config, { database: database.handle, redis, secrets, mailer: createRecordingMailer() });
    await app.ready();
    nodes.push(app);
  }
  return {
    nodes,
    database,
    async close() {
      for (const node of nodes) await node.close();
      await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
      await database.drop();
    },
  };
}
