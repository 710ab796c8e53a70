import { and, asc, count, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/client.js';
import { users } from '../auth/auth.table.js';
import { phoneNumbers, portRequests } from './numbers.table.js';

export type PhoneNumberRow = typeof phoneNumbers.$inferSelect;
export type NewPhoneNumber = typeof phoneNumbers.$inferInsert;

/** Statuses that hold a number (and count against the plan). */
export const HELD_STATUSES = ['PENDING', 'ACTIVE', 'SUSPENDED'] as const;

/** Queries only; every read of a user's numbers is scoped by user id in SQL. */
export function createNumbersRepository(db: Database) {
  // Every inbound message and every send looks its line up: built once, planned once.
  const activeByNumber = db
    .select()
    .from(phoneNumbers)
    .where(and(eq(phoneNumbers.phoneNumber, sql.placeholder('e164')), eq(phoneNumbers.status, 'ACTIVE')))
    .limit(1)
    .prepare('numbers_active_by_number');

  return {
    /** Serialises a user's purchases so two at once cannot both pass the plan limit. */
    async lockUser(userId: string, tx: Database): Promise<void> {
      await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('no key update');
    },

    async countHeld(userId: string, tx: Database = db): Promise<number> {
      const [row] = await tx
        .select({ n: count() })
        .from(phoneNumbers)
        .where(and(eq(phoneNumbers.userId, userId), inArray(phoneNumbers.status, [...HELD_STATUSES])));
      return row?.n ?? 0;
    },

    /** Undefined when someone holds the number already. */
    async insertPending(values: NewPhoneNumber, tx: Database = db): Promise<PhoneNumberRow | undefined> {
      const [row] = await tx
        .insert(phoneNumbers)
        .values({ ...values, status: 'PENDING' })
        .onConflictDoNothing({
          target: phoneNumbers.phoneNumber,
          where: sql`${phoneNumbers.status} <> 'CANCELLED'`,
        })
        .returning();
      return row;
    },

    async deletePending(id: string): Promise<void> {
      await db.delete(phoneNumbers).where(and(eq(phoneNumbers.id, id), eq(phoneNumbers.status, 'PENDING')));
    },

    async update(id: string, patch: Partial<NewPhoneNumber>, tx: Database = db): Promise<PhoneNumberRow> {
      const [row] = await tx.update(phoneNumbers).set(patch).where(eq(phoneNumbers.id, id)).returning();
      return row!;
    },

    /** The change only if the number is still in one of `from`: undefined when another change won. */
    async updateIfStatus(
      id: string,
      from: readonly PhoneNumberRow['status'][],
      patch: Partial<NewPhoneNumber>,
      tx: Database = db,
    ): Promise<PhoneNumberRow | undefined> {
      const [row] = await tx
        .update(phoneNumbers)
        .set(patch)
        .where(and(eq(phoneNumbers.id, id), inArray(phoneNumbers.status, [...from])))
        .returning();
      return row;
    },

    async findOwned(userId: string, id: string): Promise<PhoneNumberRow | undefined> {
      const [row] = await db
        .select()
        .from(phoneNumbers)
        .where(and(eq(phoneNumbers.id, id), eq(phoneNumbers.userId, userId), ne(phoneNumbers.status, 'CANCELLED')))
        .limit(1);
      return row;
    },

    async findById(id: string): Promise<PhoneNumberRow | undefined> {
      const [row] = await db.select().from(phoneNumbers).where(eq(phoneNumbers.id, id)).limit(1);
      return row;
    },

    async listHeld(userId: string): Promise<PhoneNumberRow[]> {
      return db
        .select()
        .from(phoneNumbers)
        .where(and(eq(phoneNumbers.userId, userId), inArray(phoneNumbers.status, ['ACTIVE', 'SUSPENDED'])))
        .orderBy(asc(phoneNumbers.purchasedAt));
    },

    async ownsNumber(userId: string, e164: string): Promise<boolean> {
      const [row] = await db
        .select({ id: phoneNumbers.id })
        .from(phoneNumbers)
        .where(
          and(
            eq(phoneNumbers.userId, userId),
            eq(phoneNumbers.phoneNumber, e164),
            inArray(phoneNumbers.status, [...HELD_STATUSES]),
          ),
        )
        .limit(1);
      return row !== undefined;
    },

    /** The ACTIVE number with this E.164, whoever holds it: where inbound traffic goes. */
    async findActiveByNumber(e164: string): Promise<PhoneNumberRow | undefined> {
      const [row] = await activeByNumber.execute({ e164 });
      return row;
    },

    /** Whether anyone holds the number on CommPro. */
    async isHeld(e164: string): Promise<boolean> {
      const [row] = await db
        .select({ id: phoneNumbers.id })
        .from(phoneNumbers)
        .where(and(eq(phoneNumbers.phoneNumber, e164), inArray(phoneNumbers.status, [...HELD_STATUSES])))
        .limit(1);
      return row !== undefined;
    },

    /** Undefined when an open request for the same number exists. */
    async insertPortRequest(values: typeof portRequests.$inferInsert) {
      const [row] = await db
        .insert(portRequests)
        .values(values)
        .onConflictDoNothing({
          target: [portRequests.userId, portRequests.phoneNumber],
          where: sql`${portRequests.status} in ('SUBMITTED', 'IN_PROGRESS')`,
        })
        .returning();
      return row;
    },
  };
}

export type NumbersRepository = ReturnType<typeof createNumbersRepository>;
