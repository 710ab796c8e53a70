import { boolean, index, integer, jsonb, pgTable, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';

/** Every inbound provider call (Twilio, Stripe), kept for audit and replay. */
export const webhookLogs = pgTable(
  'webhook_logs',
  {
    id: uuid().primaryKey().defaultRandom(),
    source: varchar({ length: 50 }).notNull(),
    eventType: varchar({ length: 100 }),
    /** The provider's id for the event (MessageSid, CallSid, Stripe event id): the idempotency key. */
    externalId: varchar({ length: 255 }),
    method: varchar({ length: 10 }).notNull(),
    url: text().notNull(),
    headers: jsonb(),
    body: jsonb(),
    statusCode: integer(),
    responseBody: jsonb(),
    processed: boolean().notNull().default(false),
    processedAt: timestamp({ withTimezone: true }),
    error: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('webhook_logs_source_idx').on(t.source, t.eventType),
    index('webhook_logs_external_id_idx').on(t.source, t.externalId),
    index('webhook_logs_created_at_idx').on(t.createdAt),
    index('webhook_logs_processed_idx').on(t.processed),
  ],
);
