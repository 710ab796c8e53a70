import { index, integer, pgTable, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';
import { users } from '../auth/auth.table.js';

/** An uploaded MMS attachment; the bytes are in file storage under `storage_key`. */
export const mediaFiles = pgTable(
  'media_files',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    contentType: varchar({ length: 100 }).notNull(),
    sizeBytes: integer().notNull(),
    storageKey: varchar({ length: 200 }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('media_files_user_id_idx').on(t.userId)],
);
