import type { Contact } from '@commpro/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, call, expectError, registerUser } from '../helpers/auth-flows.js';
import {
  createContact,
  createContactRequest,
  history,
  listContacts,
  listRequest,
  setTimezone,
  updateContact,
  updateContactRequest,
} from '../helpers/contacts-flows.js';
import { buyNumber } from '../helpers/numbers-flows.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const get = (token: string, id: string) => call(t, 'GET', `/api/contacts/${id}`, { token });

describe('POST /api/contacts', () => {
  it('stores the contact with its number in E.164 and a display name', async () => {
    const alice = await registerUser(t);
    const contact = await createContact(t, alice.accessToken, {
      firstName: '  Hélène ',
      lastName: 'Martin',
      phoneNumber: '06 12 34 56 78',
      email: 'helene@martin-conseil.fr',
      company: 'Martin Conseil',
      notes: 'Préfère les SMS',
      tags: ['VIP'],
      isFavorite: true,
    });
    expect(contact).toMatchObject({
      firstName: 'Hélène',
      lastName: 'Martin',
      displayName: 'Hélène Martin',
      phoneNumber: '+33612345678',
      email: 'helene@martin-conseil.fr',
      company: 'Martin Conseil',
      notes: 'Préfère les SMS',
      tags: ['vip'],
      isFavorite: true,
      avatarUrl: null,
    });
    const res = await get(alice.accessToken, contact.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual(contact);
  });

  it('shows the company when there is no name, and the number when there is neither', async () => {
    const alice = await registerUser(t);
    const shop = await createContact(t, alice.accessToken, { phoneNumber: '01 99 00 12 34', company: 'Boulangerie' });
    const bare = await createContact(t, alice.accessToken, { phoneNumber: '01 99 00 12 35', email: '' });
    expect(shop.displayName).toBe('Boulangerie');
    expect(bare).toMatchObject({ displayName: '+33199001235', firstName: null, email: null, tags: [] });
  });

  it('names the field that is wrong and stores nothing', async () => {
    const alice = await registerUser(t);
    const cases: [object, string][] = [
      [{ firstName: 'No number' }, 'phoneNumber'],
      [{ phoneNumber: 'call me maybe' }, 'phoneNumber'],
      [{ phoneNumber: '12' }, 'phoneNumber'],
      [{ phoneNumber: '06 12 34 56 78', email: 'not-an-email' }, 'email'],
      [{ phoneNumber: '06 12 34 56 78', firstName: 'x'.repeat(101) }, 'firstName'],
      [{ phoneNumber: '06 12 34 56 78', notes: 'x'.repeat(5001) }, 'notes'],
      [{ phoneNumber: '06 12 34 56 78', tags: [' '] }, 'tags.0'],
      [{ phoneNumber: '06 12 34 56 78', nickname: 'Bob' }, 'body'],
    ];
    for (const [payload, field] of cases) {
      const res = await createContactRequest(t, alice.accessToken, payload);
      // The strict body names no field for an unknown key; only the status and code are asserted for it.
      expectError(res, 400, 'VALIDATION_FAILED', field === 'body' ? undefined : field);
    }
    const invalid = expectError(
      await createContactRequest(t, alice.accessToken, { phoneNumber: 'call me maybe' }),
      400,
      'VALIDATION_FAILED',
    );
    expect(invalid.details?.[0]).toMatchObject({ field: 'phoneNumber', code: 'PHONE_INVALID' });
    expect((await listContacts(t, alice.accessToken)).total).toBe(0);
  });

  it('refuses a caller without a token on every endpoint', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    for (const [method, url] of [
      ['GET', '/api/contacts'],
      ['POST', '/api/contacts'],
      ['GET', '/api/contacts/tags'],
      ['POST', '/api/contacts/sync'],
      ['GET', '/api/contacts/export.vcf'],
      ['GET', '/api/contacts/export.csv'],
      ['GET', `/api/contacts/${id}`],
      ['PUT', `/api/contacts/${id}`],
      ['DELETE', `/api/contacts/${id}`],
      ['GET', `/api/contacts/${id}/history`],
    ] as const) {
      const res = await call(t, method, url, method === 'POST' || method === 'PUT' ? { payload: {} } : {});
      expectError(res, 401, 'UNAUTHORIZED');
    }
  });
});

