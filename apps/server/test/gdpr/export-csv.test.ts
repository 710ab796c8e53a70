import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../src/modules/auth/account-export-csv.js';
import { parseCsv } from '../helpers/contacts-flows.js';

describe('export CSV', () => {
  it('makes a cell that a spreadsheet would run as a formula plain text', () => {
    for (const formula of ['=1+1', '+cmd', '-2+3', '@SUM(A1)', '\t=x', '\r=x']) {
      expect(csvCell(formula).replace(/^"/, '')).toMatch(/^'/);
    }
  });

  it('leaves phone numbers, amounts and ordinary text as they are', () => {
    expect(csvCell('+33612345678')).toBe('+33612345678');
    expect(csvCell(-12.5)).toBe('-12.5');
    expect(csvCell(false)).toBe('false');
    expect(csvCell(null)).toBe('');
    expect(csvCell('Élodie Dupré')).toBe('Élodie Dupré');
  });

  it('quotes commas, quotes and line breaks, and writes nested values as JSON', () => {
    expect(csvCell('a, "b"\nc')).toBe('"a, ""b""\nc"');
    expect(csvCell(['x', 'y'])).toBe('"[""x"",""y""]"');
  });

  it('round-trips through a CSV reader, with a BOM and CRLF lines', () => {
    const text = toCsv(
      ['name', 'notes', 'amount'],
      [
        { name: 'Zoë, "la" cheffe', notes: 'line 1\r\nline 2', amount: 3 },
        { name: '=HYPERLINK("x")', notes: null, amount: 0 },
      ],
    );
    expect(text.startsWith('\uFEFFname,notes,amount\r\n')).toBe(true);
    expect(parseCsv(text.slice(1))).toEqual([
      ['name', 'notes', 'amount'],
      ['Zoë, "la" cheffe', 'line 1\r\nline 2', '3'],
      ['\'=HYPERLINK("x")', '', '0'],
    ]);
  });
});
