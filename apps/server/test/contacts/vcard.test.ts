import { readFileSync } from 'node:fs';
import { MAX_CONTACTS_PER_SYNC } from '@commpro/contracts';
import { describe, expect, it } from 'vitest';
import {
  MAX_VCARD_BYTES,
  type ParsedCard,
  parseVCards,
  serializeVCards,
  type VCardContact,
} from '../../src/modules/contacts/vcard.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** One card around the given property lines, CRLF as exporters write it. */
const card = (...lines: string[]) => ['BEGIN:VCARD', 'VERSION:3.0', ...lines, 'END:VCARD', ''].join('\r\n');

const empty: Omit<ParsedCard, 'index'> = {
  firstName: null,
  lastName: null,
  phoneNumbers: [],
  email: null,
  company: null,
  notes: null,
  categories: [],
};

describe('parseVCards: files as phones and address books export them', () => {
  it('reads an iPhone export (3.0): grouped properties, preferred number first, folded note, photo, company card', () => {
    expect(parseVCards(fixture('iphone-3.0.vcf'))).toEqual([
      {
        index: 0,
        firstName: 'Jean',
        lastName: 'Dupont',
        phoneNumbers: ['06 12 34 56 78', '+33 1 23 45 67 89'],
        email: 'jean.dupont@dupont-fils.fr',
        company: 'Dupont & Fils',
        notes: 'Client depuis 2019, préfère être appelé le matin; jamais le lundi.\nCode portail : 4521',
        categories: ['Clients', 'Lyon'],
      },
      { ...empty, index: 1, phoneNumbers: ['04 72 00 00 00'], company: 'Boulangerie Paul' },
      {
        ...empty,
        index: 2,
        firstName: 'Siobhán',
        lastName: "O'Brien",
        phoneNumbers: ['+353 87 123 4567', '+44 20 7946 0958'],
      },
    ]);
  });

  it('reads a Google Contacts export (3.0): first email, names from FN when N is empty', () => {
    expect(parseVCards(fixture('google-3.0.vcf'))).toEqual([
      {
        index: 0,
        firstName: 'Hélène',
        lastName: 'Martin',
        phoneNumbers: ['+33 6 98 76 54 32', '+33 1 40 00 00 00'],
        email: 'helene.martin@martin-conseil.fr',
        company: 'Martin Conseil',
        notes: 'Rencontrée au salon VivaTech.\nPréfère les SMS 😊',
        categories: ['myContacts', 'Partenaires'],
      },
      {
        ...empty,
        index: 1,
        firstName: 'Karim Ben',
        lastName: 'Salah',
        phoneNumbers: ['0612345678'],
        categories: ['myContacts'],
      },
    ]);
  });

  it('reads Android and Outlook exports (2.1): bare parameters, quoted-printable in UTF-8 and Windows-1252', () => {
    expect(parseVCards(fixture('android-2.1.vcf'))).toEqual([
      {
        index: 0,
        firstName: 'Hélène',
        lastName: 'Martin',
        phoneNumbers: ['+33612345678', '04 78 00 00 00'],
        email: 'helene.martin@example.fr',
        company: 'Café de la Gare',
        // The soft line break falls between the two bytes of "é".
        notes: 'Livraison le mardi\nCode porte : 1234 — 2e étage, porte gauche',
        categories: [],
      },
      {
        ...empty,
        index: 1,
        firstName: 'Minh',
        lastName: 'Nguyen',
        phoneNumbers: ['+84 28 3822 1234'],
        email: 'minh@example.vn',
      },
      {
        ...empty,
        index: 2,
        firstName: 'François',
        lastName: 'Lefèvre',
        phoneNumbers: ['01 42 14 20 00', '06 07 08 09 10'],
        email: 'f.lefevre@example.com',
        company: 'Société Générale',
        // No CHARSET on this line, and =E0 alone is not UTF-8.
        notes: 'Rendez-vous à confirmer',
      },
    ]);
  });

  it('reads a 4.0 export: tel: URIs, quoted TYPE lists, PREF=1 first', () => {
    expect(parseVCards(fixture('rfc6350-4.0.vcf'))).toEqual([
      {
        index: 0,
        firstName: 'Zoë',
        lastName: 'Lambert',
        phoneNumbers: ['+33-6-12-34-56-78', '+33-1-23-45-67-89'],
        email: 'zoe.lambert@example.org',
        company: 'Lambert Architecture',
        notes: 'Deux agences, Paris et Nantes; voir le site\nhttps://example.org/agences',
        categories: ['Architectes', 'VIP'],
      },
    ]);
  });
});

