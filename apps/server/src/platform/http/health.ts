import { HealthResponse, LivenessResponse, ReadinessResponse } from '@commpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

type Status = 'OK' | 'ERROR' | 'DISABLED';
/** Resolves when the dependency answers; `undefined` means it is not configured. */
export type Probe = (() => Promise<void>) | undefined;

export interface HealthProbes {
  database: Probe;
  redis: Probe;
  carrier: Probe;
}

const PROBE_TIMEOUT_MS = 2000;

async function run(probe: Probe): Promise<Status> {
  if (!probe) return 'DISABLED';
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe(), timeout]);
    return 'OK';
  } catch {
    return 'ERROR';
  } finally {
    clearTimeout(timer);
  }
}

export type DependencyHealth = Record<keyof HealthProbes, Status>;

/** Asks every dependency at once; each answers within the probe timeout or counts as ERROR. */
export async function checkDependencies(probes: HealthProbes): Promise<DependencyHealth> {
  const [database, redis, carrier] = await Promise.all([run(probes.database), run(probes.redis), run(probes.carrier)]);
  return { database, redis, carrier };
}

/**
 * The seed's health check (/health: 200 when every configured dependency
 * answers, 503 otherwise) and the split an orchestrator wants:
 * /health/live says the process serves requests (restart it when not), and
 * /health/ready whether it should get traffic. Once shutdown starts Fastify
 * answers 503 to every request, readiness included, so the load balancer drains
 * this node while in-flight requests finish.
 */
export function registerHealth(app: FastifyInstance, probes: HealthProbes): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.get(
    '/health',
    {
      schema: {
        tags: ['platform'],
        summary: 'Health of the API and its dependencies',
        response: { 200: HealthResponse, 503: HealthResponse },
      },
      config: { rateLimit: false },
    },
    async (_request, reply) => {
      const services = await checkDependencies(probes);
      const degraded = Object.values(services).includes('ERROR');
      return reply.status(degraded ? 503 : 200).send({
        status: degraded ? 'DEGRADED' : 'OK',
        uptime: process.uptime(),
        timestamp: Date.now(),
        services,
      });
    },
  );

  routes.get(
    '/health/live',
    {
      schema: {
        tags: ['platform'],
        summary: 'Liveness: the process serves requests (no dependency is asked)',
        response: { 200: LivenessResponse },
      },
      config: { rateLimit: false },
    },
    async () => ({ status: 'OK' as const, uptime: process.uptime() }),
  );

  routes.get(
    '/health/ready',
    {
      schema: {
        tags: ['platform'],
        summary: 'Readiness: the database and Redis (when configured) answer',
        response: { 200: ReadinessResponse, 503: ReadinessResponse },
      },
      config: { rateLimit: false },
    },
    async (_request, reply) => {
      // The carrier is left out on purpose: an outage at the carrier hits every
      // node alike, and taking them all out of the load balancer would turn it
      // into a full outage (no login, no history, no contacts). /health reports it.
      const { database, redis } = await checkDependencies({ ...probes, carrier: undefined });
      const ready = database !== 'ERROR' && redis !== 'ERROR';
      return reply
        .status(ready ? 200 : 503)
        .send({ status: ready ? 'READY' : 'NOT_READY', services: { database, redis } });
    },
  );
}
