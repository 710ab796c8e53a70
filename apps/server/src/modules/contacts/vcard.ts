import { contactDisplayName, MAX_CONTACTS_PER_SYNC } from '@commpro/contracts';

/**
 * vCard files in and out (RFC 2426 for 3.0, RFC 6350 for 4.0, and the older
 * 2.1 that Android and Outlook still write). Reading is forgiving, because the
 * files come from whatever phone or address book the user had; writing is
 * strict, because other software must read ours.
 */

export interface ParsedCard {
  /** Position of the card in the file, from 0. */
  index: number;
  firstName: string | null;
  lastName: string | null;
  /** TEL values as written, preferred (TYPE=pref / PREF=1) first; never normalised here. */
  phoneNumbers: string[];
  email: string | null;
  company: string | null;
  notes: string | null;
  /** CATEGORIES, split on commas. */
  categories: string[];
}

export interface VCardContact {
  firstName: string | null;
  lastName: string | null;
  phoneNumber: string;
  email: string | null;
  company: string | null;
  notes: string | null;
  tags: string[];
}

/** The largest file parseVCards reads; the import route should accept no larger body. */
export const MAX_VCARD_BYTES = 5 * 1024 * 1024;

interface Property {
  /** Upper case, without its group (`item1.TEL` is `TEL`). */
  name: string;
  /** Upper-case keys; lower-case values, lists split on commas. */
  params: Map<string, string[]>;
  /** Quoted-printable already decoded; vCard escapes still in place. */
  value: string;
}

/** 2.1 lets an encoding stand alone as a parameter (`NOTE;QUOTED-PRINTABLE:`); any other bare one is a TYPE. */
const BARE_ENCODINGS = new Set(['quoted-printable', 'base64', 'b', '8bit', '7bit']);

/**
 * Reads every card in a .vcf file. A card missing its END:VCARD ends at the
 * next BEGIN:VCARD or at the end of the file; text outside cards is ignored.
 * Throws a RangeError when the file is over MAX_VCARD_BYTES or holds more
 * than MAX_CONTACTS_PER_SYNC cards.
 */
export function parseVCards(text: string): ParsedCard[] {
  if (Buffer.byteLength(text, 'utf8') > MAX_VCARD_BYTES) {
    throw new RangeError(`A vCard file may be at most ${MAX_VCARD_BYTES / 1024 / 1024} MB`);
  }
  const cards: ParsedCard[] = [];
  let open: Property[] | null = null;
  const close = () => {
    if (open) cards.push(buildCard(cards.length, open));
    open = null;
  };
  for (const line of unfold(text.replace(/^\uFEFF/, ''))) {
    const property = parseLine(line);
    if (!property) continue;
    const marker = property.value.trim().toUpperCase();
    if (property.name === 'BEGIN' && marker === 'VCARD') {
      close();
      if (cards.length === MAX_CONTACTS_PER_SYNC) {
        throw new RangeError(`A vCard file may hold at most ${MAX_CONTACTS_PER_SYNC} contacts`);
      }
      open = [];
    } else if (property.name === 'END' && marker === 'VCARD') {
      close();
    } else {
      open?.push(property);
    }
  }
  close();
  return cards;
}

/**
 * Joins folded lines back into content lines: a line starting with a space
 * or tab continues the previous one (RFC 6350 §3.2), and a quoted-printable
 * value ending in `=` continues on the next line whatever it starts with
 * (the soft line break of 2.1 files, RFC 2045 §6.7). Pieces are joined once
 * per line: a folded photo can run to thousands of lines.
 */
function unfold(text: string): string[] {
  const lines: string[] = [];
  let pieces: string[] = [];
  let quotedPrintable = false;
  for (const physical of text.split(/\r\n|\r|\n/)) {
    const last = pieces.length - 1;
    if (quotedPrintable && pieces[last]?.endsWith('=')) {
      pieces[last] = pieces[last].slice(0, -1);
      pieces.push(physical);
    } else if (pieces.length > 0 && /^[ \t]/.test(physical)) {
      pieces.push(physical.slice(1));
    } else {
      if (pieces.length > 0) lines.push(pieces.join(''));
      pieces = physical.trim() === '' ? [] : [physical];
      quotedPrintable = isQuotedPrintable(physical);
    }
  }
  if (pieces.length > 0) lines.push(pieces.join(''));
  return lines;
}