describe('parseVCards: lines and encodings', () => {
  it('reads the same cards with a UTF-8 BOM and LF or CR line endings', () => {
    const crlf = fixture('iphone-3.0.vcf');
    const expected = parseVCards(crlf);
    expect(parseVCards(`\uFEFF${crlf}`)).toEqual(expected);
    expect(parseVCards(crlf.replaceAll('\r\n', '\n'))).toEqual(expected);
    expect(parseVCards(crlf.replaceAll('\r\n', '\r'))).toEqual(expected);
  });

  it('unfolds a line continued with a space or a tab, dropping only that one character', () => {
    const [parsed] = parseVCards(card('N:Mar', ' tin;Hél', '\tène;;;', 'NOTE:two  ', '  spaces'));
    expect(parsed).toMatchObject({ firstName: 'Hélène', lastName: 'Martin', notes: 'two   spaces' });
  });

  it('decodes quoted-printable with a CHARSET, with the 2.1 bare parameter, and across soft line breaks', () => {
    const [parsed] = parseVCards(
      [
        'BEGIN:VCARD',
        'VERSION:2.1',
        'N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Martin;H=C3=A9l=C3=A8ne;;;',
        'NOTE;QUOTED-PRINTABLE;CHARSET=UTF-8:Ligne 1=0D=0ALigne 2 =3D =',
        'suite sans espace=',
        ' et avec',
        'END:VCARD',
      ].join('\r\n'),
    );
    expect(parsed).toMatchObject({
      firstName: 'Hélène',
      lastName: 'Martin',
      notes: 'Ligne 1\nLigne 2 = suite sans espace et avec',
    });
  });

  it('leaves a trailing = alone when the value is not quoted-printable', () => {
    const [parsed] = parseVCards(card('NOTE:a=', 'TEL:+33612345678'));
    expect(parsed).toMatchObject({ notes: 'a=', phoneNumbers: ['+33612345678'] });
  });

  it('reads property and parameter names in any case, with or without a group', () => {
    const parsed = parseVCards(
      'begin:vcard\r\nversion:3.0\r\nn:Doe;Jane;;;\r\nItem1.Tel;Type=CELL;tYpE=Pref:+1 555 0100\r\n' +
        'tel:+1 555 0199\r\nitem2.email:jane@example.com\r\nEnd:VCard\r\n',
    );
    expect(parsed).toEqual([
      {
        ...empty,
        index: 0,
        firstName: 'Jane',
        lastName: 'Doe',
        phoneNumbers: ['+1 555 0100', '+1 555 0199'],
        email: 'jane@example.com',
      },
    ]);
  });

  it('orders numbers by preference whatever the parameter style, keeping file order otherwise', () => {
    const [parsed] = parseVCards(
      card(
        'TEL;TYPE=work:1',
        'TEL;PREF=2:2',
        'TEL;TYPE=home:3',
        'TEL;TYPE="cell,voice";PREF=1:4',
        'TEL;TYPE=cell,pref:5',
        'TEL;CELL;PREF:6',
        'TEL;X-LABEL="Standard: accueil";TYPE=work:7',
      ),
    );
    expect(parsed?.phoneNumbers).toEqual(['4', '5', '6', '2', '1', '3', '7']);
  });

  it('strips tel: from a 4.0 URI and nothing else from the number', () => {
    const [parsed] = parseVCards(card('TEL;VALUE=uri:tel:+33-6-12-34-56-78', 'TEL;VALUE=uri;TYPE=home:TEL:(04) 78 00'));
    expect(parsed?.phoneNumbers).toEqual(['+33-6-12-34-56-78', '(04) 78 00']);
  });

  it('unescapes \\, \\; \\\\ \\n and \\N in text, and splits structured values only on unescaped separators', () => {
    const [parsed] = parseVCards(
      card(
        'N:Smith\\; Jones;Ann\\, Jr.;;;',
        'ORG:R\\;D Lab\\, Inc.;Paris',
        'NOTE:a\\,b\\;c\\\\n\\nd\\Ne',
        'CATEGORIES:R\\,D,Sales, ,VIP',
      ),
    );
    expect(parsed).toMatchObject({
      firstName: 'Ann, Jr.',
      lastName: 'Smith; Jones',
      company: 'R;D Lab, Inc.',
      notes: 'a,b;c\\n\nd\ne',
      categories: ['R,D', 'Sales', 'VIP'],
    });
  });

  it('gathers the categories of every CATEGORIES line', () => {
    const [parsed] = parseVCards(card('CATEGORIES:Clients', 'CATEGORIES:Lyon,VIP'));
    expect(parsed?.categories).toEqual(['Clients', 'Lyon', 'VIP']);
  });
});

