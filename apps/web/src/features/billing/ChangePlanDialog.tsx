import {
  PLANS,
  type BillingInterval,
  type PlanChange,
  type PlansResponse,
  type PlanTier,
  type Subscription,
} from '@commpro/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ArrowRight } from 'lucide-react';
import { Link } from 'react-router';
import { errorMessage } from '../../shared/api/error-message';
import { isApiError } from '../../shared/api/errors';
import { useI18n, type Locale, type Translate } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Button } from '../../shared/ui/Button';
import { Dialog } from '../../shared/ui/Dialog';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { useToast } from '../../shared/ui/Toast';
import { formatCents, formatDate } from '../numbers/format';
import { useMyNumbers } from '../numbers/use-numbers';
import { billingApi, billingKeys } from './api';
import { currentTier, planAction, vatOf } from './format';
import { onSubscriptionChanged, owedCentsOf, useUsage } from './use-billing';

/**
 * Moving to another plan: the server's preview first (what changes, when, what
 * is charged now), then the change itself once confirmed.
 */
export function ChangePlanDialog({
  tier,
  interval,
  plans,
  subscription,
  onClose,
}: {
  tier: PlanTier;
  interval: BillingInterval;
  plans: PlansResponse;
  subscription: Subscription;
  onClose: () => void;
}) {
  const { t, locale } = useI18n();
  const toast = useToast();
  const queryClient = useQueryClient();
  const from = currentTier(subscription);
  const action = planAction(tier, interval, subscription);
  // FREE has no billing interval; leaving it out lets the server keep the right one.
  const body = { tier, interval: tier === 'FREE' ? undefined : interval };
  // A new period starting now closes the current one, whose usage beyond the plan is invoiced with the
  // change; the preview's amount leaves it out, so it is read from this period's usage.
  const startsNewPeriod = from === 'FREE' || (action === 'upgrade' && interval !== subscription.interval);
  const usage = useUsage({ enabled: startsNewPeriod });
  const preview = useQuery({
    queryKey: billingKeys.preview(tier, interval),
    queryFn: () => billingApi.changePlan({ ...body, preview: true }),
    retry: false,
    gcTime: 0,
  });
  const change = useMutation({
    mutationFn: async (): Promise<Pick<PlanChange, 'subscription' | 'effective'>> => {
      // Leaving FREE is a subscription (where a payment method would go); anything else is a change.
      if (from === 'FREE' && tier !== 'FREE') {
        return { subscription: await billingApi.subscribe({ tier, interval }), effective: 'NOW' };
      }
      return billingApi.changePlan({ ...body, preview: false });
    },
    onSuccess: ({ subscription: changed, effective }) => {
      onSubscriptionChanged(queryClient, changed);
      const plan = t(`numbers.plan.${tier}`);
      toast(
        effective === 'NOW'
          ? t('billing.change.doneNow', { plan })
          : t('billing.change.doneLater', { plan, date: formatDate(changed.currentPeriodEnd, locale) }),
      );
      onClose();
    },
  });
  const name = t(`numbers.plan.${tier}`);
  const title =
    action === 'upgrade'
      ? t('billing.change.title.upgrade', { plan: name })
      : action === 'downgrade'
        ? t('billing.change.title.downgrade', { plan: name })
        : t(`billing.plans.switchTo.${interval}`);

  return (
    <Dialog
      title={title}
      closeLabel={t('common.close')}
      onClose={() => {
        if (!change.isPending) onClose();
      }}
      footer={
        <>
          <Button variant="secondary" disabled={change.isPending} onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button
            loading={change.isPending}
            disabled={!preview.isSuccess || (startsNewPeriod && !usage.isSuccess)}
            onClick={() => change.mutate()}
          >
            {t('billing.change.confirm')}
          </Button>
        </>
      }
    >
      {(preview.isPending || (startsNewPeriod && usage.isPending)) && <LoadingBlock label={t('common.loading')} />}
      {preview.isError && <ChangeError error={preview.error} tier={tier} />}
      {usage.isError && <Alert tone="danger">{errorMessage(usage.error, t)}</Alert>}
      {preview.data && (!startsNewPeriod || usage.data) && (
        <PreviewSummary
          preview={preview.data}
          owedCents={startsNewPeriod && usage.data ? owedCentsOf(usage.data) : 0}
          from={from}
          tier={tier}
          interval={interval}
          plans={plans}
          subscription={subscription}
        />
      )}
      {change.isError && <ChangeError error={change.error} tier={tier} />}
    </Dialog>
  );
}

/** "→", read as "to". */
function To() {
  const { t } = useI18n();
  return (
    <>
      <ArrowRight size={14} aria-hidden className="to-arrow" />
      <span className="visually-hidden">{t('billing.change.to')}</span>
    </>
  );
}

/** Per period, VAT excluded: "€15.00/month", "€144.00/year". */
function planPrice(tier: PlanTier, interval: BillingInterval, t: Translate, locale: Locale): string {
  const plan = PLANS[tier];
  if (plan.monthlyPriceCents === 0) return t('billing.change.free');
  return interval === 'ANNUAL'
    ? t('billing.price.perYear', { price: formatCents(plan.annualMonthlyPriceCents * 12, locale) })
    : t('billing.price.perMonth', { price: formatCents(plan.monthlyPriceCents, locale) });
}

