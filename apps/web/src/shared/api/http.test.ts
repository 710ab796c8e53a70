import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from './errors';
import { download, filenameOf, request } from './http';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('filenameOf', () => {
  it('reads the plain and the UTF-8 forms of Content-Disposition, preferring UTF-8', () => {
    expect(filenameOf('attachment; filename="contacts.vcf"')).toBe('contacts.vcf');
    expect(filenameOf('attachment; filename=contacts.csv')).toBe('contacts.csv');
    expect(filenameOf(`attachment; filename="contacts.vcf"; filename*=UTF-8''contacts%20%C3%A9t%C3%A9.vcf`)).toBe(
      'contacts été.vcf',
    );
    expect(filenameOf('attachment')).toBeNull();
    expect(filenameOf(null)).toBeNull();
  });
});

describe('request', () => {
  it('keeps the contact a 409 names, so the app can open it', async () => {
    const existing = { id: '7f0f1d4e-6a5b-4c3d-9e8f-0a1b2c3d4e5f', displayName: 'Hélène Martin' };
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        Response.json({ error: 'This number is already a contact', code: 'ALREADY_EXISTS', existing }, { status: 409 }),
      ),
    );
    const error = await request('/api/contacts', { method: 'POST', body: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: 'ALREADY_EXISTS', existing });
  });
});

describe('download', () => {
  it('sends the token and gives the file with its name', async () => {
    const fetch = vi.fn(
      async () =>
        new Response('BEGIN:VCARD\r\nEND:VCARD\r\n', {
          headers: { 'Content-Type': 'text/vcard', 'Content-Disposition': 'attachment; filename="contacts.vcf"' },
        }),
    );
    vi.stubGlobal('fetch', fetch);
    const file = await download('/api/contacts/export.vcf', { token: 'abc' });
    expect(fetch).toHaveBeenCalledWith(
      '/api/contacts/export.vcf',
      expect.objectContaining({ headers: { Authorization: 'Bearer abc' } }),
    );
    expect(file.filename).toBe('contacts.vcf');
    expect(await file.blob.text()).toContain('BEGIN:VCARD');
  });

  it('turns a refusal into an ApiError', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Response.json({ error: 'Please log in', code: 'UNAUTHENTICATED' }, { status: 401 })),
    );
    await expect(download('/api/contacts/export.csv')).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });
});
