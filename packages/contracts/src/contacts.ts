import { z } from 'zod';
import { Call } from './calls.js';
import { Pagination } from './common.js';
import { Message } from './messaging.js';
import { PhoneNumberInput } from './numbers.js';

export const MAX_TAGS_PER_CONTACT = 20;
/** Contacts one `POST /api/contacts/sync` or vCard import may carry. */
export const MAX_CONTACTS_PER_SYNC = 5000;

/** A tag as stored: trimmed, lower-case, so "VIP" and "vip " are one tag. */
export const ContactTag = z
  .string()
  .trim()
  .min(1, { error: 'A tag cannot be empty' })
  .max(40)
  .transform((t) => t.normalize('NFC').toLocaleLowerCase());

const Tags = z
  .array(ContactTag)
  .transform((tags) => [...new Set(tags)])
  .refine((tags) => tags.length <= MAX_TAGS_PER_CONTACT, {
    error: `At most ${MAX_TAGS_PER_CONTACT} tags per contact`,
  });

const Name = z.string().trim().max(100);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => (v === '' ? null : v));

/** What to show for a contact: the name, else the company, else the number. */
export function contactDisplayName(c: {
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  phoneNumber: string;
}): string {
  const name = [c.firstName, c.lastName].filter((part) => part?.trim()).join(' ');
  return name || c.company?.trim() || c.phoneNumber;
}

export const Contact = z.object({
  id: z.uuid(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  /** What to show for the contact: the name, else the company, else the number. */
  displayName: z.string(),
  /** E.164. */
  phoneNumber: z.string(),
  email: z.string().nullable(),
  company: z.string().nullable(),
  notes: z.string().nullable(),
  tags: z.array(z.string()),
  isFavorite: z.boolean(),
  avatarUrl: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Contact = z.infer<typeof Contact>;

export const ContactListQuery = Pagination.extend({
  /** Names, company, email or any part of the number, in any format; accents and case do not matter. */
  search: z.string().trim().max(100).optional(),
  /** Contacts with every one of these tags (repeat the parameter, or separate with commas). */
  tags: z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((t) => t.trim().toLocaleLowerCase()).filter(Boolean))
    .optional(),
  favorites: z.stringbool().optional(),
});
export type ContactListQuery = z.infer<typeof ContactListQuery>;

/** Searches count their matches up to this many; an address book without a search is counted in full. */
export const SEARCH_COUNT_CAP = 1000;

export const ContactList = z.object({
  contacts: z.array(Contact),
  total: z.number().int(),
  /** True when a search matched more than `total` (SEARCH_COUNT_CAP): show "1,000+". */
  totalCapped: z.boolean(),
});
export type ContactList = z.infer<typeof ContactList>;

export const CreateContactBody = z
  .object({
    firstName: optionalText(100).optional(),
    lastName: optionalText(100).optional(),
    phoneNumber: PhoneNumberInput,
    email: z
      .union([z.literal(''), z.email({ error: 'Enter an email address, e.g. name@example.com' }).max(255)])
      .transform((v) => (v === '' ? null : v))
      .optional(),
    company: optionalText(255).optional(),
    notes: optionalText(5000).optional(),
    tags: Tags.optional(),
    isFavorite: z.boolean().optional(),
  })
  .strict();
export type CreateContactBody = z.input<typeof CreateContactBody>;

/** Any of a contact's fields; `null` clears one. */
export const UpdateContactBody = z
  .object({
    firstName: optionalText(100).nullable().optional(),
    lastName: optionalText(100).nullable().optional(),
    phoneNumber: PhoneNumberInput.optional(),
    email: z
      .union([z.literal(''), z.email({ error: 'Enter an email address, e.g. name@example.com' }).max(255)])
      .transform((v) => (v === '' ? null : v))
      .nullable()
      .optional(),
    company: optionalText(255).nullable().optional(),
    notes: optionalText(5000).nullable().optional(),
    tags: Tags.optional(),
    isFavorite: z.boolean().optional(),
  })
  .strict();
export type UpdateContactBody = z.input<typeof UpdateContactBody>;

/**
 * One row of a bulk import. Rows are checked one by one: a bad row fails
 * alone, with its reason, and the others go in.
 */
export const SyncContactRow = z.object({
  phoneNumber: z.string().max(64),
  firstName: Name.optional(),
  lastName: Name.optional(),
  email: z.string().trim().max(255).optional(),
  company: z.string().trim().max(255).optional(),
});
export type SyncContactRow = z.infer<typeof SyncContactRow>;

export const SyncContactsBody = z.object({
  contacts: z.array(z.unknown()).min(1).max(MAX_CONTACTS_PER_SYNC),
});
export type SyncContactsBody = z.infer<typeof SyncContactsBody>;

export const ImportFailure = z.object({
  /** Position in what was sent, from 0 (for a vCard file, the card's position). */
  row: z.number().int(),
  phoneNumber: z.string().nullable(),
  code: z.string(),
  reason: z.string(),
});
export type ImportFailure = z.infer<typeof ImportFailure>;

export const ImportResult = z.object({
  imported: z.number().int(),
  updated: z.number().int(),
  failed: z.number().int(),
  failures: z.array(ImportFailure),
});
export type ImportResult = z.infer<typeof ImportResult>;

export const ContactTags = z.object({ tags: z.array(z.object({ tag: z.string(), count: z.number().int() })) });
export type ContactTags = z.infer<typeof ContactTags>;

/** One exchange with a contact: a call or a message, newest first. */
export const ContactHistoryItem = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('call'), at: z.iso.datetime(), call: Call }),
  z.object({ kind: z.literal('message'), at: z.iso.datetime(), message: Message }),
]);
export type ContactHistoryItem = z.infer<typeof ContactHistoryItem>;

export const ContactHistory = z.object({ items: z.array(ContactHistoryItem), total: z.number().int() });
export type ContactHistory = z.infer<typeof ContactHistory>;
