import {
  PLANS,
  type BillingInterval,
  type PaymentMethod,
  type PlanChange,
  type PlansResponse,
  type PlanTier,
  type Subscription,
} from '@commpro/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ArrowRight } from 'lucide-react';
import { useId, useState } from 'react';
import { Link } from 'react-router';
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
import { CardName, cardName } from './CardName';
import { CardSetup } from './CardSetup';
import { billingErrorMessage } from './error-message';
import { currentTier, planAction, vatOf } from './format';
import { onCardSaved, onSubscriptionChanged, payingCardOf, usePaymentMethods } from './use-billing';

/**
 * Moving to another plan: the server's preview first (what changes, when, what
 * is charged now), then the change itself once confirmed. With Stripe, what is
 * charged now goes on the default card, or on a card added here first.
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
  const cardFormId = useId();
  const from = currentTier(subscription);
  const action = planAction(tier, interval, subscription);
  const leavingFree = from === 'FREE' && tier !== 'FREE';
  // FREE has no billing interval; leaving it out lets the server keep the right one.
  const body = { tier, interval: tier === 'FREE' ? undefined : interval };
  const stripe = plans.payments.provider === 'stripe' ? plans.payments : null;
  // Only a subscription or an upgrade is charged now; a downgrade or a switch of billing period waits.
  const paying = stripe !== null && (leavingFree || action === 'upgrade');
  const cards = usePaymentMethods({ enabled: paying });
  // A card added in this dialog pays, even before the list is fetched again.
  const [addedCard, setAddedCard] = useState<PaymentMethod | null>(null);
  const [otherCard, setOtherCard] = useState(false);
  const [cardReady, setCardReady] = useState(false);
  const [cardBusy, setCardBusy] = useState(false);
  const card = addedCard ?? (cards.data ? payingCardOf(cards.data) : undefined);
  const askCard = paying && cards.isSuccess && (otherCard || !card);
  const askForAnotherCard = () => {
    setCardReady(false);
    setOtherCard(true);
  };
  const preview = useQuery({
    queryKey: billingKeys.preview(tier, interval),
    queryFn: () => billingApi.changePlan({ ...body, preview: true }),
    retry: false,
    gcTime: 0,
  });
  const change = useMutation({
    mutationFn: async (
      paymentMethodId: string | undefined,
    ): Promise<Pick<PlanChange, 'subscription' | 'effective'>> => {
      // Leaving FREE is a subscription, paid by the card named; anything else is a change, paid by the default card.
      if (leavingFree) {
        return { subscription: await billingApi.subscribe({ tier, interval, paymentMethodId }), effective: 'NOW' };
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
    onError: (error) => {
      // The saved card is gone (removed elsewhere): ask for one here.
      if (isApiError(error, 'PAYMENT_METHOD_REQUIRED')) askForAnotherCard();
    },
  });
  const busy = change.isPending || cardBusy;
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
        if (!busy) onClose();
      }}
      footer={
        <>
          <Button variant="secondary" disabled={busy} onClick={onClose}>
            {t('common.cancel')}
          </Button>
          {askCard ? (
            // Saving the card comes first; the change follows once Stripe has it (onSaved below).
            <Button type="submit" form={cardFormId} loading={busy} disabled={!preview.isSuccess || !cardReady}>
              {t('billing.change.confirm')}
            </Button>
          ) : (
            <Button
              loading={busy}
              disabled={!preview.isSuccess || (paying && !cards.isSuccess)}
              onClick={() => change.mutate(leavingFree ? card?.id : undefined)}
            >
              {t('billing.change.confirm')}
            </Button>
          )}
        </>
      }
    >
      {preview.isPending && <LoadingBlock label={t('common.loading')} />}
      {preview.isError && <ChangeError error={preview.error} tier={tier} />}
      {preview.data && (
        <PreviewSummary
          preview={preview.data}
          from={from}
          tier={tier}
          interval={interval}
          plans={plans}
          subscription={subscription}
        />
      )}
      {paying && preview.isSuccess && (
        <section className="change-payment" aria-label={t('billing.change.payment')}>
          {cards.isPending && <LoadingBlock label={t('common.loading')} />}
          {cards.isError && <Alert tone="danger">{billingErrorMessage(cards.error, t)}</Alert>}
          {card && !askCard && (
            <div className="change-payment__card">
              <span>
                {t('billing.change.chargedTo')}{' '}
                <strong data-testid="change-card">
                  <CardName card={card} />
                </strong>
              </span>
              <Button variant="ghost" size="sm" disabled={busy} onClick={askForAnotherCard}>
                {t('billing.change.otherCard')}
              </Button>
            </div>
          )}
          {askCard && stripe && (
            <>
              <p className="change-payment__ask">{t('billing.change.cardNeeded', { plan: name })}</p>
              <CardSetup
                formId={cardFormId}
                publishableKey={stripe.stripePublishableKey}
                setAsDefault
                onReady={() => setCardReady(true)}
                onBusyChange={setCardBusy}
                onSaved={(added) => {
                  onCardSaved(queryClient, added);
                  setAddedCard(added);
                  setOtherCard(false);
                  change.mutate(added.id);
                }}
              />
              {card && (
                <Button variant="ghost" size="sm" disabled={busy} onClick={() => setOtherCard(false)}>
                  {t('billing.change.savedCard', { card: cardName(card, t) })}
                </Button>
              )}
            </>
          )}
        </section>
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
  from,
  tier,
  interval,
  plans,
  subscription,
}: {
  preview: PlanChange;
  from: PlanTier;
  tier: PlanTier;
  interval: BillingInterval;
  plans: PlansResponse;
  subscription: Subscription;
}) {
  const { t, locale } = useI18n();
  const before = PLANS[from];
  const after = PLANS[tier];
  // What the period this change cuts short owes beyond its plan is invoiced with it.
  const { owedCents } = preview;
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
      {plans.payments.provider === 'local' && subtotal > 0 && (
        <p className="muted">{t('billing.change.localBilling')}</p>
      )}
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
  if (!tooMany) return <Alert tone="danger">{billingErrorMessage(error, t)}</Alert>;
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
          : billingErrorMessage(error, t)}
      </p>
      <p>
        <Link to="/numbers">{t('billing.change.manageNumbers')}</Link>
      </p>
    </Alert>
  );
}
