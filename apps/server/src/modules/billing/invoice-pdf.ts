/**
 * An invoice as a PDF a business can file: PDF 1.4 written by hand, A4
 * portrait, the standard Helvetica fonts (every reader has them, so nothing is
 * embedded) in WinAnsiEncoding so French text prints. Content streams stay
 * uncompressed so the text can be found in the file.
 *
 * The renderer prints what it is given: the billing service computes the
 * amounts and numbers the invoice; nothing here adds up money.
 */

export interface InvoiceDocument {
  /** e.g. "CP-2026-000042", gapless per year. */
  number: string;
  issuedAt: Date;
  dueAt: Date | null;
  paidAt: Date | null;
  periodStart: Date;
  periodEnd: Date;
  seller: { name: string; address: string[]; vatNumber: string | null; email: string };
  buyer: { name: string; company: string | null; email: string; address: string[] | null };
  lines: { description: string; quantity: number; unitPriceCents: number; amountCents: number }[];
  subtotalCents: number;
  vatRatePercent: number;
  vatCents: number;
  totalCents: number;
  currency: 'EUR';
  status: 'paid' | 'open' | 'void';
}

export function renderInvoicePdf(invoice: InvoiceDocument): Buffer {
  return assemblePdf(layOutPages(invoice), `Invoice ${invoice.number}`);
}

// ---------------------------------------------------------------------------
// WinAnsiEncoding: the one encoding the standard fonts read without embedding.

/** The code points WinAnsi places at 0x80–0x9F, where Latin-1 has controls. */
const WIN_ANSI_HIGH = new Map<number, number>([
  [0x20ac, 0x80],
  [0x201a, 0x82],
  [0x0192, 0x83],
  [0x201e, 0x84],
  [0x2026, 0x85],
  [0x2020, 0x86],
  [0x2021, 0x87],
  [0x02c6, 0x88],
  [0x2030, 0x89],
  [0x0160, 0x8a],
  [0x2039, 0x8b],
  [0x0152, 0x8c],
  [0x017d, 0x8e],
  [0x2018, 0x91],
  [0x2019, 0x92],
  [0x201c, 0x93],
  [0x201d, 0x94],
  [0x2022, 0x95],
  [0x2013, 0x96],
  [0x2014, 0x97],
  [0x02dc, 0x98],
  [0x2122, 0x99],
  [0x0161, 0x9a],
  [0x203a, 0x9b],
  [0x0153, 0x9c],
  [0x017e, 0x9e],
  [0x0178, 0x9f],
]);

const QUESTION_MARK = 0x3f;
const ELLIPSIS = 0x85;

/**
 * One byte per character. NFC first, so an "e" followed by a combining accent
 * (as macOS and some keyboards send it) becomes the "é" WinAnsi has. Line
 * breaks and tabs become spaces: every string here is drawn on one line.
 */
function toWinAnsi(text: string): number[] {
  const bytes: number[] = [];
  for (const char of text.normalize('NFC')) {
    const cp = char.codePointAt(0)!;
    if (cp === 0x09 || cp === 0x0a || cp === 0x0d) bytes.push(0x20);
    else if ((cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff)) bytes.push(cp);
    else bytes.push(WIN_ANSI_HIGH.get(cp) ?? QUESTION_MARK);
  }
  return bytes;
}

/**
 * A PDF literal string. Parentheses and backslashes are escaped (an unbalanced
 * one would end or corrupt the string); bytes above 0x7E are written as octal
 * escapes so the file's text stays ASCII and survives copying around.
 */
function pdfString(bytes: number[]): string {
  let out = '(';
  for (const byte of bytes) {
    if (byte === 0x28 || byte === 0x29 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte > 0x7e) out += `\\${byte.toString(8)}`;
    else out += String.fromCharCode(byte);
  }
  return `${out})`;
}

// ---------------------------------------------------------------------------
// Metrics: Adobe's core-14 AFM advance widths (WX, 1/1000 em) for WinAnsi
// bytes 0x20–0xFF, so text is measured as readers will draw it. 0 marks the
// five bytes WinAnsi leaves undefined; toWinAnsi never produces them.

