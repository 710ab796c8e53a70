import { describe, expect, it } from 'vitest';
import {
  checkReason,
  detailsText,
  formatCount,
  formatDay,
  formatEurCents,
  formatPeriod,
  formatRate,
  personName,
  withChosen,
} from './format';
import { queryString } from './query';

// Intl puts a narrow no-break space before "€" in French; compare on plain spaces.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('formatEurCents', () => {
  it('shows whole euros without decimals and keeps the cents otherwise', () => {
    expect(formatEurCents(150_000, 'en')).toBe('€1,500');
    expect(formatEurCents(123_450, 'en')).toBe('€1,234.50');
    expect(plain(formatEurCents(123_450, 'fr'))).toBe('1 234,50 €');
  });

  it('reads zero and single cents exactly', () => {
    expect(formatEurCents(0, 'en')).toBe('€0');
    expect(formatEurCents(1, 'en')).toBe('€0.01');
    expect(formatEurCents(1_199, 'en')).toBe('€11.99');
  });
});

describe('formatRate', () => {
  it('shows a rate as a percentage with one decimal at most', () => {
    expect(formatRate(0, 'en')).toBe('0%');
    expect(formatRate(0.125, 'en')).toBe('12.5%');
    expect(formatRate(1, 'en')).toBe('100%');
  });

  it('never rounds a real error rate down to zero', () => {
    expect(formatRate(0.0001, 'en')).toBe('<0.1%');
  });
});

describe('formatCount and formatDay', () => {
  it('groups thousands in the reader’s language', () => {
    expect(formatCount(12_345, 'en')).toBe('12,345');
    expect(plain(formatCount(12_345, 'fr'))).toBe('12 345');
  });

  it('reads a chart day as the UTC date, whatever the browser’s zone', () => {
    expect(formatDay('2026-11-24', 'en')).toBe('Nov 24');
    expect(formatDay('2026-01-01', 'fr')).toBe('1 janv.');
  });
});

describe('personName', () => {
  it('joins the names that are set, else falls back to the email', () => {
    expect(personName({ firstName: 'Ada', lastName: 'Lovelace', email: 'a@x.io' })).toBe('Ada Lovelace');
    expect(personName({ firstName: 'Ada', lastName: null, email: 'a@x.io' })).toBe('Ada');
    expect(personName({ firstName: null, lastName: null, email: 'a@x.io' })).toBe('a@x.io');
  });
});

describe('queryString', () => {
  it('leaves out unset and blank filters, so "all" sends nothing', () => {
    expect(queryString({ q: '', plan: undefined, status: null })).toBe('');
    expect(queryString({ q: '  ', limit: 50, offset: 0 })).toBe('?limit=50&offset=0');
  });

  it('trims and encodes what is typed', () => {
    expect(queryString({ q: ' Zoé & co ', status: 'SUSPENDED' })).toBe('?q=Zo%C3%A9+%26+co&status=SUSPENDED');
  });
});

describe('checkReason', () => {
  it('takes 3 to 500 characters once trimmed, like the server', () => {
    expect(checkReason('  ab  ')).toBe('short');
    expect(checkReason('abc')).toBeNull();
    expect(checkReason('x'.repeat(500))).toBeNull();
    expect(checkReason('x'.repeat(501))).toBe('long');
  });
});

describe('detailsText and withChosen', () => {
  it('writes an audit entry’s details on one line', () => {
    expect(detailsText(null)).toBe('');
    expect(detailsText({ reason: 'spam', tier: 'BUSINESS', count: 2 })).toBe('reason: spam, tier: BUSINESS, count: 2');
  });

  it('keeps the chosen filter among the options', () => {
    expect(withChosen(['stripe'], '')).toEqual(['stripe']);
    expect(withChosen(['stripe'], 'stripe')).toEqual(['stripe']);
    expect(withChosen(['stripe'], 'twilio')).toEqual(['stripe', 'twilio']);
  });
});

describe('formatPeriod', () => {
  it('names the UTC month by its first and last days, whatever the browser’s zone', () => {
    expect(formatPeriod({ start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' }, 'en')).toEqual({
      start: 'Nov 1, 2026',
      end: 'Nov 30, 2026',
    });
  });
});
