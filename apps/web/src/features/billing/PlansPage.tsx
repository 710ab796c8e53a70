import type { BillingInterval, PlanInfo, PlanTier, Subscription } from '@commpro/contracts';
import { Check } from 'lucide-react';
import { useId, useState } from 'react';
import { useLocation } from 'react-router';
import { errorMessage } from '../../shared/api/error-message';
import { useI18n } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Badge } from '../../shared/ui/Badge';
import { Button } from '../../shared/ui/Button';
import { Page } from '../../shared/ui/Page';
import { Segmented } from '../../shared/ui/Segmented';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { formatDate } from '../numbers/format';
import { ChangePlanDialog } from './ChangePlanDialog';
import { formatMillicents, formatPlanPrice, planAction, type PlanAction } from './format';
import { usePlans, useSubscription } from './use-billing';
import './billing.css';

export interface PlansLocationState {
  /** The screen whose upgrade prompt led here, for the back link. */
  from?: string;
}

/** The four plans side by side (stacked on phones), billed monthly or annually, each with the way to move to it. */
export function PlansPage() {
  const { t } = useI18n();
  const state = (useLocation().state ?? {}) as PlansLocationState;
  const plans = usePlans();
  const subscription = useSubscription();
  const [chosenInterval, setChosenInterval] = useState<BillingInterval | null>(null);
  const [choice, setChoice] = useState<{ tier: PlanTier; interval: BillingInterval } | null>(null);
  const interval = chosenInterval ?? subscription.data?.interval ?? 'MONTHLY';
  const error = plans.error ?? subscription.error;

  return (
    <Page
      title={t('billing.plans.title')}
      back={
        state.from
          ? { to: state.from, label: t('billing.plans.back') }
          : { to: '/settings/billing', label: t('billing.title') }
      }
      wide
    >
      {error && <Alert tone="danger">{errorMessage(error, t)}</Alert>}
      {!error && (plans.isPending || subscription.isPending) && <LoadingBlock label={t('common.loading')} />}
      {plans.data && subscription.data && (
        <div className="plans">
          <div className="plans__intro">
            <p className="plans__lead">{t('billing.plans.lead')}</p>
            <Segmented<BillingInterval>
              legend={t('billing.plans.interval')}
              name="interval"
              value={interval}
              onChange={setChosenInterval}
              options={[
                { value: 'MONTHLY', label: t('billing.interval.MONTHLY') },
                { value: 'ANNUAL', label: t('billing.interval.ANNUAL') },
              ]}
            />
            <p className="plans__saving">
              {t('billing.plans.annualSaving', { percent: bestAnnualSaving(plans.data.plans) })}
            </p>
          </div>
          <ul className="plans__grid" aria-label={t('billing.plans.list')}>
            {plans.data.plans.map((plan) => (
              <PlanCard
                key={plan.tier}
                plan={plan}
                interval={interval}
                subscription={subscription.data}
                onChoose={() => setChoice({ tier: plan.tier, interval })}
              />
            ))}
          </ul>
          <p className="plans__fineprint">{t('billing.plans.vat', { rate: plans.data.vatRatePercent })}</p>
        </div>
      )}
      {choice && plans.data && subscription.data && (
        <ChangePlanDialog
          tier={choice.tier}
          interval={choice.interval}
          plans={plans.data}
          subscription={subscription.data}
          onClose={() => setChoice(null)}
        />
      )}
    </Page>
  );
}

/** The largest share of the monthly price an annual plan saves, in whole percent ("save up to 20%"). */
function bestAnnualSaving(plans: PlanInfo[]): number {
  const savings = plans
    .filter((plan) => plan.monthlyPriceCents > 0)
    .map((plan) => 1 - plan.annualMonthlyPriceCents / plan.monthlyPriceCents);
  return Math.round(Math.max(0, ...savings) * 100);
}