// prettier-ignore
const HELVETICA_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
  556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
  1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
  333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
  556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0,
  556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,
  0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667,
  278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333,
  400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611,
  667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
  722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
  556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278,
  556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
];

// prettier-ignore
const HELVETICA_BOLD_WIDTHS = [
  278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
  556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
  975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
  333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
  611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0,
  556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,
  0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667,
  278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333,
  400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611,
  722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
  722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
  556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278,
  611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556,
];

type FontName = 'regular' | 'bold';

const FONTS: Record<FontName, { resource: string; widths: number[] }> = {
  regular: { resource: 'F1', widths: HELVETICA_WIDTHS },
  bold: { resource: 'F2', widths: HELVETICA_BOLD_WIDTHS },
};

function textWidth(bytes: number[], font: FontName, size: number): number {
  const { widths } = FONTS[font];
  let units = 0;
  for (const byte of bytes) units += widths[byte - 0x20] ?? 0;
  return (units * size) / 1000;
}

/** Cuts the text to fit maxWidth, ending in "…" when anything was cut. */
function fitToWidth(bytes: number[], font: FontName, size: number, maxWidth: number): number[] {
  if (textWidth(bytes, font, size) <= maxWidth) return bytes;
  const room = maxWidth - textWidth([ELLIPSIS], font, size);
  let kept = bytes.length;
  while (kept > 0 && textWidth(bytes.slice(0, kept), font, size) > room) kept--;
  // "Forfait …" reads worse than "Forfait…".
  while (kept > 0 && bytes[kept - 1] === 0x20) kept--;
  return [...bytes.slice(0, kept), ELLIPSIS];
}

// ---------------------------------------------------------------------------
// Formatting.

/**
 * "€1,234.56" from integer cents, by integer division and remainder only:
 * every step is exact for any safe integer, which a division to a float and
 * toFixed(2) is not.
 */
function formatEuros(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`Money must be an integer number of cents, got ${cents}`);
  const abs = Math.abs(cents);
  const remainder = abs % 100;
  const euros = String((abs - remainder) / 100).replace(/\B(?=(\d{3})+$)/g, ',');
  return `${cents < 0 ? '-' : ''}€${euros}.${String(remainder).padStart(2, '0')}`;
}

const quantityFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
const rateFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** ISO dates in UTC: unambiguous in every country the invoice is filed in, and the same on every server. */
const formatDate = (date: Date): string => date.toISOString().slice(0, 10);

// ---------------------------------------------------------------------------
// Layout, in PDF points from the bottom-left corner.

const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
const LEFT = 50;
const RIGHT = PAGE_WIDTH - 50;
const TOP = PAGE_HEIGHT - 50;
/** Rows and totals stay above this line; the footer lives below it. */
const BODY_BOTTOM = 72;

const BUYER_X = 310;
const PARTY_WIDTH = 235;

const CELL_PADDING = 6;
const DESCRIPTION_X = LEFT + CELL_PADDING;
const QUANTITY_RIGHT = 366;
const UNIT_PRICE_RIGHT = 456;
const AMOUNT_RIGHT = RIGHT - CELL_PADDING;
/** The description stops short of the widest quantity the column expects ("12,345.678"). */
const DESCRIPTION_WIDTH = QUANTITY_RIGHT - 60 - DESCRIPTION_X;

const HEADER_ROW_HEIGHT = 20;
const ROW_HEIGHT = 18;
const BODY_SIZE = 10;
const TOTALS_GAP = 14;
const TOTALS_HEIGHT = 64;

const GREY = '0.4 0.4 0.4';
const BLACK = '0 0 0';
const RULE = '0.82 0.82 0.82';
const PAID_GREEN = '0.1 0.5 0.25';
const VOID_RED = '0.75 0.1 0.1';

interface TextStyle {
  font?: FontName;
  size?: number;
  color?: string;
  /** Which end of the text x is; 'center' for its middle. */
  align?: 'left' | 'right' | 'center';
  /** Truncate with "…" beyond this width. */
  maxWidth?: number;
}

