import { readFileSync } from 'node:fs';
import type { Contact, CreateContactBody } from '@commpro/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, call, expectError, registerUser } from '../helpers/auth-flows.js';
import {
  createContact,
  emptyMultipart,
  exportFile,
  importRequest,
  importVcf,
  listContacts,
  multipartFile,
  parseCsv,
  setTimezone,
  sync,
  syncRequest,
  updateContact,
} from '../helpers/contacts-flows.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** Every contact of the user, all pages. */
async function allContacts(user: Account): Promise<Contact[]> {
  const list = await listContacts(t, user.accessToken, { limit: 200 });
  expect(list.total).toBeLessThanOrEqual(200);
  return list.contacts;
}

/** What a vCard carries of a contact, comparable between two users. */
const card = (c: Contact) => ({
  firstName: c.firstName,
  lastName: c.lastName,
  phoneNumber: c.phoneNumber,
  email: c.email,
  company: c.company,
  notes: c.notes,
  tags: [...c.tags].sort(),
});
const byNumber = (a: { phoneNumber: string }, b: { phoneNumber: string }) => a.phoneNumber.localeCompare(b.phoneNumber);

describe('POST /api/contacts/sync', () => {
  it('imports the good rows and names each bad one with its position, number and reason', async () => {
    const alice = await registerUser(t);
    const result = await sync(t, alice.accessToken, [
      { phoneNumber: '06 12 34 56 78', firstName: 'Jean', lastName: 'Dupont' },
      { phoneNumber: 'pas de numéro', firstName: 'Invalid' },
      { firstName: 'No number at all' },
      { phoneNumber: '   ', firstName: 'Blank number' },
      { phoneNumber: '06 00 00 00 05', email: 'jean(at)example' },
      null,
      { phoneNumber: '06 00 00 00 07', firstName: 42 },
      { phoneNumber: '+44 20 7946 0958', company: 'London Ltd', email: 'ops@london.example' },
    ]);
    expect(result).toMatchObject({ imported: 2, updated: 0, failed: 6 });
    expect(result.failures.map(({ row, phoneNumber, code }) => ({ row, phoneNumber, code }))).toEqual([
      { row: 1, phoneNumber: 'pas de numéro', code: 'PHONE_INVALID' },
      { row: 2, phoneNumber: null, code: 'PHONE_MISSING' },
      { row: 3, phoneNumber: '   ', code: 'PHONE_MISSING' },
      { row: 4, phoneNumber: '06 00 00 00 05', code: 'EMAIL_INVALID' },
      { row: 5, phoneNumber: null, code: 'INVALID_ROW' },
      { row: 6, phoneNumber: '06 00 00 00 07', code: 'INVALID_ROW' },
    ]);
    for (const failure of result.failures) expect(failure.reason.length).toBeGreaterThan(0);
    const saved = await allContacts(alice);
    expect(saved.map((c) => [c.displayName, c.phoneNumber])).toEqual([
      ['Jean Dupont', '+33612345678'],
      ['London Ltd', '+442079460958'],
    ]);
  });

  it('says a phone field holding something too long to be a number is invalid, not missing', async () => {
    const alice = await registerUser(t);
    const written = 'Bureau : 01 99 00 12 34, ou portable 06 12 34 56 78 après 18 h, demander Jean';
    const result = await sync(t, alice.accessToken, [{ phoneNumber: written, firstName: 'Jean' }]);
    expect(result.failures).toEqual([expect.objectContaining({ row: 0, phoneNumber: written, code: 'PHONE_INVALID' })]);
  });

  it('reads national numbers in the user’s country', async () => {
    const alice = await registerUser(t);
    await setTimezone(t, alice.id, 'America/Chicago');
    await sync(t, alice.accessToken, [{ phoneNumber: '(415) 555-0142' }, { phoneNumber: '0033 6 12 34 56 78' }]);
    expect((await allContacts(alice)).map((c) => c.phoneNumber).sort()).toEqual(['+14155550142', '+33612345678']);
  });

  it('updates a contact it already has: fields the row leaves empty keep their value', async () => {
    const alice = await registerUser(t);
    const jean = await createContact(t, alice.accessToken, {
      firstName: 'Jean',
      lastName: 'Dupont',
      phoneNumber: '06 12 34 56 78',
      email: 'jean@dupont.fr',
      company: 'Dupont & Fils',
      notes: 'Client depuis 2019',
      tags: ['client'],
      isFavorite: true,
    });
    const result = await sync(t, alice.accessToken, [
      { phoneNumber: '+33 6 12 34 56 78', firstName: '', lastName: 'Durand', email: '' },
      { phoneNumber: '06 98 76 54 32', firstName: 'Paul' },
    ]);
    expect(result).toEqual({ imported: 1, updated: 1, failed: 0, failures: [] });
    const [after] = (await allContacts(alice)).filter((c) => c.id === jean.id);
    expect(after).toMatchObject({
      firstName: 'Jean',
      lastName: 'Durand',
      email: 'jean@dupont.fr',
      company: 'Dupont & Fils',
      notes: 'Client depuis 2019',
      tags: ['client'],
      isFavorite: true,
    });
  });

  it('shows that a contact it changed was updated (updatedAt moves)', async () => {
    const alice = await registerUser(t);
    const before = await createContact(t, alice.accessToken, { firstName: 'Jean', phoneNumber: '06 12 34 56 78' });
    // updatedAt has millisecond precision: make sure the sync happens later.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await sync(t, alice.accessToken, [{ phoneNumber: '06 12 34 56 78', lastName: 'Dupont' }]);
    const res = await call(t, 'GET', `/api/contacts/${before.id}`, { token: alice.accessToken });
    expect(res.json().lastName).toBe('Dupont');
    expect(Date.parse(res.json().updatedAt)).toBeGreaterThan(Date.parse(before.updatedAt));
  });

  it('makes one contact of a number given twice, the later row adding to the earlier', async () => {
    const alice = await registerUser(t);
    const result = await sync(t, alice.accessToken, [
      { phoneNumber: '06 12 34 56 78', firstName: 'Jean', company: 'Dupont & Fils' },
      { phoneNumber: '+33612345678', firstName: 'Jean-Pierre', email: 'jp@dupont.fr' },
    ]);
    expect(result).toEqual({ imported: 1, updated: 0, failed: 0, failures: [] });
    expect((await allContacts(alice)).map(card)).toEqual([
      expect.objectContaining({ firstName: 'Jean-Pierre', company: 'Dupont & Fils', email: 'jp@dupont.fr' }),
    ]);
  });

  it('takes 5,000 rows in one request', async () => {
    const alice = await registerUser(t);
    const rows = Array.from({ length: 5000 }, (_, i) => ({
      phoneNumber: `06 ${String(10_000_000 + i).replace(/(\d{2})(?=\d)/g, '$1 ')}`,
      firstName: `Prénom${i}`,
      lastName: 'Nom',
    }));
    const result = await sync(t, alice.accessToken, rows);
    expect(result).toEqual({ imported: 5000, updated: 0, failed: 0, failures: [] });
    expect((await listContacts(t, alice.accessToken, { limit: 1 })).total).toBe(5000);
    // Sent again, the same rows change nothing but count as updates.
    expect(await sync(t, alice.accessToken, rows)).toMatchObject({ imported: 0, updated: 5000, failed: 0 });
  }, 120_000);

  it('takes 5,000 rows of a business address book, with names, emails and companies', async () => {
    const alice = await registerUser(t);
    const rows = Array.from({ length: 5000 }, (_, i) => ({
      phoneNumber: `+33 6 ${String(10_000_000 + i).replace(/(\d{2})(?=\d)/g, '$1 ')}`,
      firstName: 'Marie-Christine',
      lastName: 'de La Fontaine-Dubois',
      email: `marie-christine.delafontaine-dubois.${i}@cabinet-exemple.fr`,
      company: 'Cabinet Exemple Conseil & Associés',
    }));
    // About 220 bytes a row (1.09 MB in all): what the contract's 5,000 rows weigh with ordinary fields filled in.
    expect(JSON.stringify({ contacts: rows }).length).toBeLessThan(1_200_000);
    const res = await syncRequest(t, alice.accessToken, rows);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.json()).toMatchObject({ imported: 5000, failed: 0 });
  }, 120_000);

  it('refuses more than 5,000 rows, none at all, or not a list, and imports nothing', async () => {
    const alice = await registerUser(t);
    const tooMany = Array.from({ length: 5001 }, (_, i) => ({ phoneNumber: `+3361${String(i).padStart(7, '0')}` }));
    expectError(await syncRequest(t, alice.accessToken, tooMany), 400, 'VALIDATION_FAILED', 'contacts');
    expectError(await syncRequest(t, alice.accessToken, []), 400, 'VALIDATION_FAILED', 'contacts');
    expectError(await syncRequest(t, alice.accessToken, 'everyone'), 400, 'VALIDATION_FAILED', 'contacts');
    expectError(await syncRequest(t, undefined, [{ phoneNumber: '06 12 34 56 78' }]), 401, 'UNAUTHORIZED');
    expect((await listContacts(t, alice.accessToken)).total).toBe(0);
  });
});

