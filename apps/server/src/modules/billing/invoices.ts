import type { Invoice, InvoiceLine } from '@commpro/contracts';
import type { Database } from '../../platform/db/client.js';
import type { ProviderInvoice } from '../../providers/billing/payment-provider.port.js';
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

/** An invoice status never goes back: a late `payment_failed` does not reopen a paid invoice. */
const SETTLED: ReadonlySet<InvoiceRow['status']> = new Set(['paid', 'void', 'uncollectible']);

/** Our descriptions of what we add to a provider's invoice, read back into their kinds. */
const KIND_OF_DESCRIPTION: ReadonlyMap<string, InvoiceLine['kind']> = new Map([
  ['Phone numbers', 'PHONE_NUMBERS'],
  ['SMS beyond the plan', 'SMS_OVERAGE'],
  ['MMS beyond the plan', 'MMS_OVERAGE'],
  ['Call minutes beyond the plan', 'MINUTES_OVERAGE'],
]);

/** A provider's line in our terms: ours by description, a credit or a "remaining time" line is proration, else the plan. */
function lineOf(line: ProviderInvoice['lines'][number]): InvoiceLine {
  const kind =
    KIND_OF_DESCRIPTION.get(line.description) ??
    (line.amountCents < 0 || /unused time|remaining time/i.test(line.description) ? 'PRORATION' : 'PLAN');
  const quantity = line.quantity > 0 ? line.quantity : 1;
  return {
    kind,
    description: line.description,
    quantity,
    unitPriceCents: Math.round(line.amountCents / quantity),
    amountCents: line.amountCents,
  };
}

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

    /**
     * A provider's invoice in our ledger, numbered like ours when first seen
     * (finalized, paid or failed, whichever comes first), its status moving
     * forward only. Taxes are what the provider charged: total less lines.
     */
    async record(
      tx: Database,
      sub: SubscriptionRow,
      buyer: Buyer,
      invoice: ProviderInvoice,
      at: Date,
    ): Promise<InvoiceRow | undefined> {
      if (invoice.status === 'draft') return undefined;
      const status = invoice.status;
      const paid = status === 'paid';
      const existing = await deps.repo.invoiceOfProvider(invoice.id, tx);
      if (existing) {
        if (SETTLED.has(existing.status) || existing.status === status) return existing;
        return deps.repo.updateInvoice(
          existing.id,
          { status, paidAt: paid ? at : null, amountPaidCents: invoice.amountPaidCents },
          tx,
        );
      }
      const lines = invoice.lines.map(lineOf);
      const subtotalCents = lines.reduce((total, line) => total + line.amountCents, 0);
      const vatCents = Math.max(0, invoice.totalCents - subtotalCents);
      const year = at.getUTCFullYear();
      const sequence = await deps.repo.nextInvoiceNumber(year, tx);
      return deps.repo.insertInvoice(
        {
          userId: sub.userId,
          subscriptionId: sub.id,
          number: invoiceNumber(year, sequence),
          status,
          periodStart: invoice.periodStart,
          periodEnd: invoice.periodEnd,
          issuedAt: at,
          dueAt: at,
          paidAt: paid ? at : null,
          lines,
          subtotalCents,
          vatRateBasisPoints: subtotalCents > 0 ? Math.round((vatCents * 10_000) / subtotalCents) : 0,
          vatCents,
          totalCents: subtotalCents + vatCents,
          amountPaidCents: invoice.amountPaidCents,
          buyer,
          stripeInvoiceId: invoice.id,
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
