import { sql } from 'drizzle-orm';
import { index, numeric, pgEnum, pgTable, timestamp, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import { users } from '../auth/auth.table.js';
import { calls } from '../calls/calls.table.js';
import { phoneNumbers } from '../numbers/numbers.table.js';

export const subscriptionTier = pgEnum('subscription_tier', ['FREE', 'STARTER', 'BUSINESS', 'ENTERPRISE']);
export const subscriptionStatus = pgEnum('subscription_status', ['ACTIVE', 'CANCELLED', 'PAST_DUE', 'TRIALING']);

/** The seed's subscriptions, reduced to what plan limits need; billing (issue 7) completes it. */
export const subscriptions = pgTable('subscriptions', {
  id: uuid().primaryKey().defaultRandom(),
  userId: uuid()
    .notNull()
    .unique()
    .references(() => users.id, { onDelete: 'cascade' }),
  tier: subscriptionTier().notNull().default('FREE'),
  status: subscriptionStatus().notNull().default('ACTIVE'),
  currentPeriodStart: timestamp({ withTimezone: true }).notNull().defaultNow(),
  currentPeriodEnd: timestamp({ withTimezone: true }),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
});

export const usageType = pgEnum('usage_type', ['CALL_MINUTES', 'SMS_SENT', 'MMS_SENT', 'PHONE_NUMBER']);

export const usageRecords = pgTable(
  'usage_records',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    subscriptionId: uuid().references(() => subscriptions.id, { onDelete: 'set null' }),
    type: usageType().notNull(),
    quantity: numeric({ precision: 10, scale: 4, mode: 'number' }).notNull(),
    unitCost: numeric({ precision: 10, scale: 4, mode: 'number' }),
    totalCost: numeric({ precision: 10, scale: 4, mode: 'number' }),
    currency: varchar({ length: 3 }).notNull().default('EUR'),
    phoneNumberId: uuid().references(() => phoneNumbers.id, { onDelete: 'set null' }),
    callId: uuid().references(() => calls.id, { onDelete: 'set null' }),
    periodStart: timestamp({ withTimezone: true }).notNull(),
    periodEnd: timestamp({ withTimezone: true }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('usage_records_user_period_idx').on(t.userId, t.periodStart, t.periodEnd),
    index('usage_records_type_idx').on(t.type),
    // A call's minutes are charged once, however many times its end is reported.
    uniqueIndex('usage_records_call_id_idx')
      .on(t.callId)
      .where(sql`${t.callId} is not null`),
  ],
);