describe('vCard export and import: a round trip between two users', () => {
  const CONTACTS: CreateContactBody[] = [
    {
      firstName: 'Hélène',
      lastName: 'Martin',
      phoneNumber: '06 12 34 56 78',
      email: 'helene.martin@martin-conseil.fr',
      company: 'Martin & Fils, SARL',
      notes: 'Première ligne\nDeuxième ligne, avec virgule; et point-virgule\nChemin C:\\dossiers\\clients',
      tags: ['VIP', 'client', 'paris, 15e'],
    },
    {
      firstName: 'Zoë',
      lastName: 'Ångström-Ødegård',
      phoneNumber: '+44 20 7946 0958',
      // Long enough, with multi-byte letters, that the line is folded at 75 octets.
      notes: 'Ça dépend : réunion à Genève, puis à Zürich, puis déjeuner à l’hôtel « Les Trois Rois » — à confirmer.',
    },
    { firstName: 'Madonna', phoneNumber: '+1 415 555 0142' },
    { company: 'Boulangerie Paul', phoneNumber: '04 72 00 00 00' },
    { phoneNumber: '+49 30 1234567' },
  ];

  let alice: Account;
  let saved: ReturnType<typeof card>[];
  beforeAll(async () => {
    alice = await registerUser(t);
    for (const body of CONTACTS) await createContact(t, alice.accessToken, body);
    saved = (await allContacts(alice)).map(card).sort(byNumber);
  });

  for (const version of ['4.0', '3.0'] as const) {
    it(`exports vCard ${version} that another user imports into the same contacts`, async () => {
      const res = await exportFile(t, alice.accessToken, version === '4.0' ? 'export.vcf' : 'export.vcf?version=3.0');
      expect(res.headers['content-type']).toBe('text/vcard; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename="contacts.vcf"');
      const vcf = res.body;
      expect(vcf.match(/^BEGIN:VCARD\r$/gm)).toHaveLength(CONTACTS.length);
      expect(vcf.match(/^VERSION:(.*)\r$/gm)).toEqual(Array(CONTACTS.length).fill(`VERSION:${version}\r`));
      // Lines end in CRLF and are at most 75 octets (RFC 6350 §3.2).
      for (const line of vcf.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
      expect(vcf).not.toMatch(/[^\r]\n/);

      // Bob lives in the United States: numbers travel in international form, so nothing is misread.
      const bob = await registerUser(t);
      await setTimezone(t, bob.id, 'America/New_York');
      expect(await importVcf(t, bob.accessToken, vcf)).toEqual({
        imported: CONTACTS.length,
        updated: 0,
        failed: 0,
        failures: [],
      });
      expect((await allContacts(bob)).map(card).sort(byNumber)).toEqual(saved);
    });
  }

  it('imports its own export as updates, without duplicates', async () => {
    const vcf = (await exportFile(t, alice.accessToken, 'export.vcf')).body;
    expect(await importVcf(t, alice.accessToken, vcf)).toMatchObject({ imported: 0, updated: CONTACTS.length });
    expect((await allContacts(alice)).map(card).sort(byNumber)).toEqual(saved);
  });

  it('exports only the caller’s contacts', async () => {
    const bob = await registerUser(t);
    await createContact(t, bob.accessToken, { firstName: 'Bob-only', phoneNumber: '06 55 44 33 22' });
    const vcf = (await exportFile(t, bob.accessToken, 'export.vcf')).body;
    expect(vcf.match(/^BEGIN:VCARD\r$/gm)).toHaveLength(1);
    expect(vcf).not.toContain('Hélène');
    const empty = await registerUser(t);
    expect((await exportFile(t, empty.accessToken, 'export.vcf')).body).toBe('');
  });
});

describe('POST /api/contacts/import', () => {
  it('reads an Android (2.1) export, quoted-printable names and all', async () => {
    const alice = await registerUser(t);
    expect(await importVcf(t, alice.accessToken, fixture('android-2.1.vcf'))).toMatchObject({
      imported: 3,
      failed: 0,
    });
    expect((await allContacts(alice)).map((c) => [c.displayName, c.phoneNumber])).toEqual([
      ['François Lefèvre', '+33142142000'],
      ['Hélène Martin', '+33612345678'],
      ['Minh Nguyen', '+842838221234'],
    ]);
  });

  it('imports the good cards and names each bad one by its position in the file', async () => {
    const alice = await registerUser(t);
    const vcf = [
      ['FN:Jean Dupont', 'TEL:06 12 34 56 78'],
      ['FN:Sans Numéro', 'EMAIL:sans@numero.fr'],
      ['FN:Mauvais Numéro', 'TEL:n/a'],
      ['FN:Mauvais Email', 'TEL:06 00 00 00 04', 'EMAIL:pas-un-email'],
      ['N:Durand;Paul;;;', 'TEL;TYPE=cell:+33 6 98 76 54 32'],
    ]
      .map((lines) => ['BEGIN:VCARD', 'VERSION:3.0', ...lines, 'END:VCARD'].join('\r\n'))
      .join('\r\n');
    const result = await importVcf(t, alice.accessToken, vcf);
    expect(result).toMatchObject({ imported: 2, updated: 0, failed: 3 });
    expect(result.failures.map(({ row, code }) => ({ row, code }))).toEqual([
      { row: 1, code: 'PHONE_MISSING' },
      { row: 2, code: 'PHONE_INVALID' },
      { row: 3, code: 'EMAIL_INVALID' },
    ]);
    // The number as the card wrote it, so the user can find the card in their file.
    expect(result.failures.slice(1).map((f) => f.phoneNumber)).toEqual(['n/a', '06 00 00 00 04']);
    expect((await allContacts(alice)).map((c) => c.displayName)).toEqual(['Jean Dupont', 'Paul Durand']);
  });

  it('refuses a request without a file', async () => {
    const alice = await registerUser(t);
    expectError(await importRequest(t, alice.accessToken, emptyMultipart()), 400, 'BAD_REQUEST');
    const json = await call(t, 'POST', '/api/contacts/import', { token: alice.accessToken, payload: { file: 'x' } });
    expectError(json, 400, 'BAD_REQUEST');
    expectError(await importRequest(t, undefined, multipartFile(fixture('iphone-3.0.vcf'))), 401, 'UNAUTHORIZED');
  });

  it('refuses a file that is not a vCard with NO_VCARD', async () => {
    const alice = await registerUser(t);
    for (const file of [
      multipartFile('Prénom,Nom,Téléphone\r\nJean,Dupont,0612345678\r\n', { filename: 'contacts.csv' }),
      multipartFile(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), { filename: 'photo.png' }),
      multipartFile('', { filename: 'empty.vcf' }),
    ]) {
      const body = expectError(await importRequest(t, alice.accessToken, file), 400, 'BAD_REQUEST', 'file');
      expect(body.details?.[0]?.code).toBe('NO_VCARD');
    }
    expect((await listContacts(t, alice.accessToken)).total).toBe(0);
  });

  it('refuses a file over 5 MB with 413, and more than 5,000 cards with 400', async () => {
    const alice = await registerUser(t);
    const photo = `PHOTO;ENCODING=b;TYPE=JPEG:${'A'.repeat(5_100_000)}`;
    const huge = ['BEGIN:VCARD', 'VERSION:3.0', 'FN:Big', 'TEL:06 12 34 56 78', photo, 'END:VCARD'].join('\r\n');
    expectError(await importRequest(t, alice.accessToken, multipartFile(huge)), 413, 'PAYLOAD_TOO_LARGE');

    const cards = Array.from(
      { length: 5001 },
      (_, i) => `BEGIN:VCARD\r\nVERSION:3.0\r\nTEL:+3361${String(i).padStart(7, '0')}\r\nEND:VCARD`,
    ).join('\r\n');
    expectError(await importRequest(t, alice.accessToken, multipartFile(cards)), 400, 'BAD_REQUEST');
    expect((await listContacts(t, alice.accessToken)).total).toBe(0);
  });

  it('accepts a file of a few megabytes (photos included) under the limit', async () => {
    const alice = await registerUser(t);
    // A 3 MB photo, folded at 75 octets as phones write it.
    const photo = `PHOTO;ENCODING=b;TYPE=JPEG:${'A'.repeat(3_000_000)}`.replace(/(.{74})/g, '$1\r\n ');
    const vcf = ['BEGIN:VCARD', 'VERSION:3.0', 'FN:Avec Photo', 'TEL:06 12 34 56 78', photo, 'END:VCARD'].join('\r\n');
    expect(await importVcf(t, alice.accessToken, vcf)).toMatchObject({ imported: 1, failed: 0 });
  });
});

