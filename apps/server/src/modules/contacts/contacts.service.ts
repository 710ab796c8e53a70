import {
  type Contact,
  type ContactHistory,
  type ContactList,
  type ContactListQuery,
  type ContactTags,
  type CountryCode,
  contactDisplayName,
  type CreateContactBody,
  type ImportFailure,
  type ImportResult,
  SyncContactRow,
  type UpdateContactBody,
} from '@commpro/contracts';
import { z } from 'zod';
import type { Database } from '../../platform/db/client.js';
import { AppError, notFound, validationError } from '../../platform/errors.js';
import { toE164 } from '../numbers/phone-input.js';
import { type ContactsHistorySource, mergeHistory } from './contact-history.js';
import type { ContactRow, ContactsRepository, NewContact } from './contacts.repository.js';
import { contactsToCsv } from './contacts-csv.js';
import { fold, phoneDigitsOf, queryDigits, searchTextOf } from './search-text.js';
import { parseVCards, serializeVCards } from './vcard.js';

export interface ContactsServiceDeps {
  db: Database;
  repo: ContactsRepository;
  history: ContactsHistorySource;
  /** The country a number written in national form is read in, for this user. */
  regionOf(userId: string): Promise<CountryCode>;
}

type ContactFields = Pick<NewContact, 'firstName' | 'lastName' | 'email' | 'company' | 'notes' | 'phoneNumber'>;

/** An import row after the row-level checks: what will be written. */
interface ImportRow {
  row: number;
  phoneNumber: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  company: string | null;
  notes?: string | null;
  tags?: string[];
}

/** Rows written per statement during an import: big enough to be fast, small enough for any driver. */
const IMPORT_CHUNK = 500;
const Email = z.email().max(255);
/** Groups address books put on every card (Google's "myContacts"): not tags anyone chose. */
const SYSTEM_GROUPS = new Set(['mycontacts', 'starred']);

/** The columns search reads, recomputed whenever a field they come from changes. */
function derived(c: ContactFields): Pick<NewContact, 'searchText' | 'sortName' | 'phoneDigits'> {
  const fields = {
    firstName: c.firstName ?? null,
    lastName: c.lastName ?? null,
    company: c.company ?? null,
    email: c.email ?? null,
  };
  return {
    searchText: searchTextOf(fields),
    sortName: fold(contactDisplayName({ ...fields, phoneNumber: c.phoneNumber })),
    phoneDigits: phoneDigitsOf(c.phoneNumber),
  };
}

