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

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The number of the other party of a message or call: what a contact's number is compared with. */
const messageParty = sql`case when ${messages.direction} = 'INBOUND' then ${messages.fromNumber} else ${messages.toNumber} end`;
const callParty = sql`case when ${calls.direction} = 'INBOUND' then ${calls.fromNumber} else ${calls.toNumber} end`;

export function createContactsRepository(db: Database) {
  /** Conditions and rank of a search; rank orders best first (exact name, name start, word start, contains, number, typo). */
  function search(f: ContactFilters): { where: SQL | undefined; rank: SQL } {
    const text = f.text ?? '';
    const digits = f.digits ?? '';
    const matches: SQL[] = [];
    const ranks: SQL[] = [];
    if (text) {
      const escaped = likeEscape(text);
      ranks.push(sql`case when ${contacts.sortName} = ${text} then 100
        when ${contacts.sortName} like ${`${escaped}%`} then 80
        when ' ' || ${contacts.searchText} like ${`% ${escaped}%`} then 70
        when ${contacts.searchText} like ${`%${escaped}%`} then 50 else 0 end`);
      if (text.length >= CONTAINS_MIN_LENGTH) {
        matches.push(sql`${contacts.searchText} like ${`%${escaped}%`}`);
      } else {
        matches.push(sql`${contacts.sortName} like ${`${escaped}%`}`);
      }
      if (text.length >= TYPO_MIN_LENGTH) {
        matches.push(sql`${text} <% ${contacts.searchText}`);
        ranks.push(sql`(30 * word_similarity(${text}, ${contacts.searchText}))`);
      }
    }
    if (digits.length >= CONTAINS_MIN_LENGTH) {
      matches.push(sql`${contacts.phoneDigits} like ${`%${digits}%`}`);
      ranks.push(sql`case when ${contacts.phoneDigits} like ${`%${digits}%`} then 40 else 0 end`);
    }
    return {
      where: matches.length ? sql`(${sql.join(matches, sql` or `)})` : undefined,
      rank: ranks.length ? sql.join(ranks, sql` + `) : sql`0`,
    };
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

    async list(userId: string, f: ContactFilters): Promise<{ rows: ContactRow[]; total: number }> {
      const { where: matching, rank } = search(f);
      const where = and(
        eq(contacts.userId, userId),
        matching,
        f.tags?.length ? arrayContains(contacts.tags, f.tags) : undefined,
        f.favorites ? eq(contacts.isFavorite, true) : undefined,
      );
      const searching = matching !== undefined;
      // The threshold of `<%` is a setting: set for this transaction only, so both queries see it.
      return db.transaction(async (tx) => {
        if (searching)
          await tx.execute(sql`select set_config('pg_trgm.word_similarity_threshold', ${TYPO_SIMILARITY}, true)`);
        const rows = await tx
          .select()
          .from(contacts)
          .where(where)
          .orderBy(...(searching ? [desc(rank)] : []), asc(contacts.sortName), asc(contacts.id))
          .limit(f.limit)
          .offset(f.offset);
        const [total] = await tx.select({ n: count() }).from(contacts).where(where);
        return { rows, total: total?.n ?? 0 };
      });
    },

    /** Every contact of the user, by name (exports). */
    async all(userId: string): Promise<ContactRow[]> {
      return db.select().from(contacts).where(eq(contacts.userId, userId)).orderBy(asc(contacts.sortName));
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
