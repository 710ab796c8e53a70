import type { AdminWebhookRow } from '@commpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { RotateCw } from 'lucide-react';
import { useState } from 'react';
import { errorMessage } from '../../shared/api/error-message';
import { formatDateTime } from '../../shared/i18n/format';
import { useI18n, useT } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Badge } from '../../shared/ui/Badge';
import { Button } from '../../shared/ui/Button';
import { SelectField } from '../../shared/ui/Field';
import { AdminList } from './AdminList';
import { AdminSection } from './AdminStates';
import { adminApi } from './api';
import { withChosen } from './format';
import { PAGE_SIZE } from './Pager';
import { refreshAdmin, useAdminWebhooks } from './use-admin';

const OUTCOMES = ['processed', 'failed', 'pending'] as const;
type Outcome = (typeof OUTCOMES)[number];
const OUTCOME_TONE = { processed: 'success', failed: 'danger', pending: 'warning' } as const;

export function WebhooksPage() {
  const { t } = useI18n();
  const [source, setSource] = useState('');
  const [type, setType] = useState('');
  const [outcome, setOutcome] = useState<Outcome | ''>('');
  const [offset, setOffset] = useState(0);
  const [lastReplay, setLastReplay] = useState<Replay | null>(null);
  const webhooks = useAdminWebhooks({
    source: source || undefined,
    type: type || undefined,
    outcome: outcome || undefined,
    limit: PAGE_SIZE,
    offset,
  });
  // The filters offer what the log has seen; keep the chosen one listed while a filter narrows the page.
  const sources = withChosen(webhooks.data?.sources ?? [], source);
  const types = withChosen(webhooks.data?.types ?? [], type);

  return (
    <AdminSection title={t('admin.nav.webhooks')}>
      <form className="admin-filters" onSubmit={(event) => event.preventDefault()}>
        <SelectField
          label={t('admin.webhooks.source')}
          value={source}
          onChange={(event) => {
            setSource(event.target.value);
            setOffset(0);
          }}
        >
          <option value="">{t('admin.filters.all')}</option>
          {sources.map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('admin.webhooks.type')}
          value={type}
          onChange={(event) => {
            setType(event.target.value);
            setOffset(0);
          }}
        >
          <option value="">{t('admin.filters.all')}</option>
          {types.map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('admin.webhooks.outcome')}
          value={outcome}
          onChange={(event) => {
            setOutcome(event.target.value as Outcome | '');
            setOffset(0);
          }}
        >
          <option value="">{t('admin.filters.all')}</option>
          {OUTCOMES.map((value) => (
            <option key={value} value={value}>
              {t(`admin.webhooks.outcome.${value}`)}
            </option>
          ))}
        </SelectField>
      </form>
      {lastReplay && <ReplayResult replay={lastReplay} />}
      <AdminList
        query={webhooks}
        messages="admin.webhooks"
        isEmpty={(page) => page.webhooks.length === 0}
        offset={offset}
        onOffsetChange={setOffset}
      >
        {(page) => (
          <table className="admin-table admin-table--cards">
            <thead>
              <tr>
                <th scope="col">{t('admin.webhooks.received')}</th>
                <th scope="col">{t('admin.webhooks.source')}</th>
                <th scope="col">{t('admin.webhooks.type')}</th>
                <th scope="col">{t('admin.webhooks.outcome')}</th>
                <th scope="col">{t('admin.webhooks.error')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('admin.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.webhooks.map((row) => (
                <WebhookRow key={row.id} row={row} onReplayed={setLastReplay} />
              ))}
            </tbody>
          </table>
        )}
      </AdminList>
    </AdminSection>
  );
}

function WebhookRow({ row, onReplayed }: { row: AdminWebhookRow; onReplayed: (result: Replay) => void }) {
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const replay = useMutation({
    mutationFn: () => adminApi.replayWebhook(row.id),
    onSuccess: (replayed) => onReplayed({ row: replayed }),
    onError: (error) => onReplayed({ row, error }),
    onSettled: () => refreshAdmin(queryClient),
  });
  return (
    <tr>
      <th scope="row" data-label={t('admin.webhooks.received')}>
        {formatDateTime(row.createdAt, locale)}
      </th>
      <td data-label={t('admin.webhooks.source')}>{row.source}</td>
      <td data-label={t('admin.webhooks.type')} className="admin-mono">
        {row.eventType ?? '—'}
        {row.externalId && <span className="admin-table__secondary">{row.externalId}</span>}
      </td>
      <td data-label={t('admin.webhooks.outcome')}>
        <Badge tone={OUTCOME_TONE[row.outcome]}>{t(`admin.webhooks.outcome.${row.outcome}`)}</Badge>
        {row.statusCode !== null && <span className="admin-table__secondary">HTTP {row.statusCode}</span>}
      </td>
      <td data-label={t('admin.webhooks.error')} className="admin-table__error">
        {row.error ?? '—'}
      </td>
      <td className="admin-table__actions">
        {row.replayable && (
          <Button
            size="sm"
            variant="secondary"
            icon={<RotateCw size={14} aria-hidden />}
            loading={replay.isPending}
            onClick={() => replay.mutate()}
          >
            {t('admin.webhooks.replay')}
          </Button>
        )}
      </td>
    </tr>
  );
}

interface Replay {
  row: AdminWebhookRow;
  /** The call itself failed (e.g. 409: no longer replayable). */
  error?: unknown;
}

/**
 * What the last replay came to: done, failed again (with the handler's error), or waiting for what it
 * refers to. Shown above the list, as the replayed row may leave it (e.g. filtered on failed ones).
 */
function ReplayResult({ replay }: { replay: Replay }) {
  const t = useT();
  const what = `${replay.row.source} · ${replay.row.eventType ?? '—'}`;
  if (replay.error !== undefined)
    return (
      <Alert tone="danger" title={what}>
        {errorMessage(replay.error, t)}
      </Alert>
    );
  if (replay.row.outcome === 'processed')
    return (
      <Alert tone="success" title={what}>
        {t('admin.webhooks.replayed')}
      </Alert>
    );
  if (replay.row.outcome === 'pending')
    return (
      <Alert tone="warning" title={what}>
        {t('admin.webhooks.replayPending')}
      </Alert>
    );
  return (
    <Alert tone="danger" title={what}>
      {t('admin.webhooks.replayFailed', { error: replay.row.error ?? '—' })}
    </Alert>
  );
}
