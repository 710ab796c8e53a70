import { describe, expect, it } from 'vitest';
import { countSegments } from './sms-segments.js';

const a = (n: number) => 'a'.repeat(n);
/** A BMP character outside GSM-7 (Cyrillic), 1 UCS-2 unit. */
const u = (n: number) => 'Ж'.repeat(n);

describe('countSegments: GSM-7', () => {
  it('counts nothing for an empty message', () => {
    expect(countSegments('')).toEqual({
      encoding: 'GSM-7',
      segments: 0,
      characters: 0,
      perSegment: 160,
      remainingInSegment: 160,
    });
  });

  it('fits 160 characters in one segment and splits at 153 beyond', () => {
    expect(countSegments(a(1))).toMatchObject({ segments: 1, characters: 1, remainingInSegment: 159 });
    expect(countSegments(a(160))).toEqual({
      encoding: 'GSM-7',
      segments: 1,
      characters: 160,
      perSegment: 160,
      remainingInSegment: 0,
    });
    expect(countSegments(a(161))).toEqual({
      encoding: 'GSM-7',
      segments: 2,
      characters: 161,
      perSegment: 153,
      remainingInSegment: 145,
    });
    expect(countSegments(a(306))).toMatchObject({ segments: 2, remainingInSegment: 0 });
    expect(countSegments(a(307))).toMatchObject({ segments: 3, remainingInSegment: 152 });
  });

  it('keeps the whole basic set, including the accents French uses most, in GSM-7', () => {
    const basic =
      '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
    expect([...basic]).toHaveLength(127);
    expect(countSegments(basic)).toMatchObject({ encoding: 'GSM-7', characters: 127, segments: 1 });
    expect(countSegments('Ça a été où, à Ivrì, Pò ?')).toMatchObject({ encoding: 'GSM-7', characters: 25 });
  });

  it('counts each extension character as 2 septets', () => {
    for (const char of ['€', '[', ']', '{', '}', '^', '~', '|', '\\', '\f']) {
      expect(countSegments(char), char).toMatchObject({ encoding: 'GSM-7', characters: 2, segments: 1 });
    }
    expect(countSegments('€'.repeat(80))).toMatchObject({ characters: 160, segments: 1 });
    expect(countSegments('€'.repeat(80) + 'a')).toMatchObject({ characters: 161, segments: 2 });
  });

  it('never splits an escape pair: it moves whole to the next segment', () => {
    // 152 septets then € (2): the pair does not fit in the 1 septet left, so segment 2 starts with it.
    const text = a(152) + '€' + a(10);
    expect(countSegments(text)).toEqual({
      encoding: 'GSM-7',
      segments: 2,
      characters: 164,
      perSegment: 153,
      remainingInSegment: 153 - 12,
    });
    // The same length with the pair not at the boundary fits exactly in 2 full segments.
    expect(countSegments(a(152) + '€' + a(152))).toMatchObject({ characters: 306, segments: 3 });
    expect(countSegments('€' + a(152) + a(152))).toMatchObject({ characters: 306, segments: 2 });
  });
});

describe('countSegments: UCS-2', () => {
  it.each([
    ['ç', 'lowercase c cedilla'],
    ['`', 'backtick'],
    ['’', 'curly quote'],
    ['“', 'curly double quote'],
    ['–', 'en dash'],
    ['ê', 'e circumflex'],
    ['â', 'a circumflex'],
    ['î', 'i circumflex'],
    ['ô', 'o circumflex'],
    ['û', 'u circumflex'],
    ['ë', 'e diaeresis'],
    ['ï', 'i diaeresis'],
  ])('switches the whole message to UCS-2 for %s (%s)', (char) => {
    const result = countSegments(`Bonjour, ${char} et le reste`);
    expect(result.encoding).toBe('UCS-2');
    expect(result.characters).toBe(`Bonjour, ${char} et le reste`.length);
  });

  it('treats a decomposed accent (e + combining acute) as non-GSM', () => {
    expect(countSegments('e\u0301')).toMatchObject({ encoding: 'UCS-2', characters: 2 });
  });

  it('fits 70 units in one segment and splits at 67 beyond', () => {
    expect(countSegments(u(70))).toEqual({
      encoding: 'UCS-2',
      segments: 1,
      characters: 70,
      perSegment: 70,
      remainingInSegment: 0,
    });
    expect(countSegments(u(71))).toEqual({
      encoding: 'UCS-2',
      segments: 2,
      characters: 71,
      perSegment: 67,
      remainingInSegment: 63,
    });
    expect(countSegments(u(134))).toMatchObject({ segments: 2, remainingInSegment: 0 });
    expect(countSegments(u(135))).toMatchObject({ segments: 3 });
  });

  it('counts an emoji outside the BMP as 2 units, and extension characters as 1', () => {
    expect(countSegments('😀')).toMatchObject({ encoding: 'UCS-2', characters: 2, segments: 1 });
    expect(countSegments('Hi 😀 €')).toMatchObject({ encoding: 'UCS-2', characters: 7 });
    expect(countSegments('😀'.repeat(35))).toMatchObject({ characters: 70, segments: 1 });
    expect(countSegments('😀'.repeat(35) + 'a')).toMatchObject({ characters: 71, segments: 2 });
  });

  it('never splits a surrogate pair at the 67 boundary', () => {
    // 66 units then a 2-unit emoji: it moves whole to segment 2.
    expect(countSegments(u(66) + '😀' + u(3))).toMatchObject({ characters: 71, segments: 2, remainingInSegment: 62 });
  });

  it('never splits a ZWJ family emoji or a flag at the 67 boundary', () => {
    const family = '👨‍👩‍👧‍👦'; // 4 people joined by 3 ZWJ: 11 units, one grapheme
    const flag = '🇫🇷'; // 2 regional indicators: 4 units, one grapheme
    const thumb = '👍🏽'; // emoji + skin tone modifier: 4 units, one grapheme
    expect(family).toHaveLength(11);

    // 60 + 11 = 71 units; at 67 the family would straddle the boundary, so it starts segment 2.
    expect(countSegments(u(60) + family)).toEqual({
      encoding: 'UCS-2',
      segments: 2,
      characters: 71,
      perSegment: 67,
      remainingInSegment: 56,
    });
    // 65 + 4 = 69 units: a single segment.
    expect(countSegments(u(65) + flag)).toMatchObject({ characters: 69, segments: 1 });
    // 65 + flag + 5: the flag would need units 66..69, so it moves; segment 2 holds 4 + 5.
    expect(countSegments(u(65) + flag + u(5))).toMatchObject({ characters: 74, segments: 2, remainingInSegment: 58 });
    expect(countSegments(u(64) + thumb + u(5))).toMatchObject({ characters: 73, segments: 2, remainingInSegment: 58 });
    // Where they do fit before the boundary, they stay in segment 1.
    expect(countSegments(u(63) + flag + u(5))).toMatchObject({ segments: 2, remainingInSegment: 62 });
  });

  it('splits a grapheme longer than a whole segment rather than looping', () => {
    const zalgo = 'a' + '\u0301'.repeat(100);
    expect(countSegments(zalgo)).toMatchObject({ encoding: 'UCS-2', characters: 101, segments: 2 });
  });
});
