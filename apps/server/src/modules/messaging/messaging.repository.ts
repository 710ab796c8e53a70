import { and, count, countDistinct, desc, eq, gte, inArray, isNull, max, or, sql, sum } from 'drizzle-orm';
import type { Database } from '../../platform/db/client.js';
import { usageRecords } from '../billing/billing.table.js';
import { messages } from './messaging.table.js';

export type MessageRow = typeof messages.$inferSelect;
export type NewMessage = typeof messages.$inferInsert;

const visible = (userId: string) => and(eq(messages.userId, userId), isNull(messages.deletedAt));

/** Messages on one of my lines: sent from it, or received on it. */
const onLine = (myNumber: string) =>
  or(
    and(eq(messages.direction, 'OUTBOUND'), eq(messages.fromNumber, myNumber)),
    and(eq(messages.direction, 'INBOUND'), eq(messages.toNumber, myNumber)),
  );

/** Queries only; every read of messages is scoped by user id in SQL. */
export function createMessagingRepository(db: Database) {
  return {
    async insert(values: NewMessage, tx: Database = db): Promise<MessageRow> {
      const [row] = await tx.insert(messages).values(values).returning();
      return row!;
    },

    async findByClientId(userId: string, clientMessageId: string, tx: Database = db): Promise<MessageRow | undefined> {
      const [row] = await tx
        .select()
        .from(messages)
        .where(and(eq(messages.userId, userId), eq(messages.clientMessageId, clientMessageId)))
        .limit(1);
      return row;
    },

    /** Undefined when a message with this carrier id exists: a retried webhook. */
    async insertInbound(values: NewMessage, tx: Database = db): Promise<MessageRow | undefined> {
      const [row] = await tx
        .insert(messages)
        .values(values)
        .onConflictDoNothing({ target: messages.carrierMessageId })
        .returning();
      return row;
    },

    async findById(id: string): Promise<MessageRow | undefined> {
      const [row] = await db.select().from(messages).where(eq(messages.id, id)).limit(1);
      return row;
    },

    async findOwned(userId: string, id: string): Promise<MessageRow | undefined> {
      const [row] = await db
        .select()
        .from(messages)
        .where(and(eq(messages.id, id), visible(userId)))
        .limit(1);
      return row;
    },

    async findByCarrierId(carrierMessageId: string): Promise<MessageRow | undefined> {
      const [row] = await db.select().from(messages).where(eq(messages.carrierMessageId, carrierMessageId)).limit(1);
      return row;
    },

    /**
     * Moves a message only from one of the `expected` statuses, in one statement:
     * two writers cannot both move it, and a move is never lost to a race.
     */
    async transition(
      id: string,
      expected: MessageRow['status'] | MessageRow['status'][],
      patch: Partial<NewMessage> & { status: MessageRow['status'] },
      at: Date,
    ): Promise<MessageRow | undefined> {
      const [row] = await db
        .update(messages)
        .set({
          ...patch,
          statusHistory: sql`${messages.statusHistory} || ${JSON.stringify([{ status: patch.status, at: at.toISOString() }])}::jsonb`,
        })
        .where(
          and(
            eq(messages.id, id),
            Array.isArray(expected) ? inArray(messages.status, expected) : eq(messages.status, expected),
          ),
        )
        .returning();
      return row;
    },

    async setCarrierId(id: string, carrierMessageId: string): Promise<void> {
      await db.update(messages).set({ carrierMessageId }).where(eq(messages.id, id));
    },

    async markRead(userId: string, id: string, at: Date): Promise<MessageRow | undefined> {
      const [row] = await db
        .update(messages)
        .set({ readAt: sql`coalesce(${messages.readAt}, ${at.toISOString()}::timestamptz)` })
        .where(and(eq(messages.id, id), visible(userId)))
        .returning();
      return row;
    },

    /** Deleted for the user; the row stays (carrier callbacks and billing still refer to it), its content is erased. */
    async softDelete(userId: string, id: string, at: Date): Promise<boolean> {
      const rows = await db
        .update(messages)
        .set({ deletedAt: at, body: null, mediaUrls: null })
        .where(and(eq(messages.id, id), visible(userId)))
        .returning({ id: messages.id });
      return rows.length === 1;
    },

    async listConversation(
      userId: string,
      theirNumber: string,
      myNumber: string | undefined,
      page: { limit: number; offset: number },
    ): Promise<{ rows: MessageRow[]; total: number }> {
      const where = and(
        visible(userId),
        or(
          and(eq(messages.direction, 'OUTBOUND'), eq(messages.toNumber, theirNumber)),
          and(eq(messages.direction, 'INBOUND'), eq(messages.fromNumber, theirNumber)),
        ),
        myNumber ? onLine(myNumber) : undefined,
      );
      const [rows, [totalRow]] = await Promise.all([
        db.select().from(messages).where(where).orderBy(desc(messages.createdAt)).limit(page.limit).offset(page.offset),
        db.select({ total: count() }).from(messages).where(where),
      ]);
      return { rows, total: totalRow?.total ?? 0 };
    },

    /** The newest messages with a contact (its timeline). */
    async listForContact(
      userId: string,
      contactId: string,
      limit: number,
    ): Promise<{ rows: MessageRow[]; total: number }> {
      const where = and(visible(userId), eq(messages.contactId, contactId));
      const [rows, [totalRow]] = await Promise.all([
        db.select().from(messages).where(where).orderBy(desc(messages.createdAt)).limit(limit),
        db.select({ total: count() }).from(messages).where(where),
      ]);
      return { rows, total: totalRow?.total ?? 0 };
    },

    /** One row per conversation, most recent first, with its last message and unread count. */
    async listConversations(
      userId: string,
      myNumber: string | undefined,
      page: { limit: number; offset: number },
    ): Promise<{ items: { last: MessageRow; unread: number }[]; total: number }> {
      const where = and(visible(userId), myNumber ? onLine(myNumber) : undefined);
      const [latest, [totalRow]] = await Promise.all([
        db
          .select({ conversationId: messages.conversationId, lastAt: max(messages.createdAt) })
          .from(messages)
          .where(where)
          .groupBy(messages.conversationId)
          .orderBy(desc(max(messages.createdAt)))
          .limit(page.limit)
          .offset(page.offset),
        db
          .select({ total: countDistinct(messages.conversationId) })
          .from(messages)
          .where(where),
      ]);
      const ids = latest.map((l) => l.conversationId);
      if (!ids.length) return { items: [], total: totalRow?.total ?? 0 };
      const [lastRows, unreadRows] = await Promise.all([
        db
          .selectDistinctOn([messages.conversationId])
          .from(messages)
          .where(and(where, inArray(messages.conversationId, ids)))
          .orderBy(messages.conversationId, desc(messages.createdAt)),
        db
          .select({ conversationId: messages.conversationId, unread: count() })
          .from(messages)
          .where(
            and(
              where,
              inArray(messages.conversationId, ids),
              eq(messages.direction, 'INBOUND'),
              isNull(messages.readAt),
            ),
          )
          .groupBy(messages.conversationId),
      ]);
      const lastById = new Map(lastRows.map((r) => [r.conversationId, r]));
      const unreadById = new Map(unreadRows.map((r) => [r.conversationId, r.unread]));
      return {
        items: ids.map((id) => ({ last: lastById.get(id)!, unread: unreadById.get(id) ?? 0 })),
        total: totalRow?.total ?? 0,
      };
    },

    /** Units of a usage type recorded since `since` (this billing month), read inside the caller's lock. */
    async usageSince(userId: string, type: 'SMS_SENT' | 'MMS_SENT', since: Date, tx: Database): Promise<number> {
      const [row] = await tx
        .select({ total: sum(usageRecords.quantity) })
        .from(usageRecords)
        .where(and(eq(usageRecords.userId, userId), eq(usageRecords.type, type), gte(usageRecords.periodStart, since)));
      return Number(row?.total ?? 0);
    },

    async countSentSince(userId: string, since: Date, tx: Database): Promise<number> {
      const [row] = await tx
        .select({ n: count() })
        .from(messages)
        .where(and(eq(messages.userId, userId), eq(messages.direction, 'OUTBOUND'), gte(messages.createdAt, since)));
      return row?.n ?? 0;
    },
  };
}

export type MessagingRepository = ReturnType<typeof createMessagingRepository>;
