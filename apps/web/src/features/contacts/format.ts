import { ContactTag, MAX_TAGS_PER_CONTACT, type Contact, type ContactRef, type CountryCode } from '@commpro/contracts';
import type { Translate } from '../../shared/i18n/i18n';
import { formatPhone, toE164 } from '../numbers/format';

/** Who is at the other end of a conversation or a call: the contact's name, else the number. */
export function partyName(contact: ContactRef | null | undefined, phoneNumber: string): string {
  return contact?.displayName ?? formatPhone(phoneNumber);
}

/** The letter a name is filed under: "É" under E, digits and signs under #. */
export function letterOf(name: string): string {
  const first = [...name.trim()][0] ?? '';
  const base = first.normalize('NFD').replace(/\p{M}/gu, '').toLocaleUpperCase();
  return /^\p{L}$/u.test(base) ? base : '#';
}

export interface LetterGroup<T> {
  letter: string;
  items: T[];
}

/** The list (already sorted by name by the server) cut into runs of the same first letter. */
export function groupByLetter<T extends Pick<Contact, 'displayName'>>(contacts: readonly T[]): LetterGroup<T>[] {
  const groups: LetterGroup<T>[] = [];
  for (const contact of contacts) {
    const letter = letterOf(contact.displayName);
    const last = groups.at(-1);
    if (last?.letter === letter) last.items.push(contact);
    else groups.push({ letter, items: [contact] });
  }
  return groups;
}

/** The line under a contact's name: the company, else the number (unless the name already is one of them). */
export function secondLine(contact: Pick<Contact, 'displayName' | 'company' | 'phoneNumber'>): string {
  const company = contact.company?.trim();
  if (company && company !== contact.displayName) return company;
  return contact.displayName === contact.phoneNumber ? '' : formatPhone(contact.phoneNumber);
}

export interface ContactFormValues {
  firstName: string;
  lastName: string;
  phoneNumber: string;
  email: string;
  company: string;
  notes: string;
  tags: string[];
}

/** The form filled with a contact, or empty (with a number to save, e.g. from a conversation). */
export function formValuesOf(contact: Contact | undefined, phoneNumber = ''): ContactFormValues {
  return {
    firstName: contact?.firstName ?? '',
    lastName: contact?.lastName ?? '',
    phoneNumber: contact ? formatPhone(contact.phoneNumber) : phoneNumber,
    email: contact?.email ?? '',
    company: contact?.company ?? '',
    notes: contact?.notes ?? '',
    tags: contact?.tags ?? [],
  };
}

/**
 * What the form sends: every field, so an emptied one is cleared (the server reads "" as none),
 * and the number in E.164 when it reads as one in the line's country; otherwise as typed,
 * for the server to say what is wrong with it.
 */
export function contactBody(values: ContactFormValues, country: CountryCode | undefined) {
  return {
    firstName: values.firstName,
    lastName: values.lastName,
    phoneNumber: toE164(values.phoneNumber, country) ?? values.phoneNumber.trim(),
    email: values.email.trim(),
    company: values.company,
    notes: values.notes,
    tags: values.tags,
  };
}

export type TagCheck = { ok: true; tag: string } | { ok: false; error: string | null };

/** A tag typed in: as stored (trimmed, lower case), or why it cannot be added (null: nothing typed). */
export function checkTag(input: string, tags: readonly string[], t: Translate): TagCheck {
  if (!input.trim()) return { ok: false, error: null };
  const parsed = ContactTag.safeParse(input);
  if (!parsed.success) return { ok: false, error: t('contacts.tags.tooLong') };
  if (tags.includes(parsed.data)) return { ok: false, error: t('contacts.tags.already', { tag: parsed.data }) };
  if (tags.length >= MAX_TAGS_PER_CONTACT) {
    return { ok: false, error: t('contacts.tags.max', { max: MAX_TAGS_PER_CONTACT }) };
  }
  return { ok: true, tag: parsed.data };
}
