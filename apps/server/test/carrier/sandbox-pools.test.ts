import { COUNTRIES, type CountryCode, type NumberType } from '@commpro/contracts';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import {
  areaCodePrefixes,
  containsPattern,
  describeSandboxNumber,
  formatSandboxNumber,
  isSandboxNumber,
  matchesContains,
  nationalNumberAt,
  offeredTypes,
  offerTerms,
  poolSize,
  SANDBOX_POOLS,
  toE164,
} from '../../src/providers/carrier/sandbox/pools.js';

const OFFERED: Record<CountryCode, NumberType[]> = {
  FR: ['LOCAL', 'MOBILE'],
  US: ['LOCAL'],
  GB: ['LOCAL', 'MOBILE', 'TOLL_FREE'],
  DE: ['LOCAL'],
  ES: ['LOCAL', 'MOBILE'],
  IT: ['LOCAL', 'MOBILE'],
};

/** What libphonenumber-js/max must say for the pools it knows (REFERENCE §7); undefined = it rejects them. */
const LIBPHONENUMBER_TYPE: Record<string, string | undefined> = {
  'GB LOCAL': 'FIXED_LINE',
  'GB TOLL_FREE': 'TOLL_FREE',
  'DE LOCAL': 'FIXED_LINE',
  'FR LOCAL': 'FIXED_LINE',
  'US LOCAL': 'FIXED_LINE_OR_MOBILE',
};

/** Drama blocks inside a known type that libphonenumber-js 1.13.16 still calls invalid. */
const REJECTED_BY_LIBPHONENUMBER = new Set(['1632960', '1154960']);

