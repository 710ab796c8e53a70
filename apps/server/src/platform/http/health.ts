import { HealthResponse } from '@commpro/contracts';
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

/** The seed's health check: 200 when every configured dependency answers, 503 otherwise. */
export function registerHealth(app: FastifyInstance, probes: HealthProbes): void {
  app.withTypeProvider<ZodTypeProvider>().get(
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
}
