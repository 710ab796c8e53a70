import type { Invoice } from '@commpro/contracts';
import { useMutation } from '@tanstack/react-query';
import { Download, FileText } from 'lucide-react';
import { errorMessage } from '../../shared/api/error-message';
import { useI18n } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Badge } from '../../shared/ui/Badge';
import { Button } from '../../shared/ui/Button';
import { Card } from '../../shared/ui/Card';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { saveFile } from '../contacts/save-file';
import { formatCents, formatDate } from '../numbers/format';
import { billingApi } from './api';
import { useInvoices } from './use-billing';

const STATUS_TONES: Record<Invoice['status'], 'success' | 'warning' | 'danger' | 'neutral'> = {
  paid: 'success',
  open: 'warning',
  uncollectible: 'danger',
  void: 'neutral',
};

/** Every invoice, newest first: number, date, total and status, its lines on demand, and its PDF. */
export function InvoicesPanel() {
  const { t } = useI18n();
  const invoices = useInvoices();
  if (invoices.isPending) return <LoadingBlock label={t('common.loading')} />;
  if (invoices.isError) return <Alert tone="danger">{errorMessage(invoices.error, t)}</Alert>;
  const list = invoices.data.pages.flatMap((page) => page.invoices);

  return (
    <Card id="billing-invoices" title={t('billing.invoices.title')} description={t('billing.invoices.description')}>
      {list.length === 0 ? (
        <p className="muted">{t('billing.invoices.empty')}</p>
      ) : (
        <ul className="invoices" aria-label={t('billing.invoices.title')}>
          {list.map((invoice) => (
            <InvoiceRow key={invoice.id} invoice={invoice} />
          ))}
        </ul>
      )}
      {invoices.hasNextPage && (
        <Button
          variant="secondary"
          block
          className="invoices__more"
          loading={invoices.isFetchingNextPage}
          onClick={() => void invoices.fetchNextPage()}
        >
          {t('billing.invoices.more')}
        </Button>
      )}
    </Card>
  );
}

function InvoiceRow({ invoice }: { invoice: Invoice }) {
  const { t, locale } = useI18n();
  const pdf = useMutation({
    mutationFn: () => billingApi.invoicePdf(invoice.id),
    onSuccess: (file) => saveFile(file.blob, file.filename ?? `${invoice.number}.pdf`),
  });
  return (
    <li className="invoice" data-testid="invoice">
      <div className="invoice__main">
        <span className="invoice__icon" aria-hidden>
          <FileText size={18} />
        </span>
        <div className="invoice__text">
          <span className="invoice__number">{invoice.number}</span>
          <span className="invoice__date">{formatDate(invoice.issuedAt, locale)}</span>
        </div>
        <div className="invoice__amount">
          <span className="invoice__total">{formatCents(invoice.totalCents, locale)}</span>
          <Badge tone={STATUS_TONES[invoice.status]}>{t(`billing.invoices.status.${invoice.status}`)}</Badge>
        </div>
        <Button
          variant="ghost"
          size="sm"
          icon={<Download size={16} aria-hidden />}
          loading={pdf.isPending}
          aria-label={t('billing.invoices.downloadNamed', { number: invoice.number })}
          onClick={() => pdf.mutate()}
        >
          {t('billing.invoices.pdf')}
        </Button>
      </div>
      <details className="invoice__details">
        <summary>{t('billing.invoices.details')}</summary>
        <table className="invoice__lines">
          <caption className="visually-hidden">{t('billing.invoices.linesOf', { number: invoice.number })}</caption>
          <tbody>
            {invoice.lines.map((line, index) => (
              <tr key={index}>
                <th scope="row">{line.description}</th>
                <td>{formatCents(line.amountCents, locale)}</td>
              </tr>
            ))}
            <tr className="invoice__subtotal">
              <th scope="row">{t('billing.invoices.subtotal')}</th>
              <td>{formatCents(invoice.subtotalCents, locale)}</td>
            </tr>
            <tr>
              <th scope="row">{t('billing.invoices.vat', { rate: invoice.vatRatePercent })}</th>
              <td>{formatCents(invoice.vatCents, locale)}</td>
            </tr>
            <tr className="invoice__grand">
              <th scope="row">{t('billing.invoices.total')}</th>
              <td>{formatCents(invoice.totalCents, locale)}</td>
            </tr>
          </tbody>
        </table>
      </details>
      {pdf.isError && <Alert tone="danger">{errorMessage(pdf.error, t)}</Alert>}
    </li>
  );
}
