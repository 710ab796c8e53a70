import { describe, expect, it } from 'vitest';
import { checkPicture, daysAgo, formatBytes, formatDayLabel, formatListTime, photoSrc, segmentInfo } from './format';

const now = new Date(2026, 2, 12, 15, 30).getTime(); // Thursday 12 March 2026, 15:30 local time
const at = (...args: [number, number, number, number, number]) => new Date(...args).toISOString();

describe('formatListTime', () => {
  it('says just now under a minute', () => {
    expect(formatListTime(new Date(now - 20_000).toISOString(), 'en', now)).toBe('Just now');
    expect(formatListTime(new Date(now - 20_000).toISOString(), 'fr', now)).toBe('À l’instant');
  });
  it('counts minutes within the hour', () => {
    expect(formatListTime(new Date(now - 5 * 60_000).toISOString(), 'en', now)).toBe('5 min. ago');
    expect(formatListTime(new Date(now - 5 * 60_000).toISOString(), 'fr', now)).toMatch(/^il y a 5\smin$/);
  });
  it('shows the time earlier today, then yesterday, a weekday, a date', () => {
    expect(formatListTime(at(2026, 2, 12, 9, 5), 'en', now)).toBe('9:05 AM');
    expect(formatListTime(at(2026, 2, 12, 9, 5), 'fr', now)).toBe('09:05');
    expect(formatListTime(at(2026, 2, 11, 23, 0), 'en', now)).toBe('Yesterday');
    expect(formatListTime(at(2026, 2, 11, 23, 0), 'fr', now)).toBe('Hier');
    expect(formatListTime(at(2026, 2, 9, 8, 0), 'en', now)).toBe('Monday');
    expect(formatListTime(at(2026, 2, 9, 8, 0), 'fr', now)).toBe('Lundi');
    expect(formatListTime(at(2026, 1, 2, 8, 0), 'en', now)).toBe('Feb 2');
    expect(formatListTime(at(2025, 1, 2, 8, 0), 'fr', now)).toBe('02/02/2025');
  });
});

describe('formatDayLabel', () => {
  it('names today and yesterday, then the date', () => {
    expect(formatDayLabel(at(2026, 2, 12, 8, 0), 'en', now)).toBe('Today');
    expect(formatDayLabel(at(2026, 2, 11, 8, 0), 'fr', now)).toBe('Hier');
    expect(formatDayLabel(at(2026, 2, 3, 8, 0), 'fr', now)).toBe('Mardi 3 mars');
    expect(daysAgo(at(2026, 2, 3, 8, 0), now)).toBe(9);
  });
});

describe('segmentInfo', () => {
  it('is empty for no text', () => {
    expect(segmentInfo('')).toBeNull();
  });
  it('counts GSM-7 and flags Unicode', () => {
    expect(segmentInfo('Hello')).toEqual({ segments: 1, remaining: 155, unicode: false });
    expect(segmentInfo('x'.repeat(161))).toEqual({ segments: 2, remaining: 145, unicode: false });
    expect(segmentInfo('Merci 🙂')).toEqual({ segments: 1, remaining: 62, unicode: true });
  });
});

describe('photoSrc', () => {
  it('reads our signed media URLs from this origin, signature kept', () => {
    expect(photoSrc('http://localhost:3000/api/media/abc?expires=1&signature=x_y')).toBe(
      '/api/media/abc?expires=1&signature=x_y',
    );
  });

  it('leaves other addresses alone', () => {
    expect(photoSrc('https://cdn.example.com/a.png')).toBe('https://cdn.example.com/a.png');
    expect(photoSrc('not a url')).toBe('not a url');
  });
});
const tr = ((key: string, params?: Record<string, unknown>) =>
  `${key}${params ? JSON.stringify(params) : ''}`) as never;

describe('checkPicture', () => {
  it('lets JPEG, PNG, GIF and WebP up to 5 MB through', () => {
    for (const type of ['image/jpeg', 'image/png', 'image/gif', 'image/webp']) {
      expect(checkPicture({ type, size: 5_000_000 }, tr, 'en')).toBeNull();
    }
  });

  it('refuses a picture over 5 MB, saying how big it is', () => {
    expect(checkPicture({ type: 'image/png', size: 7_240_000 }, tr, 'en')).toBe(
      'messages.attach.tooBig{"size":"7.2 MB"}',
    );
  });

  it('refuses what is not a picture it can send; an unknown type is left to the server', () => {
    expect(checkPicture({ type: 'application/pdf', size: 10 }, tr, 'en')).toBe('messages.attach.notPicture');
    expect(checkPicture({ type: 'image/heic', size: 10 }, tr, 'en')).toBe('messages.attach.notPicture');
    expect(checkPicture({ type: '', size: 10 }, tr, 'en')).toBeNull();
  });
});

describe('formatBytes', () => {
  it('writes sizes as the locale does', () => {
    expect(formatBytes(850_000, 'en')).toBe('850 KB');
    expect(formatBytes(1_500_000, 'fr')).toBe('1,5 MB');
  });
});
