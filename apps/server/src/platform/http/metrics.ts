import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { safeEqual } from '../crypto.js';
import { AppError } from '../errors.js';
import { bearerToken } from './authenticate.js';

/**
 * Request counts and latency by route pattern (never the raw URL, which carries
 * ids). Answers the registry, where modules add their own metrics.
 */
export function registerMetrics(app: FastifyInstance, options: { token: string | undefined }): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status_code'] as const;
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  app.addHook('onResponse', async (request, reply) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status_code: String(reply.statusCode),
    };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
  });

  app.get('/metrics', { schema: { hide: true }, config: { rateLimit: false } }, async (request, reply) => {
    if (options.token) {
      const given = bearerToken(request.headers.authorization) ?? '';
      if (!safeEqual(given, options.token)) throw new AppError('UNAUTHORIZED', 'Metrics token required');
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  return registry;
}
