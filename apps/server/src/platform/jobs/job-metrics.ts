import { sql } from 'drizzle-orm';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Database } from '../db/client.js';
import type { JobRow } from './job-queue.js';
import { jobs } from './jobs.table.js';

/**
 * Queue depth read from the jobs table at each scrape (so every node reports
 * the shared queue, not its own share), and failures counted as this node's
 * worker records them. Answers the hook the queue calls on each failed attempt.
 */
export function registerJobMetrics(
  registry: Registry,
  deps: { db: Database; clock: () => Date },
): { onFailure(job: JobRow, exhausted: boolean): void } {
  new Gauge({
    name: 'commpro_job_queue_depth',
    help: 'Jobs not done by kind and state: due (waiting for a worker), running (leased), scheduled (later or retrying)',
    labelNames: ['name', 'state'] as const,
    registers: [registry],
    async collect() {
      const now = sql`${deps.clock().toISOString()}::timestamptz`;
      const rows = await deps.db
        .select({
          name: jobs.kind,
          state: sql<string>`case when ${jobs.lockedUntil} > ${now} then 'running' when ${jobs.runAt} <= ${now} then 'due' else 'scheduled' end`,
          count: sql<number>`count(*)::int`,
        })
        .from(jobs)
        .where(sql`${jobs.doneAt} is null and ${jobs.failedAt} is null`)
        .groupBy(sql`1`, sql`2`);
      // A kind whose jobs all finished must drop to nothing, not keep its last value.
      this.reset();
      for (const row of rows) this.set({ name: row.name, state: row.state }, row.count);
    },
  });
  const failures = new Counter({
    name: 'commpro_job_failures_total',
    help: 'Failed job attempts by kind; final="true" when the job ran out of attempts and was given up',
    labelNames: ['name', 'final'] as const,
    registers: [registry],
  });
  return {
    onFailure(job, exhausted) {
      failures.inc({ name: job.kind, final: String(exhausted) });
    },
  };
}