describe('one contact per number: 409 names the contact that has it', () => {
  it('refuses the same number in another written form on create', async () => {
    const alice = await registerUser(t);
    const jean = await createContact(t, alice.accessToken, { firstName: 'Jean', phoneNumber: '06 12 34 56 78' });
    for (const phoneNumber of ['+33 6 12 34 56 78', '0033612345678', '06.12.34.56.78']) {
      const body = expectError(
        await createContactRequest(t, alice.accessToken, { firstName: 'Other', phoneNumber }),
        409,
        'ALREADY_EXISTS',
        'phoneNumber',
      );
      // The app opens the existing contact from this.
      expect(body.existing).toEqual({ id: jean.id, displayName: 'Jean' });
    }
    expect((await listContacts(t, alice.accessToken)).total).toBe(1);
  });

  it('refuses changing a contact to another contact’s number, and leaves both as they were', async () => {
    const alice = await registerUser(t);
    const jean = await createContact(t, alice.accessToken, { firstName: 'Jean', phoneNumber: '06 12 34 56 78' });
    const paul = await createContact(t, alice.accessToken, { firstName: 'Paul', phoneNumber: '06 98 76 54 32' });
    const body = expectError(
      await updateContactRequest(t, alice.accessToken, paul.id, { firstName: 'Paulo', phoneNumber: '+33612345678' }),
      409,
      'ALREADY_EXISTS',
      'phoneNumber',
    );
    expect(body.existing).toEqual({ id: jean.id, displayName: 'Jean' });
    expect((await get(alice.accessToken, paul.id)).json()).toMatchObject({
      firstName: 'Paul',
      phoneNumber: '+33698765432',
    });
  });

  it('lets two users save the same number', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    await createContact(t, alice.accessToken, { firstName: 'Jean', phoneNumber: '06 12 34 56 78' });
    await createContact(t, bob.accessToken, { firstName: 'Jean', phoneNumber: '06 12 34 56 78' });
  });
});

