import type { Contact, ContactHistory, ContactList, CreateContactBody, ImportResult } from '@commpro/contracts';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { users } from '../../src/modules/auth/auth.table.js';
import { calls } from '../../src/modules/calls/calls.table.js';
import { messages } from '../../src/modules/messaging/messaging.table.js';
import { call, type Response } from './auth-flows.js';
import type { TestApp } from './test-app.js';

export function createContactRequest(t: TestApp, token: string | undefined, payload: object): Promise<Response> {
  return call(t, 'POST', '/api/contacts', { token, payload });
}

/** A contact the API accepts: 201 with the contact as stored. */
export async function createContact(t: TestApp, token: string, payload: CreateContactBody): Promise<Contact> {
  const res = await createContactRequest(t, token, payload);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

export function updateContactRequest(t: TestApp, token: string | undefined, id: string, payload: object) {
  return call(t, 'PUT', `/api/contacts/${id}`, { token, payload });
}

export async function updateContact(t: TestApp, token: string, id: string, payload: object): Promise<Contact> {
  const res = await updateContactRequest(t, token, id, payload);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export type ListQuery = Record<string, string | number | boolean | undefined>;

export function listRequest(t: TestApp, token: string | undefined, query: ListQuery = {}): Promise<Response> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const qs = params.toString();
  return call(t, 'GET', `/api/contacts${qs ? `?${qs}` : ''}`, { token });
}

export async function listContacts(t: TestApp, token: string, query: ListQuery = {}): Promise<ContactList> {
  const res = await listRequest(t, token, query);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** The display names a search returns, best first. */
export async function searchNames(t: TestApp, token: string, search: string): Promise<string[]> {
  return (await listContacts(t, token, { search })).contacts.map((c) => c.displayName);
}

export function syncRequest(t: TestApp, token: string | undefined, contacts: unknown): Promise<Response> {
  return call(t, 'POST', '/api/contacts/sync', { token, payload: { contacts } });
}

export async function sync(t: TestApp, token: string, contacts: unknown[]): Promise<ImportResult> {
  const res = await syncRequest(t, token, contacts);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export async function history(t: TestApp, token: string, id: string, query = ''): Promise<ContactHistory> {
  const res = await call(t, 'GET', `/api/contacts/${id}/history${query}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const BOUNDARY = '----commpro-contacts-test-boundary';

/** A multipart/form-data body with one file part, as a browser's file input sends it. */
export function multipartFile(
  content: string | Buffer,
  { field = 'file', filename = 'contacts.vcf', contentType = 'text/vcard' } = {},
) {
  const payload = Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`,
    ),
    Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'),
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } };
}

/** A multipart body with no part at all: the form was sent without choosing a file. */
export function emptyMultipart() {
  return {
    payload: Buffer.from(`--${BOUNDARY}--\r\n`),
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
  };
}

export function importRequest(
  t: TestApp,
  token: string | undefined,
  body: { payload: Buffer; headers: Record<string, string> },
): Promise<Response> {
  return t.app.inject({
    method: 'POST',
    url: '/api/contacts/import',
    payload: body.payload,
    headers: { ...body.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
}

export async function importVcf(t: TestApp, token: string, vcf: string): Promise<ImportResult> {
  const res = await importRequest(t, token, multipartFile(vcf));
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export async function exportFile(t: TestApp, token: string, path: string): Promise<Response> {
  const res = await call(t, 'GET', `/api/contacts/${path}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res;
}

/** Where the user lives as far as the account says (no API sets it yet). */
export async function setTimezone(t: TestApp, userId: string, timezone: string): Promise<void> {
  await t.database.handle.db.update(users).set({ timezone }).where(eq(users.id, userId));
}

/** The contact each of the user's stored messages points at, by message id. */
export async function messageContactIds(t: TestApp, userId: string): Promise<Map<string, string | null>> {
  const rows = await t.database.handle.db
    .select({ id: messages.id, contactId: messages.contactId })
    .from(messages)
    .where(eq(messages.userId, userId));
  return new Map(rows.map((r) => [r.id, r.contactId]));
}

/** The contact each of the user's call legs points at, by call id. */
export async function callContactIds(t: TestApp, userId: string): Promise<Map<string, string | null>> {
  const rows = await t.database.handle.db
    .select({ id: calls.id, contactId: calls.contactId })
    .from(calls)
    .where(eq(calls.userId, userId));
  return new Map(rows.map((r) => [r.id, r.contactId]));
}

/** Every distinct contact id the user's messages and calls point at (null: linked to no one). */
export async function linkedContactIds(t: TestApp, userId: string): Promise<(string | null)[]> {
  const all = [...(await messageContactIds(t, userId)).values(), ...(await callContactIds(t, userId)).values()];
  return [...new Set(all)];
}

/** Rows of an RFC 4180 CSV text: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}
