import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, expectError, registerUser } from '../helpers/auth-flows.js';
import { createContact, listContacts, listRequest, searchNames, sync } from '../helpers/contacts-flows.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/**
 * One address book the lookups below run against. The numbers are chosen so
 * that no fragment searched for Hélène (336, 612, 061234…) is part of another
 * contact's number, and none holds "100", so each search has one right answer.
 */
describe('search in one address book', () => {
  let alice: Account;
  beforeAll(async () => {
    alice = await registerUser(t);
    await createContact(t, alice.accessToken, {
      firstName: 'Hélène',
      lastName: 'Martin',
      phoneNumber: '06 12 34 56 78',
      email: 'helene.martin@conseil.fr',
      company: 'Martin Conseil',
    });
    await createContact(t, alice.accessToken, { firstName: 'Jean', lastName: 'Dupont', phoneNumber: '01 99 00 12 34' });
    await createContact(t, alice.accessToken, {
      firstName: 'Paul',
      lastName: 'Smith',
      phoneNumber: '+44 20 7946 0958',
    });
    await createContact(t, alice.accessToken, { company: 'Boulangerie Paul', phoneNumber: '04 72 00 00 00' });
    await createContact(t, alice.accessToken, { company: '100% Bio', phoneNumber: '04 72 00 00 01' });
    await createContact(t, alice.accessToken, { company: 'Dev_Ops SARL', phoneNumber: '04 72 00 00 02' });
  });

  it('finds Hélène whatever the accents and case, and from the first letters', async () => {
    for (const search of ['helene', 'HÉLÈNE', 'Helene', 'hele', 'hélène martin', 'HELENE MARTIN']) {
      expect(await searchNames(t, alice.accessToken, search), search).toEqual(['Hélène Martin']);
    }
  });

  it('finds a contact by part of the number, in any format', async () => {
    for (const search of ['06 12 34', '06.12.34', '+33 6 12', '0033 6', '612', '+33612345678', '06 12 34 56 78']) {
      expect(await searchNames(t, alice.accessToken, search), search).toEqual(['Hélène Martin']);
    }
    // A British number, by its national and international forms.
    expect(await searchNames(t, alice.accessToken, '020 7946')).toEqual(['Paul Smith']);
    expect(await searchNames(t, alice.accessToken, '+44 20 79')).toEqual(['Paul Smith']);
  });

  it('finds a whole number pasted as French business cards write it, "+33 (0)6 …"', async () => {
    // The form the create endpoint itself accepts for this very number.
    expect(await searchNames(t, alice.accessToken, '+33 (0)6 12 34 56 78')).toEqual(['Hélène Martin']);
  });

  it('finds contacts by email and by company', async () => {
    expect(await searchNames(t, alice.accessToken, 'helene.martin@conseil.fr')).toEqual(['Hélène Martin']);
    expect(await searchNames(t, alice.accessToken, 'conseil.fr')).toEqual(['Hélène Martin']);
    expect(await searchNames(t, alice.accessToken, 'boulangerie')).toEqual(['Boulangerie Paul']);
    expect(await searchNames(t, alice.accessToken, 'martin conseil')).toEqual(['Hélène Martin']);
  });

  it('ranks a name starting with the query above a company with it as a later word', async () => {
    // Alphabetically "Boulangerie Paul" comes first: only ranking puts Paul Smith on top.
    expect(await searchNames(t, alice.accessToken, 'paul')).toEqual(['Paul Smith', 'Boulangerie Paul']);
  });

  it('reads "%" and "_" as themselves, not as wildcards that match everything', async () => {
    for (const search of ['%', '_', '%%', '___', '%a%']) {
      expect(await searchNames(t, alice.accessToken, search), search).toEqual([]);
    }
    expect(await searchNames(t, alice.accessToken, '100%')).toEqual(['100% Bio']);
    expect(await searchNames(t, alice.accessToken, 'v_ops')).toEqual(['Dev_Ops SARL']);
    // "_" would match any one character: "dev_o" must not find a "devio".
    expect(await searchNames(t, alice.accessToken, 'ev_o')).toEqual(['Dev_Ops SARL']);
  });

  it('finds nothing for a name nobody has, and refuses an overlong query', async () => {
    const list = await listContacts(t, alice.accessToken, { search: 'zzyzx' });
    expect(list).toEqual({ contacts: [], total: 0, totalCapped: false });
    expectError(
      await listRequest(t, alice.accessToken, { search: 'a'.repeat(101) }),
      400,
      'VALIDATION_FAILED',
      'search',
    );
  });
});