describe('GET /api/contacts/export.csv', () => {
  it('downloads one row per contact under a header, with a BOM for Excel', async () => {
    const alice = await registerUser(t);
    await createContact(t, alice.accessToken, {
      firstName: 'Hélène',
      lastName: 'Martin',
      phoneNumber: '06 12 34 56 78',
      email: 'helene@martin.fr',
      company: 'Martin & Fils, SARL',
      notes: 'Ligne 1\nLigne 2 avec "guillemets"',
      tags: ['vip', 'client'],
      isFavorite: true,
    });
    // A name that a spreadsheet would run as a formula.
    await createContact(t, alice.accessToken, {
      firstName: '=HYPERLINK("http://evil")',
      phoneNumber: '06 98 76 54 32',
    });
    const bob = await registerUser(t);
    await createContact(t, bob.accessToken, { firstName: 'Bob-only', phoneNumber: '06 55 44 33 22' });

    const res = await exportFile(t, alice.accessToken, 'export.csv');
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="contacts.csv"');
    expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);

    const [header, ...rows] = parseCsv(res.rawPayload.subarray(3).toString('utf8'));
    expect(header).toEqual([
      'First name',
      'Last name',
      'Phone number',
      'Email',
      'Company',
      'Tags',
      'Favorite',
      'Notes',
      'Created',
    ]);
    expect(rows).toHaveLength(2);
    const byFirstName = new Map(rows.map((r) => [r[0], r]));
    expect(byFirstName.get('Hélène')?.slice(0, 8)).toEqual([
      'Hélène',
      'Martin',
      '+33612345678',
      'helene@martin.fr',
      'Martin & Fils, SARL',
      'vip; client',
      'yes',
      'Ligne 1\nLigne 2 avec "guillemets"',
    ]);
    expect(byFirstName.get('Hélène')?.[8]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // Made text with a leading quote, so the spreadsheet shows it rather than running it.
    expect(byFirstName.get(`'=HYPERLINK("http://evil")`)?.[6]).toBe('no');
    expect(res.body).not.toContain('Bob-only');
  });

  it('is just the header for a user without contacts', async () => {
    const alice = await registerUser(t);
    const res = await exportFile(t, alice.accessToken, 'export.csv');
    expect(parseCsv(res.rawPayload.subarray(3).toString('utf8'))).toHaveLength(1);
  });
});

describe('a vCard import onto a contact the user already has', () => {
  it('fills in what the card says and keeps the favourite, notes and tags', async () => {
    const alice = await registerUser(t);
    const jean = await createContact(t, alice.accessToken, {
      firstName: 'Jean',
      phoneNumber: '06 12 34 56 78',
      tags: ['client'],
      isFavorite: true,
    });
    await updateContact(t, alice.accessToken, jean.id, { notes: 'Notes de départ' });
    const vcf =
      'BEGIN:VCARD\r\nVERSION:3.0\r\nN:Dupont;Jean;;;\r\nTEL:+33612345678\r\nCATEGORIES:Lyon\r\nEND:VCARD\r\n';
    expect(await importVcf(t, alice.accessToken, vcf)).toMatchObject({ imported: 0, updated: 1 });
    expect((await allContacts(alice))[0]).toMatchObject({
      lastName: 'Dupont',
      notes: 'Notes de départ',
      tags: ['client', 'lyon'],
      isFavorite: true,
    });
  });
});