export function toContactDto(row: ContactRow): Contact {
  return {
    id: row.id,
    firstName: row.firstName,
    lastName: row.lastName,
    displayName: contactDisplayName(row),
    phoneNumber: row.phoneNumber,
    email: row.email,
    company: row.company,
    notes: row.notes,
    tags: row.tags,
    isFavorite: row.isFavorite,
    avatarUrl: row.avatarUrl,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function createContactsService(deps: ContactsServiceDeps) {
  const { db, repo } = deps;

  /** A number in any written form, read in the user's country unless it says its own. */
  async function parseNumber(userId: string, input: string): Promise<string | undefined> {
    return toE164(input, await deps.regionOf(userId));
  }

  function duplicate(existing: ContactRow): AppError {
    const displayName = contactDisplayName(existing);
    return new AppError('ALREADY_EXISTS', `This number is already saved as ${displayName}`, {
      details: [{ field: 'phoneNumber', message: `Already saved as ${displayName}`, code: 'CONTACT_EXISTS' }],
      existing: { id: existing.id, displayName },
    });
  }

  async function owned(userId: string, id: string): Promise<ContactRow> {
    const row = await repo.findOwned(userId, id);
    if (!row) throw notFound('Contact');
    return row;
  }

  /** Checks each row on its own; a bad row is a failure with its reason, never the end of the import. */
  async function checkRows(
    userId: string,
    rows: readonly { row: number; input: unknown; notes?: string | null; tags?: string[] }[],
  ): Promise<{ valid: ImportRow[]; failures: ImportFailure[] }> {
    const region = await deps.regionOf(userId);
    const valid: ImportRow[] = [];
    const failures: ImportFailure[] = [];
    for (const { row, input, notes, tags } of rows) {
      const parsed = SyncContactRow.safeParse(input);
      const given = typeof (input as { phoneNumber?: unknown })?.phoneNumber === 'string';
      const phoneText = given ? String((input as { phoneNumber: string }).phoneNumber) : null;
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const field = String(issue.path[0] ?? 'row');
        failures.push(
          field === 'phoneNumber'
            ? phoneText?.trim()
              ? { row, phoneNumber: phoneText, code: 'PHONE_INVALID', reason: 'This is too long to be a phone number' }
              : { row, phoneNumber: phoneText, code: 'PHONE_MISSING', reason: 'No phone number' }
            : { row, phoneNumber: phoneText, code: 'INVALID_ROW', reason: `${field}: ${issue.message}` },
        );
        continue;
      }
      const phoneNumber = toE164(parsed.data.phoneNumber, region);
      if (!phoneNumber) {
        failures.push({
          row,
          phoneNumber: phoneText,
          code: parsed.data.phoneNumber.trim() ? 'PHONE_INVALID' : 'PHONE_MISSING',
          reason: parsed.data.phoneNumber.trim()
            ? `"${parsed.data.phoneNumber}" is not a phone number`
            : 'No phone number',
        });
        continue;
      }
      const email = parsed.data.email?.trim() || null;
      if (email && !Email.safeParse(email).success) {
        failures.push({
          row,
          phoneNumber: phoneText,
          code: 'EMAIL_INVALID',
          reason: `"${email}" is not an email address`,
        });
        continue;
      }
      valid.push({
        row,
        phoneNumber,
        firstName: parsed.data.firstName?.trim() || null,
        lastName: parsed.data.lastName?.trim() || null,
        email,
        company: parsed.data.company?.trim() || null,
        ...(notes !== undefined ? { notes } : {}),
        ...(tags !== undefined ? { tags } : {}),
      });
    }
    return { valid, failures };
  }

  /**
   * Writes checked rows: a new number is a new contact; a number already saved
   * gets the fields the row carries (empty fields keep what is there, tags are
   * added). A number twice in one import is one contact, the later row winning.
   * Messages and calls with the new contacts are linked at the end.
   */
  async function write(userId: string, valid: ImportRow[], failures: ImportFailure[]): Promise<ImportResult> {
    const byNumber = new Map<string, ImportRow>();
    for (const row of valid) byNumber.set(row.phoneNumber, { ...byNumber.get(row.phoneNumber), ...definedOf(row) });
    let imported = 0;
    let updated = 0;
    const rows = [...byNumber.values()];
    await db.transaction(async (tx) => {
      for (let i = 0; i < rows.length; i += IMPORT_CHUNK) {
        const chunk = rows.slice(i, i + IMPORT_CHUNK);
        const existing = new Map(
          (
            await repo.findManyByNumber(
              userId,
              chunk.map((r) => r.phoneNumber),
              tx,
            )
          ).map((c) => [c.phoneNumber, c]),
        );
        const merged: NewContact[] = chunk.map((r) => {
          const before = existing.get(r.phoneNumber);
          const fields: ContactFields = {
            phoneNumber: r.phoneNumber,
            firstName: r.firstName ?? before?.firstName ?? null,
            lastName: r.lastName ?? before?.lastName ?? null,
            email: r.email ?? before?.email ?? null,
            company: r.company ?? before?.company ?? null,
            notes: r.notes ?? before?.notes ?? null,
          };
          const tags = [...new Set([...(before?.tags ?? []), ...(r.tags ?? [])])].slice(0, 20);
          if (before) updated += 1;
          else imported += 1;
          return { ...fields, ...derived(fields), tags, userId, isFavorite: before?.isFavorite ?? false };
        });
        await repo.upsertMany(merged, tx);
      }
      await repo.linkAll(userId, tx);
    });
    failures.sort((a, b) => a.row - b.row);
    return { imported, updated, failed: failures.length, failures };
  }

  return {
    async list(userId: string, query: ContactListQuery): Promise<ContactList> {
      const search = query.search?.trim() ?? '';
      const { rows, total, capped } = await repo.list(userId, {
        text: fold(search),
        digits: queryDigits(search),
        tags: query.tags,
        favorites: query.favorites,
        limit: query.limit,
        offset: query.offset,
      });
      return { contacts: rows.map(toContactDto), total, totalCapped: capped };
    },

    async get(userId: string, id: string): Promise<Contact> {
      return toContactDto(await owned(userId, id));
    },

    async create(userId: string, body: z.output<typeof CreateContactBody>): Promise<Contact> {
      const phoneNumber = await parseNumber(userId, body.phoneNumber);
      if (!phoneNumber)
        throw validationError('phoneNumber', 'Enter a phone number, e.g. +33 6 12 34 56 78', 'PHONE_INVALID');
      const fields: ContactFields = {
        phoneNumber,
        firstName: body.firstName ?? null,
        lastName: body.lastName ?? null,
        email: body.email ?? null,
        company: body.company ?? null,
        notes: body.notes ?? null,
      };
      const row = await db.transaction(async (tx) => {
        const inserted = await repo.insert(
          { ...fields, ...derived(fields), userId, tags: body.tags ?? [], isFavorite: body.isFavorite ?? false },
          tx,
        );
        if (inserted) await repo.relink(userId, inserted.id, phoneNumber, tx);
        return inserted;
      });
      if (!row) throw duplicate((await repo.findByNumber(userId, phoneNumber))!);
      return toContactDto(row);
    },

    async update(userId: string, id: string, body: z.output<typeof UpdateContactBody>): Promise<Contact> {
      const current = await owned(userId, id);
      let phoneNumber = current.phoneNumber;
      if (body.phoneNumber !== undefined) {
        const parsed = await parseNumber(userId, body.phoneNumber);
        if (!parsed)
          throw validationError('phoneNumber', 'Enter a phone number, e.g. +33 6 12 34 56 78', 'PHONE_INVALID');
        phoneNumber = parsed;
      }
      const fields: ContactFields = {
        phoneNumber,
        firstName: body.firstName === undefined ? current.firstName : body.firstName,
        lastName: body.lastName === undefined ? current.lastName : body.lastName,
        email: body.email === undefined ? current.email : body.email,
        company: body.company === undefined ? current.company : body.company,
        notes: body.notes === undefined ? current.notes : body.notes,
      };
      try {
        const row = await db.transaction(async (tx) => {
          const changed = await repo.update(
            userId,
            id,
            {
              ...fields,
              ...derived(fields),
              ...(body.tags !== undefined ? { tags: body.tags } : {}),
              ...(body.isFavorite !== undefined ? { isFavorite: body.isFavorite } : {}),
            },
            tx,
          );
          if (changed && phoneNumber !== current.phoneNumber) await repo.relink(userId, id, phoneNumber, tx);
          return changed;
        });
        if (!row) throw notFound('Contact');
        return toContactDto(row);
      } catch (error) {
        if (isUniqueViolation(error)) throw duplicate((await repo.findByNumber(userId, phoneNumber))!);
        throw error;
      }
    },

    /** Messages and calls with the contact stay; they show the number again (the foreign key sets them to null). */
    async remove(userId: string, id: string): Promise<void> {
      if (!(await repo.remove(userId, id))) throw notFound('Contact');
    },

    async tags(userId: string): Promise<ContactTags> {
      return { tags: await repo.tags(userId) };
    },

    async sync(userId: string, rows: readonly unknown[]): Promise<ImportResult> {
      const { valid, failures } = await checkRows(
        userId,
        rows.map((input, row) => ({ row, input })),
      );
      return write(userId, valid, failures);
    },

    async importVCards(userId: string, text: string): Promise<ImportResult> {
      let cards;
      try {
        cards = parseVCards(text);
      } catch (error) {
        if (error instanceof RangeError) throw new AppError('BAD_REQUEST', error.message, { cause: error });
        throw error;
      }
      if (!cards.length) {
        throw new AppError('BAD_REQUEST', 'No contact card found: choose a .vcf file (vCard)', {
          details: [{ field: 'file', message: 'No vCard in this file', code: 'NO_VCARD' }],
        });
      }
      const { valid, failures } = await checkRows(
        userId,
        cards.map((card) => ({
          row: card.index,
          input: {
            phoneNumber: card.phoneNumbers[0] ?? '',
            firstName: card.firstName?.slice(0, 100) ?? undefined,
            lastName: card.lastName?.slice(0, 100) ?? undefined,
            email: card.email ?? undefined,
            company: card.company?.slice(0, 255) ?? undefined,
          },
          notes: card.notes?.slice(0, 5000) ?? null,
          tags: card.categories
            .map((t) => t.trim().normalize('NFC').toLocaleLowerCase().slice(0, 40))
            .filter((t) => t && !SYSTEM_GROUPS.has(t)),
        })),
      );
      return write(userId, valid, failures);
    },

    async exportVCards(userId: string, version: '3.0' | '4.0'): Promise<string> {
      return serializeVCards(await repo.all(userId), version);
    },

    async exportCsv(userId: string): Promise<string> {
      return contactsToCsv(await repo.all(userId));
    },

    async history(userId: string, id: string, page: { limit: number; offset: number }): Promise<ContactHistory> {
      const contact = await owned(userId, id);
      return mergeHistory(deps.history, userId, contact.id, page);
    },
  };
}

/** A row's fields that carry a value, so a later duplicate row only adds what it knows. */
function definedOf(row: ImportRow): ImportRow {
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null && v !== undefined)) as ImportRow;
}

const isUniqueViolation = (error: unknown): boolean =>
  [error, (error as { cause?: unknown })?.cause].some(
    (e) => typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505',
  );

export type ContactsService = ReturnType<typeof createContactsService>;
