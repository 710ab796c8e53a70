import { useI18n } from '../../shared/i18n/i18n';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { AdminSection, LoadError } from './AdminStates';
import { Chart } from './Chart';
import { useAdminCharts } from './use-admin';

const DAYS = 30;

export function ChartsPage() {
  const { t } = useI18n();
  const charts = useAdminCharts(DAYS);
  return (
    <AdminSection title={t('admin.nav.charts')}>
      <p className="muted">{t('admin.charts.lead', { days: DAYS })}</p>
      {charts.isPending ? (
        <LoadingBlock label={t('common.loading')} />
      ) : charts.isError ? (
        <LoadError error={charts.error} onRetry={() => void charts.refetch()} />
      ) : (
        <div className="admin-charts">
          <Chart
            kind="bar"
            title={t('admin.charts.signups')}
            description={t('admin.charts.signupsDesc', { days: DAYS })}
            valueLabel={t('admin.charts.signupsAxis')}
            points={charts.data.days.map((day) => ({ date: day.date, value: day.signups }))}
          />
          <Chart
            kind="bar"
            title={t('admin.charts.messages')}
            description={t('admin.charts.messagesDesc', { days: DAYS })}
            valueLabel={t('admin.charts.messagesAxis')}
            points={charts.data.days.map((day) => ({ date: day.date, value: day.messages }))}
          />
          <Chart
            kind="line"
            title={t('admin.charts.minutes')}
            description={t('admin.charts.minutesDesc', { days: DAYS })}
            valueLabel={t('admin.charts.minutesAxis')}
            points={charts.data.days.map((day) => ({ date: day.date, value: day.minutes }))}
          />
        </div>
      )}
    </AdminSection>
  );
}