/** One page's content stream, drawn with the few operations an invoice needs. */
class PageCanvas {
  readonly ops: string[] = [];

  text(value: string, x: number, y: number, style: TextStyle = {}): void {
    const { font = 'regular', size = BODY_SIZE, color = BLACK, align = 'left', maxWidth } = style;
    let bytes = toWinAnsi(value);
    if (maxWidth !== undefined) bytes = fitToWidth(bytes, font, size, maxWidth);
    const width = textWidth(bytes, font, size);
    const left = align === 'right' ? x - width : align === 'center' ? x - width / 2 : x;
    this.ops.push(
      `BT /${FONTS[font].resource} ${num(size)} Tf ${color} rg ${num(left)} ${num(y)} Td ${pdfString(bytes)} Tj ET`,
    );
  }

  line(x1: number, y1: number, x2: number, y2: number, color = RULE, width = 0.5): void {
    this.ops.push(`${color} RG ${num(width)} w ${num(x1)} ${num(y1)} m ${num(x2)} ${num(y2)} l S`);
  }

  fillRect(x: number, y: number, width: number, height: number, color: string): void {
    this.ops.push(`${color} rg ${num(x)} ${num(y)} ${num(width)} ${num(height)} re f`);
  }

  strokeRect(x: number, y: number, width: number, height: number, color: string, lineWidth: number): void {
    this.ops.push(`${color} RG ${num(lineWidth)} w ${num(x)} ${num(y)} ${num(width)} ${num(height)} re S`);
  }
}

/** Coordinates to at most two decimals: plenty at 1/72 inch, and short. */
const num = (value: number): string => String(Math.round(value * 100) / 100);

/**
 * Fills pages top to bottom. Every page gets the table header before its rows;
 * the last row moves to a new page with the totals rather than leave them
 * alone on a page without a table. Footers come last, once the page count is known.
 */
function layOutPages(invoice: InvoiceDocument): PageCanvas[] {
  const pages: PageCanvas[] = [];
  let page = new PageCanvas();
  pages.push(page);
  let y = drawIntro(page, invoice);
  y = drawTableHeader(page, y);

  const startPage = (): void => {
    page = new PageCanvas();
    pages.push(page);
    page.text(`Invoice ${invoice.number} (continued)`, LEFT, TOP - 12, { font: 'bold', size: 12 });
    y = drawTableHeader(page, TOP - 30);
  };

  invoice.lines.forEach((line, index) => {
    const isLast = index === invoice.lines.length - 1;
    const needed = ROW_HEIGHT + (isLast ? TOTALS_GAP + TOTALS_HEIGHT : 0);
    if (y - needed < BODY_BOTTOM) startPage();
    y = drawRow(page, y, line);
  });
  // Only without lines can the totals still lack room here (a long address block).
  if (y - TOTALS_GAP - TOTALS_HEIGHT < BODY_BOTTOM) startPage();
  drawTotals(page, y - TOTALS_GAP, invoice);

  const legal = legalLine(invoice.seller);
  pages.forEach((p, index) => drawFooter(p, legal, index + 1, pages.length));
  return pages;
}

/** Title, dates, both parties and the period; returns where the table starts. */
function drawIntro(page: PageCanvas, invoice: InvoiceDocument): number {
  page.text('Invoice', LEFT, TOP - 22, { font: 'bold', size: 24 });
  page.text(invoice.number, LEFT, TOP - 42, { font: 'bold', size: 12, maxWidth: 260 });

  const dates: [string, Date | null][] = [
    ['Issued', invoice.issuedAt],
    ['Due', invoice.dueAt],
    ['Paid', invoice.paidAt],
  ];
  let dateY = TOP - 14;
  for (const [label, date] of dates) {
    if (!date) continue;
    page.text(label, RIGHT - 70, dateY, { color: GREY, align: 'right' });
    page.text(formatDate(date), RIGHT, dateY, { align: 'right' });
    dateY -= 14;
  }

  const partiesTop = TOP - 80;
  const { seller, buyer } = invoice;
  const sellerBottom = drawParty(page, LEFT, partiesTop, 'From', seller.name, [
    ...seller.address,
    ...(seller.vatNumber ? [`VAT number: ${seller.vatNumber}`] : []),
    seller.email,
  ]);
  const buyerBottom = drawParty(page, BUYER_X, partiesTop, 'Bill to', buyer.name, [
    ...(buyer.company ? [buyer.company] : []),
    ...(buyer.address ?? []),
    buyer.email,
  ]);

  const periodY = Math.min(sellerBottom, buyerBottom) - 14;
  page.text('Billing period', LEFT, periodY, { color: GREY });
  page.text(`${formatDate(invoice.periodStart)} – ${formatDate(invoice.periodEnd)}`, LEFT + 80, periodY);
  return periodY - 18;
}