describe('parseVCards: names', () => {
  const names = (...lines: string[]) => {
    const [parsed] = parseVCards(card(...lines));
    return { firstName: parsed?.firstName, lastName: parsed?.lastName };
  };

  it('takes the given name as first name and the family name as last name, ignoring FN', () => {
    expect(names('N:Fontaine;Jean;Pierre;M.;III', 'FN:Monsieur J. Fontaine')).toEqual({
      firstName: 'Jean',
      lastName: 'Fontaine',
    });
    expect(names('N:Fontaine;;;;', 'FN:Jean Fontaine')).toEqual({ firstName: null, lastName: 'Fontaine' });
  });

  it('splits FN on its last word when N is absent or empty', () => {
    expect(names('FN:Jean-Pierre de la Fontaine')).toEqual({ firstName: 'Jean-Pierre de la', lastName: 'Fontaine' });
    expect(names('N:;;;;', 'FN:  Ana   Silva ')).toEqual({ firstName: 'Ana', lastName: 'Silva' });
    expect(names('N:', 'FN:Maman')).toEqual({ firstName: 'Maman', lastName: null });
  });

  it('does not take a company or a number written as FN for a name', () => {
    expect(names('N:;;;;', 'FN:Boulangerie Paul', 'ORG:Boulangerie Paul;')).toEqual({
      firstName: null,
      lastName: null,
    });
    expect(names('N:;;;;', 'FN:+33612345678', 'TEL:+33612345678')).toEqual({ firstName: null, lastName: null });
    expect(names('FN:')).toEqual({ firstName: null, lastName: null });
  });
});

describe('parseVCards: malformed files', () => {
  it('ends a card without END:VCARD at the next BEGIN:VCARD or at the end of the file', () => {
    const text = [
      'BEGIN:VCARD',
      'FN:Ana Silva',
      'TEL:1',
      'BEGIN:VCARD',
      'FN:Bo Berg',
      'TEL:2',
      'END:VCARD',
      'BEGIN:VCARD',
      'FN:Cy Roy',
      'TEL:3',
    ].join('\r\n');
    expect(parseVCards(text)).toEqual([
      { ...empty, index: 0, firstName: 'Ana', lastName: 'Silva', phoneNumbers: ['1'] },
      { ...empty, index: 1, firstName: 'Bo', lastName: 'Berg', phoneNumbers: ['2'] },
      { ...empty, index: 2, firstName: 'Cy', lastName: 'Roy', phoneNumbers: ['3'] },
    ]);
  });

  it('ignores text outside cards and lines that are not properties', () => {
    const text = `Exported by Contacts+\r\nFN:Not In A Card\r\n\r\n${card('FN:Ana Silva', 'garbage line', 'TEL:1')}\r\n--\r\n`;
    expect(parseVCards(text)).toEqual([
      { ...empty, index: 0, firstName: 'Ana', lastName: 'Silva', phoneNumbers: ['1'] },
    ]);
    expect(parseVCards('')).toEqual([]);
  });

  it('still counts a card with nothing useful in it, so indexes match positions in the file', () => {
    const parsed = parseVCards(card() + card('TEL:2'));
    expect(parsed.map((c) => [c.index, c.phoneNumbers])).toEqual([
      [0, []],
      [1, ['2']],
    ]);
  });
});

