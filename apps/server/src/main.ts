import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config/env.js';
import { openDatabase } from './platform/db/client.js';
import { openRedis } from './platform/redis.js';
import { resolveSecrets } from './platform/secrets.js';

const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await database.migrate();
  const redis = config.redisUrl ? openRedis(config.redisUrl) : undefined;
  const app = await buildApp(config, { database, redis, secrets: resolveSecrets(config), runJobWorker: true });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      app.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    await app.close();
    redis?.disconnect();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ host: config.host, port: config.port });
  app.log.info(
    {
      database: database.driver,
      redis: redis ? 'on' : 'off',
      carrier: config.carrier.kind,
      billing: config.billing.kind,
    },
    `CommPro ready on ${config.publicUrl}`,
  );
}

main().catch((error: unknown) => {
  console.error('CommPro failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
