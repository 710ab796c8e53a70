import { index, pgTable, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';

/** Emails kept when no SMTP server is configured, so sign-up works offline. */
export const emailOutbox = pgTable(
  'email_outbox',
  {
    id: uuid().primaryKey().defaultRandom(),
    to: varchar({ length: 255 }).notNull(),
    subject: varchar({ length: 255 }).notNull(),
    text: text().notNull(),
    html: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('email_outbox_to_idx').on(t.to, t.createdAt)],
);
