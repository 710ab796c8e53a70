import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { jobs } from './jobs.table.js';

export type JobRow = typeof jobs.$inferSelect;
export type JobHandler = (payload: Record<string, unknown>, job: JobRow) => Promise<void>;

export interface EnqueueOptions {
  runAt?: Date;
  /** While a job with this key is not done, enqueueing it again does nothing. */
  dedupeKey?: string;
  maxAttempts?: number;
}

export interface JobQueue {
  /** Pass the caller's transaction to enqueue with the change the job belongs to, or not at all. */
  enqueue(kind: string, payload: Record<string, unknown>, options?: EnqueueOptions, tx?: Database): Promise<void>;
  /** Claims due jobs and runs them; returns how many ran. The worker calls it on a timer, tests directly. */
  runDue(limit?: number): Promise<number>;
  /**
   * Tells this process's worker a job is due now, so a user's action does not
   * wait for the next poll. Call it after the enqueueing transaction commits.
   */
  wake(): void;
  /** The worker listens here; one listener per process. */
  onWake(listener: () => void): void;
}

const LEASE_MS = 5 * 60_000;
const MAX_BACKOFF_MS = 3600_000;

/** Retries back off exponentially from 30 s up to an hour. */
export const retryDelayMs = (attempts: number): number => Math.min(30_000 * 2 ** (attempts - 1), MAX_BACKOFF_MS);

/**
 * A durable queue in PostgreSQL. A job is claimed under a lease with
 * FOR UPDATE SKIP LOCKED, so several workers never run the same job at once
 * and a worker that dies mid-job only delays it until the lease ends.
 */
export function createJobQueue(deps: {
  db: Database;
  handlers: Readonly<Record<string, JobHandler>>;
  clock: () => Date;
  log: { error(obj: object, msg: string): void };
  /** Told of every failed attempt (the metrics count them); `exhausted` when it was the last. */
  onFailure?: (job: JobRow, exhausted: boolean) => void;
}): JobQueue {
  const { db, handlers, clock } = deps;
  let wakeListener: (() => void) | undefined;

  async function claim(limit: number): Promise<JobRow[]> {
    const now = clock();
    return db.transaction(async (tx) => {
      const due = await tx
        .select({ id: jobs.id })
        .from(jobs)
        .where(
          and(
            isNull(jobs.doneAt),
            isNull(jobs.failedAt),
            lte(jobs.runAt, now),
            or(isNull(jobs.lockedUntil), lte(jobs.lockedUntil, now)),
          ),
        )
        .orderBy(asc(jobs.runAt))
        .limit(limit)
        .for('update', { skipLocked: true });
      if (!due.length) return [];
      return tx
        .update(jobs)
        .set({ lockedUntil: new Date(now.getTime() + LEASE_MS), attempts: sql`${jobs.attempts} + 1` })
        .where(
          inArray(
            jobs.id,
            due.map((d) => d.id),
          ),
        )
        .returning();
    });
  }

  async function settle(job: JobRow, error: unknown): Promise<void> {
    const now = clock();
    if (error === undefined) {
      await db.update(jobs).set({ doneAt: now, lockedUntil: null, lastError: null }).where(eq(jobs.id, job.id));
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    deps.log.error({ err: error, jobId: job.id, kind: job.kind, attempts: job.attempts }, 'job failed');
    const exhausted = job.attempts >= job.maxAttempts;
    deps.onFailure?.(job, exhausted);
    await db
      .update(jobs)
      .set({
        lockedUntil: null,
        lastError: message.slice(0, 2000),
        ...(exhausted ? { failedAt: now } : { runAt: new Date(now.getTime() + retryDelayMs(job.attempts)) }),
      })
      .where(eq(jobs.id, job.id));
  }

  return {
    async enqueue(kind, payload, options = {}, tx = db) {
      await tx
        .insert(jobs)
        .values({
          kind,
          payload,
          runAt: options.runAt ?? clock(),
          dedupeKey: options.dedupeKey ?? null,
          maxAttempts: options.maxAttempts ?? 10,
        })
        .onConflictDoNothing({ target: jobs.dedupeKey });
    },

    wake() {
      wakeListener?.();
    },

    onWake(listener) {
      wakeListener = listener;
    },

    async runDue(limit = 10) {
      const claimed = await claim(limit);
      for (const job of claimed) {
        const handler = handlers[job.kind];
        try {
          if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
          await handler(job.payload, job);
          await settle(job, undefined);
        } catch (error) {
          await settle(job, error ?? new Error('job failed'));
        }
      }
      return claimed.length;
    },
  };
}

/** Polls the queue until stopped; errors of the poll itself are logged, never thrown. */
export function startJobWorker(
  queue: JobQueue,
  options: { intervalMs: number; log: { error(obj: object, msg: string): void } },
): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  let busy = false;
  let wokenWhileBusy = false;
  const tick = () => {
    clearTimeout(timer);
    busy = true;
    wokenWhileBusy = false;
    running = (async () => {
      try {
        // Drain what is due, then wait for the next tick.
        while (!stopped && (await queue.runDue()) > 0);
      } catch (err) {
        options.log.error({ err }, 'job worker poll failed');
      }
      busy = false;
      if (stopped) return;
      // A wake during the drain may concern a job committed after its last look.
      if (wokenWhileBusy) tick();
      else timer = setTimeout(tick, options.intervalMs);
    })();
  };
  timer = setTimeout(tick, options.intervalMs);
  queue.onWake(() => {
    if (stopped) return;
    if (busy) wokenWhileBusy = true;
    else tick();
  });

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