/**
 * Read from a line's first physical line only: the 2.1 writers that use
 * soft line breaks never fold the parameters, and looking no further keeps
 * unfolding linear on hostile input.
 */
function isQuotedPrintable(firstLine: string): boolean {
  const colon = indexOutsideQuotes(firstLine, ':');
  if (colon === -1) return false;
  const params = parseParams(splitOutsideQuotes(firstLine.slice(0, colon), ';').slice(1));
  return params.get('ENCODING')?.includes('quoted-printable') === true;
}

/** `[group.]NAME[;param...]:value`, or null for a line that is not a property. */
function parseLine(line: string): Property | null {
  const colon = indexOutsideQuotes(line, ':');
  if (colon === -1) return null;
  const [nameWithGroup = '', ...rawParams] = splitOutsideQuotes(line.slice(0, colon), ';');
  const name = nameWithGroup.trim().split('.').pop()?.toUpperCase() ?? '';
  const params = parseParams(rawParams);
  let value = line.slice(colon + 1);
  if (params.get('ENCODING')?.includes('quoted-printable')) {
    value = decodeQuotedPrintable(value, params.get('CHARSET')?.[0]);
  }
  return { name, params, value };
}

/** Both `TEL;CELL;PREF` (2.1) and `TEL;TYPE=cell,pref` / `TYPE="cell,voice";PREF=1` (3.0, 4.0). */
function parseParams(raw: readonly string[]): Map<string, string[]> {
  const params = new Map<string, string[]>();
  for (const param of raw) {
    const eq = param.indexOf('=');
    const values = (eq === -1 ? param : param.slice(eq + 1))
      .replaceAll('"', '')
      .split(',')
      .map((v) => v.trim().toLowerCase())
      .filter(Boolean);
    const key =
      eq !== -1
        ? param.slice(0, eq).trim().toUpperCase()
        : values.some((v) => BARE_ENCODINGS.has(v))
          ? 'ENCODING'
          : 'TYPE';
    params.set(key, [...(params.get(key) ?? []), ...values]);
  }
  return params;
}

/**
 * Decodes each run of `=XX` bytes in the property's charset. A run holds
 * whole characters (the soft line breaks are already gone), and everything
 * outside the runs is plain ASCII by definition of the encoding.
 */
function decodeQuotedPrintable(value: string, charset: string | undefined): string {
  return value.replace(/(?:=[0-9A-Fa-f]{2})+/g, (run) =>
    decodeBytes(
      Uint8Array.from(run.slice(1).split('='), (hex) => parseInt(hex, 16)),
      charset,
    ),
  );
}

/**
 * Without a CHARSET, bytes that are not valid UTF-8 are taken as
 * Windows-1252: that is what Outlook writes when it leaves the label out.
 * An unknown label falls back the same way.
 */
