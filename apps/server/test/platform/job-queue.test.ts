import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobQueue, type JobHandler, retryDelayMs, startJobWorker } from '../../src/platform/jobs/job-queue.js';
import { jobs } from '../../src/platform/jobs/jobs.table.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

const silent = { error: () => undefined };

function queueWith(handlers: Record<string, JobHandler>, clock: { now: Date }) {
  return createJobQueue({ db: database.handle.db, handlers, clock: () => clock.now, log: silent });
}

async function jobRow(kind: string) {
  const [row] = await database.handle.db.select().from(jobs).where(eq(jobs.kind, kind));
  return row!;
}

describe('durable job queue', () => {
  it('runs a due job once, and not a job due later', async () => {
    const clock = { now: new Date('2026-11-01T10:00:00Z') };
    const ran: string[] = [];
    const queue = queueWith({ 'test.once': async (p) => void ran.push(String(p.n)) }, clock);
    await queue.enqueue('test.once', { n: 1 });
    await queue.enqueue('test.once', { n: 2 }, { runAt: new Date('2026-11-01T11:00:00Z') });
    expect(await queue.runDue()).toBe(1);
    expect(await queue.runDue()).toBe(0);
    expect(ran).toEqual(['1']);
    clock.now = new Date('2026-11-01T11:00:00Z');
    expect(await queue.runDue()).toBe(1);
    expect(ran).toEqual(['1', '2']);
  });

  it('ignores a second enqueue with the same dedupe key', async () => {
    const clock = { now: new Date('2026-11-02T10:00:00Z') };
    let runs = 0;
    const queue = queueWith({ 'test.dedupe': async () => void runs++ }, clock);
    await queue.enqueue('test.dedupe', {}, { dedupeKey: 'same' });
    await queue.enqueue('test.dedupe', {}, { dedupeKey: 'same' });
    await queue.runDue();
    expect(runs).toBe(1);
  });

  it('retries a failing job with growing backoff, then gives up and keeps the error', async () => {
    const clock = { now: new Date('2026-11-03T10:00:00Z') };
    const queue = queueWith(
      {
        'test.fails': async () => {
          throw new Error('carrier down');
        },
      },
      clock,
    );
    await queue.enqueue('test.fails', {}, { maxAttempts: 3 });
    await queue.runDue();
    let row = await jobRow('test.fails');
    expect(row.attempts).toBe(1);
    expect(row.lastError).toBe('carrier down');
    expect(row.runAt.getTime() - clock.now.getTime()).toBe(retryDelayMs(1));
    expect(await queue.runDue()).toBe(0);

    clock.now = new Date(row.runAt.getTime());
    await queue.runDue();
    row = await jobRow('test.fails');
    expect(row.runAt.getTime() - clock.now.getTime()).toBe(retryDelayMs(2));
    expect(retryDelayMs(2)).toBeGreaterThan(retryDelayMs(1));

    clock.now = new Date(row.runAt.getTime());
    await queue.runDue();
    row = await jobRow('test.fails');
    expect(row.failedAt).not.toBeNull();
    expect(row.attempts).toBe(3);
    clock.now = new Date(clock.now.getTime() + 24 * 3600_000);
    expect(await queue.runDue()).toBe(0);
  });

  it('does not run a job another worker holds, until its lease runs out', async () => {
    const clock = { now: new Date('2026-11-04T10:00:00Z') };
    let runs = 0;
    const queue = queueWith({ 'test.lease': async () => void runs++ }, clock);
    await queue.enqueue('test.lease', {});
    // Another worker claimed it and died: its lease is still running.
    await database.handle.db
      .update(jobs)
      .set({ lockedUntil: new Date('2026-11-04T10:05:00Z'), attempts: 1 })
      .where(eq(jobs.kind, 'test.lease'));
    expect(await queue.runDue()).toBe(0);
    clock.now = new Date('2026-11-04T10:05:01Z');
    expect(await queue.runDue()).toBe(1);
    expect(runs).toBe(1);
  });

  it('two queues on the same table never run the same job twice', async () => {
    const clock = { now: new Date('2026-11-05T10:00:00Z') };
    const seen: string[] = [];
    const handler: JobHandler = async (p) => void seen.push(String(p.n));
    const a = queueWith({ 'test.parallel': handler }, clock);
    const b = queueWith({ 'test.parallel': handler }, clock);
    for (let n = 0; n < 20; n++) await a.enqueue('test.parallel', { n });
    await Promise.all([a.runDue(5), b.runDue(5), a.runDue(5), b.runDue(5)]);
    await Promise.all([a.runDue(), b.runDue()]);
    expect(seen.sort((x, y) => Number(x) - Number(y))).toEqual(Array.from({ length: 20 }, (_, n) => String(n)));
  });

  it('a woken worker runs a new job at once instead of waiting for its next poll', async () => {
    const ran: string[] = [];
    const queue = createJobQueue({
      db: database.handle.db,
      handlers: { 'test.wake': async () => void ran.push('ran') },
      clock: () => new Date(),
      log: silent,
    });
    const worker = startJobWorker(queue, { intervalMs: 60_000, log: silent });
    try {
      await queue.enqueue('test.wake', {});
      queue.wake();
      await expect.poll(() => ran.length, { timeout: 5000 }).toBe(1);
    } finally {
      await worker.stop();
    }
  });
});
