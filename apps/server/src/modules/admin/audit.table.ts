import { index, inet, jsonb, pgTable, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';
import { users } from '../auth/auth.table.js';

/**
 * Every operator action: who, what, on what, when, from where. Rows are only
 * ever inserted; an actor's account may go, its email is kept as it was.
 */
export const auditLogs = pgTable(
  'audit_logs',
  {
    id: uuid().primaryKey().defaultRandom(),
    actorId: uuid().references(() => users.id, { onDelete: 'set null' }),
    actorEmail: varchar({ length: 255 }),
    action: varchar({ length: 100 }).notNull(),
    targetType: varchar({ length: 50 }).notNull(),
    targetId: varchar({ length: 100 }),
    details: jsonb().$type<Record<string, unknown>>(),
    ipAddress: inet(),
    userAgent: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('audit_logs_created_at_idx').on(t.createdAt),
    index('audit_logs_target_idx').on(t.targetType, t.targetId),
  ],
);
