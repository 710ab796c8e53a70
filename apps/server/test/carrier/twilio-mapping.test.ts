import { describe, expect, it } from 'vitest';
import type { E164 } from '../../src/providers/carrier/carrier.port.js';
import { twilioRequirements } from '../../src/providers/carrier/twilio/requirements.js';
import {
  areaCodePattern,
  describeNumber,
  readCapabilities,
  searchFilters,
} from '../../src/providers/carrier/twilio/twilio-carrier.js';

describe('Twilio mapping helpers', () => {
  it('reads capabilities in both casings', () => {
    expect(readCapabilities({ voice: true, SMS: true, MMS: true })).toEqual({ voice: true, sms: true, mms: true });
    expect(readCapabilities({ voice: false, sms: true, mms: false })).toEqual({ voice: false, sms: true, mms: false });
    expect(readCapabilities(undefined)).toEqual({ voice: false, sms: false, mms: false });
  });

  it('turns a non-US area code into an anchored Contains', () => {
    expect(areaCodePattern('FR', '1')).toBe('+331');
    expect(areaCodePattern('FR', '01')).toBe('+331');
    expect(areaCodePattern('GB', '020')).toBe('+4420');
    expect(areaCodePattern('DE', '030')).toBe('+4930');
    expect(areaCodePattern('ES', '91')).toBe('+3491');
    // Italy keeps the 0: Milan is +39 02…
    expect(areaCodePattern('IT', '02')).toBe('+3902');
  });

  it('builds the filters', () => {
    expect(searchFilters({ countryCode: 'US', areaCode: '415', limit: 20 }).params).toEqual({
      areaCode: 415,
      limit: 20,
      pageSize: 20,
    });
    expect(searchFilters({ countryCode: 'DE', areaCode: '030', limit: 20 }).params).toEqual({
      contains: '+4930',
      limit: 20,
      pageSize: 20,
    });
    const both = searchFilters({ countryCode: 'FR', areaCode: '1', contains: '4*5', limit: 20 });
    expect(both.params).toEqual({ contains: '+331', limit: 200, pageSize: 200 });
    expect(both.keep?.('+33140512345')).toBe(true);
    expect(both.keep?.('+33111111111')).toBe(false);
  });

  it('says what the regulator asks', () => {
    expect(twilioRequirements('US', 'LOCAL', 'none')).toBe('NONE');
    expect(twilioRequirements('US', 'LOCAL', 'any')).toBe('ADDRESS');
    expect(twilioRequirements('US', 'TOLL_FREE', 'foreign')).toBe('ADDRESS');
    for (const country of ['FR', 'DE', 'ES', 'IT', 'GB'] as const) {
      expect(twilioRequirements(country, 'MOBILE', 'none')).toBe('IDENTITY');
      expect(twilioRequirements(country, 'LOCAL', 'local')).toBe('IDENTITY');
    }
  });

  it('derives country and type of a bought number', () => {
    const asked = '+33612345678' as E164;
    expect(describeNumber('+33612345678', asked)).toEqual({
      phoneNumber: '+33612345678',
      countryCode: 'FR',
      type: 'MOBILE',
    });
    expect(describeNumber('+33142345678', asked).type).toBe('LOCAL');
    expect(describeNumber('+33800123456', asked).type).toBe('TOLL_FREE');
    expect(describeNumber('+4930123456', asked)).toMatchObject({ countryCode: 'DE', type: 'LOCAL' });
    // A number outside our countries falls back on what we asked for.
    expect(describeNumber('+4759440374', asked).countryCode).toBe('FR');
  });
});
