import { and, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { webhookLogs } from './webhook-logs.table.js';

/** Provider parameters that carry content or credentials: never stored in the log. */
const REDACTED_PARAMS = /^(Body|MediaUrl\d+|.*Token.*|.*Secret.*)$/i;
/** What a redacted parameter's value is stored as. */
export const REDACTED = '[redacted]';
const KEPT_HEADERS = ['content-type', 'user-agent', 'x-twilio-signature', 'i-twilio-idempotency-token'];

const ERROR_MAX_LENGTH = 500;

/**
 * What the log says about a processing failure: the innermost cause's message
 * (the database's or the provider's own words), never a wrapper's. A query
 * error's message repeats the SQL and its parameters, which hold phone numbers.
 */
export function describeError(error: unknown): string {
  let root = error;
  while (root instanceof Error && root.cause instanceof Error) root = root.cause;
  return (root instanceof Error ? root.message : String(root)).slice(0, ERROR_MAX_LENGTH);
}

export interface WebhookLog {
  /** Records a provider call as it arrives, before anything is trusted or processed. */
  received(entry: {
    /** Known at once for a refused call (403), which is logged finished in one write. */
    statusCode?: number;
    error?: string;
    source: string;
    eventType: string;
    externalId: string | undefined;
    method: string;
    url: string;
    headers: Record<string, string | string[] | undefined>;
    params: Record<string, string>;
  }): Promise<string>;
  finished(id: string, outcome: { statusCode: number; processed: boolean; error?: string | undefined }): Promise<void>;
  /**
   * Accepted calls left unprocessed for this provider id (a callback that came
   * too early), marked processed now; their parameters in arrival order.
   */
  takePending(source: string, eventType: string, externalId: string): Promise<Record<string, string>[]>;
}

export function createWebhookLog(db: Database, clock: () => Date): WebhookLog {
  return {
    async received(entry) {
      const headers = Object.fromEntries(
        KEPT_HEADERS.filter((h) => entry.headers[h] !== undefined).map((h) => [
          h,
          // A signature is a credential for that exact request: kept only as a presence flag.
          h === 'x-twilio-signature' ? '[present]' : entry.headers[h],
        ]),
      );
      const body = Object.fromEntries(
        Object.entries(entry.params).map(([k, v]) => [k, REDACTED_PARAMS.test(k) ? REDACTED : v]),
      );
      const [row] = await db
        .insert(webhookLogs)
        .values({
          source: entry.source,
          eventType: entry.eventType,
          externalId: entry.externalId ?? null,
          method: entry.method,
          url: entry.url,
          headers,
          body,
          statusCode: entry.statusCode ?? null,
          error: entry.error ?? null,
          createdAt: clock(),
        })
        .returning({ id: webhookLogs.id });
      return row!.id;
    },
    async finished(id, outcome) {
      await db
        .update(webhookLogs)
        .set({
          statusCode: outcome.statusCode,
          processed: outcome.processed,
          processedAt: outcome.processed ? clock() : null,
          error: outcome.error ?? null,
        })
        .where(eq(webhookLogs.id, id));
    },
    async takePending(source, eventType, externalId) {
      const rows = await db
        .update(webhookLogs)
        .set({ processed: true, processedAt: clock() })
        .where(
          and(
            eq(webhookLogs.source, source),
            eq(webhookLogs.eventType, eventType),
            eq(webhookLogs.externalId, externalId),
            eq(webhookLogs.processed, false),
            eq(webhookLogs.statusCode, 200),
          ),
        )
        .returning({ body: webhookLogs.body, createdAt: webhookLogs.createdAt });
      return rows
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
        .map((row) => row.body as Record<string, string>);
    },
  };
}
