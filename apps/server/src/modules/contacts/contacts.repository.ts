import { SEARCH_COUNT_CAP } from '@commpro/contracts';
import { and, arrayContains, asc, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../platform/db/client.js';
import { calls } from '../calls/calls.table.js';
import { messages } from '../messaging/messaging.table.js';
import { contacts } from './contacts.table.js';

export type ContactRow = typeof contacts.$inferSelect;
export type NewContact = typeof contacts.$inferInsert;

export interface ContactFilters {
  /** The query folded (lower case, no accents). */
  text?: string | undefined;
  /** The query's digits, when it looks like part of a number. */
  digits?: string | undefined;
  tags?: string[] | undefined;
  favorites?: boolean | undefined;
  limit: number;
  offset: number;
}

/** Typo tolerance needs enough letters to tell a typo from another name. */
const TYPO_MIN_LENGTH = 5;
/**
 * How alike a typed word must be to a word of the contact (pg_trgm
 * word_similarity). PostgreSQL's default, 0.6, misses one wrong letter in a
 * six-letter name ("marten" ~ "martin" is 0.57).
 */
const TYPO_SIMILARITY = '0.5';
/** Below three characters a trigram index cannot help: only names starting with the query match. */
const CONTAINS_MIN_LENGTH = 3;

/** Names in byte order, matching the (user_id, sort_name collate "C") index. */
const sortKey = sql`${contacts.sortName} collate "C"`;

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The number of the other party of a message or call: what a contact's number is compared with. */
const messageParty = sql`case when ${messages.direction} = 'INBOUND' then ${messages.fromNumber} else ${messages.toNumber} end`;
const callParty = sql`case when ${calls.direction} = 'INBOUND' then ${calls.fromNumber} else ${calls.toNumber} end`;

export function createContactsRepository(db: Database) {
  /**
   * How a search is tried, in order; the first that matches anything answers.
   * A number fragment matches digits only. Words match where they appear
   * (names starting with the query first); only when nothing contains them is
   * it taken for a typo, so a common name is never slowed down by fuzzy matching.
   */
  function strategies(f: ContactFilters): { where: SQL; rank: SQL | undefined; fuzzy: boolean }[] {
    const text = f.text ?? '';
    const digits = f.digits ?? '';
    // A number fragment is looked for in numbers first; in names ("Studio 2024") only when no number has it.
    const byNumber =
      digits.length >= CONTAINS_MIN_LENGTH
        ? [{ where: sql`${contacts.phoneDigits} like ${`%${digits}%`}`, rank: undefined, fuzzy: false }]
        : [];
    if (!text) return byNumber;
    const escaped = likeEscape(text);
    const found = {
      where:
        text.length >= CONTAINS_MIN_LENGTH
          ? sql`${contacts.searchText} like ${`%${escaped}%`}`
          : sql`${sortKey} like ${`${escaped}%`}`,
      rank: sql`case when ${contacts.sortName} = ${text} then 100
        when ${contacts.sortName} like ${`${escaped}%`} then 80
        when ' ' || ${contacts.searchText} like ${`% ${escaped}%`} then 70 else 50 end`,
      fuzzy: false,
    };
    if (text.length < TYPO_MIN_LENGTH || byNumber.length) return [...byNumber, found];
    return [
      found,
      {
        where: sql`${text} <% ${contacts.searchText}`,
        rank: sql`word_similarity(${text}, ${contacts.searchText})`,
        fuzzy: true,
      },
    ];
  }

  return {
    async insert(row: NewContact, tx: Database = db): Promise<ContactRow | undefined> {
      const [inserted] = await tx
        .insert(contacts)
        .values(row)
        .onConflictDoNothing({ target: [contacts.userId, contacts.phoneNumber] })
        .returning();
      return inserted;
    },

    async findOwned(userId: string, id: string, tx: Database = db): Promise<ContactRow | undefined> {
      const [row] = await tx
        .select()
        .from(contacts)
        .where(and(eq(contacts.id, id), eq(contacts.userId, userId)))
        .limit(1);
      return row;
    },

    async findByNumber(userId: string, phoneNumber: string, tx: Database = db): Promise<ContactRow | undefined> {
      const [row] = await tx
        .select()
        .from(contacts)
        .where(and(eq(contacts.userId, userId), eq(contacts.phoneNumber, phoneNumber)))
        .limit(1);
      return row;
    },

    async findManyByNumber(userId: string, phoneNumbers: readonly string[], tx: Database = db): Promise<ContactRow[]> {
      if (!phoneNumbers.length) return [];
      return tx
        .select()
        .from(contacts)
        .where(and(eq(contacts.userId, userId), inArray(contacts.phoneNumber, [...phoneNumbers])));
    },

    /** Writes merged import rows: inserted, or replacing the contact with the same number. */
    async upsertMany(rows: NewContact[], tx: Database = db): Promise<void> {
      if (!rows.length) return;
      await tx
        .insert(contacts)
        .values(rows)
        .onConflictDoUpdate({
          target: [contacts.userId, contacts.phoneNumber],
          set: Object.fromEntries(
            (
              [
                'firstName',
                'lastName',
                'email',
                'company',
                'notes',
                'tags',
                'searchText',
                'sortName',
                'phoneDigits',
              ] as const
            )
              // Columns get their snake-case names when the query is built (casing: 'snake_case').
              .map((key) => [key, sql.raw(`excluded.${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`)]),
          ),
        });
    },

    async update(userId: string, id: string, changes: Partial<NewContact>, tx: Database = db) {
      const [row] = await tx
        .update(contacts)
        .set(changes)
        .where(and(eq(contacts.id, id), eq(contacts.userId, userId)))
        .returning();
      return row;
    },

    async remove(userId: string, id: string): Promise<boolean> {
      const deleted = await db
        .delete(contacts)
        .where(and(eq(contacts.id, id), eq(contacts.userId, userId)))
        .returning({ id: contacts.id });
      return deleted.length > 0;
    },

    async list(userId: string, f: ContactFilters): Promise<{ rows: ContactRow[]; total: number; capped: boolean }> {
      const filters = and(
        eq(contacts.userId, userId),
        f.tags?.length ? arrayContains(contacts.tags, f.tags) : undefined,
        f.favorites ? eq(contacts.isFavorite, true) : undefined,
      );
      const tries = strategies(f);
      if (!tries.length) {
        // The address book by name: the (user, sort_name) index gives the page without sorting everything.
        const [rows, [total]] = await Promise.all([
          db
            .select()
            .from(contacts)
            .where(filters)
            .orderBy(asc(sortKey), asc(contacts.id))
            .limit(f.limit)
            .offset(f.offset),
          db.select({ n: count() }).from(contacts).where(filters),
        ]);
        return { rows, total: total?.n ?? 0, capped: false };
      }
      return db.transaction(async (tx) => {
        for (const { where, rank, fuzzy } of tries) {
          // The threshold of `<%` is a setting: set for this transaction only.
          if (fuzzy) {
            await tx.execute(sql`select set_config('pg_trgm.word_similarity_threshold', ${TYPO_SIMILARITY}, true)`);
          }
          const matching = and(filters, where);
          // Counted up to the cap: "+33 6" matches a sixth of an address book, and counting all of it costs more than the page.
          const [counted] = await tx.select({ n: count() }).from(
            tx
              .select({ one: sql`1` })
              .from(contacts)
              .where(matching)
              .limit(SEARCH_COUNT_CAP + 1)
              .as('capped'),
          );
          const total = counted?.n ?? 0;
          if (total === 0) continue;
          // Unranked (a number fragment): the name index gives the page without reading every match.
          const rows = await tx
            .select()
            .from(contacts)
            .where(matching)
            .orderBy(...(rank ? [desc(rank)] : []), asc(sortKey), asc(contacts.id))
            .limit(f.limit)
            .offset(f.offset);
          return { rows, total: Math.min(total, SEARCH_COUNT_CAP), capped: total > SEARCH_COUNT_CAP };
        }
        return { rows: [], total: 0, capped: false };
      });
    },

    /** Every contact of the user, by name (exports). */
    async all(userId: string): Promise<ContactRow[]> {
      return db.select().from(contacts).where(eq(contacts.userId, userId)).orderBy(asc(sortKey));
    },

    async tags(userId: string): Promise<{ tag: string; count: number }[]> {
      const result = await db.execute<{ tag: string; count: number }>(sql`
        select tag, count(*)::int as count
        from ${contacts}, unnest(${contacts.tags}) as tag
        where ${contacts.userId} = ${userId}
        group by tag order by count(*) desc, tag`);
      return (result as unknown as { rows: { tag: string; count: number }[] }).rows;
    },

    /**
     * Points the user's messages and calls with `phoneNumber` at the contact
     * (or at no one), and unlinks those with the contact's previous number.
     */
    async relink(userId: string, contactId: string, phoneNumber: string, tx: Database = db): Promise<void> {
      for (const [table, party] of [
        [messages, messageParty],
        [calls, callParty],
      ] as const) {
        await tx
          .update(table)
          .set({ contactId: null })
          .where(and(eq(table.userId, userId), eq(table.contactId, contactId), sql`${party} <> ${phoneNumber}`));
        await tx
          .update(table)
          .set({ contactId })
          .where(and(eq(table.userId, userId), sql`${party} = ${phoneNumber}`));
      }
    },

    /** After a bulk import: every unlinked message and call of the user whose number is now a contact. */
    async linkAll(userId: string, tx: Database = db): Promise<void> {
      for (const [table, party] of [
        [messages, messageParty],
        [calls, callParty],
      ] as const) {
        await tx.execute(sql`
          update ${table} set contact_id = ${contacts.id}
          from ${contacts}
          where ${table.userId} = ${userId} and ${table.contactId} is null
            and ${contacts.userId} = ${userId} and ${contacts.phoneNumber} = ${party}`);
      }
    },
  };
}

export type ContactsRepository = ReturnType<typeof createContactsRepository>;
