import { PLANS, type Subscription } from '@commpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../shared/api/error-message';
import { useI18n } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Badge } from '../../shared/ui/Badge';
import { Button } from '../../shared/ui/Button';
import { Card } from '../../shared/ui/Card';
import { Dialog } from '../../shared/ui/Dialog';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { useToast } from '../../shared/ui/Toast';
import { formatCents, formatDate } from '../numbers/format';
import { billingApi } from './api';
import { currentTier } from './format';
import { PaymentMethodsPanel } from './PaymentMethodsPanel';
import { onSubscriptionChanged, owedCentsOf, useSubscription, useUsage } from './use-billing';

const STATUS_TONES: Record<Subscription['status'], 'success' | 'warning' | 'danger' | 'neutral'> = {
  ACTIVE: 'success',
  TRIALING: 'success',
  PAST_DUE: 'danger',
  CANCELLED: 'neutral',
};

/** The plan, its period and next invoice, what is set to change, the ways to change or end it, and the cards that pay it. */
export function SubscriptionPanel() {
  const { t } = useI18n();
  const subscription = useSubscription();
  const [cancelling, setCancelling] = useState(false);
  if (subscription.isPending) return <LoadingBlock label={t('common.loading')} />;
  if (subscription.isError) return <Alert tone="danger">{errorMessage(subscription.error, t)}</Alert>;
  const sub = subscription.data;
  const paid = currentTier(sub) !== 'FREE';

  return (
    <>
      <Card
        id="billing-plan"
        title={t('billing.subscription.title')}
        aside={<Badge tone={STATUS_TONES[sub.status]}>{t(`billing.status.${sub.status}`)}</Badge>}
        footer={
          <div className="button-row">
            <Link className="btn btn--primary" to="/plans">
              <span className="btn__label">
                {paid ? t('billing.subscription.change') : t('billing.subscription.seePlans')}
              </span>
            </Link>
            {paid && !sub.cancelAtPeriodEnd && (
              <Button variant="danger-ghost" onClick={() => setCancelling(true)}>
                {t('billing.cancel.open')}
              </Button>
            )}
          </div>
        }
      >
        <SubscriptionFacts subscription={sub} />
      </Card>
      <Notices subscription={sub} />
      <PaymentMethodsPanel />
      {cancelling && <CancelDialog subscription={sub} onClose={() => setCancelling(false)} />}
    </>
  );
}

function SubscriptionFacts({ subscription: sub }: { subscription: Subscription }) {
  const { t, locale } = useI18n();
  const tier = currentTier(sub);
  const paid = tier !== 'FREE';
  const next = sub.scheduledChange ?? { tier: sub.tier, interval: sub.interval };
  const nextCents = sub.cancelAtPeriodEnd
    ? 0
    : next.interval === 'ANNUAL'
      ? PLANS[next.tier].annualMonthlyPriceCents * 12
      : PLANS[next.tier].monthlyPriceCents;
  const perPeriod = sub.interval === 'ANNUAL' ? 'billing.price.perYear' : 'billing.price.perMonth';

  return (
    <dl className="facts">
      <div className="facts__row">
        <dt>{t('billing.subscription.plan')}</dt>
        <dd data-testid="current-plan">
          <strong>{t(`numbers.plan.${tier}`)}</strong>
          {paid && <> · {t(`billing.interval.${sub.interval}`)}</>}
        </dd>
      </div>
      <div className="facts__row">
        <dt>{t('billing.subscription.price')}</dt>
        <dd>
          {paid
            ? t('billing.subscription.exclVat', {
                price: t(perPeriod, { price: formatCents(sub.amountCents, locale) }),
              })
            : t('billing.change.free')}
        </dd>
      </div>
      <div className="facts__row">
        <dt>{t('billing.subscription.period')}</dt>
        <dd>
          {t('billing.subscription.periodRange', {
            start: formatDate(sub.currentPeriodStart, locale),
            end: formatDate(sub.currentPeriodEnd, locale),
          })}
        </dd>
      </div>
      <div className="facts__row">
        <dt>{t('billing.subscription.nextInvoice')}</dt>
        <dd>
          {nextCents > 0
            ? t('billing.subscription.nextInvoiceOn', {
                date: formatDate(sub.currentPeriodEnd, locale),
                price: formatCents(nextCents, locale),
              })
            : t('billing.subscription.noInvoice')}
        </dd>
      </div>
      {sub.provider === 'local' && paid && <p className="facts__note">{t('billing.subscription.local')}</p>}
    </dl>
  );
}

