import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { users } from '../auth/auth.table.js';
import { calls } from '../calls/calls.table.js';
import { phoneNumbers } from '../numbers/numbers.table.js';

export const subscriptionTier = pgEnum('subscription_tier', ['FREE', 'STARTER', 'BUSINESS', 'ENTERPRISE']);
export const subscriptionStatus = pgEnum('subscription_status', ['ACTIVE', 'CANCELLED', 'PAST_DUE', 'TRIALING']);

export const billingInterval = pgEnum('billing_interval', ['MONTHLY', 'ANNUAL']);

/**
 * The seed's subscriptions: one per user (FREE from sign-up). The plan in
 * force, its billing period, and what waits for the period's end (a
 * downgrade, a cancellation). `past_due_at` starts the grace period of an
 * unpaid invoice.
 */
export const subscriptions = pgTable(
  'subscriptions',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .unique()
      .references(() => users.id, { onDelete: 'cascade' }),
    tier: subscriptionTier().notNull().default('FREE'),
    status: subscriptionStatus().notNull().default('ACTIVE'),
    interval: billingInterval().notNull().default('MONTHLY'),
    currentPeriodStart: timestamp({ withTimezone: true }).notNull().defaultNow(),
    currentPeriodEnd: timestamp({ withTimezone: true })
      .notNull()
      .default(sql`now() + interval '1 month'`),
    /** The day of the month periods end on (the day the plan started), kept through shorter months. */
    billingAnchorDay: integer()
      .notNull()
      .default(sql`extract(day from now() at time zone 'UTC')::int`),
    cancelAtPeriodEnd: boolean().notNull().default(false),
    cancelledAt: timestamp({ withTimezone: true }),
    scheduledTier: subscriptionTier(),
    scheduledInterval: billingInterval(),
    pastDueAt: timestamp({ withTimezone: true }),
    /** The plan's price per interval, VAT excluded. */
    amountCents: integer().notNull().default(0),
    currency: varchar({ length: 3 }).notNull().default('EUR'),
    stripeCustomerId: varchar({ length: 100 }).unique(),
    stripeSubscriptionId: varchar({ length: 100 }).unique(),
    stripePriceId: varchar({ length: 100 }),
    /**
     * When the provider's state was last read into this row (an SDK answer, a
     * webhook's event time): an event older than this is stale and changes nothing.
     */
    providerSyncedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [index('subscriptions_status_idx').on(t.status), index('subscriptions_period_end_idx').on(t.currentPeriodEnd)],
);

export const invoiceStatus = pgEnum('invoice_status', ['paid', 'open', 'void', 'uncollectible']);

/**
 * The seed's invoices, in integer cents. `number` runs without gaps per year
 * (invoice_counters); `lines` are the invoice's lines as issued, never recomputed.
 */
export const invoices = pgTable(
  'invoices',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    subscriptionId: uuid().references(() => subscriptions.id, { onDelete: 'set null' }),
    number: varchar({ length: 32 }).notNull().unique(),
    status: invoiceStatus().notNull(),
    periodStart: timestamp({ withTimezone: true }).notNull(),
    periodEnd: timestamp({ withTimezone: true }).notNull(),
    issuedAt: timestamp({ withTimezone: true }).notNull(),
    dueAt: timestamp({ withTimezone: true }),
    paidAt: timestamp({ withTimezone: true }),
    lines: jsonb()
      .$type<{ kind: string; description: string; quantity: number; unitPriceCents: number; amountCents: number }[]>()
      .notNull(),
    subtotalCents: integer().notNull(),
    /** VAT rate in basis points (2000 = 20 %), so no rate is a float. */
    vatRateBasisPoints: integer().notNull(),
    vatCents: integer().notNull(),
    totalCents: integer().notNull(),
    amountPaidCents: integer().notNull().default(0),
    currency: varchar({ length: 3 }).notNull().default('EUR'),
    /** Who the invoice was made out to, as it was then: an invoice does not change when a profile does. */
    buyer: jsonb().$type<{ name: string; company: string | null; email: string }>().notNull(),
    stripeInvoiceId: varchar({ length: 100 }).unique(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [index('invoices_user_issued_idx').on(t.userId, t.issuedAt), index('invoices_status_idx').on(t.status)],
);

/** The last invoice number issued each year, locked while the next is taken: numbers never skip. */
export const invoiceCounters = pgTable('invoice_counters', {
  year: integer().primaryKey(),
  last: integer().notNull(),
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

/** Every provider webhook event acted on, by the provider's event id: a redelivery finds its id here and changes nothing. */
export const billingEvents = pgTable('billing_events', {
  id: varchar({ length: 255 }).primaryKey(),
  type: varchar({ length: 100 }).notNull(),
  /** When the provider says the event happened. */
  occurredAt: timestamp({ withTimezone: true }).notNull(),
  processedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
