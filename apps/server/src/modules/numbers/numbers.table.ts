import { sql } from 'drizzle-orm';
import {
  index,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { users } from '../auth/auth.table.js';

/** PENDING is ours: a number reserved while the carrier completes the purchase. */
export const numberStatus = pgEnum('number_status', ['PENDING', 'ACTIVE', 'SUSPENDED', 'CANCELLED']);
export const numberType = pgEnum('number_type', ['LOCAL', 'MOBILE', 'TOLL_FREE']);

export const phoneNumbers = pgTable(
  'phone_numbers',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    phoneNumber: varchar({ length: 20 }).notNull(),
    friendlyName: varchar({ length: 100 }),
    countryCode: varchar({ length: 5 }).notNull(),
    numberType: numberType().notNull().default('LOCAL'),
    /** The carrier's id (the seed's twilio_sid); null only while PENDING. */
    carrierSid: varchar({ length: 100 }).unique(),
    capabilities: jsonb().$type<{ voice: boolean; sms: boolean; mms: boolean }>().notNull(),
    status: numberStatus().notNull().default('PENDING'),
    purchasedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** End of the paid month; the renewal job renews or suspends at this date. */
    expiresAt: timestamp({ withTimezone: true }),
    releasedAt: timestamp({ withTimezone: true }),
    /**
     * Set when the plan stopped covering the number (cancelled, downgraded,
     * unpaid): it keeps receiving until then, and is released at that time
     * unless the plan covers it again.
     */
    graceEndsAt: timestamp({ withTimezone: true }),
    monthlyCost: numeric({ precision: 10, scale: 2, mode: 'number' }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [
    // One holder per number at a time; released (CANCELLED) rows stay as history.
    uniqueIndex('phone_numbers_live_number_idx')
      .on(t.phoneNumber)
      .where(sql`${t.status} <> 'CANCELLED'`),
    index('phone_numbers_user_id_idx').on(t.userId, t.status),
    index('phone_numbers_status_idx').on(t.status),
  ],
);

export const portRequestStatus = pgEnum('port_request_status', ['SUBMITTED', 'IN_PROGRESS', 'COMPLETED', 'REJECTED']);

export const portRequests = pgTable(
  'port_requests',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    phoneNumber: varchar({ length: 20 }).notNull(),
    currentProvider: varchar({ length: 100 }).notNull(),
    /** Encrypted at rest: the account number and PIN let anyone move the line. */
    accountNumber: text().notNull(),
    pin: text(),
    status: portRequestStatus().notNull().default('SUBMITTED'),
    estimatedCompletionAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [
    index('port_requests_user_id_idx').on(t.userId),
    uniqueIndex('port_requests_open_idx')
      .on(t.userId, t.phoneNumber)
      .where(sql`${t.status} in ('SUBMITTED', 'IN_PROGRESS')`),
  ],
);