/** A label, a bold name and its lines; returns the baseline below the last line. */
function drawParty(page: PageCanvas, x: number, top: number, label: string, name: string, lines: string[]): number {
  page.text(label.toUpperCase(), x, top, { font: 'bold', size: 8, color: GREY });
  page.text(name, x, top - 16, { font: 'bold', size: 11, maxWidth: PARTY_WIDTH });
  let y = top - 30;
  for (const line of lines) {
    page.text(line, x, y, { maxWidth: PARTY_WIDTH });
    y -= 13;
  }
  return y;
}

/** Returns the top of the first row. */
function drawTableHeader(page: PageCanvas, top: number): number {
  const baseline = top - 13.5;
  page.fillRect(LEFT, top - HEADER_ROW_HEIGHT, RIGHT - LEFT, HEADER_ROW_HEIGHT, '0.93 0.93 0.93');
  const style = { font: 'bold', size: 9 } as const;
  page.text('Description', DESCRIPTION_X, baseline, style);
  page.text('Qty', QUANTITY_RIGHT, baseline, { ...style, align: 'right' });
  page.text('Unit price', UNIT_PRICE_RIGHT, baseline, { ...style, align: 'right' });
  page.text('Amount', AMOUNT_RIGHT, baseline, { ...style, align: 'right' });
  return top - HEADER_ROW_HEIGHT;
}

/** Returns the top of the next row. */
function drawRow(page: PageCanvas, top: number, line: InvoiceDocument['lines'][number]): number {
  const baseline = top - 12.5;
  page.text(line.description, DESCRIPTION_X, baseline, { maxWidth: DESCRIPTION_WIDTH });
  page.text(quantityFormat.format(line.quantity), QUANTITY_RIGHT, baseline, { align: 'right' });
  page.text(formatEuros(line.unitPriceCents), UNIT_PRICE_RIGHT, baseline, { align: 'right' });
  page.text(formatEuros(line.amountCents), AMOUNT_RIGHT, baseline, { align: 'right' });
  const bottom = top - ROW_HEIGHT;
  page.line(LEFT, bottom, RIGHT, bottom);
  return bottom;
}

/** Totals on the right; on the left, the PAID or VOID stamp or the payment terms. */
function drawTotals(page: PageCanvas, top: number, invoice: InvoiceDocument): void {
  const labelRight = UNIT_PRICE_RIGHT;
  page.text('Subtotal', labelRight, top - 12, { align: 'right', color: GREY });
  page.text(formatEuros(invoice.subtotalCents), AMOUNT_RIGHT, top - 12, { align: 'right' });
  page.text(`VAT (${rateFormat.format(invoice.vatRatePercent)}%)`, labelRight, top - 28, {
    align: 'right',
    color: GREY,
  });
  page.text(formatEuros(invoice.vatCents), AMOUNT_RIGHT, top - 28, { align: 'right' });
  page.line(UNIT_PRICE_RIGHT - 90, top - 36, RIGHT, top - 36, BLACK, 0.8);
  page.text('Total', labelRight, top - 52, { font: 'bold', size: 12, align: 'right' });
  page.text(formatEuros(invoice.totalCents), AMOUNT_RIGHT, top - 52, { font: 'bold', size: 12, align: 'right' });

  if (invoice.status === 'paid') {
    drawStamp(page, top, 'PAID', PAID_GREEN, invoice.paidAt ? `on ${formatDate(invoice.paidAt)}` : null);
  } else if (invoice.status === 'void') {
    drawStamp(page, top, 'VOID', VOID_RED, 'Cancelled: nothing is due');
  } else {
    page.text('Payment terms', LEFT, top - 12, { font: 'bold', size: 9 });
    const terms = invoice.dueAt ? `Payment due by ${formatDate(invoice.dueAt)}` : 'Payment due on receipt';
    page.text(terms, LEFT, top - 26, { maxWidth: 240 });
    page.text(`Please quote ${invoice.number} with your payment.`, LEFT, top - 40, { size: 9, maxWidth: 240 });
  }
}

