import { PLAN_TIERS, type AdminOverview, type CountryCode } from '@commpro/contracts';
import type { ReactNode } from 'react';
import { useI18n } from '../../shared/i18n/i18n';
import { Badge } from '../../shared/ui/Badge';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { Flag } from '../numbers/Flag';
import { countryName, isCountryCode } from '../numbers/format';
import { AdminSection, LoadError } from './AdminStates';
import { formatCount, formatEurCents, formatPeriod, formatRate } from './format';
import { useAdminOverview } from './use-admin';

export function OverviewPage() {
  const { t } = useI18n();
  const overview = useAdminOverview();
  return (
    <AdminSection title={t('admin.nav.overview')}>
      {overview.isPending ? (
        <LoadingBlock label={t('common.loading')} />
      ) : overview.isError ? (
        <LoadError error={overview.error} onRetry={() => void overview.refetch()} />
      ) : (
        <OverviewBody data={overview.data} />
      )}
    </AdminSection>
  );
}

function OverviewBody({ data }: { data: AdminOverview }) {
  const { t, locale } = useI18n();
  const count = (value: number) => formatCount(value, locale);
  const countries = Object.entries(data.numbers.byCountry).sort(([, a], [, b]) => b - a);
  return (
    <div className="admin-overview">
      <Panel title={t('admin.overview.users')}>
        <dl className="kpis">
          <Kpi label={t('admin.overview.usersTotal')} value={count(data.users.total)} />
          <Kpi label={t('admin.overview.usersNew')} value={count(data.users.newThisWeek)} />
          <Kpi label={t('admin.overview.usersSuspended')} value={count(data.users.suspended)} />
        </dl>
        <ul className="admin-chips" aria-label={t('admin.overview.byPlan')}>
          {PLAN_TIERS.map((tier) => (
            <li key={tier}>
              <Badge tone="neutral">
                {t(`numbers.plan.${tier}`)} · {count(data.users.byPlan[tier] ?? 0)}
              </Badge>
            </li>
          ))}
        </ul>
      </Panel>

      <Panel title={t('admin.overview.revenue')}>
        <dl className="kpis">
          <Kpi label={t('admin.overview.mrr')} value={formatEurCents(data.revenue.mrrCents, locale)} />
          <Kpi label={t('admin.overview.arr')} value={formatEurCents(data.revenue.arrCents, locale)} />
        </dl>
      </Panel>

      <Panel title={t('admin.overview.traffic')} note={t('admin.overview.period', formatPeriod(data.period, locale))}>
        <dl className="kpis">
          <Kpi label={t('admin.overview.messagesOut')} value={count(data.traffic.messagesOutbound)} />
          <Kpi label={t('admin.overview.messagesIn')} value={count(data.traffic.messagesInbound)} />
          <Kpi label={t('admin.overview.messagesFailed')} value={count(data.traffic.messagesFailed)} />
          <Kpi label={t('admin.overview.calls')} value={count(data.traffic.calls)} />
          <Kpi label={t('admin.overview.minutes')} value={count(data.traffic.minutes)} />
        </dl>
      </Panel>

      <Panel title={t('admin.overview.numbers')}>
        <dl className="kpis">
          <Kpi label={t('admin.overview.numbersTotal')} value={count(data.numbers.total)} />
        </dl>
        {countries.length > 0 && (
          <ul className="admin-list" aria-label={t('admin.overview.byCountry')}>
            {countries.map(([code, value]) => (
              <li key={code} className="admin-list__row">
                {isCountryCode(code) && <Flag code={code as CountryCode} size={20} />}
                <span>{isCountryCode(code) ? countryName(code, locale) : code}</span>
                <span className="admin-list__value">{count(value)}</span>
              </li>
            ))}
          </ul>
        )}
      </Panel>

      <Panel title={t('admin.overview.webhooks')} note={t('admin.overview.webhooksWindow')}>
        {data.webhooks.length === 0 ? (
          <p className="muted">{t('admin.overview.webhooksNone')}</p>
        ) : (
          <div className="admin-table-wrap">
            <table className="admin-table admin-table--compact">
              <thead>
                <tr>
                  <th scope="col">{t('admin.webhooks.source')}</th>
                  <th scope="col" className="num">
                    {t('admin.overview.webhooksTotal')}
                  </th>
                  <th scope="col" className="num">
                    {t('admin.overview.webhooksFailed')}
                  </th>
                  <th scope="col" className="num">
                    {t('admin.overview.errorRate')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.webhooks.map((row) => (
                  <tr key={row.source}>
                    <th scope="row">{row.source}</th>
                    <td className="num">{count(row.total)}</td>
                    <td className="num">{count(row.failed)}</td>
                    <td className="num">
                      <Badge tone={row.failed > 0 ? 'danger' : 'success'}>{formatRate(row.errorRate, locale)}</Badge>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>

      <Panel title={t('admin.overview.health')}>
        <ul className="admin-chips">
          {(['database', 'redis', 'carrier'] as const).map((name) => {
            const state = data.health[name];
            return (
              <li key={name}>
                <Badge tone={state === 'OK' ? 'success' : state === 'ERROR' ? 'danger' : 'neutral'}>
                  {t(`admin.health.${name}`)}: {t(`admin.health.state.${state}`)}
                </Badge>
              </li>
            );
          })}
          <li>
            <Badge tone="brand">{t('admin.health.carrierName', { name: data.carrier })}</Badge>
          </li>
        </ul>
      </Panel>
    </div>
  );
}

function Panel({ title, note, children }: { title: string; note?: string; children: ReactNode }) {
  return (
    <section className="admin-panel" aria-label={title}>
      <header className="admin-panel__header">
        <h3 className="admin-panel__title">{title}</h3>
        {note && <p className="admin-panel__note">{note}</p>}
      </header>
      {children}
    </section>
  );
}

function Kpi({ label, value }: { label: string; value: string }) {
  return (
    <div className="kpi">
      <dt className="kpi__label">{label}</dt>
      <dd className="kpi__value">{value}</dd>
    </div>
  );
}
