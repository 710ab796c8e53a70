import { index, pgEnum, pgTable, timestamp, varchar } from 'drizzle-orm/pg-core';

export const sandboxNumberType = pgEnum('sandbox_number_type', ['LOCAL', 'MOBILE', 'TOLL_FREE']);

/**
 * The sandbox carrier's side of the world: which of its pool numbers are
 * taken. A released number stays here, with released_at, through its
 * quarantine before it is offered again.
 */
export const sandboxNumbers = pgTable(
  'sandbox_numbers',
  {
    phoneNumber: varchar({ length: 20 }).primaryKey(),
    carrierSid: varchar({ length: 64 }).notNull().unique(),
    countryCode: varchar({ length: 2 }).notNull(),
    numberType: sandboxNumberType().notNull(),
    friendlyName: varchar({ length: 100 }),
    allocatedAt: timestamp({ withTimezone: true }).notNull(),
    releasedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('sandbox_numbers_country_idx').on(t.countryCode, t.numberType)],
);
