import { PLANS, PLAN_TIERS, type InitiateCallBody, type PlanTier } from '@commpro/contracts';
import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router';
import { errorMessage } from '../../shared/api/error-message';
import { fieldErrorsOf, isApiError, type ApiError } from '../../shared/api/errors';
import { useI18n, useT, type Translate } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { UpgradeLink } from '../billing/UpgradeLink';
import { formatCents } from '../numbers/format';
import { useCallController } from './calls-runtime';

/** The socket is not open (yet): calls need it for their signalling. */
export class NotConnectedError extends Error {
  constructor() {
    super('Not connected');
    this.name = 'NotConnectedError';
  }
}

/** Places a call through this device's call controller; the API's refusals come back as the mutation's error. */
export function useDial() {
  const controller = useCallController();
  return useMutation({
    mutationFn: (body: InitiateCallBody) => {
      if (!controller) throw new NotConnectedError();
      return controller.dial(body);
    },
  });
}

const isTier = (tier: string | null | undefined): tier is PlanTier =>
  (PLAN_TIERS as readonly string[]).includes(tier ?? '');

/** The 402's words: the plan's minutes and the plan that lifts them, when the server named one. */
function limitText(error: ApiError, t: Translate): string {
  const next = isTier(error.limit?.upgradeTo) ? error.limit.upgradeTo : null;
  if (!next || !error.limit) return error.message;
  const plan = error.limit.plan;
  return t('calls.limit.text', {
    current: isTier(plan) ? t(`numbers.plan.${plan}`) : plan,
    allowed: error.limit.allowed,
    plan: t(`numbers.plan.${next}`),
  });
}

const CALL_DETAIL_CODES = ['NOT_YOUR_LINE', 'LINE_NOT_CAPABLE', 'SAME_NUMBER'] as const;

/**
 * The server's per-field messages for a call: the codes shared with messaging
 * get a wording about calling, the others are read as everywhere else.
 */
export function callFieldErrors(error: unknown, t: Translate): Record<string, string> {
  const fields = fieldErrorsOf(error, t);
  if (!isApiError(error)) return fields;
  for (const detail of error.details) {
    const code = CALL_DETAIL_CODES.find((item) => item === detail.code);
    if (detail.field && code) fields[detail.field] = t(`calls.errors.${code}`);
  }
  return fields;
}

/** Why a call could not be placed, in one sentence (for a toast). */
export function dialErrorText(error: unknown, t: Translate): string {
  if (error instanceof NotConnectedError) return t('calls.offline');
  if (isApiError(error) && error.status === 402) return limitText(error, t);
  const fields = callFieldErrors(error, t);
  return fields.to ?? fields.from ?? errorMessage(error, t);
}

/** Why a call could not be placed: the plan's minutes with the plan that lifts them, or the error. */
export function DialError({ error }: { error: unknown }) {
  const { t, locale } = useI18n();
  if (isApiError(error) && error.status === 402) {
    const next = isTier(error.limit?.upgradeTo) ? error.limit.upgradeTo : null;
    return (
      <Alert tone="warning" title={t('calls.limit.title')}>
        <p data-testid="plan-limit-message">{limitText(error, t)}</p>
        <p className="plan-hint">
          {next
            ? t('calls.limit.price', {
                plan: t(`numbers.plan.${next}`),
                price: formatCents(PLANS[next].monthlyPriceCents, locale),
              })
            : t('calls.limit.upgradeAny')}
        </p>
        <UpgradeLink />
      </Alert>
    );
  }
  return <Alert tone="danger">{dialErrorText(error, t)}</Alert>;
}

export function NoVoiceLineNotice() {
  const t = useT();
  return (
    <section className="numbers-cta" aria-labelledby="no-voice-line-title">
      <span className="numbers-cta__icon" aria-hidden>
        <span className="numbers-cta__hash">#</span>
      </span>
      <div className="numbers-cta__text">
        <h2 className="numbers-cta__title" id="no-voice-line-title">
          {t('calls.noLineTitle')}
        </h2>
        <p className="numbers-cta__body">{t('calls.noLineText')}</p>
      </div>
      <Link className="btn btn--primary numbers-cta__action" to="/numbers/buy">
        <span className="btn__label">{t('numbers.getNumber')}</span>
      </Link>
    </section>
  );
}
