import type {
  Contact,
  ContactHistory,
  ContactList,
  ContactTags,
  CreateContactBody,
  ImportResult,
  UpdateContactBody,
} from '@commpro/contracts';
import { authedDownload, authedRequest, authedUpload } from '../../shared/api/client';
import { listPath, type ContactFilter } from './contact-filter';

/** How many calls and messages a contact's timeline loads at once. */
export const HISTORY_PAGE = 20;

const contactPath = (id: string, rest = '') => `/api/contacts/${encodeURIComponent(id)}${rest}`;

/** The exports the server writes: vCard 4.0 by default, 3.0 for older address books, and CSV for spreadsheets. */
export type ExportFormat = 'vcard' | 'vcard3' | 'csv';
const EXPORT_PATHS: Record<ExportFormat, string> = {
  vcard: '/api/contacts/export.vcf',
  vcard3: '/api/contacts/export.vcf?version=3.0',
  csv: '/api/contacts/export.csv',
};

export const contactsApi = {
  list: (filter: ContactFilter, offset = 0) => authedRequest<ContactList>(listPath(filter, offset)),
  /** The contacts whose number matches, best first (the exact one among them, if saved). */
  search: (text: string) =>
    authedRequest<ContactList>(`/api/contacts?${new URLSearchParams({ search: text, limit: '5' }).toString()}`),
  tags: () => authedRequest<ContactTags>('/api/contacts/tags'),
  get: (id: string) => authedRequest<Contact>(contactPath(id)),
  create: (body: CreateContactBody) => authedRequest<Contact>('/api/contacts', { method: 'POST', body }),
  update: (id: string, body: UpdateContactBody) => authedRequest<Contact>(contactPath(id), { method: 'PUT', body }),
  remove: (id: string) => authedRequest<unknown>(contactPath(id), { method: 'DELETE' }),
  history: (id: string, offset: number) => {
    const query = new URLSearchParams({ limit: String(HISTORY_PAGE), offset: String(offset) });
    return authedRequest<ContactHistory>(contactPath(id, `/history?${query.toString()}`));
  },
  importVcard: (file: File) => authedUpload<ImportResult>('/api/contacts/import', { field: 'file', file }),
  export: (format: ExportFormat) => authedDownload(EXPORT_PATHS[format]),
};

export const contactsKeys = {
  all: ['contacts'] as const,
  list: (filter: ContactFilter) => ['contacts', 'list', filter] as const,
  tags: ['contacts', 'tags'] as const,
  detail: (id: string) => ['contacts', 'detail', id] as const,
  histories: ['contacts', 'history'] as const,
  history: (id: string) => ['contacts', 'history', id] as const,
  byNumber: (phoneNumber: string) => ['contacts', 'by-number', phoneNumber] as const,
};
