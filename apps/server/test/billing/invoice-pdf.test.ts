import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type InvoiceDocument, renderInvoicePdf } from '../../src/modules/billing/invoice-pdf.js';

/*
 * The file is read back with a small PDF reader of our own (xref table →
 * objects → page content streams → text-showing operators), so the tests
 * check what a PDF reader sees, not the code that wrote it. pdftotext, when
 * installed, checks the same from outside.
 */

const invoice = (overrides: Partial<InvoiceDocument> = {}): InvoiceDocument => ({
  number: 'CP-2026-000042',
  issuedAt: new Date('2026-04-01T09:30:00Z'),
  dueAt: new Date('2026-04-15T00:00:00Z'),
  paidAt: null,
  periodStart: new Date('2026-03-01T00:00:00Z'),
  periodEnd: new Date('2026-03-31T00:00:00Z'),
  seller: {
    name: 'CommPro SAS',
    address: ['12 rue de la Paix', '75002 Paris', 'France'],
    vatNumber: 'FR12345678901',
    email: 'billing@commpro.example',
  },
  buyer: {
    name: 'Hélène Martin',
    company: 'Martin Conseil',
    email: 'helene@martin-conseil.fr',
    address: ['3 place Grenette', '38000 Grenoble'],
  },
  lines: [
    { description: 'Business plan, March', quantity: 1, unitPriceCents: 123456, amountCents: 123456 },
    { description: 'Outbound minutes', quantity: 1530, unitPriceCents: 2, amountCents: 3060 },
  ],
  subtotalCents: 126516,
  vatRatePercent: 20,
  vatCents: 25303,
  totalCents: 151819,
  currency: 'EUR',
  status: 'open',
  ...overrides,
});

const line = (description: string, amountCents = 1000) => ({
  description,
  quantity: 1,
  unitPriceCents: amountCents,
  amountCents,
});

// ---------------------------------------------------------------------------
// A minimal PDF reader.

interface PdfFile {
  raw: string;
  /** Object number → its text between "N 0 obj" and "endobj". */
  objects: Map<number, string>;
  trailer: string;
}

function readPdf(buffer: Buffer): PdfFile {
  const raw = buffer.toString('latin1');
  const startxref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(raw);
  if (!startxref) throw new Error('no startxref at the end');
  const xrefAt = Number(startxref[1]);
  const xref = /^xref\s+0 (\d+)\s+/.exec(raw.slice(xrefAt));
  if (!xref) throw new Error(`startxref ${xrefAt} does not point at an xref table`);
  const count = Number(xref[1]);
  const entriesAt = xrefAt + xref[0].length;
  const objects = new Map<number, string>();
  for (let number = 1; number < count; number++) {
    // Each entry is exactly 20 bytes: 10-digit offset, space, generation, space, type, two-byte EOL.
    const entry = raw.slice(entriesAt + number * 20, entriesAt + (number + 1) * 20);
    const match = /^(\d{10}) (\d{5}) n[ \r][\r\n]$/.exec(entry);
    if (!match) throw new Error(`bad xref entry for object ${number}: ${JSON.stringify(entry)}`);
    const offset = Number(match[1]);
    const header = `${number} 0 obj`;
    if (!raw.startsWith(header, offset)) {
      throw new Error(
        `xref says object ${number} is at ${offset}, found ${JSON.stringify(raw.slice(offset, offset + 12))}`,
      );
    }
    objects.set(number, raw.slice(offset + header.length, raw.indexOf('endobj', offset)));
  }
  const trailer = raw.slice(raw.indexOf('trailer', entriesAt), xrefAt + raw.slice(xrefAt).indexOf('startxref'));
  return { raw, objects, trailer };
}

function object(pdf: PdfFile, ref: string | undefined): string {
  const body = pdf.objects.get(Number(ref));
  if (body === undefined) throw new Error(`no object ${ref}`);
  return body;
}

const refIn = (dictionary: string, key: string): string | undefined =>
  new RegExp(`/${key} (\\d+) 0 R`).exec(dictionary)?.[1];

