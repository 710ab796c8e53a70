import type { AdminCharts } from '@commpro/contracts';
import { gte, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Database } from '../../platform/db/client.js';
import { users } from '../auth/auth.table.js';
import { calls } from '../calls/calls.table.js';
import { messages } from '../messaging/messaging.table.js';

const DAY_MS = 24 * 3600_000;

/** The UTC day of a timestamp column, as the ISO date the chart is keyed by. */
const utcDay = (column: AnyPgColumn) => sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD')`;

/** Counts (or sums) per UTC day since `since`, by ISO date. */
async function perDay(
  db: Database,
  table: typeof users | typeof messages | typeof calls,
  createdAt: AnyPgColumn,
  since: Date,
  value: ReturnType<typeof sql<number>>,
): Promise<Map<string, number>> {
  const day = utcDay(createdAt);
  const rows = await db
    .select({ day, value: value.mapWith(Number) })
    .from(table)
    .where(gte(createdAt, since))
    .groupBy(day);
  return new Map(rows.map((row) => [row.day, row.value]));
}

/**
 * The last `days` UTC days, today included, oldest first. Days with nothing
 * are filled in here rather than by generate_series, so the query is plain
 * grouping on PostgreSQL and PGlite alike. Signups count every account made
 * that day (deleted ones too: they did sign up); messages both directions;
 * minutes the billed minutes of the call legs that began that day.
 */
export async function loadCharts(db: Database, days: number, now: Date): Promise<AdminCharts> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const since = new Date(today - (days - 1) * DAY_MS);
  const [signups, sent, seconds] = await Promise.all([
    perDay(db, users, users.createdAt, since, sql<number>`count(*)`),
    perDay(db, messages, messages.createdAt, since, sql<number>`count(*)`),
    perDay(db, calls, calls.createdAt, since, sql<number>`coalesce(sum(${calls.billableDurationSeconds}), 0)`),
  ]);
  return {
    days: Array.from({ length: days }, (_, i) => {
      const date = new Date(since.getTime() + i * DAY_MS).toISOString().slice(0, 10);
      return {
        date,
        signups: signups.get(date) ?? 0,
        messages: sent.get(date) ?? 0,
        minutes: Math.round((seconds.get(date) ?? 0) / 60),
      };
    }),
  };
}