describe('parseVCards: limits', () => {
  it(`reads ${MAX_CONTACTS_PER_SYNC} cards and refuses one more`, () => {
    const one = card('TEL:+33612345678');
    expect(parseVCards(one.repeat(MAX_CONTACTS_PER_SYNC))).toHaveLength(MAX_CONTACTS_PER_SYNC);
    expect(() => parseVCards(one.repeat(MAX_CONTACTS_PER_SYNC + 1))).toThrow(
      new RangeError(`A vCard file may hold at most ${MAX_CONTACTS_PER_SYNC} contacts`),
    );
  });

  it('refuses a file over 5 MB, counted in UTF-8 bytes', () => {
    expect(MAX_VCARD_BYTES).toBe(5 * 1024 * 1024);
    const padded = (bytes: number) => card('NOTE:' + 'x'.repeat(bytes - card('NOTE:').length));
    expect(parseVCards(padded(MAX_VCARD_BYTES))).toHaveLength(1);
    expect(() => parseVCards(padded(MAX_VCARD_BYTES + 1))).toThrow(new RangeError('A vCard file may be at most 5 MB'));
    // Fewer UTF-16 units than the limit, but two bytes each.
    expect(() => parseVCards('é'.repeat(MAX_VCARD_BYTES / 2 + 1))).toThrow(RangeError);
  });

  it('unfolds a photo of several megabytes in linear time', () => {
    const photo = Array.from({ length: 60_000 }, () => ' ' + 'A'.repeat(74)).join('\r\n');
    const [parsed] = parseVCards(card('FN:Ana Silva', `PHOTO;ENCODING=b;TYPE=JPEG:/9j/`, photo, 'TEL:1'));
    expect(parsed?.phoneNumbers).toEqual(['1']);
  });
});

