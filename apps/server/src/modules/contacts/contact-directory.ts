import { type ContactRef, contactDisplayName } from '@commpro/contracts';
import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../platform/db/client.js';
import { contacts } from './contacts.table.js';

/**
 * Who a number is, for the modules that store exchanges with it (messaging,
 * calls): the contact saved for it, looked up when a message or call is stored.
 */
export function createContactDirectory(db: Database) {
  return {
    async idFor(userId: string, phoneNumber: string, tx: Database = db): Promise<string | null> {
      const [row] = await tx
        .select({ id: contacts.id })
        .from(contacts)
        .where(and(eq(contacts.userId, userId), eq(contacts.phoneNumber, phoneNumber)))
        .limit(1);
      return row?.id ?? null;
    },

    /** The name of the user's contact with this number, if there is one. */
    async nameFor(userId: string, phoneNumber: string, tx: Database = db): Promise<string | null> {
      const [row] = await tx
        .select({
          firstName: contacts.firstName,
          lastName: contacts.lastName,
          company: contacts.company,
          phoneNumber: contacts.phoneNumber,
        })
        .from(contacts)
        .where(and(eq(contacts.userId, userId), eq(contacts.phoneNumber, phoneNumber)))
        .limit(1);
      return row ? contactDisplayName(row) : null;
    },

    /** Names for contact ids, by id; ids that are not the user's are left out. */
    async refsFor(userId: string, ids: readonly string[]): Promise<Map<string, ContactRef>> {
      const unique = [...new Set(ids)];
      if (!unique.length) return new Map();
      const rows = await db
        .select({
          id: contacts.id,
          firstName: contacts.firstName,
          lastName: contacts.lastName,
          company: contacts.company,
          phoneNumber: contacts.phoneNumber,
        })
        .from(contacts)
        .where(and(eq(contacts.userId, userId), inArray(contacts.id, unique)));
      return new Map(rows.map((r) => [r.id, { id: r.id, displayName: contactDisplayName(r) }]));
    },
  };
}

export type ContactDirectory = ReturnType<typeof createContactDirectory>;