describe('numbers in any written form, read in the user’s country', () => {
  /** Each country's national forms, as people write them there, and the E.164 they mean. */
  const NATIONAL: Record<string, [string, string][]> = {
    FR: [
      ['06 12 34 56 78', '+33612345678'],
      ['06.12.34.56.78', '+33612345678'],
      ['06-12-34-56-78', '+33612345678'],
      ['(0)6 12 34 56 78', '+33612345678'],
    ],
    US: [
      ['(415) 555-0142', '+14155550142'],
      ['415.555.0142', '+14155550142'],
      ['1-415-555-0142', '+14155550142'],
    ],
    GB: [
      ['020 7946 0958', '+442079460958'],
      ['07700 900123', '+447700900123'],
    ],
    DE: [
      ['030 1234567', '+49301234567'],
      ['(030) 123-4567', '+49301234567'],
      ['0151 23456789', '+4915123456789'],
    ],
    ES: [
      ['612 34 56 78', '+34612345678'],
      ['612-345-678', '+34612345678'],
    ],
    // Italian numbers keep their leading 0 after +39.
    IT: [
      ['06 1234 5678', '+390612345678'],
      ['312 345 6789', '+393123456789'],
    ],
  };
  const TIMEZONES: [string, keyof typeof NATIONAL][] = [
    ['Europe/Paris', 'FR'],
    ['America/New_York', 'US'],
    ['America/Los_Angeles', 'US'],
    ['Europe/London', 'GB'],
    ['Europe/Berlin', 'DE'],
    ['Europe/Madrid', 'ES'],
    ['Europe/Rome', 'IT'],
  ];

  async function saved(user: Account, phoneNumber: string): Promise<string> {
    const res = await createContactRequest(t, user.accessToken, { phoneNumber });
    expect(res.statusCode, `${phoneNumber}: ${res.body}`).toBe(201);
    const contact: Contact = res.json();
    // Removed again so the next form of the same number is not a duplicate.
    await call(t, 'DELETE', `/api/contacts/${contact.id}`, { token: user.accessToken });
    return contact.phoneNumber;
  }

  for (const [timezone, country] of TIMEZONES) {
    it(`reads national numbers as ${country} for a user without a line in ${timezone}`, async () => {
      const user = await registerUser(t);
      await setTimezone(t, user.id, timezone);
      for (const [written, e164] of NATIONAL[country]!) expect(await saved(user, written)).toBe(e164);
    });
  }

  it('falls back to France for a timezone outside the six countries', async () => {
    const user = await registerUser(t);
    await setTimezone(t, user.id, 'Asia/Tokyo');
    expect(await saved(user, '06 12 34 56 78')).toBe('+33612345678');
  });

  it('reads national numbers in the country of the user’s line before their timezone', async () => {
    const user = await registerUser(t);
    await setTimezone(t, user.id, 'Europe/Paris');
    await buyNumber(t, user.accessToken, { countryCode: 'US', type: 'LOCAL' });
    expect(await saved(user, '(415) 555-0142')).toBe('+14155550142');
  });

  for (const [country, query] of [
    ['GB', { countryCode: 'GB', type: 'MOBILE' }],
    ['DE', { countryCode: 'DE', type: 'LOCAL' }],
    ['ES', { countryCode: 'ES', type: 'MOBILE' }],
    ['IT', { countryCode: 'IT', type: 'MOBILE' }],
  ] as const) {
    it(`reads national numbers as ${country} for a user whose line is in ${country}`, async () => {
      const user = await registerUser(t);
      await buyNumber(t, user.accessToken, query);
      for (const [written, e164] of NATIONAL[country]!) expect(await saved(user, written)).toBe(e164);
    });
  }

  it('keeps the country a number says, with + or 00, wherever the user is', async () => {
    const user = await registerUser(t);
    await setTimezone(t, user.id, 'America/New_York');
    expect(await saved(user, '+33 6 12 34 56 78')).toBe('+33612345678');
    expect(await saved(user, '0033 6 12 34 56 78')).toBe('+33612345678');
    expect(await saved(user, '+44 20 7946 0958')).toBe('+442079460958');
    expect(await saved(user, '0049 30 1234567')).toBe('+49301234567');
  });

  it('normalises a changed number the same way', async () => {
    const user = await registerUser(t);
    await setTimezone(t, user.id, 'Europe/London');
    const contact = await createContact(t, user.accessToken, { phoneNumber: '020 7946 0958' });
    expect((await updateContact(t, user.accessToken, contact.id, { phoneNumber: '07700 900123' })).phoneNumber).toBe(
      '+447700900123',
    );
    expectError(
      await updateContactRequest(t, user.accessToken, contact.id, { phoneNumber: 'not a number' }),
      400,
      'VALIDATION_FAILED',
      'phoneNumber',
    );
  });
});

describe('GET, PUT and DELETE /api/contacts/:id', () => {
  it('changes only the fields sent; null clears one', async () => {
    const alice = await registerUser(t);
    const created = await createContact(t, alice.accessToken, {
      firstName: 'Jean',
      lastName: 'Dupont',
      phoneNumber: '06 12 34 56 78',
      company: 'Dupont & Fils',
      tags: ['client'],
    });
    const changed = await updateContact(t, alice.accessToken, created.id, { lastName: 'Durand', isFavorite: true });
    expect(changed).toMatchObject({
      firstName: 'Jean',
      lastName: 'Durand',
      displayName: 'Jean Durand',
      company: 'Dupont & Fils',
      tags: ['client'],
      isFavorite: true,
    });
    const cleared = await updateContact(t, alice.accessToken, created.id, { firstName: null, lastName: '' });
    expect(cleared).toMatchObject({ firstName: null, lastName: null, displayName: 'Dupont & Fils' });
    expect((await get(alice.accessToken, created.id)).json()).toEqual(cleared);
  });

  it('refuses a bad change, naming the field', async () => {
    const alice = await registerUser(t);
    const { id } = await createContact(t, alice.accessToken, { phoneNumber: '06 12 34 56 78' });
    expectError(
      await updateContactRequest(t, alice.accessToken, id, { email: 'nope' }),
      400,
      'VALIDATION_FAILED',
      'email',
    );
    expectError(await updateContactRequest(t, alice.accessToken, id, { isFavorite: 'yes' }), 400, 'VALIDATION_FAILED');
    expectError(await updateContactRequest(t, alice.accessToken, id, { avatarUrl: 'x' }), 400, 'VALIDATION_FAILED');
    expectError(await get(alice.accessToken, 'not-a-uuid'), 400, 'VALIDATION_FAILED');
  });

  it('deletes the contact: it is gone from the list and 404 afterwards', async () => {
    const alice = await registerUser(t);
    const { id } = await createContact(t, alice.accessToken, { phoneNumber: '06 12 34 56 78' });
    const res = await call(t, 'DELETE', `/api/contacts/${id}`, { token: alice.accessToken });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ success: true });
    expectError(await get(alice.accessToken, id), 404, 'NOT_FOUND');
    expectError(await call(t, 'DELETE', `/api/contacts/${id}`, { token: alice.accessToken }), 404, 'NOT_FOUND');
    expect((await listContacts(t, alice.accessToken)).total).toBe(0);
    // The number is free again.
    await createContact(t, alice.accessToken, { phoneNumber: '06 12 34 56 78' });
  });
});