/** What is set to happen at the end of the period (or has gone wrong), with the way to keep the plan as it is. */
function Notices({ subscription: sub }: { subscription: Subscription }) {
  const { t, locale } = useI18n();
  const toast = useToast();
  const queryClient = useQueryClient();
  const plan = t(`numbers.plan.${sub.tier}`);
  const keep = useMutation({
    // A cancellation is undone by reactivating; a scheduled change by choosing the current plan again.
    mutationFn: async () =>
      sub.cancelAtPeriodEnd
        ? billingApi.reactivate()
        : (await billingApi.changePlan({ tier: sub.tier, interval: sub.interval })).subscription,
    onSuccess: (kept) => {
      onSubscriptionChanged(queryClient, kept);
      toast(t('billing.keep.done', { plan }));
    },
  });
  const end = formatDate(sub.currentPeriodEnd, locale);
  const keepButton = (
    <Button size="sm" variant="secondary" loading={keep.isPending} onClick={() => keep.mutate()}>
      {t('billing.keep.button', { plan })}
    </Button>
  );

  return (
    <>
      {sub.pastDue && (
        <Alert tone="danger" title={t('billing.pastDue.title')}>
          {t('billing.pastDue.text', {
            since: formatDate(sub.pastDue.since, locale),
            date: formatDate(sub.pastDue.limitsDropAt, locale),
          })}
        </Alert>
      )}
      {sub.cancelAtPeriodEnd && (
        <Alert tone="warning" title={t('billing.ending.title', { plan, date: end })}>
          <p>{t('billing.ending.text')}</p>
          {keepButton}
        </Alert>
      )}
      {!sub.cancelAtPeriodEnd && sub.scheduledChange && (
        <Alert tone="info" title={t('billing.scheduled.title', { date: end })}>
          <p>
            {t('billing.scheduled.text', {
              // FREE has no billing period to name.
              plan:
                sub.scheduledChange.tier === 'FREE'
                  ? t('numbers.plan.FREE')
                  : `${t(`numbers.plan.${sub.scheduledChange.tier}`)} (${t(`billing.interval.${sub.scheduledChange.interval}`).toLowerCase()})`,
              current: plan,
            })}
          </p>
          {keepButton}
        </Alert>
      )}
      {keep.isError && <Alert tone="danger">{errorMessage(keep.error, t)}</Alert>}
    </>
  );
}

function CancelDialog({ subscription: sub, onClose }: { subscription: Subscription; onClose: () => void }) {
  const { t, locale } = useI18n();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [atPeriodEnd, setAtPeriodEnd] = useState(true);
  const name = useId();
  const plan = t(`numbers.plan.${sub.tier}`);
  const end = formatDate(sub.currentPeriodEnd, locale);
  const usage = useUsage();
  const owedCents = usage.data ? owedCentsOf(usage.data) : 0;
  const cancel = useMutation({
    mutationFn: () => billingApi.cancel(atPeriodEnd),
    onSuccess: (changed) => {
      onSubscriptionChanged(queryClient, changed);
      toast(atPeriodEnd ? t('billing.cancel.doneLater', { plan, date: end }) : t('billing.cancel.doneNow'));
      onClose();
    },
  });
  const choices = [
    {
      value: true,
      label: t('billing.cancel.atPeriodEnd', { date: end }),
      hint: t('billing.cancel.atPeriodEndHint', { plan }),
    },
    {
      value: false,
      label: t('billing.cancel.now'),
      hint:
        owedCents > 0
          ? `${t('billing.cancel.nowHint')} ${t('billing.cancel.nowOwed', { amount: formatCents(owedCents, locale) })}`
          : t('billing.cancel.nowHint'),
    },
  ];

  return (
    <Dialog
      title={t('billing.cancel.title', { plan })}
      closeLabel={t('common.close')}
      onClose={() => {
        if (!cancel.isPending) onClose();
      }}
      footer={
        <>
          <Button variant="secondary" disabled={cancel.isPending} onClick={onClose}>
            {t('billing.keep.button', { plan })}
          </Button>
          <Button variant="danger" loading={cancel.isPending} onClick={() => cancel.mutate()}>
            {t('billing.cancel.confirm')}
          </Button>
        </>
      }
    >
      <fieldset className="choices">
        <legend className="visually-hidden">{t('billing.cancel.when')}</legend>
        {choices.map((choice) => {
          const id = `${name}-${choice.value ? 'end' : 'now'}`;
          return (
            <div key={id} className="choice">
              <input
                type="radio"
                id={id}
                name={name}
                aria-describedby={`${id}-hint`}
                checked={atPeriodEnd === choice.value}
                onChange={() => setAtPeriodEnd(choice.value)}
              />
              <label className="choice__label" htmlFor={id}>
                {choice.label}
              </label>
              <span className="choice__hint" id={`${id}-hint`}>
                {choice.hint}
              </span>
            </div>
          );
        })}
      </fieldset>
      {cancel.isError && <Alert tone="danger">{errorMessage(cancel.error, t)}</Alert>}
    </Dialog>
  );
}