/** The decoded content stream of every page, in page order (catalog → pages → kids). */
function pageContents(pdf: PdfFile): { page: string; content: string }[] {
  const catalog = object(pdf, refIn(pdf.trailer, 'Root'));
  const pages = object(pdf, refIn(catalog, 'Pages'));
  const kids = [.../\/Kids \[([^\]]*)\]/.exec(pages)![1]!.matchAll(/(\d+) 0 R/g)].map((m) => m[1]);
  return kids.map((kid) => {
    const page = object(pdf, kid);
    const stream = object(pdf, refIn(page, 'Contents'));
    const length = Number(/\/Length (\d+)/.exec(stream)![1]);
    const start = stream.indexOf('stream\n') + 'stream\n'.length;
    const content = stream.slice(start, start + length);
    expect(stream.slice(start + length)).toMatch(/^\r?\nendstream\s*$/);
    return { page, content };
  });
}

/** WinAnsi bytes 0x80–0x9F (PDF 32000 annex D), written out here rather than trusting the code under test. */
const WIN_ANSI_80_9F = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const decodeWinAnsi = (bytes: number[]): string =>
  bytes.map((b) => (b >= 0x80 && b <= 0x9f ? WIN_ANSI_80_9F[b - 0x80] : String.fromCharCode(b))).join('');

interface TextRun {
  text: string;
  x: number;
  y: number;
  font: string;
  size: number;
}

/** Tokenises a content stream and returns what each Tj/TJ shows, where and in which font. */
function textRuns(content: string): TextRun[] {
  const runs: TextRun[] = [];
  const operands: (number | string | number[][])[] = [];
  let font = '';
  let size = 0;
  let x = 0;
  let y = 0;
  let i = 0;
  const readString = (): number[] => {
    const bytes: number[] = [];
    let depth = 1;
    i++;
    while (i < content.length) {
      const c = content[i]!;
      if (c === '\\') {
        const next = content[i + 1]!;
        const octal = /^[0-7]{1,3}/.exec(content.slice(i + 1, i + 4));
        if (octal) {
          bytes.push(parseInt(octal[0], 8));
          i += 1 + octal[0].length;
          continue;
        }
        const escapes: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12 };
        bytes.push(escapes[next] ?? next.charCodeAt(0));
        i += 2;
        continue;
      }
      if (c === '(') depth++;
      if (c === ')' && --depth === 0) {
        i++;
        return bytes;
      }
      bytes.push(c.charCodeAt(0));
      i++;
    }
    throw new Error('unterminated string');
  };
  while (i < content.length) {
    const c = content[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(') {
      operands.push([readString()]);
    } else if (c === '[') {
      i++;
      const parts: number[][] = [];
      while (content[i] !== ']') {
        if (content[i] === '(') parts.push(readString());
        else i++;
      }
      i++;
      operands.push(parts);
    } else if (c === '/') {
      const name = /^\/[^\s/[\]()<>]+/.exec(content.slice(i))![0];
      operands.push(name);
      i += name.length;
    } else {
      const token = /^[^\s/[\]()<>]+/.exec(content.slice(i))![0];
      i += token.length;
      if (/^[-+]?(\d+\.?\d*|\.\d+)$/.test(token)) {
        operands.push(Number(token));
        continue;
      }
      if (token === 'Tf') [font, size] = operands.slice(-2) as [string, number];
      if (token === 'Td') [x, y] = operands.slice(-2) as [number, number];
      if (token === 'Tj' || token === 'TJ') {
        const parts = operands.at(-1) as number[][];
        runs.push({ text: decodeWinAnsi(parts.flat()), x, y, font, size });
      }
      operands.length = 0;
    }
  }
  return runs;
}

function render(document: InvoiceDocument) {
  const pdf = readPdf(renderInvoicePdf(document));
  const pages = pageContents(pdf).map(({ page, content }) => ({ page, content, runs: textRuns(content) }));
  const texts = pages.map((p) => p.runs.map((r) => r.text));
  return { pdf, pages, texts, all: texts.flat() };
}

// ---------------------------------------------------------------------------

