import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, text, timestamp, unique, uuid, varchar } from 'drizzle-orm/pg-core';
import { users } from '../auth/auth.table.js';

/**
 * The seed's contacts, one per (user, E.164 number), plus what search needs:
 * `search_text` (names, company, email) and `sort_name` folded to lower case
 * without accents, and `phone_digits` (the number's international and
 * national digits), each with a trigram index for "contains" and typo matches.
 */
export const contacts = pgTable(
  'contacts',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    firstName: varchar({ length: 100 }),
    lastName: varchar({ length: 100 }),
    phoneNumber: varchar({ length: 20 }).notNull(),
    email: varchar({ length: 255 }),
    company: varchar({ length: 255 }),
    notes: text(),
    tags: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    isFavorite: boolean().notNull().default(false),
    avatarUrl: text(),
    searchText: text().notNull(),
    sortName: text().notNull(),
    phoneDigits: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [
    unique('contacts_user_phone_unique').on(t.userId, t.phoneNumber),
    // Byte order ("C"): the only one in which PostgreSQL serves `like 'du%'` from a B-tree; folded names sort the same.
    index('contacts_user_sort_c_idx').on(t.userId, sql`${t.sortName} collate "C"`),
    index('contacts_phone_number_idx').on(t.phoneNumber),
    index('contacts_tags_idx').using('gin', t.tags),
    index('contacts_search_trgm_idx').using('gin', sql`${t.searchText} gin_trgm_ops`),
    index('contacts_phone_digits_trgm_idx').using('gin', sql`${t.phoneDigits} gin_trgm_ops`),
  ],
);