function drawStamp(page: PageCanvas, top: number, word: string, color: string, note: string | null): void {
  page.strokeRect(LEFT, top - 50, 150, 46, color, 2);
  page.text(word, LEFT + 75, top - 27, { font: 'bold', size: 22, color, align: 'center' });
  if (note) page.text(note, LEFT + 75, top - 42, { size: 9, color, align: 'center', maxWidth: 140 });
}

function legalLine(seller: InvoiceDocument['seller']): string {
  const vat = seller.vatNumber ? [`VAT ${seller.vatNumber}`] : [];
  return [seller.name, ...seller.address, ...vat, seller.email].join(' · ');
}

function drawFooter(page: PageCanvas, legal: string, pageNumber: number, pageCount: number): void {
  page.line(LEFT, 52, RIGHT, 52);
  page.text(legal, LEFT, 38, { size: 8, color: GREY, maxWidth: RIGHT - LEFT - 80 });
  page.text(`Page ${pageNumber} of ${pageCount}`, RIGHT, 38, { size: 8, color: GREY, align: 'right' });
}

// ---------------------------------------------------------------------------
// The file: objects, a cross-reference table of their byte offsets, trailer.

const CATALOG = 1;
const PAGES = 2;
const FONT_REGULAR = 3;
const FONT_BOLD = 4;
const INFO = 5;
const FIRST_PAGE = 6;

function assemblePdf(pages: PageCanvas[], title: string): Buffer {
  // Page i is object FIRST_PAGE + 2i; its content stream the object after it.
  const pageRef = (index: number) => FIRST_PAGE + 2 * index;
  const objects: string[] = [
    `<< /Type /Catalog /Pages ${PAGES} 0 R >>`,
    `<< /Type /Pages /Kids [${pages.map((_, i) => `${pageRef(i)} 0 R`).join(' ')}] /Count ${pages.length} >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>',
    `<< /Title ${utf16Hex(title)} /Producer (CommPro) >>`,
  ];
  pages.forEach((page, index) => {
    const content = page.ops.join('\n');
    objects.push(
      `<< /Type /Page /Parent ${PAGES} 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}]` +
        ` /Resources << /Font << /F1 ${FONT_REGULAR} 0 R /F2 ${FONT_BOLD} 0 R >> >>` +
        ` /Contents ${pageRef(index) + 1} 0 R >>`,
      `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    );
  });

  // Everything written is ASCII or Latin-1 (the marker line), one byte per
  // character, so string lengths are byte offsets.
  let file = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets = objects.map((body, index) => {
    const offset = file.length;
    file += `${index + 1} 0 obj\n${body}\nendobj\n`;
    return offset;
  });
  const xrefOffset = file.length;
  file += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  file += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  file += `trailer\n<< /Size ${objects.length + 1} /Root ${CATALOG} 0 R /Info ${INFO} 0 R >>\n`;
  file += `startxref\n${xrefOffset}\n%%EOF\n`;
  return Buffer.from(file, 'latin1');
}

/** Document-information strings are not WinAnsi; UTF-16BE with a byte-order mark carries any title. */
function utf16Hex(text: string): string {
  let hex = '<FEFF';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase();
  return `${hex}>`;
}
