import type { AdminOverview, AdminWebhookRow } from '@commpro/contracts';
import { and, asc, count, desc, eq, gte, isNotNull, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/client.js';
import { AppError, notFound } from '../../platform/errors.js';
import { PROCESSING_FAILED_STATUS } from '../../platform/webhooks/signed-webhook.js';
import { createWebhookLog, describeError, REDACTED } from '../../platform/webhooks/webhook-log.js';
import { webhookLogs } from '../../platform/webhooks/webhook-logs.table.js';
import type { WebhookReplayRegistry } from '../../platform/webhooks/webhook-replay.js';
import { type AuditActor, recordAudit } from './audit-log.js';

type Outcome = AdminWebhookRow['outcome'];

/*
 * A log row's outcome, from how signedWebhook writes it: `processed` once
 * handled; failed when not processed and an error was recorded or the answer
 * was an error status (403: a refused signature; 500: processing threw);
 * pending otherwise (still in flight, or accepted and waiting for what it
 * refers to, like a status callback that came before its message's id).
 */
const isFailed = sql`(not ${webhookLogs.processed} and (${webhookLogs.error} is not null or ${webhookLogs.statusCode} >= 400))`;
const OUTCOME_FILTER: Record<Outcome, SQL> = {
  processed: sql`${webhookLogs.processed}`,
  failed: isFailed,
  pending: sql`not ${webhookLogs.processed} and ${webhookLogs.error} is null and coalesce(${webhookLogs.statusCode}, 0) < 400`,
};

const outcomeOf = (row: { processed: boolean; error: string | null; statusCode: number | null }): Outcome =>
  row.processed ? 'processed' : row.error !== null || (row.statusCode ?? 0) >= 400 ? 'failed' : 'pending';

/** Every column an operator may see: never the payload or the headers (message text, numbers, secrets). */
const VISIBLE = {
  id: webhookLogs.id,
  source: webhookLogs.source,
  eventType: webhookLogs.eventType,
  externalId: webhookLogs.externalId,
  statusCode: webhookLogs.statusCode,
  processed: webhookLogs.processed,
  error: webhookLogs.error,
  createdAt: webhookLogs.createdAt,
  processedAt: webhookLogs.processedAt,
  /** Whether the log lost part of the payload; only the flag leaves the database. */
  redacted: sql<boolean>`coalesce(${webhookLogs.body}::text like ${`%"${REDACTED}"%`}, false)`.mapWith(Boolean),
};

type VisibleRow = Pick<typeof webhookLogs.$inferSelect, Exclude<keyof typeof VISIBLE, 'redacted'>> & {
  redacted: boolean;
};

/** Per source over the window: how many calls came, how many failed. */
export async function webhookTotals(db: Database, since: Date): Promise<AdminOverview['webhooks']> {
  const rows = await db
    .select({ source: webhookLogs.source, total: count(), failed: count(sql`case when ${isFailed} then 1 end`) })
    .from(webhookLogs)
    .where(gte(webhookLogs.createdAt, since))
    .groupBy(webhookLogs.source)
    .orderBy(asc(webhookLogs.source));
  return rows.map((row) => ({ ...row, errorRate: row.total === 0 ? 0 : row.failed / row.total }));
}

export interface WebhookQuery {
  limit: number;
  offset: number;
  source?: string | undefined;
  type?: string | undefined;
  outcome?: Outcome | undefined;
}

export function createAdminWebhooks(deps: { db: Database; replay: WebhookReplayRegistry; clock: () => Date }) {
  const { db } = deps;
  const log = createWebhookLog(db, deps.clock);

  /**
   * A failed call may run again only if its signature was checked before it
   * failed (signedWebhook logs a refused one as 403, a processing failure as
   * 500), its type has a replay handler, and the log kept its whole payload.
   */
  const replayable = (row: VisibleRow) =>
    outcomeOf(row) === 'failed' &&
    row.statusCode === PROCESSING_FAILED_STATUS &&
    !row.redacted &&
    deps.replay.handlerFor(row.source, row.eventType) !== undefined;

  const toDto = (row: VisibleRow): AdminWebhookRow => ({
    id: row.id,
    source: row.source,
    eventType: row.eventType,
    externalId: row.externalId,
    outcome: outcomeOf(row),
    statusCode: row.statusCode,
    error: row.error,
    replayable: replayable(row),
    createdAt: row.createdAt.toISOString(),
    processedAt: row.processedAt?.toISOString() ?? null,
  });

  async function visibleRow(id: string): Promise<VisibleRow | undefined> {
    const [row] = await db.select(VISIBLE).from(webhookLogs).where(eq(webhookLogs.id, id));
    return row;
  }

  return {
    async list(query: WebhookQuery) {
      const filters: SQL[] = [];
      if (query.source) filters.push(eq(webhookLogs.source, query.source));
      if (query.type) filters.push(eq(webhookLogs.eventType, query.type));
      if (query.outcome) filters.push(OUTCOME_FILTER[query.outcome]);
      const where = filters.length ? and(...filters) : undefined;
      const [rows, [{ total } = { total: 0 }], sources, types] = await Promise.all([
        db
          .select(VISIBLE)
          .from(webhookLogs)
          .where(where)
          .orderBy(desc(webhookLogs.createdAt), desc(webhookLogs.id))
          .limit(query.limit)
          .offset(query.offset),
        db.select({ total: count() }).from(webhookLogs).where(where),
        db.selectDistinct({ value: webhookLogs.source }).from(webhookLogs).orderBy(asc(webhookLogs.source)),
        db
          .selectDistinct({ value: webhookLogs.eventType })
          .from(webhookLogs)
          .where(isNotNull(webhookLogs.eventType))
          .orderBy(asc(webhookLogs.eventType)),
      ]);
      return {
        webhooks: rows.map(toDto),
        total,
        sources: sources.map((row) => row.value),
        types: types.flatMap((row) => (row.value === null ? [] : [row.value])),
      };
    },

    /**
     * Runs a failed call again through the handler its live route uses, with
     * the parameters the log kept, and records the outcome on the same row.
     * The signature is not checked again: only calls that passed it are
     * replayable. Handlers are idempotent by the provider's id, so a replay of
     * something that did land meanwhile changes nothing.
     */
    async replay(id: string, actor: AuditActor): Promise<AdminWebhookRow> {
      const row = await visibleRow(id);
      if (!row) throw notFound('Webhook');
      const handler = deps.replay.handlerFor(row.source, row.eventType);
      if (outcomeOf(row) !== 'failed') throw new AppError('CONFLICT', `This webhook is ${outcomeOf(row)}, not failed`);
      if (!handler || !replayable(row)) throw new AppError('CONFLICT', 'This webhook cannot be replayed');
      // Claimed by clearing its failure: a second replay at the same time finds it no longer failed.
      const [claimed] = await db
        .update(webhookLogs)
        .set({ statusCode: null, error: null })
        .where(and(eq(webhookLogs.id, id), isFailed, eq(webhookLogs.statusCode, PROCESSING_FAILED_STATUS)))
        .returning({ body: webhookLogs.body });
      if (!claimed) throw new AppError('CONFLICT', 'This webhook is being replayed already');
      let error: string | undefined;
      try {
        const result = await handler(claimed.body as Record<string, string>);
        await log.finished(id, { statusCode: 200, processed: result.processed });
        if (!result.processed) await result.afterLogged?.();
      } catch (cause) {
        error = describeError(cause);
        await log.finished(id, { statusCode: PROCESSING_FAILED_STATUS, processed: false, error });
      }
      const after = (await visibleRow(id))!;
      await recordAudit(db, actor, {
        action: 'webhook.replay',
        targetType: 'webhook',
        targetId: id,
        details: {
          source: row.source,
          eventType: row.eventType,
          outcome: outcomeOf(after),
          ...(error === undefined ? {} : { error }),
        },
      });
      return toDto(after);
    },
  };
}

export type AdminWebhooks = ReturnType<typeof createAdminWebhooks>;
