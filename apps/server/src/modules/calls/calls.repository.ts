import type { CallStatus, ContactRef } from '@commpro/contracts';
import { contactDisplayName, MISSED_CALL_STATUSES } from '@commpro/contracts';
import { and, count, desc, eq, gte, inArray, lt, ne, sql, sum } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Database } from '../../platform/db/client.js';
import { usageRecords } from '../billing/billing.table.js';
import { contacts } from '../contacts/contacts.table.js';
import { LIVE_STATUSES } from './call-status.js';
import { calls } from './calls.table.js';

export type CallRow = typeof calls.$inferSelect;
export type NewCall = typeof calls.$inferInsert;
/** A leg with what the other leg says about it (hold is set by the other party). */
export type CallView = CallRow & { peerOnHold: boolean; contact: ContactRef | null };

export interface CallFilters {
  direction?: 'INBOUND' | 'OUTBOUND' | undefined;
  status?: 'COMPLETED' | 'MISSED' | 'FAILED' | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  limit: number;
  offset: number;
}

const peer = alias(calls, 'peer');

export function createCallsRepository(db: Database) {
  const view = (tx: Database) =>
    tx
      .select({
        call: calls,
        peerOnHold: sql<boolean>`coalesce(${peer.onHold}, false)`,
        contact: {
          id: contacts.id,
          firstName: contacts.firstName,
          lastName: contacts.lastName,
          company: contacts.company,
          phoneNumber: contacts.phoneNumber,
        },
      })
      .from(calls)
      .leftJoin(peer, eq(peer.id, calls.peerCallId))
      .leftJoin(contacts, eq(contacts.id, calls.contactId));
  const flatten = (r: {
    call: CallRow;
    peerOnHold: boolean;
    contact: {
      id: string;
      firstName: string | null;
      lastName: string | null;
      company: string | null;
      phoneNumber: string;
    } | null;
  }): CallView => ({
    ...r.call,
    peerOnHold: r.peerOnHold,
    contact: r.contact ? { id: r.contact.id, displayName: contactDisplayName(r.contact) } : null,
  });

  function filters(userId: string, f: Omit<CallFilters, 'limit' | 'offset'>) {
    const statusFilter =
      f.status === 'MISSED'
        ? and(eq(calls.direction, 'INBOUND'), inArray(calls.status, [...MISSED_CALL_STATUSES]))
        : f.status === 'FAILED'
          ? eq(calls.status, 'FAILED')
          : f.status === 'COMPLETED'
            ? eq(calls.status, 'COMPLETED')
            : undefined;
    return and(
      eq(calls.userId, userId),
      f.direction ? eq(calls.direction, f.direction) : undefined,
      statusFilter,
      f.from ? gte(calls.createdAt, f.from) : undefined,
      f.to ? lt(calls.createdAt, f.to) : undefined,
    );
  }

  return {
    /** Inserts legs in one statement, so two legs naming each other as peers satisfy the foreign key. */
    async insert(rows: NewCall[], tx: Database = db): Promise<CallRow[]> {
      return tx.insert(calls).values(rows).returning();
    },

    /** An inbound carrier call, stored once per carrier id; undefined when it is already stored. */
    async insertOnce(row: NewCall, tx: Database = db): Promise<CallRow | undefined> {
      const [inserted] = await tx
        .insert(calls)
        .values(row)
        .onConflictDoNothing({ target: calls.carrierCallSid })
        .returning();
      return inserted;
    },

    async findById(id: string, tx: Database = db): Promise<CallRow | undefined> {
      const [row] = await tx.select().from(calls).where(eq(calls.id, id)).limit(1);
      return row;
    },

    async view(id: string): Promise<CallView | undefined> {
      const [row] = await view(db).where(eq(calls.id, id)).limit(1);
      return row && flatten(row);
    },

    async viewOwned(userId: string, id: string): Promise<CallView | undefined> {
      const [row] = await view(db)
        .where(and(eq(calls.id, id), eq(calls.userId, userId)))
        .limit(1);
      return row && flatten(row);
    },

    async findByCarrierSid(sid: string): Promise<CallRow | undefined> {
      const [row] = await db.select().from(calls).where(eq(calls.carrierCallSid, sid)).limit(1);
      return row;
    },

    /** The call an app leg placed (Twilio's CallSid of the app's own leg). */
    async findByClientSid(sid: string): Promise<CallRow | undefined> {
      const [row] = await db.select().from(calls).where(eq(calls.clientCallSid, sid)).limit(1);
      return row;
    },

    /** The newest calls with a contact (its timeline). */
    async listForContact(
      userId: string,
      contactId: string,
      limit: number,
    ): Promise<{ rows: CallView[]; total: number }> {
      const where = and(eq(calls.userId, userId), eq(calls.contactId, contactId));
      const [rows, [totalRow]] = await Promise.all([
        view(db).where(where).orderBy(desc(calls.createdAt), desc(calls.id)).limit(limit),
        db.select({ n: count() }).from(calls).where(where),
      ]);
      return { rows: rows.map(flatten), total: totalRow?.n ?? 0 };
    },

    async list(userId: string, f: CallFilters): Promise<{ rows: CallView[]; total: number }> {
      const where = filters(userId, f);
      const [rows, [totalRow]] = await Promise.all([
        view(db).where(where).orderBy(desc(calls.createdAt), desc(calls.id)).limit(f.limit).offset(f.offset),
        db.select({ n: count() }).from(calls).where(where),
      ]);
      return { rows: rows.map(flatten), total: totalRow?.n ?? 0 };
    },

    /**
     * Applies `changes` only while the call is in one of `from`: the check is
     * in the update itself, so concurrent events cannot both win.
     */
    async transition(
      id: string,
      from: readonly CallStatus[],
      changes: Partial<NewCall>,
      tx: Database = db,
    ): Promise<CallRow | undefined> {
      const [row] = await tx
        .update(calls)
        .set(changes)
        .where(and(eq(calls.id, id), inArray(calls.status, [...from])))
        .returning();
      return row;
    },

    /** Changes what does not move the status (carrier ids, mute, hold, recording). */
    async update(id: string, changes: Partial<NewCall>, tx: Database = db): Promise<CallRow | undefined> {
      const [row] = await tx.update(calls).set(changes).where(eq(calls.id, id)).returning();
      return row;
    },

    async minutesUsedSince(userId: string, since: Date, tx: Database): Promise<number> {
      const [row] = await tx
        .select({ total: sum(usageRecords.quantity) })
        .from(usageRecords)
        .where(
          and(
            eq(usageRecords.userId, userId),
            eq(usageRecords.type, 'CALL_MINUTES'),
            gte(usageRecords.periodStart, since),
          ),
        );
      return Number(row?.total ?? 0);
    },

    /** The user's calls still ringing or connected: each will cost at least a minute. */
    async countLive(userId: string, tx: Database, exceptCallId?: string): Promise<number> {
      const [row] = await tx
        .select({ n: count() })
        .from(calls)
        .where(
          and(
            eq(calls.userId, userId),
            inArray(calls.status, LIVE_STATUSES),
            exceptCallId ? ne(calls.id, exceptCallId) : undefined,
          ),
        );
      return row?.n ?? 0;
    },
  };
}

export type CallsRepository = ReturnType<typeof createCallsRepository>;
