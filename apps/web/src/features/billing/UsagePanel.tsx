import type { CurrentUsage } from '@commpro/contracts';
import { useId } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../shared/api/error-message';
import type { MessageKey } from '../../shared/i18n/en';
import { useI18n } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Card } from '../../shared/ui/Card';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { formatDate, formatPrice } from '../numbers/format';
import { meterLevel, periodProgress, projectToPeriodEnd } from './format';
import { useUsage } from './use-billing';

type Metric = keyof CurrentUsage['usage'];

/** `held`: numbers are held, not spent, so having all the plan includes is no warning. */
const METRICS: { metric: Metric; label: MessageKey; held?: boolean }[] = [
  { metric: 'smsSent', label: 'billing.usage.sms' },
  { metric: 'mmsSent', label: 'billing.usage.mms' },
  { metric: 'callMinutes', label: 'billing.usage.minutes' },
  { metric: 'phoneNumbers', label: 'billing.usage.numbers', held: true },
];

const COSTS: { part: keyof CurrentUsage['costs']['breakdown']; label: MessageKey }[] = [
  { part: 'sms', label: 'billing.usage.sms' },
  { part: 'mms', label: 'billing.usage.mms' },
  { part: 'calls', label: 'billing.usage.minutes' },
  { part: 'phoneNumbers', label: 'billing.usage.numbers' },
];

/** This period: each allowance as a bar, what went beyond the plan so far, and where that is heading. */
export function UsagePanel() {
  const { t, locale } = useI18n();
  const usage = useUsage();
  if (usage.isPending) return <LoadingBlock label={t('common.loading')} />;
  if (usage.isError) return <Alert tone="danger">{errorMessage(usage.error, t)}</Alert>;
  const { period, costs } = usage.data;
  // The usage is as of its fetch, so that is the moment to project from.
  const now = usage.dataUpdatedAt;
  const projected = projectToPeriodEnd(costs.total, period, now);
  const end = formatDate(period.end, locale);

  return (
    <>
      <Card
        id="billing-usage"
        title={t('billing.usage.title')}
        description={t('billing.usage.period', {
          start: formatDate(period.start, locale),
          end,
          percent: Math.round(periodProgress(period, now) * 100),
        })}
      >
        <ul className="meters">
          {METRICS.map(({ metric, label, held = false }) => (
            <UsageMeter
              key={metric}
              label={t(label)}
              used={usage.data.usage[metric]}
              limit={usage.data.limits[metric]}
              held={held}
            />
          ))}
        </ul>
      </Card>
      <Card id="billing-overage" title={t('billing.usage.costsTitle')} description={t('billing.usage.costsHint')}>
        <dl className="facts">
          <div className="facts__row">
            <dt>{t('billing.usage.soFar')}</dt>
            <dd data-testid="cost-so-far">
              <strong>{formatPrice(costs.total, locale)}</strong>
            </dd>
          </div>
          {COSTS.filter(({ part }) => costs.breakdown[part] > 0).map(({ part, label }) => (
            <div key={part} className="facts__row facts__row--sub">
              <dt>{t(label)}</dt>
              <dd>{formatPrice(costs.breakdown[part], locale)}</dd>
            </div>
          ))}
          <div className="facts__row">
            <dt>{t('billing.usage.projected', { date: end })}</dt>
            <dd data-testid="cost-projected">
              <strong>{formatPrice(projected, locale)}</strong>
              <span className="facts__note">{t('billing.usage.estimate')}</span>
            </dd>
          </div>
        </dl>
        <p className="muted usage__plans">
          {t('billing.usage.plansHint')} <Link to="/plans">{t('billing.subscription.seePlans')}</Link>
        </p>
      </Card>
    </>
  );
}

function UsageMeter({ label, used, limit, held }: { label: string; used: number; limit: number; held: boolean }) {
  const { t, locale } = useI18n();
  const labelId = useId();
  const level = held && used <= limit ? 'ok' : meterLevel(used, limit);
  const count = (value: number) => value.toLocaleString(locale, { maximumFractionDigits: 1 });
  const text = t('billing.usage.ofLimit', { used: count(used), limit: count(limit) });
  return (
    <li className={`meter meter--${level}`}>
      <div className="meter__head">
        <span className="meter__label" id={labelId}>
          {label}
        </span>
        <span className="meter__value">{limit === 0 && used === 0 ? t('billing.usage.notIncluded') : text}</span>
      </div>
      {limit > 0 && (
        <div
          className="meter__track"
          role="meter"
          aria-labelledby={labelId}
          aria-valuemin={0}
          aria-valuemax={limit}
          aria-valuenow={Math.min(used, limit)}
          aria-valuetext={text}
        >
          <div className="meter__fill" style={{ width: `${Math.min(100, (used / limit) * 100)}%` }} />
        </div>
      )}
      {level === 'over' && <p className="meter__note">{t('billing.usage.beyond', { count: count(used - limit) })}</p>}
      {level === 'full' && <p className="meter__note">{t('billing.usage.full')}</p>}
    </li>
  );
}
