import { describe, expect, it } from 'vitest';
import {
  countryName,
  defaultCountry,
  formatCents,
  formatPhone,
  formatPhoneInput,
  formatPrice,
  planLimitOf,
} from './format';

describe('formatPhone', () => {
  it('formats E.164 numbers of every offered country', () => {
    expect(formatPhone('+33639981234')).toBe('+33 6 39 98 12 34');
    expect(formatPhone('+12015550123')).toBe('+1 201 555 0123');
    expect(formatPhone('+447700900123')).toBe('+44 7700 900123');
  });

  it('reads a national number in the given country', () => {
    expect(formatPhoneInput('06 12 34 56 78', 'FR')).toBe('+33 6 12 34 56 78');
    expect(formatPhoneInput('(201) 555-0123', 'US')).toBe('+1 201 555 0123');
  });

  it('leaves what it cannot parse as it was', () => {
    expect(formatPhone('not a number')).toBe('not a number');
  });
});

describe('labels', () => {
  it('names countries and prices in the person’s language', () => {
    expect(countryName('GB', 'fr')).toBe('Royaume-Uni');
    expect(countryName('DE', 'en')).toBe('Germany');
    expect(formatPrice(1.5, 'en')).toBe('€1.50');
    expect(formatCents(1500, 'en')).toBe('€15.00');
    expect(formatCents(2900, 'fr').replace(/\s/g, ' ')).toBe('29,00 €');
    expect(formatPrice(1.5, 'fr').replace(/\s/g, ' ')).toBe('1,50 €');
  });

  it('starts the search in the country of the time zone', () => {
    expect(defaultCountry('Europe/London')).toBe('GB');
    expect(defaultCountry('America/New_York')).toBe('US');
    expect(defaultCountry('Asia/Tokyo')).toBe('FR');
    expect(defaultCountry(undefined)).toBe('FR');
  });
});

describe('planLimitOf', () => {
  it('reads the plan, its allowance and the plan that lifts it', () => {
    expect(planLimitOf({ resource: 'numbers', allowed: 1, plan: 'FREE', upgradeTo: 'BUSINESS' })).toEqual({
      current: 'FREE',
      included: 1,
      upgrade: 'BUSINESS',
    });
    expect(planLimitOf({ resource: 'numbers', allowed: 10, plan: 'ENTERPRISE', upgradeTo: null })?.upgrade).toBe(
      undefined,
    );
  });

  it('gives up on limits it cannot describe', () => {
    expect(planLimitOf(undefined)).toBeNull();
    expect(planLimitOf({ resource: 'numbers', allowed: 2, plan: 'GOLD', upgradeTo: null })).toBeNull();
    expect(planLimitOf({ resource: 'sms', allowed: 50, plan: 'FREE', upgradeTo: 'STARTER' })).toBeNull();
  });
});
