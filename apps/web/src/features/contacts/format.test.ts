import type { Contact } from '@commpro/contracts';
import { describe, expect, it } from 'vitest';
import { translate } from '../../shared/i18n/i18n';
import { checkTag, contactBody, formValuesOf, groupByLetter, letterOf, partyName, secondLine } from './format';

const t = (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) =>
  translate('en', key, params);

function contact(overrides: Partial<Contact> = {}): Contact {
  return {
    id: '7f0f1d4e-6a5b-4c3d-9e8f-0a1b2c3d4e5f',
    firstName: 'Hélène',
    lastName: 'Martin',
    displayName: 'Hélène Martin',
    phoneNumber: '+33612345678',
    email: null,
    company: null,
    notes: null,
    tags: [],
    isFavorite: false,
    avatarUrl: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

describe('partyName', () => {
  it('names the saved contact, else shows the number formatted', () => {
    expect(partyName({ id: '7f0f1d4e-6a5b-4c3d-9e8f-0a1b2c3d4e5f', displayName: 'Zoë' }, '+33612345678')).toBe('Zoë');
    expect(partyName(null, '+33612345678')).toBe('+33 6 12 34 56 78');
  });
});

describe('letterOf', () => {
  it('files accented names under their plain letter, and numbers or signs under #', () => {
    expect(letterOf('Émile')).toBe('E');
    expect(letterOf('zoë')).toBe('Z');
    expect(letterOf('  Ørsted')).toBe('Ø');
    expect(letterOf('+33 6 12 34 56 78')).toBe('#');
    expect(letterOf('')).toBe('#');
  });
});

describe('groupByLetter', () => {
  it('keeps the server’s order and starts a group at each new letter', () => {
    const names = ['Anna', 'Élodie', 'Emma', 'François', '+44 20 7946 0958'];
    const groups = groupByLetter(names.map((displayName) => ({ displayName })));
    expect(groups.map((group) => [group.letter, group.items.map((item) => item.displayName)])).toEqual([
      ['A', ['Anna']],
      ['E', ['Élodie', 'Emma']],
      ['F', ['François']],
      ['#', ['+44 20 7946 0958']],
    ]);
  });
});

describe('secondLine', () => {
  it('shows the company under a name, else the number, and nothing under a bare number', () => {
    expect(secondLine(contact({ company: 'Dupré & Fils' }))).toBe('Dupré & Fils');
    expect(secondLine(contact())).toBe('+33 6 12 34 56 78');
    expect(secondLine(contact({ firstName: null, lastName: null, displayName: 'Acme', company: 'Acme' }))).toBe(
      '+33 6 12 34 56 78',
    );
    expect(secondLine(contact({ firstName: null, lastName: null, displayName: '+33612345678' }))).toBe('');
  });
});

describe('contactBody', () => {
  it('sends the number in E.164, read in the line’s country when written the national way', () => {
    const values = { ...formValuesOf(undefined), firstName: 'Zoë', phoneNumber: '06 12 34 56 79' };
    expect(contactBody(values, 'FR').phoneNumber).toBe('+33612345679');
    expect(contactBody({ ...values, phoneNumber: '+1 (415) 555-0101' }, 'FR').phoneNumber).toBe('+14155550101');
  });

  it('sends a number it cannot read as typed, for the server to explain, and every other field as is', () => {
    const body = contactBody({ ...formValuesOf(contact()), phoneNumber: ' 12 ', email: ' ', company: '' }, 'FR');
    expect(body).toEqual({
      firstName: 'Hélène',
      lastName: 'Martin',
      phoneNumber: '12',
      email: '',
      company: '',
      notes: '',
      tags: [],
    });
  });
});

describe('formValuesOf', () => {
  it('fills the form from a contact with its number formatted, or leaves it empty with a number to save', () => {
    expect(formValuesOf(contact({ tags: ['vip'] }))).toMatchObject({ phoneNumber: '+33 6 12 34 56 78', tags: ['vip'] });
    expect(formValuesOf(undefined, '+33612345678')).toMatchObject({ firstName: '', phoneNumber: '+33612345678' });
  });
});

describe('checkTag', () => {
  it('stores a tag trimmed and in lower case', () => {
    expect(checkTag('  VIP ', [], t)).toEqual({ ok: true, tag: 'vip' });
  });

  it('refuses a tag already there, a 21st tag and one too long, and ignores blank input', () => {
    expect(checkTag('Vip', ['vip'], t)).toEqual({ ok: false, error: 'This contact is already tagged “vip”.' });
    const twenty = Array.from({ length: 20 }, (_, i) => `tag${i}`);
    expect(checkTag('new', twenty, t)).toEqual({ ok: false, error: 'A contact can have up to 20 tags.' });
    expect(checkTag('x'.repeat(41), [], t)).toEqual({ ok: false, error: 'Tags can be up to 40 characters.' });
    expect(checkTag('   ', [], t)).toEqual({ ok: false, error: null });
  });
});