describe('ownership: another user’s contacts do not exist for you', () => {
  let alice: Account;
  let mallory: Account;
  let aliceContact: Contact;
  beforeAll(async () => {
    alice = await registerUser(t);
    mallory = await registerUser(t);
    aliceContact = await createContact(t, alice.accessToken, {
      firstName: 'Secret',
      lastName: 'Source',
      phoneNumber: '06 11 22 33 44',
      email: 'source@example.com',
    });
  });

  it('answers 404 on GET, PUT, DELETE and history, and changes nothing', async () => {
    const id = aliceContact.id;
    expectError(await get(mallory.accessToken, id), 404, 'NOT_FOUND');
    expectError(await updateContactRequest(t, mallory.accessToken, id, { firstName: 'Pwned' }), 404, 'NOT_FOUND');
    expectError(await call(t, 'DELETE', `/api/contacts/${id}`, { token: mallory.accessToken }), 404, 'NOT_FOUND');
    expectError(await call(t, 'GET', `/api/contacts/${id}/history`, { token: mallory.accessToken }), 404, 'NOT_FOUND');
    expect((await get(alice.accessToken, id)).json()).toEqual(aliceContact);
  });

  it('never lists them, whatever the search', async () => {
    await createContact(t, mallory.accessToken, { firstName: 'Own', phoneNumber: '06 99 88 77 66' });
    for (const search of [undefined, 'secret', 'source@example.com', '06 11 22 33 44', '+33611223344', '1122']) {
      const list = await listContacts(t, mallory.accessToken, { search });
      expect(
        list.contacts.map((c) => c.id),
        `search ${search}`,
      ).not.toContain(aliceContact.id);
    }
    expect((await listContacts(t, mallory.accessToken)).total).toBe(1);
  });

  it('lets the other user save the same number without a 409 naming the first user’s contact', async () => {
    const res = await createContactRequest(t, mallory.accessToken, { phoneNumber: '+33611223344' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().id).not.toBe(aliceContact.id);
  });
});

describe('tags and favourites', () => {
  it('stores tags trimmed, lower-cased and without case-insensitive duplicates', async () => {
    const alice = await registerUser(t);
    const contact = await createContact(t, alice.accessToken, {
      phoneNumber: '06 12 34 56 78',
      tags: [' VIP ', 'vip', 'Client', 'CLIENT', 'Équipe'],
    });
    expect(contact.tags).toEqual(['vip', 'client', 'équipe']);
    const changed = await updateContact(t, alice.accessToken, contact.id, { tags: ['Lyon', 'LYON '] });
    expect(changed.tags).toEqual(['lyon']);
  });

  it('allows 20 tags, counted after duplicates are removed, and refuses 21', async () => {
    const alice = await registerUser(t);
    const twenty = Array.from({ length: 20 }, (_, i) => `tag${i}`);
    const contact = await createContact(t, alice.accessToken, {
      phoneNumber: '06 12 34 56 78',
      tags: [...twenty, ...twenty.map((tag) => tag.toUpperCase())],
    });
    expect(contact.tags).toHaveLength(20);
    expectError(
      await createContactRequest(t, alice.accessToken, {
        phoneNumber: '06 12 34 56 79',
        tags: [...twenty, 'one-more'],
      }),
      400,
      'VALIDATION_FAILED',
      'tags',
    );
    expectError(
      await updateContactRequest(t, alice.accessToken, contact.id, { tags: [...twenty, 'one-more'] }),
      400,
      'VALIDATION_FAILED',
      'tags',
    );
  });

  it('counts each tag in use; filters by one tag or by several (all of them)', async () => {
    const alice = await registerUser(t);
    const both = await createContact(t, alice.accessToken, {
      firstName: 'Both',
      phoneNumber: '06 00 00 00 01',
      tags: ['vip', 'client'],
    });
    const vip = await createContact(t, alice.accessToken, {
      firstName: 'Vip',
      phoneNumber: '06 00 00 00 02',
      tags: ['VIP'],
    });
    await createContact(t, alice.accessToken, { firstName: 'Client', phoneNumber: '06 00 00 00 03', tags: ['client'] });
    await createContact(t, alice.accessToken, { firstName: 'None', phoneNumber: '06 00 00 00 04' });
    const bob = await registerUser(t);
    await createContact(t, bob.accessToken, { phoneNumber: '06 00 00 00 05', tags: ['vip', 'other'] });

    const res = await call(t, 'GET', '/api/contacts/tags', { token: alice.accessToken });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().tags).toHaveLength(2);
    expect(res.json().tags).toEqual(
      expect.arrayContaining([
        { tag: 'vip', count: 2 },
        { tag: 'client', count: 2 },
      ]),
    );

    const ids = async (query: Record<string, string>) =>
      (await listContacts(t, alice.accessToken, query)).contacts.map((c) => c.id).sort();
    expect(await ids({ tags: 'vip' })).toEqual([both.id, vip.id].sort());
    expect(await ids({ tags: 'VIP' })).toEqual([both.id, vip.id].sort());
    expect(await ids({ tags: 'vip,client' })).toEqual([both.id]);
    expect(await ids({ tags: 'nobody-has-this' })).toEqual([]);
    const repeated = await call(t, 'GET', '/api/contacts?tags=vip&tags=client', { token: alice.accessToken });
    expect(repeated.json().contacts.map((c: Contact) => c.id)).toEqual([both.id]);
  });

  it('lists favourites only with favorites=true', async () => {
    const alice = await registerUser(t);
    const star = await createContact(t, alice.accessToken, { phoneNumber: '06 00 00 00 01', isFavorite: true });
    const later = await createContact(t, alice.accessToken, { phoneNumber: '06 00 00 00 02' });
    await createContact(t, alice.accessToken, { phoneNumber: '06 00 00 00 03' });
    await updateContact(t, alice.accessToken, later.id, { isFavorite: true });
    const favourites = await listContacts(t, alice.accessToken, { favorites: 'true' });
    expect(favourites.contacts.map((c) => c.id).sort()).toEqual([star.id, later.id].sort());
    expect(favourites.total).toBe(2);
    expect((await listContacts(t, alice.accessToken, { favorites: 'false' })).total).toBe(3);
    expectError(await listRequest(t, alice.accessToken, { favorites: 'maybe' }), 400, 'VALIDATION_FAILED');
  });
});

