import { describe, expect, it } from 'vitest';
import { clockTime, formatClockTime, isOvernight, quietHoursForm, validateQuietHours } from './quiet-hours';

describe('quiet hours form', () => {
  it('is off by default, with an evening-to-morning suggestion ready', () => {
    expect(quietHoursForm(null)).toEqual({ enabled: false, start: '22:00', end: '07:00' });
    expect(quietHoursForm({ start: '21:30', end: '08:00' })).toEqual({ enabled: true, start: '21:30', end: '08:00' });
  });

  it('saves off as null, whatever the times say', () => {
    expect(validateQuietHours({ enabled: false, start: '', end: 'nonsense' })).toEqual({ ok: true, value: null });
  });

  it('saves hours as HH:MM, dropping the seconds a time input may add', () => {
    expect(validateQuietHours({ enabled: true, start: '22:00:00', end: '07:30' })).toEqual({
      ok: true,
      value: { start: '22:00', end: '07:30' },
    });
    expect(clockTime(' 09:05 ')).toBe('09:05');
  });

  it('refuses a missing or impossible time, on the field concerned', () => {
    expect(validateQuietHours({ enabled: true, start: '', end: '07:00' })).toEqual({
      ok: false,
      errors: { start: 'invalid' },
    });
    expect(validateQuietHours({ enabled: true, start: '22:00', end: '24:00' })).toEqual({
      ok: false,
      errors: { end: 'invalid' },
    });
    expect(validateQuietHours({ enabled: true, start: '7:00', end: '25:61' })).toEqual({
      ok: false,
      errors: { start: 'invalid', end: 'invalid' },
    });
  });

  it('refuses an end equal to the start (no hours at all, or all day)', () => {
    expect(validateQuietHours({ enabled: true, start: '22:00', end: '22:00:00' })).toEqual({
      ok: false,
      errors: { end: 'same' },
    });
  });

  it('knows hours that run across midnight, and says a time the way the language does', () => {
    expect(isOvernight('22:00', '07:00')).toBe(true);
    expect(isOvernight('12:00', '14:00')).toBe(false);
    expect(formatClockTime('07:00', 'en')).toBe('7:00 AM');
    expect(formatClockTime('07:00', 'fr')).toBe('07:00');
  });
});