describe('renderInvoicePdf: the file', () => {
  it('is a PDF 1.4 whose xref table gives the byte offset of every object', () => {
    const buffer = renderInvoicePdf(invoice());
    expect(buffer.subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
    expect(buffer.toString('latin1').trimEnd().endsWith('%%EOF')).toBe(true);

    const pdf = readPdf(buffer);
    expect(pdf.objects.size).toBeGreaterThanOrEqual(7);
    expect(pdf.trailer).toContain(`/Size ${pdf.objects.size + 1}`);
    expect(object(pdf, refIn(pdf.trailer, 'Root'))).toContain('/Type /Catalog');
  });

  it('has A4 portrait pages using Helvetica and Helvetica-Bold in WinAnsiEncoding, with uncompressed content', () => {
    const { pdf, pages } = render(invoice());
    for (const { page } of pages) {
      expect(page).toContain('/MediaBox [0 0 595.28 841.89]');
      const fonts = [refIn(page, 'F1'), refIn(page, 'F2')].map((ref) => object(pdf, ref));
      expect(fonts.map((f) => /\/BaseFont \/(\S+)/.exec(f)?.[1]).sort()).toEqual(['Helvetica', 'Helvetica-Bold']);
      for (const font of fonts) expect(font).toMatch(/\/Subtype \/Type1 .*\/Encoding \/WinAnsiEncoding/);
    }
    expect(pdf.raw).not.toContain('/Filter');
    expect(pdf.raw).toContain('(CP-2026-000042) Tj');
  });

  it('names the invoice in the document title', () => {
    const { pdf } = render(invoice());
    const info = object(pdf, refIn(pdf.trailer, 'Info'));
    const hex = /\/Title <FEFF([0-9A-F]*)>/.exec(info)![1]!;
    expect(Buffer.from(hex, 'hex').swap16().toString('utf16le')).toBe('Invoice CP-2026-000042');
  });
});

describe('renderInvoicePdf: what the invoice says', () => {
  it('shows the number, dates, period, both parties, every line and the totals', () => {
    const { all } = render(invoice());
    expect(all).toEqual(
      expect.arrayContaining([
        'Invoice',
        'CP-2026-000042',
        '2026-04-01',
        '2026-04-15',
        '2026-03-01 – 2026-03-31',
        'CommPro SAS',
        '12 rue de la Paix',
        '75002 Paris',
        'VAT number: FR12345678901',
        'billing@commpro.example',
        'Hélène Martin',
        'Martin Conseil',
        '3 place Grenette',
        'helene@martin-conseil.fr',
        'Business plan, March',
        'Outbound minutes',
        '1,530',
        '€0.02',
        '€30.60',
        'Subtotal',
        '€1,265.16',
        'VAT (20%)',
        '€253.03',
        'Total',
        '€1,518.19',
      ]),
    );
    expect(all.filter((t) => t === '€1,234.56')).toHaveLength(2);
  });

  it('formats cents with thousands separators and two decimals, negative amounts included', () => {
    const amounts = [0, 5, 99, 100000, 123456789, -1500, 900719925474099];
    const { all } = render(invoice({ lines: amounts.map((cents) => line(`Item ${cents}`, cents)) }));
    for (const text of ['€0.00', '€0.05', '€0.99', '€1,000.00', '€1,234,567.89', '-€15.00', '€9,007,199,254,740.99']) {
      expect(all).toContain(text);
    }
  });

  it('refuses amounts that are not whole cents rather than print them wrong', () => {
    expect(() => renderInvoicePdf(invoice({ totalCents: 1518.5 }))).toThrow(RangeError);
  });

  it('right-aligns money: a wider amount starts further left in the same column', () => {
    const { pages } = render(invoice());
    const runs = pages[0]!.runs;
    const wide = runs.find((r) => r.text === '€1,234.56')!;
    const narrow = runs.find((r) => r.text === '€30.60')!;
    const description = runs.find((r) => r.text === 'Outbound minutes')!;
    expect(wide.x).toBeLessThan(narrow.x);
    expect(wide.x).toBeGreaterThan(description.x);
  });

  it('shows the VAT rate as given, decimals included', () => {
    expect(render(invoice({ vatRatePercent: 5.5 })).all).toContain('VAT (5.5%)');
  });

  it('omits what is absent: no due date, no VAT number, no company, no address', () => {
    const { all } = render(
      invoice({
        dueAt: null,
        seller: { ...invoice().seller, vatNumber: null },
        buyer: { name: 'Jean Dupont', company: null, email: 'jean@dupont.fr', address: null },
      }),
    );
    expect(all.some((t) => t.includes('VAT number'))).toBe(false);
    expect(all).not.toContain('Due');
    expect(all).toContain('Payment due on receipt');
    expect(all).toEqual(expect.arrayContaining(['Jean Dupont', 'jean@dupont.fr']));
  });

  it('stamps a paid invoice PAID with its date', () => {
    const { all } = render(invoice({ status: 'paid', paidAt: new Date('2026-04-03T12:00:00Z') }));
    expect(all).toEqual(expect.arrayContaining(['PAID', 'on 2026-04-03', 'Paid', '2026-04-03']));
    expect(all.some((t) => t.startsWith('Payment due'))).toBe(false);
  });

  it('gives an open invoice its payment terms and no stamp', () => {
    const { all } = render(invoice());
    expect(all).toContain('Payment due by 2026-04-15');
    expect(all).not.toContain('PAID');
  });

  it('stamps a void invoice VOID', () => {
    const { all } = render(invoice({ status: 'void' }));
    expect(all).toContain('VOID');
    expect(all.some((t) => t.startsWith('Payment due'))).toBe(false);
  });

  it('ends every page with the seller’s legal line', () => {
    const { texts } = render(invoice());
    expect(texts[0]).toContain(
      'CommPro SAS · 12 rue de la Paix · 75002 Paris · France · VAT FR12345678901 · billing@commpro.example',
    );
  });
});

describe('renderInvoicePdf: text encoding', () => {
  it('round-trips French text through WinAnsi', () => {
    const french = ['Œuvre – café à Besançon, coût 5 €', '« TTC », l’été, naïve, garçon, où, Ÿ…'];
    const { all } = render(
      invoice({
        seller: { ...invoice().seller, name: 'Société Générale d’Équipements' },
        lines: french.map((text) => line(text)),
      }),
    );
    expect(all).toEqual(expect.arrayContaining([...french, 'Société Générale d’Équipements']));
  });

  it('composes accents typed as separate marks, and prints "?" for what WinAnsi lacks', () => {
    const { all } = render(invoice({ lines: [line('Cafe\u0301'), line('Call to 東京 ☎ 🚀')] }));
    expect(all).toContain('Café');
    expect(all).toContain('Call to ?? ? ?');
  });

  it('escapes parentheses and backslashes, balanced or not', () => {
    const tricky = 'Calls (outbound) :) C:\\dir\\ (';
    const { all, pdf } = render(invoice({ lines: [line(tricky)] }));
    expect(all).toContain(tricky);
    expect(pdf.raw).toContain('(Calls \\(outbound\\) :\\) C:\\\\dir\\\\ \\() Tj');
  });

  it('keeps each description on its one line: line breaks and tabs become spaces', () => {
    expect(render(invoice({ lines: [line('Two\nlines\tand a tab')] })).all).toContain('Two lines and a tab');
  });
});

describe('renderInvoicePdf: long descriptions', () => {
  it('truncates a description too wide for its column with "…"', () => {
    const long = `Monthly plan for the whole support team, ${'including every extension '.repeat(6)}`;
    const shown = render(invoice({ lines: [line(long)] })).all.find((t) => t.startsWith('Monthly plan'))!;
    expect(shown.endsWith('…')).toBe(true);
    expect(long.startsWith(shown.slice(0, -1))).toBe(true);
    expect(shown.length).toBeLessThan(long.length);
  });

  it('leaves a description that fits alone', () => {
    expect(render(invoice({ lines: [line('Business plan, March')] })).all).toContain('Business plan, March');
  });

  it('measures with the font: narrow letters fit more than wide ones', () => {
    const { all } = render(invoice({ lines: [line('i'.repeat(200)), line('W'.repeat(200))] }));
    const narrow = all.find((t) => t.startsWith('ii'))!;
    const wide = all.find((t) => t.startsWith('WW'))!;
    // Helvetica's i is 222/1000 em and W 944: the same column holds about 4.25 times as many.
    expect(narrow.length / wide.length).toBeGreaterThan(3.5);
    expect(narrow.length / wide.length).toBeLessThan(5);
  });
});

describe('renderInvoicePdf: many lines', () => {
  const sixty = Array.from({ length: 60 }, (_, i) => line(`Line ${i + 1} of the usage`, (i + 1) * 100));

  it('flows 60 lines over several pages, each with the table header and "Page n of m"', () => {
    const { texts } = render(invoice({ lines: sixty }));
    expect(texts.length).toBeGreaterThan(1);
    texts.forEach((page, index) => {
      expect(page).toEqual(expect.arrayContaining(['Description', 'Qty', 'Unit price', 'Amount']));
      expect(page).toContain(`Page ${index + 1} of ${texts.length}`);
      expect(page.some((text) => text.includes('CP-2026-000042'))).toBe(true);
    });
    for (const page of texts.slice(1)) expect(page).toContain('Invoice CP-2026-000042 (continued)');
  });

  it('prints every line once, in order, and the totals once, on the last page after the last line', () => {
    const { texts } = render(invoice({ lines: sixty }));
    const descriptions = texts.flat().filter((t) => t.startsWith('Line '));
    expect(descriptions).toEqual(sixty.map((l) => l.description));
    expect(texts.flat().filter((t) => t === 'Total')).toHaveLength(1);
    expect(texts.at(-1)).toContain('Total');
    expect(texts.at(-1)).toContain('Line 60 of the usage');
  });

  it('keeps rows and totals above the footer on every page, for any number of lines', () => {
    for (let count = 0; count <= 90; count++) {
      const lines = sixty.concat(sixty).slice(0, count);
      const { pages } = render(invoice({ lines }));
      pages.forEach(({ runs }, index) => {
        const footer = runs.find((r) => r.text === `Page ${index + 1} of ${pages.length}`)!;
        expect(footer).toBeDefined();
        const body = runs.filter((r) => r.y !== footer.y);
        expect(Math.min(...body.map((r) => r.y))).toBeGreaterThan(footer.y + 15);
        expect(Math.max(...runs.map((r) => r.y + r.size))).toBeLessThan(841.89);
        // Every page has the table header, so it must have a row under it too.
        if (count > 0) expect(runs.some((r) => r.text.startsWith('Line '))).toBe(true);
      });
      expect(pages.flatMap((p) => p.runs).filter((r) => r.text.startsWith('Line '))).toHaveLength(count);
    }
  });
});

const hasPdftotext = spawnSync('pdftotext', ['-v']).error === undefined;

describe.skipIf(!hasPdftotext)('renderInvoicePdf: read by poppler’s pdftotext', () => {
  const extract = (document: InvoiceDocument, ...args: string[]): string => {
    const dir = mkdtempSync(join(tmpdir(), 'invoice-pdf-'));
    try {
      const file = join(dir, 'invoice.pdf');
      writeFileSync(file, renderInvoicePdf(document));
      const result = spawnSync('pdftotext', [...args, file, '-'], { encoding: 'utf8' });
      expect(result.stderr).toBe('');
      return result.stdout;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('extracts the French text, the amounts and the page count', () => {
    const text = extract(
      invoice({
        lines: [...Array.from({ length: 60 }, (_, i) => line(`Ligne n° ${i + 1} – café`)), line('Œuvre d’été')],
      }),
    );
    expect(text).toContain('Hélène Martin');
    expect(text).toContain('Ligne n° 60 – café');
    expect(text).toContain('Œuvre d’été');
    expect(text).toContain('€1,518.19');
    const pageCount = text.split('\f').filter((page) => page.trim() !== '').length;
    expect(text).toContain(`Page ${pageCount} of ${pageCount}`);
    expect(pageCount).toBeGreaterThan(1);
  });

  /** Each word's box as poppler measures it with its own copy of the font. */
  const words = (document: InvoiceDocument) =>
    [...extract(document, '-bbox').matchAll(/xMin="([\d.]+)"[^>]*xMax="([\d.]+)"[^>]*>([^<]*)</g)].map((m) => ({
      xMin: Number(m[1]),
      xMax: Number(m[2]),
      text: m[3]!,
    }));

  it('finds the amounts of a column ending at the same x', () => {
    const found = words(invoice());
    const rightEdges = (text: string) => found.filter((w) => w.text === text).map((w) => w.xMax);
    const [unitPrice, amount] = rightEdges('€1,234.56');
    expect(rightEdges('€30.60')[0]).toBeCloseTo(amount!, 0);
    expect(rightEdges('€0.02')[0]).toBeCloseTo(unitPrice!, 0);
  });

  it('finds a truncated description ending before the widest quantity begins', () => {
    const found = words(invoice({ lines: [{ ...line('W'.repeat(200)), quantity: 12345.678 }] }));
    const description = found.find((w) => w.text.startsWith('WWW'))!;
    const quantity = found.find((w) => w.text === '12,345.678')!;
    expect(description.text.endsWith('…')).toBe(true);
    expect(description.xMax).toBeLessThan(quantity.xMin);
  });
});