function PreviewSummary({
  preview,
  owedCents,
  from,
  tier,
  interval,
  plans,
  subscription,
}: {
  preview: PlanChange;
  /** Owed by the period this change closes, invoiced with it. */
  owedCents: number;
  from: PlanTier;
  tier: PlanTier;
  interval: BillingInterval;
  plans: PlansResponse;
  subscription: Subscription;
}) {
  const { t, locale } = useI18n();
  const before = PLANS[from];
  const after = PLANS[tier];
  const subtotal = preview.prorationCents + owedCents;
  const vat = vatOf(subtotal, plans.vatRatePercent);
  const periodEnd = formatDate(preview.subscription.currentPeriodEnd, locale);
  const limits = [
    { label: t('billing.usage.numbers'), from: before.includedNumbers, to: after.includedNumbers },
    { label: t('billing.usage.sms'), from: before.smsPerMonth, to: after.smsPerMonth },
    { label: t('billing.usage.mms'), from: before.mmsPerMonth, to: after.mmsPerMonth },
    { label: t('billing.usage.minutes'), from: before.minutesPerMonth, to: after.minutesPerMonth },
  ];

  return (
    <div className="change">
      <dl className="facts">
        <div className="facts__row">
          <dt>{t('billing.change.plan')}</dt>
          <dd>
            {t(`numbers.plan.${from}`)} <To /> <strong>{t(`numbers.plan.${tier}`)}</strong>
          </dd>
        </div>
        <div className="facts__row">
          <dt>{t('billing.change.price')}</dt>
          <dd>
            {planPrice(from, subscription.interval, t, locale)} <To />{' '}
            <strong>{planPrice(tier, interval, t, locale)}</strong>
          </dd>
        </div>
        <div className="facts__row">
          <dt>{t('billing.change.when')}</dt>
          <dd data-testid="change-when">
            {preview.effective === 'NOW'
              ? t('billing.change.now')
              : t('billing.change.atPeriodEnd', { date: periodEnd })}
          </dd>
        </div>
        {owedCents > 0 && (
          <div className="facts__row">
            <dt>{t('billing.change.owed')}</dt>
            <dd data-testid="change-owed">
              {formatCents(owedCents, locale)}
              <span className="facts__note">
                {t('billing.change.owedNote', { date: formatDate(subscription.currentPeriodStart, locale) })}
              </span>
            </dd>
          </div>
        )}
        <div className="facts__row">
          <dt>{t('billing.change.chargedNow')}</dt>
          <dd data-testid="change-charge">
            {subtotal > 0 ? (
              <>
                <strong>{formatCents(subtotal + vat, locale)}</strong>
                <span className="facts__note">
                  {t('billing.change.vatNote', {
                    amount: formatCents(subtotal, locale),
                    vat: formatCents(vat, locale),
                    rate: plans.vatRatePercent,
                  })}
                </span>
              </>
            ) : (
              t('billing.change.nothingNow')
            )}
          </dd>
        </div>
      </dl>
      {tier !== from && (
        <table className="limits-change">
          <caption>{t('billing.change.limits')}</caption>
          <tbody>
            {limits.map((row) => (
              <tr key={row.label} className={row.to < row.from ? 'limits-change__row--less' : undefined}>
                <th scope="row">{row.label}</th>
                <td>{row.from.toLocaleString(locale)}</td>
                <td aria-hidden>→</td>
                <td>
                  <strong>{row.to.toLocaleString(locale)}</strong>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted">
        {preview.effective === 'PERIOD_END'
          ? t('billing.change.keepUntil', { plan: t(`numbers.plan.${from}`), date: periodEnd })
          : from === 'FREE'
            ? t('billing.change.newPeriod')
            : interval === subscription.interval
              ? t('billing.change.prorated', { date: periodEnd })
              : t('billing.change.newPeriodCredit')}
      </p>
      {subscription.provider === 'local' && subtotal > 0 && <p className="muted">{t('billing.change.localBilling')}</p>}
    </div>
  );
}

/**
 * Why a plan cannot change: too many numbers for the plan (in the person's
 * language when we know how many they hold), else the server's message.
 */
function ChangeError({ error, tier }: { error: unknown; tier: PlanTier }) {
  const { t } = useI18n();
  const numbers = useMyNumbers();
  const tooMany = isApiError(error) && error.details.some((detail) => detail.code === 'TOO_MANY_NUMBERS');
  if (!tooMany) return <Alert tone="danger">{errorMessage(error, t)}</Alert>;
  const held = numbers.data?.length;
  const included = PLANS[tier].includedNumbers;
  return (
    <Alert tone="danger" title={t('billing.change.tooManyTitle')}>
      <p>
        {held !== undefined && held > included
          ? t('billing.change.tooMany', {
              plan: t(`numbers.plan.${tier}`),
              included,
              held,
              release: held - included,
            })
          : errorMessage(error, t)}
      </p>
      <p>
        <Link to="/numbers">{t('billing.change.manageNumbers')}</Link>
      </p>
    </Alert>
  );
}