function decodeBytes(bytes: Uint8Array, charset: string | undefined): string {
  if (charset !== undefined) {
    try {
      return new TextDecoder(charset).decode(bytes);
    } catch {
      // An unknown label: guess as if there were none.
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

function buildCard(index: number, properties: readonly Property[]): ParsedCard {
  const all = (name: string) => properties.filter((p) => p.name === name);
  const firstText = (name: string) =>
    all(name)
      .map((p) => text(p.value))
      .find((v) => v !== null) ?? null;

  const phoneNumbers = all('TEL')
    .map((p) => ({ number: phoneValue(p.value), rank: preference(p.params) }))
    .filter((tel) => tel.number !== '')
    .sort((a, b) => a.rank - b.rank)
    .map((tel) => tel.number);
  const company =
    all('ORG')
      .map((p) => text(splitUnescaped(p.value, ';')[0] ?? ''))
      .find((v) => v !== null) ?? null;

  return {
    index,
    ...names(all('N'), firstText('FN'), [company, ...phoneNumbers]),
    phoneNumbers,
    email: firstText('EMAIL'),
    company,
    notes: firstText('NOTE'),
    categories: all('CATEGORIES').flatMap((p) =>
      splitUnescaped(p.value, ',')
        .map(text)
        .filter((tag) => tag !== null),
    ),
  };
}

/**
 * First and last names from the first N with a given or family name; else
 * from FN, whose last word is the last name. FN is skipped when it only
 * repeats the company or a number: that is how iPhone files (and ours)
 * label a card without a person's name.
 */
function names(
  nProperties: readonly Property[],
  fullName: string | null,
  notNames: readonly (string | null)[],
): Pick<ParsedCard, 'firstName' | 'lastName'> {
  for (const n of nProperties) {
    const [family = '', given = ''] = splitUnescaped(n.value, ';');
    const firstName = text(given);
    const lastName = text(family);
    if (firstName !== null || lastName !== null) return { firstName, lastName };
  }
  if (fullName === null || notNames.includes(fullName)) return { firstName: null, lastName: null };
  const words = fullName.split(/\s+/);
  if (words.length === 1) return { firstName: fullName, lastName: null };
  return { firstName: words.slice(0, -1).join(' '), lastName: words.at(-1) ?? null };
}

/** Lower ranks first: PREF=1 is the most preferred in 4.0, TYPE=pref counts as 1, no preference last. */
function preference(params: Map<string, string[]>): number {
  const pref = Number(params.get('PREF')?.[0]);
  if (Number.isInteger(pref) && pref >= 1) return pref;
  return params.get('TYPE')?.includes('pref') ? 1 : Number.POSITIVE_INFINITY;
}

/** A 4.0 number is a `tel:` URI; the scheme is not part of the number. */
function phoneValue(raw: string): string {
  return unescape(raw).trim().replace(/^tel:/i, '');
}

/** An escaped text value, trimmed, with CRLF as LF; null when empty. */
function text(raw: string): string | null {
  const value = unescape(raw).replace(/\r\n?/g, '\n').trim();
  return value === '' ? null : value;
}

function unescape(raw: string): string {
  return raw.replace(/\\([\\,;:nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

/** Splits on separators not escaped by a backslash, leaving the escapes for unescape(). */
function splitUnescaped(value: string, separator: ',' | ';'): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i += 1) {
    const c = value[i];
    if (c === '\\') {
      current += value.slice(i, i + 2);
      i += 1;
    } else if (c === separator) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

/** Parameter values may be double-quoted and hold `;` or `:` (RFC 6350 §3.3). */
function indexOutsideQuotes(s: string, char: string): number {
  let quoted = false;
  for (let i = 0; i < s.length; i += 1) {
    if (s[i] === '"') quoted = !quoted;
    else if (s[i] === char && !quoted) return i;
  }
  return -1;
}

function splitOutsideQuotes(s: string, separator: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i += 1) {
    if (s[i] === '"') quoted = !quoted;
    else if (s[i] === separator && !quoted) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

/**
 * Writes one card per contact. Every card has N and FN, which 3.0 requires
 * and which make readers show the same name we do (FN: the name, else the
 * company, else the number). A 4.0 number is a `tel:` URI.
 */
export function serializeVCards(contacts: readonly VCardContact[], version: '3.0' | '4.0'): string {
  const lines: string[] = [];
  for (const contact of contacts) {
    lines.push('BEGIN:VCARD', `VERSION:${version}`);
    lines.push(`N:${escape(contact.lastName ?? '')};${escape(contact.firstName ?? '')};;;`);
    lines.push(`FN:${escape(contactDisplayName(contact))}`);
    lines.push(
      version === '4.0'
        ? `TEL;VALUE=uri;TYPE=cell:tel:${escape(contact.phoneNumber)}`
        : `TEL;TYPE=cell:${escape(contact.phoneNumber)}`,
    );
    if (contact.email) lines.push(`EMAIL:${escape(contact.email)}`);
    if (contact.company) lines.push(`ORG:${escape(contact.company)}`);
    if (contact.notes) lines.push(`NOTE:${escape(contact.notes)}`);
    if (contact.tags.length > 0) lines.push(`CATEGORIES:${contact.tags.map(escape).join(',')}`);
    lines.push('END:VCARD');
  }
  return lines.map(fold).join('');
}

/**
 * RFC 6350 §3.4 text escaping. The number is escaped too although a valid
 * one needs none: a stray newline in it must not start a property of its own.
 */
function escape(value: string): string {
  return value.replace(/[\\,;]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '\\n');
}

const MAX_LINE_OCTETS = 75;

/** Folds a content line at 75 UTF-8 octets (RFC 6350 §3.2) without splitting a character, and ends it with CRLF. */
function fold(line: string): string {
  let out = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > MAX_LINE_OCTETS) {
      out += '\r\n ';
      octets = 1;
    }
    out += char;
    octets += size;
  }
  return `${out}\r\n`;
}