describe('sandbox pools', () => {
  it('offers the types each country has a range for, and every pool has terms', () => {
    for (const country of COUNTRIES) expect(offeredTypes(country)).toEqual(OFFERED[country]);
    for (const p of SANDBOX_POOLS) expect(offerTerms(p.countryCode, p.type)).toBeDefined();
    expect(offerTerms('US', 'TOLL_FREE')).toBeUndefined();
    expect(offerTerms('DE', 'MOBILE')).toBeUndefined();
  });

  it('every pool number formats like a real one, and parses where libphonenumber knows the range', () => {
    for (const p of SANDBOX_POOLS) {
      for (const n of [0, poolSize(p) - 1]) {
        const national = nationalNumberAt(p, n);
        const e164 = toE164(p.countryCode, national);
        const parsed = parsePhoneNumberFromString(e164);
        expect(parsed?.number, e164).toBe(e164);
        expect(parsed?.isPossible(), e164).toBe(true);
        const known = LIBPHONENUMBER_TYPE[`${p.countryCode} ${p.type}`];
        if (known && !REJECTED_BY_LIBPHONENUMBER.has(p.prefix)) {
          expect(parsed?.isValid(), e164).toBe(true);
          expect(parsed?.getType(), e164).toBe(known);
        }
        const friendly = formatSandboxNumber(p.countryCode, national);
        expect(friendly.replace(/\D/g, ''), e164).toContain(national.slice(-4));
        expect(friendly, e164).toMatch(/\s/);
      }
    }
    expect(formatSandboxNumber('FR', '199001234')).toBe('+33 1 99 00 12 34');
    expect(formatSandboxNumber('FR', '639981234')).toBe('+33 6 39 98 12 34');
    expect(formatSandboxNumber('US', '4155550134')).toBe('(415) 555-0134');
    expect(formatSandboxNumber('GB', '7700900123')).toBe('+44 7700 900123');
    expect(formatSandboxNumber('GB', '2079460123')).toBe('+44 20 7946 0123');
    expect(formatSandboxNumber('DE', '3023125123')).toBe('+49 30 23125123');
    expect(formatSandboxNumber('ES', '790001234')).toBe('+34 790 00 12 34');
    expect(formatSandboxNumber('IT', '3090001234')).toBe('+39 309 000 1234');
    expect(formatSandboxNumber('IT', '0127001234')).toBe('+39 0127 001234');
  });

  it('the ranges libphonenumber rejects are allow-listed by the sandbox', () => {
    for (const e164 of [
      '+447700900123',
      '+441632960123',
      '+441154960123',
      '+33639981234',
      '+34790001234',
      '+393090001234',
    ]) {
      expect(parsePhoneNumberFromString(e164)?.isValid(), e164).toBe(false);
      expect(isSandboxNumber(e164), e164).toBe(true);
    }
  });

  it('describes pool numbers and nothing else', () => {
    expect(describeSandboxNumber('+33639981234')).toMatchObject({ countryCode: 'FR', type: 'MOBILE' });
    expect(describeSandboxNumber('+33199000000')).toMatchObject({ countryCode: 'FR', type: 'LOCAL' });
    expect(describeSandboxNumber('+442079460999')).toMatchObject({
      countryCode: 'GB',
      type: 'LOCAL',
      region: 'London',
    });
    expect(describeSandboxNumber('+448081570000')).toMatchObject({ countryCode: 'GB', type: 'TOLL_FREE' });
    expect(describeSandboxNumber('+14155550199')).toMatchObject({ countryCode: 'US', type: 'LOCAL' });
    expect(describeSandboxNumber('+492214710500')).toMatchObject({ countryCode: 'DE', type: 'LOCAL' });
    expect(describeSandboxNumber('+34929001234')).toMatchObject({ countryCode: 'ES', type: 'LOCAL' });
    expect(describeSandboxNumber('+390129009999')).toMatchObject({ countryCode: 'IT', type: 'LOCAL' });
    for (const outside of [
      '+14155550200', // 555-0200 is a real line
      '+14155550099',
      '+18005550100', // toll-free: not fiction
      '+33612345678', // a real French mobile
      '+3363998123', // one digit short
      '+336399812345', // one digit long
      '+442079470123',
      '+447700901000',
      '+4930231251234',
      '33639981234',
      '+33 6 39 98 12 34',
      '',
    ]) {
      expect(isSandboxNumber(outside), outside).toBe(false);
      expect(describeSandboxNumber(outside), outside).toBeUndefined();
    }
  });

  it('reads area codes with or without the trunk prefix', () => {
    expect(areaCodePrefixes('FR', '01')).toEqual(['01', '1']);
    expect(areaCodePrefixes('GB', '020')).toEqual(['020', '20']);
    expect(areaCodePrefixes('US', '415')).toEqual(['415']);
    expect(areaCodePrefixes('US', '1415')).toEqual(['1415', '415']);
    expect(areaCodePrefixes('IT', '0127')).toEqual(['0127']);
  });

  it('matches contains with * against national, E.164 and trunk forms', () => {
    const pattern = containsPattern('12*4');
    expect(pattern).toBeDefined();
    if (!pattern) return;
    expect(matchesContains('FR', '199001234', pattern)).toBe(true);
    expect(matchesContains('FR', '199003334', pattern)).toBe(false);
    const e164Only = containsPattern('3363');
    if (!e164Only) throw new Error('pattern');
    expect(matchesContains('FR', '639980000', e164Only)).toBe(true);
    const trunk = containsPattern('0639');
    if (!trunk) throw new Error('pattern');
    expect(matchesContains('FR', '639980000', trunk)).toBe(true);
    expect(containsPattern('12a')).toBeUndefined();
  });

  it('asks what each country’s regulator asks before a purchase', () => {
    expect(offerTerms('FR', 'LOCAL')).toMatchObject({ requirements: 'IDENTITY' });
    expect(offerTerms('GB', 'TOLL_FREE')).toMatchObject({ requirements: 'ADDRESS' });
    expect(offerTerms('US', 'LOCAL')).toMatchObject({ requirements: 'NONE' });
  });
});
