import { and, count, desc, eq, gte, isNull, lt, or, sql, sum } from 'drizzle-orm';
import type { Database } from '../../platform/db/client.js';
import { users } from '../auth/auth.table.js';
import { billingEvents, invoiceCounters, invoices, subscriptions, usageRecords } from './billing.table.js';

export type SubscriptionRow = typeof subscriptions.$inferSelect;
export type InvoiceRow = typeof invoices.$inferSelect;
export type NewInvoice = typeof invoices.$inferInsert;
export type UsageType = (typeof usageRecords.$inferSelect)['type'];

export function createBillingRepository(db: Database) {
  return {
    /**
     * Serialises one user's billing, quota and purchases. NO KEY UPDATE: the
     * lockers wait for each other, while inserts of rows naming the user
     * (usage, invoices: FOR KEY SHARE) do not wait behind them and deadlock.
     */
    async lockUser(userId: string, tx: Database): Promise<void> {
      await tx.execute(sql`select id from users where id = ${userId} for no key update`);
    },

    async subscriptionOf(userId: string, tx: Database = db): Promise<SubscriptionRow | undefined> {
      const [row] = await tx.select().from(subscriptions).where(eq(subscriptions.userId, userId)).limit(1);
      return row;
    },

    async subscriptionById(id: string, tx: Database = db): Promise<SubscriptionRow | undefined> {
      const [row] = await tx.select().from(subscriptions).where(eq(subscriptions.id, id)).for('update');
      return row;
    },

    /** The subscription a provider's customer or subscription belongs to, locked for the change an event brings. */
    async subscriptionOfProvider(
      ids: { customerId: string; subscriptionId: string | null },
      tx: Database,
    ): Promise<SubscriptionRow | undefined> {
      const [row] = await tx
        .select()
        .from(subscriptions)
        .where(
          ids.subscriptionId
            ? or(
                eq(subscriptions.stripeSubscriptionId, ids.subscriptionId),
                eq(subscriptions.stripeCustomerId, ids.customerId),
              )
            : eq(subscriptions.stripeCustomerId, ids.customerId),
        )
        .limit(1)
        .for('update');
      return row;
    },

    /** Stores the user's provider customer unless one is there already; answers the one that is. */
    async setCustomer(subscriptionId: string, customerId: string): Promise<string> {
      await db
        .update(subscriptions)
        .set({ stripeCustomerId: customerId })
        .where(and(eq(subscriptions.id, subscriptionId), isNull(subscriptions.stripeCustomerId)));
      const [row] = await db
        .select({ customerId: subscriptions.stripeCustomerId })
        .from(subscriptions)
        .where(eq(subscriptions.id, subscriptionId));
      return row?.customerId ?? customerId;
    },

    async invoiceOfProvider(providerInvoiceId: string, tx: Database): Promise<InvoiceRow | undefined> {
      const [row] = await tx
        .select()
        .from(invoices)
        .where(eq(invoices.stripeInvoiceId, providerInvoiceId))
        .limit(1)
        .for('update');
      return row;
    },

    async updateInvoice(id: string, changes: Partial<NewInvoice>, tx: Database): Promise<InvoiceRow> {
      const [row] = await tx.update(invoices).set(changes).where(eq(invoices.id, id)).returning();
      return row!;
    },

    /** Records a provider's event once: false when its id was seen before (a redelivery). */
    async claimEvent(event: { id: string; type: string; occurredAt: Date }, tx: Database): Promise<boolean> {
      const inserted = await tx
        .insert(billingEvents)
        .values(event)
        .onConflictDoNothing({ target: billingEvents.id })
        .returning({ id: billingEvents.id });
      return inserted.length > 0;
    },

    /** A FREE subscription from `start`, unless the user has one (or does not exist): then undefined. */
    async insertFree(userId: string, start: Date, end: Date, tx: Database = db): Promise<SubscriptionRow | undefined> {
      const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).limit(1);
      if (!user) return undefined;
      const [row] = await tx
        .insert(subscriptions)
        .values({
          userId,
          tier: 'FREE',
          status: 'ACTIVE',
          currentPeriodStart: start,
          currentPeriodEnd: end,
          billingAnchorDay: start.getUTCDate(),
        })
        .onConflictDoNothing({ target: subscriptions.userId })
        .returning();
      return row;
    },

    async updateSubscription(id: string, changes: Partial<typeof subscriptions.$inferInsert>, tx: Database = db) {
      const [row] = await tx.update(subscriptions).set(changes).where(eq(subscriptions.id, id)).returning();
      return row!;
    },

    /** Units used of one kind since `since` (the period's start). */
    async usedSince(userId: string, type: UsageType, since: Date, tx: Database = db): Promise<number> {
      const [row] = await tx
        .select({ total: sum(usageRecords.quantity) })
        .from(usageRecords)
        .where(and(eq(usageRecords.userId, userId), eq(usageRecords.type, type), gte(usageRecords.createdAt, since)));
      return Number(row?.total ?? 0);
    },

    /**
     * Usage and its cost per kind over [from, to), the cost summed in SQL's
     * exact decimals and rounded once to whole cents.
     */
    async usageBetween(userId: string, from: Date, to: Date, tx: Database = db) {
      const rows = await tx
        .select({
          type: usageRecords.type,
          quantity: sql<string>`coalesce(sum(${usageRecords.quantity}), 0)`,
          cents: sql<string>`coalesce(round(sum(${usageRecords.totalCost}) * 100), 0)`,
        })
        .from(usageRecords)
        .where(and(eq(usageRecords.userId, userId), gte(usageRecords.createdAt, from), lt(usageRecords.createdAt, to)))
        .groupBy(usageRecords.type);
      return new Map(rows.map((r) => [r.type, { quantity: Number(r.quantity), cents: Number(r.cents) }]));
    },

    async usageRecordsBetween(userId: string, from: Date, to: Date) {
      return db
        .select()
        .from(usageRecords)
        .where(and(eq(usageRecords.userId, userId), gte(usageRecords.createdAt, from), lt(usageRecords.createdAt, to)))
        .orderBy(desc(usageRecords.createdAt))
        .limit(10_000);
    },

    /** The next invoice number of the year, taken under the counter's row lock: no gaps, no doubles. */
    async nextInvoiceNumber(year: number, tx: Database): Promise<number> {
      const [row] = await tx
        .insert(invoiceCounters)
        .values({ year, last: 1 })
        .onConflictDoUpdate({ target: invoiceCounters.year, set: { last: sql`${invoiceCounters.last} + 1` } })
        .returning({ last: invoiceCounters.last });
      return row!.last;
    },

    async insertInvoice(values: NewInvoice, tx: Database): Promise<InvoiceRow> {
      const [row] = await tx.insert(invoices).values(values).returning();
      return row!;
    },

    async invoiceOwned(userId: string, id: string): Promise<InvoiceRow | undefined> {
      const [row] = await db
        .select()
        .from(invoices)
        .where(and(eq(invoices.id, id), eq(invoices.userId, userId)))
        .limit(1);
      return row;
    },

    async listInvoices(userId: string, page: { limit: number; offset: number }) {
      const where = eq(invoices.userId, userId);
      const [rows, [total]] = await Promise.all([
        db
          .select()
          .from(invoices)
          .where(where)
          .orderBy(desc(invoices.issuedAt), desc(invoices.number))
          .limit(page.limit)
          .offset(page.offset),
        db.select({ n: count() }).from(invoices).where(where),
      ]);
      return { rows, total: total?.n ?? 0 };
    },
  };
}

export type BillingRepository = ReturnType<typeof createBillingRepository>;