describe('serializeVCards', () => {
  const jean: VCardContact = {
    firstName: 'Jean',
    lastName: 'Dupont',
    phoneNumber: '+33612345678',
    email: 'jean@dupont.fr',
    company: 'Dupont & Fils',
    notes: 'Appeler le matin',
    tags: ['clients', 'lyon'],
  };

  it('writes a 3.0 card with CRLF line endings', () => {
    expect(serializeVCards([jean], '3.0')).toBe(
      [
        'BEGIN:VCARD',
        'VERSION:3.0',
        'N:Dupont;Jean;;;',
        'FN:Jean Dupont',
        'TEL;TYPE=cell:+33612345678',
        'EMAIL:jean@dupont.fr',
        'ORG:Dupont & Fils',
        'NOTE:Appeler le matin',
        'CATEGORIES:clients,lyon',
        'END:VCARD',
        '',
      ].join('\r\n'),
    );
  });

  it('writes a 4.0 card with VERSION right after BEGIN and the number as a tel: URI', () => {
    const minimal = { ...jean, firstName: null, lastName: null, email: null, company: null, notes: null, tags: [] };
    expect(serializeVCards([minimal, minimal], '4.0')).toBe(
      [
        'BEGIN:VCARD',
        'VERSION:4.0',
        'N:;;;;',
        'FN:+33612345678',
        'TEL;VALUE=uri;TYPE=cell:tel:+33612345678',
        'END:VCARD',
      ]
        .join('\r\n')
        .concat('\r\n')
        .repeat(2),
    );
    expect(serializeVCards([], '4.0')).toBe('');
  });

  it('names the card after the company when the contact has no name', () => {
    const text = serializeVCards([{ ...jean, firstName: ' ', lastName: null }], '3.0');
    expect(text).toContain('\r\nFN:Dupont & Fils\r\n');
  });

  it('escapes backslashes, commas, semicolons and line breaks', () => {
    const text = serializeVCards(
      [{ ...jean, lastName: 'Smith; Jones', company: 'R&D, Inc.', notes: 'a\\b\r\nc\nd,e;f', tags: ['r,d'] }],
      '3.0',
    );
    expect(text).toContain('\r\nN:Smith\\; Jones;Jean;;;\r\n');
    expect(text).toContain('\r\nFN:Jean Smith\\; Jones\r\n');
    expect(text).toContain('\r\nORG:R&D\\, Inc.\r\n');
    expect(text).toContain('\r\nNOTE:a\\\\b\\nc\\nd\\,e\\;f\r\n');
    expect(text).toContain('\r\nCATEGORIES:r\\,d\r\n');
  });

  it('folds a line at 75 octets, the leading space of a continuation counting as one', () => {
    const notes = `${'a'.repeat(69)}é${'b'.repeat(80)}`;
    const lines = serializeVCards([{ ...jean, notes }], '3.0').split('\r\n');
    const at = lines.findIndex((l) => l.startsWith('NOTE:'));
    // 5 + 69 octets, and "é" (2 octets) would make 76: it starts the next line.
    expect(lines.slice(at, at + 4)).toEqual([
      `NOTE:${'a'.repeat(69)}`,
      ` é${'b'.repeat(72)}`,
      ` ${'b'.repeat(8)}`,
      'CATEGORIES:clients,lyon',
    ]);
  });

  it('never splits a multi-byte character, and fills each folded line', () => {
    const notes = `x${'é'.repeat(50)}${'😀'.repeat(30)}${'中'.repeat(40)}`;
    const bytes = Buffer.from(serializeVCards([{ ...jean, notes }], '4.0'));
    const lines = bytes.toString('latin1').split('\r\n').slice(0, -1);
    const strict = new TextDecoder('utf-8', { fatal: true });
    for (const line of lines) {
      const octets = Buffer.from(line, 'latin1');
      expect(octets.length).toBeLessThanOrEqual(75);
      expect(() => strict.decode(octets)).not.toThrow();
    }
    const note = lines.slice(lines.findIndex((l) => l.startsWith('NOTE:')));
    const folded = note.slice(0, note.findIndex((l, i) => i > 0 && !l.startsWith(' ')) - 1);
    expect(folded.length).toBeGreaterThan(3);
    for (const line of folded) expect(Buffer.from(line, 'latin1').length).toBeGreaterThan(71);
  });
});

describe('parseVCards(serializeVCards(x))', () => {
  const contacts: VCardContact[] = [
    {
      firstName: 'Hélène',
      lastName: "Martin-O'Brien",
      phoneNumber: '+33612345678',
      email: 'helene@example.fr',
      company: 'Café; Bar, & Co \\ Sons',
      notes: 'Ligne 1\nLigne 2, avec; tout\\ça 😀👩‍👩‍👧\n' + 'Très longue note. '.repeat(20) + 'Fin.',
      tags: ['vip', 'r,d', 'été 😎'],
    },
    {
      firstName: null,
      lastName: null,
      phoneNumber: '+14155550100',
      email: null,
      company: 'Boulangerie Paul',
      notes: null,
      tags: [],
    },
    {
      firstName: null,
      lastName: null,
      phoneNumber: '+442079460958',
      email: null,
      company: null,
      notes: null,
      tags: [],
    },
    {
      firstName: 'Zoë',
      lastName: null,
      phoneNumber: '+4915112345678',
      email: null,
      company: null,
      notes: null,
      tags: [],
    },
    {
      firstName: null,
      lastName: 'Nguyễn',
      phoneNumber: '+84901234567',
      email: null,
      company: null,
      notes: null,
      tags: [],
    },
  ];

  for (const version of ['3.0', '4.0'] as const) {
    it(`gives back every field in ${version}`, () => {
      const back = parseVCards(serializeVCards(contacts, version)).map((c) => ({
        firstName: c.firstName,
        lastName: c.lastName,
        phoneNumber: c.phoneNumbers[0],
        email: c.email,
        company: c.company,
        notes: c.notes,
        tags: c.categories,
      }));
      expect(back).toEqual(contacts);
    });
  }
});
