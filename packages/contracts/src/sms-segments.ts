/**
 * SMS segment counting, shared by the server (stored and billed per segment)
 * and the web app (live counter while typing). It follows Twilio's
 * message-segment-calculator in `auto` mode: see REFERENCE.md §5.
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentCount {
  encoding: SmsEncoding;
  segments: number;
  /** GSM-7 septets or UCS-2 code units the message uses (padding at segment boundaries excluded). */
  characters: number;
  /** Capacity of one segment for this message: 160/70 when it fits in one, 153/67 when it is split. */
  perSegment: number;
  /** Septets or units still free in the last segment. */
  remainingInSegment: number;
}

/** The GSM 03.38 basic set (127 characters; ESC is the 128th). */
const GSM_BASIC = new Set([
  ...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ',
  ...' !"#¤%&\'()*+,-./0123456789:;<=>?',
  ...'¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§',
  ...'¿abcdefghijklmnopqrstuvwxyzäöñüà',
]);

/** The extension table: sent as ESC + character, so each one takes 2 septets. */
const GSM_EXTENSION = new Set([...'^{}\\[]~|€\f']);

const LIMITS = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
} as const;

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Septets of one grapheme in GSM-7, or undefined when any of its code points is outside GSM-7. */
function gsmCost(grapheme: string): number | undefined {
  let cost = 0;
  for (const char of grapheme) {
    if (GSM_BASIC.has(char)) cost += 1;
    else if (GSM_EXTENSION.has(char)) cost += 2;
    else return undefined;
  }
  return cost;
}

/**
 * Packs indivisible units (an escape pair, a grapheme cluster) into segments
 * of `capacity`, never splitting one across two segments. A unit larger than
 * a whole segment (a pathological run of combining marks) is split by code
 * point, the only thing a phone could then do.
 */
function pack(units: readonly string[], costOf: (unit: string) => number, capacity: number) {
  let segments = 1;
  let used = 0;
  const place = (cost: number) => {
    if (used + cost > capacity) {
      segments += 1;
      used = 0;
    }
    used += cost;
  };
  for (const unit of units) {
    const cost = costOf(unit);
    if (cost <= capacity) place(cost);
    else for (const char of unit) place(costOf(char));
  }
  return { segments, remaining: capacity - used };
}

export function countSegments(text: string): SegmentCount {
  const graphemes = Array.from(graphemeSegmenter.segment(text), (part) => part.segment);
  const gsm = graphemes.every((grapheme) => gsmCost(grapheme) !== undefined);
  const encoding: SmsEncoding = gsm ? 'GSM-7' : 'UCS-2';
  // UTF-16 length is the UCS-2 unit count: characters outside the BMP take a surrogate pair (2 units).
  const costOf = gsm ? (unit: string) => gsmCost(unit)! : (unit: string) => unit.length;
  const characters = graphemes.reduce((sum, grapheme) => sum + costOf(grapheme), 0);
  const { single, multi } = LIMITS[encoding];

  if (characters <= single) {
    return {
      encoding,
      segments: characters === 0 ? 0 : 1,
      characters,
      perSegment: single,
      remainingInSegment: single - characters,
    };
  }
  const { segments, remaining } = pack(graphemes, costOf, multi);
  return { encoding, segments, characters, perSegment: multi, remainingInSegment: remaining };
}