describe('ranking and typos', () => {
  it('ranks the exact full name above a name that merely contains it', async () => {
    const alice = await registerUser(t);
    // Each contains-match sorts before the exact match alphabetically: only ranking can put the exact one first.
    await createContact(t, alice.accessToken, {
      firstName: 'Claire',
      lastName: 'Martinez',
      phoneNumber: '06 00 00 00 01',
    });
    await createContact(t, alice.accessToken, { firstName: 'Martin', phoneNumber: '06 00 00 00 02' });
    await createContact(t, alice.accessToken, {
      firstName: 'Anne-Hélène',
      lastName: 'Martin',
      phoneNumber: '06 00 00 00 03',
    });
    await createContact(t, alice.accessToken, {
      firstName: 'Hélène',
      lastName: 'Martin',
      phoneNumber: '06 00 00 00 04',
    });
    expect((await searchNames(t, alice.accessToken, 'martin'))[0]).toBe('Martin');
    expect((await searchNames(t, alice.accessToken, 'Hélène Martin'))[0]).toBe('Hélène Martin');
  });

  it('ranks a name starting with the query above one containing it mid-word', async () => {
    const alice = await registerUser(t);
    await createContact(t, alice.accessToken, {
      firstName: 'Anne',
      lastName: 'Lamartine',
      phoneNumber: '06 00 00 00 01',
    });
    await createContact(t, alice.accessToken, {
      firstName: 'Martine',
      lastName: 'Zola',
      phoneNumber: '06 00 00 00 02',
    });
    expect(await searchNames(t, alice.accessToken, 'mart')).toEqual(['Martine Zola', 'Anne Lamartine']);
  });

  it('forgives a one-letter typo: "marten" finds Martin, but not everyone', async () => {
    const alice = await registerUser(t);
    await createContact(t, alice.accessToken, {
      firstName: 'Hélène',
      lastName: 'Martin',
      phoneNumber: '06 00 00 00 01',
    });
    await createContact(t, alice.accessToken, { firstName: 'Jean', lastName: 'Dupont', phoneNumber: '06 00 00 00 02' });
    expect(await searchNames(t, alice.accessToken, 'marten')).toEqual(['Hélène Martin']);
  });

  it('counts every match in the total while paging through a search', async () => {
    const alice = await registerUser(t);
    for (let i = 0; i < 5; i += 1) {
      await createContact(t, alice.accessToken, { firstName: `Martin${i}`, phoneNumber: `06 00 00 00 1${i}` });
    }
    await createContact(t, alice.accessToken, { firstName: 'Jean', lastName: 'Dupont', phoneNumber: '06 00 00 00 20' });
    const pages = [
      await listContacts(t, alice.accessToken, { search: 'martin', limit: 2 }),
      await listContacts(t, alice.accessToken, { search: 'martin', limit: 2, offset: 2 }),
      await listContacts(t, alice.accessToken, { search: 'martin', limit: 2, offset: 4 }),
    ];
    expect(pages.map((p) => p.total)).toEqual([5, 5, 5]);
    expect(pages.map((p) => p.contacts.length)).toEqual([2, 2, 1]);
    const names = pages.flatMap((p) => p.contacts.map((c) => c.displayName));
    expect(names.sort()).toEqual(['Martin0', 'Martin1', 'Martin2', 'Martin3', 'Martin4']);
  });
});

describe('counting the matches of a search', () => {
  it('counts up to 1,000 and says there are more, while the page still holds the first matches by name', async () => {
    const owner = await registerUser(t);
    const rows = Array.from({ length: 1_050 }, (_, i) => ({
      phoneNumber: `+33 6 12 ${String(Math.floor(i / 100)).padStart(2, '0')} ${String(i % 100).padStart(2, '0')} 00`,
      firstName: `Client ${String(i).padStart(4, '0')}`,
    }));
    expect((await sync(t, owner.accessToken, rows)).imported).toBe(1_050);

    const many = await listContacts(t, owner.accessToken, { search: '06 12', limit: 3 });
    expect(many).toMatchObject({ total: 1_000, totalCapped: true });
    expect(many.contacts.map((c) => c.firstName)).toEqual(['Client 0000', 'Client 0001', 'Client 0002']);

    const few = await listContacts(t, owner.accessToken, { search: 'client 001', limit: 50 });
    expect(few).toMatchObject({ total: 10, totalCapped: false });
    // Without a search, the address book is counted in full.
    expect(await listContacts(t, owner.accessToken, { limit: 1 })).toMatchObject({ total: 1_050, totalCapped: false });
  });
});
