import { describe, expect, it } from 'vitest';
import { countryName, defaultCountry, formatPhone, formatPrice, planNamedIn } from './format';

describe('formatPhone', () => {
  it('formats E.164 numbers of every offered country', () => {
    expect(formatPhone('+33639981234')).toBe('+33 6 39 98 12 34');
    expect(formatPhone('+12015550123')).toBe('+1 201 555 0123');
    expect(formatPhone('+447700900123')).toBe('+44 7700 900123');
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
    expect(formatPrice(1.5, 'fr').replace(/\s/g, ' ')).toBe('1,50 €');
  });

  it('starts the search in the country of the time zone', () => {
    expect(defaultCountry('Europe/London')).toBe('GB');
    expect(defaultCountry('America/New_York')).toBe('US');
    expect(defaultCountry('Asia/Tokyo')).toBe('FR');
    expect(defaultCountry(undefined)).toBe('FR');
  });
});

describe('planNamedIn', () => {
  it('finds the plan that lifts a limit', () => {
    expect(planNamedIn('Your FREE plan includes 1 number. Upgrade to BUSINESS for more.', [])).toBe('BUSINESS');
    expect(planNamedIn('Limit reached', [{ field: 'plan', message: 'Starter' }])).toBe('STARTER');
    expect(planNamedIn('Limit reached', [])).toBeNull();
  });
});
