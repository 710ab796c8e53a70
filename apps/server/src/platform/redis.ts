import { Redis } from 'ioredis';

/**
 * Commands give up after one retry while Redis is unreachable, so an outage
 * shows up in /health and in errors instead of hung requests.
 */
export function openRedis(url: string): Redis {
  const client = new Redis(url, {
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  // Connection errors are reported through ping() and command failures; without a
  // listener ioredis would print each reconnect attempt as an unhandled error.
  client.on('error', () => undefined);
  return client;
}