describe('GET /api/contacts', () => {
  it('lists by name with pagination and the total', async () => {
    const alice = await registerUser(t);
    for (const [i, name] of ['Zoé', 'Émile', 'Bruno', 'Anne'].entries()) {
      await createContact(t, alice.accessToken, { firstName: name, phoneNumber: `06 00 00 00 1${i}` });
    }
    const first = await listContacts(t, alice.accessToken, { limit: 2 });
    const second = await listContacts(t, alice.accessToken, { limit: 2, offset: 2 });
    // Sorted as people read them: "Émile" with the E's, not after Z.
    expect([...first.contacts, ...second.contacts].map((c) => c.displayName)).toEqual([
      'Anne',
      'Bruno',
      'Émile',
      'Zoé',
    ]);
    expect(first.total).toBe(4);
    expect(second.total).toBe(4);
    expectError(await listRequest(t, alice.accessToken, { limit: 0 }), 400, 'VALIDATION_FAILED', 'limit');
    expectError(await listRequest(t, alice.accessToken, { limit: 201 }), 400, 'VALIDATION_FAILED', 'limit');
    expectError(await listRequest(t, alice.accessToken, { offset: -1 }), 400, 'VALIDATION_FAILED', 'offset');
  });

  it('has an empty history for a contact never called or texted', async () => {
    const alice = await registerUser(t);
    const { id } = await createContact(t, alice.accessToken, { phoneNumber: '06 12 34 56 78' });
    expect(await history(t, alice.accessToken, id)).toEqual({ items: [], total: 0 });
  });
});
