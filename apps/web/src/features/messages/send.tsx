import { PLANS, PLAN_TIERS, type Message, type PlanTier, type SendMessageBody } from '@commpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { errorMessage } from '../../shared/api/error-message';
import { fieldErrorsOf, isApiError, NETWORK_ERROR } from '../../shared/api/errors';
import { useI18n, useT } from '../../shared/i18n/i18n';
import { connectivity } from '../../shared/offline/connectivity';
import { Alert } from '../../shared/ui/Alert';
import { UpgradeLink } from '../billing/UpgradeLink';
import { formatCents } from '../numbers/format';
import { messagesApi } from './api';
import { onNewMessage } from './cache';
import { toSendBody, type OutboxDraft } from './outbox';
import { outbox } from './use-outbox';

/** Sending a message: the answer (QUEUED) goes into the thread's cache; the socket brings the rest. */
export function useSend(onSent?: (message: Message) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SendMessageBody) => messagesApi.send(body),
    onSuccess: (message) => {
      onNewMessage(queryClient, message);
      onSent?.(message);
    },
  });
}

/** A message as the composer writes it, with the id that makes sending it again harmless. */
export function draftOf(from: string, to: string, body: string, mediaUrls: string[]): OutboxDraft {
  return {
    clientMessageId: crypto.randomUUID(),
    from,
    to,
    ...(body.trim() ? { body } : {}),
    ...(mediaUrls.length > 0 ? { mediaUrls } : {}),
  };
}

/**
 * The composer's send: at once when it can, else into the outbox — offline,
 * behind messages already waiting (so they keep the order they were written
 * in), or when the network drops during the send (the outbox repeats it with
 * the same clientMessageId, so it is never sent twice). Resolves `sent` or
 * `queued`; rejects with the server's refusal.
 */
export function useComposerSend(onSent?: (message: Message) => void) {
  const send = useSend(onSent);
  const submit = async (draft: OutboxDraft): Promise<'sent' | 'queued'> => {
    if (connectivity.status() === 'offline' || outbox.hasWaiting()) {
      outbox.add(draft);
      return 'queued';
    }
    try {
      await send.mutateAsync(toSendBody(draft));
      return 'sent';
    } catch (error) {
      if (!isApiError(error, NETWORK_ERROR)) throw error;
      send.reset();
      outbox.add(draft);
      return 'queued';
    }
  };
  return { submit, send };
}

const isTier = (tier: string | null | undefined): tier is PlanTier =>
  (PLAN_TIERS as readonly string[]).includes(tier ?? '');

/** Why a send was refused, in the person's language: a plan limit with the plan that lifts it, or the error. */
export function SendError({ error }: { error: unknown }) {
  const { t, locale } = useI18n();
  if (isApiError(error) && error.status === 402 && error.limit) {
    const { resource, allowed, plan, upgradeTo } = error.limit;
    const current = isTier(plan) ? t(`numbers.plan.${plan}`) : plan;
    const next = isTier(upgradeTo) ? upgradeTo : null;
    const key =
      resource === 'mms' ? (allowed > 0 ? 'messages.limit.mmsSome' : 'messages.limit.mms') : 'messages.limit.sms';
    // Pictures are a plan feature more than an allowance: say so in the title.
    const title =
      resource === 'mms' && next
        ? t('messages.limit.mmsTitle', { plan: t(`numbers.plan.${next}`) })
        : t('messages.limit.title');
    return (
      <Alert tone="warning" title={title}>
        <p data-testid="plan-limit-message">
          {next ? t(key, { current, allowed, plan: t(`numbers.plan.${next}`) }) : error.message}
        </p>
        {next && (
          <p className="plan-hint">
            {t('messages.limit.price', {
              plan: t(`numbers.plan.${next}`),
              price: formatCents(PLANS[next].monthlyPriceCents, locale),
            })}
            {resource === 'mms' && <> {t('messages.limit.mmsWithout')}</>}
          </p>
        )}
        <UpgradeLink />
      </Alert>
    );
  }
  const fields = fieldErrorsOf(error, t);
  return (
    <Alert tone="danger">{fields.to ?? fields.from ?? fields.body ?? fields.mediaUrls ?? errorMessage(error, t)}</Alert>
  );
}

export function NoLineNotice() {
  const t = useT();
  return (
    <section className="numbers-cta" aria-labelledby="no-line-title">
      <span className="numbers-cta__icon" aria-hidden>
        <span className="numbers-cta__hash">#</span>
      </span>
      <div className="numbers-cta__text">
        <h2 className="numbers-cta__title" id="no-line-title">
          {t('messages.noNumberTitle')}
        </h2>
        <p className="numbers-cta__body">{t('messages.noNumberText')}</p>
      </div>
      <Link className="btn btn--primary numbers-cta__action" to="/numbers/buy">
        <span className="btn__label">{t('numbers.getNumber')}</span>
      </Link>
    </section>
  );
}
