import { pgTable, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';
import { users } from '../../modules/auth/auth.table.js';

/**
 * Each user's data key, wrapped (encrypted) by a master key from
 * ENCRYPTION_KEYS. Rotating the master key re-wraps these rows; the data they
 * protect is never re-encrypted.
 */
export const userDataKeys = pgTable('user_data_keys', {
  userId: uuid()
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** Identifies this data key in sealed values (`encryption_key_id`). */
  keyId: varchar({ length: 64 }).notNull().unique(),
  /** The data key sealed by the master key `masterKeyId`. */
  wrappedKey: text().notNull(),
  masterKeyId: varchar({ length: 32 }).notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  rewrappedAt: timestamp({ withTimezone: true }),
});
