import type { FastifyInstance, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { safeEqual } from '../crypto.js';
import { AppError } from '../errors.js';
import { bearerToken } from './authenticate.js';

const webhookRequests = new WeakMap<FastifyRequest, { source: string; type: string }>();

/** The signed webhook handler names its request: the request's duration then goes into the webhook latency. */
export function markWebhookRequest(request: FastifyRequest, source: string, type: string): void {
  webhookRequests.set(request, { source, type });
}

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

  const webhookDuration = new Histogram({
    name: 'commpro_webhook_duration_seconds',
    help: 'Time to answer a signed carrier webhook (forged ones included), by source and event type',
    labelNames: ['source', 'type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
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
    const webhook = webhookRequests.get(request);
    if (webhook) webhookDuration.observe(webhook, reply.elapsedTime / 1000);
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