function PlanCard({
  plan,
  interval,
  subscription,
  onChoose,
}: {
  plan: PlanInfo;
  interval: BillingInterval;
  subscription: Subscription;
  onChoose: () => void;
}) {
  const { t, locale } = useI18n();
  const titleId = useId();
  const action = planAction(plan.tier, interval, subscription);
  const name = t(`numbers.plan.${plan.tier}`);
  const isCurrent = planAction(plan.tier, subscription.interval, subscription) === 'current';
  const scheduled = subscription.scheduledChange?.tier === plan.tier && !isCurrent;
  const annual = interval === 'ANNUAL' && plan.monthlyPriceCents > 0;
  const price = annual ? plan.annualMonthlyPriceCents : plan.monthlyPriceCents;
  const { limits } = plan;

  return (
    <li className={`plan-card${isCurrent ? ' plan-card--current' : ''}`} aria-labelledby={titleId}>
      <div className="plan-card__head">
        <h2 className="plan-card__name" id={titleId}>
          {name}
        </h2>
        {isCurrent && <Badge tone="brand">{t('billing.plans.yourPlan')}</Badge>}
        {scheduled && subscription.scheduledChange && (
          <Badge tone="warning">
            {t('billing.plans.from', { date: formatDate(subscription.scheduledChange.at, locale) })}
          </Badge>
        )}
      </div>
      <p className="plan-card__for">{t(`billing.plans.for.${plan.tier}`)}</p>
      <p className="plan-card__price">
        <span className="plan-card__amount">{formatPlanPrice(price, locale)}</span>
        <span className="plan-card__per">{t('billing.plans.perMonth')}</span>
      </p>
      <p className="plan-card__billed">
        {plan.monthlyPriceCents === 0
          ? t('billing.plans.freeForever')
          : annual
            ? t('billing.plans.billedAnnually', { price: formatPlanPrice(plan.annualPriceCents, locale) })
            : t('billing.plans.billedMonthly')}
      </p>
      <ul className="plan-card__limits">
        <Limit>
          {limits.phoneNumbers === 1
            ? t('billing.limits.numbersOne')
            : t('billing.limits.numbers', { count: limits.phoneNumbers })}
        </Limit>
        <Limit>{t('billing.limits.sms', { count: limits.smsSent.toLocaleString(locale) })}</Limit>
        <Limit off={limits.mmsSent === 0}>
          {limits.mmsSent === 0
            ? t('billing.limits.noMms')
            : t('billing.limits.mms', { count: limits.mmsSent.toLocaleString(locale) })}
        </Limit>
        <Limit>{t('billing.limits.minutes', { count: limits.callMinutes.toLocaleString(locale) })}</Limit>
      </ul>
      <div className="plan-card__overage">
        <h3 className="plan-card__overage-title">{t('billing.plans.beyond')}</h3>
        {plan.overageMillicents ? (
          <p>
            {t('billing.plans.overage', {
              sms: formatMillicents(plan.overageMillicents.sms, locale),
              minute: formatMillicents(plan.overageMillicents.minute, locale),
              mms: formatMillicents(plan.overageMillicents.mms, locale),
            })}
          </p>
        ) : (
          <p>{plan.tier === 'FREE' ? t('billing.plans.stopsAtLimits') : t('billing.plans.negotiated')}</p>
        )}
        {plan.extraNumberPriceCents !== null && (
          <p>{t('billing.plans.extraNumber', { price: formatPlanPrice(plan.extraNumberPriceCents, locale) })}</p>
        )}
      </div>
      <PlanButton action={action} name={name} interval={interval} onChoose={onChoose} />
    </li>
  );
}

function Limit({ off = false, children }: { off?: boolean; children: string }) {
  return (
    <li className={off ? 'plan-card__limit plan-card__limit--off' : 'plan-card__limit'}>
      <Check size={16} aria-hidden className="plan-card__check" />
      {children}
    </li>
  );
}

function PlanButton({
  action,
  name,
  interval,
  onChoose,
}: {
  action: PlanAction;
  name: string;
  interval: BillingInterval;
  onChoose: () => void;
}) {
  const { t } = useI18n();
  if (action === 'current') {
    return (
      <Button variant="secondary" block disabled>
        {t('billing.plans.current')}
      </Button>
    );
  }
  if (action === 'switch') {
    return (
      <Button variant="secondary" block onClick={onChoose}>
        {t(`billing.plans.switchTo.${interval}`)}
      </Button>
    );
  }
  return (
    <Button
      variant={action === 'upgrade' ? 'primary' : 'secondary'}
      block
      aria-label={t(`billing.plans.${action}Named`, { plan: name })}
      onClick={onChoose}
    >
      {t(`billing.plans.${action}`)}
    </Button>
  );
}
