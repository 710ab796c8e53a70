import type { Invoice, InvoiceLine } from '@commpro/contracts';
import type { Database } from '../../platform/db/client.js';
import type { BillingRepository, InvoiceRow, SubscriptionRow } from './billing.repository.js';
import { type InvoiceDocument, renderInvoicePdf } from './invoice-pdf.js';

export interface Seller {
  name: string;
  address: string[];
  vatNumber: string | null;
  email: string;
}

export interface Buyer {
  name: string;
  company: string | null;
  email: string;
}

/** VAT on a subtotal, rounded half up to the cent, all in integers. */
export const vatOf = (subtotalCents: number, basisPoints: number): number =>
  Math.floor((subtotalCents * basisPoints + 5_000) / 10_000);

export const invoiceNumber = (year: number, sequence: number): string =>
  `CP-${year}-${String(sequence).padStart(6, '0')}`;

/**
 * Issues invoices: numbered in the caller's transaction (the number is taken
 * only if the invoice is stored), VAT added, paid at once with local billing.
 */
export function createInvoices(deps: {
  repo: BillingRepository;
  vatRateBasisPoints: number;
  seller: Seller;
  publicUrl: string;
  clock: () => Date;
}) {
  return {
    async issue(
      tx: Database,
      sub: SubscriptionRow,
      buyer: Buyer,
      period: { start: Date; end: Date },
      lines: InvoiceLine[],
      payment: { paid: boolean },
    ): Promise<InvoiceRow | undefined> {
      const subtotalCents = lines.reduce((total, line) => total + line.amountCents, 0);
      if (subtotalCents <= 0) return undefined;
      const now = deps.clock();
      const year = now.getUTCFullYear();
      const sequence = await deps.repo.nextInvoiceNumber(year, tx);
      const vatCents = vatOf(subtotalCents, deps.vatRateBasisPoints);
      const totalCents = subtotalCents + vatCents;
      return deps.repo.insertInvoice(
        {
          userId: sub.userId,
          subscriptionId: sub.id,
          number: invoiceNumber(year, sequence),
          status: payment.paid ? 'paid' : 'open',
          periodStart: period.start,
          periodEnd: period.end,
          issuedAt: now,
          dueAt: now,
          paidAt: payment.paid ? now : null,
          lines,
          subtotalCents,
          vatRateBasisPoints: deps.vatRateBasisPoints,
          vatCents,
          totalCents,
          amountPaidCents: payment.paid ? totalCents : 0,
          buyer,
        },
        tx,
      );
    },

    toDto(row: InvoiceRow): Invoice {
      return {
        id: row.id,
        number: row.number,
        status: row.status,
        periodStart: row.periodStart.toISOString(),
        periodEnd: row.periodEnd.toISOString(),
        issuedAt: row.issuedAt.toISOString(),
        dueAt: row.dueAt?.toISOString() ?? null,
        paidAt: row.paidAt?.toISOString() ?? null,
        lines: row.lines as InvoiceLine[],
        subtotalCents: row.subtotalCents,
        vatRatePercent: row.vatRateBasisPoints / 100,
        vatCents: row.vatCents,
        totalCents: row.totalCents,
        amountPaidCents: row.amountPaidCents,
        currency: 'EUR',
        pdfUrl: `${deps.publicUrl}/api/billing/invoices/${row.id}/pdf`,
      };
    },

    pdf(row: InvoiceRow): Buffer {
      const document: InvoiceDocument = {
        number: row.number,
        issuedAt: row.issuedAt,
        dueAt: row.dueAt,
        paidAt: row.paidAt,
        periodStart: row.periodStart,
        // The period is stored as [start, end); the document names its last day.
        periodEnd: new Date(row.periodEnd.getTime() - 86_400_000),
        seller: deps.seller,
        buyer: { ...row.buyer, address: null },
        lines: (row.lines as InvoiceLine[]).map((l) => ({
          description: l.description,
          quantity: l.quantity,
          unitPriceCents: l.unitPriceCents,
          amountCents: l.amountCents,
        })),
        subtotalCents: row.subtotalCents,
        vatRatePercent: row.vatRateBasisPoints / 100,
        vatCents: row.vatCents,
        totalCents: row.totalCents,
        currency: 'EUR',
        status: row.status === 'paid' ? 'paid' : row.status === 'void' ? 'void' : 'open',
      };
      return renderInvoicePdf(document);
    },
  };
}

export type Invoices = ReturnType<typeof createInvoices>;
