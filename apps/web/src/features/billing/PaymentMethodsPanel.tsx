import type { PaymentMethod } from '@commpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { CreditCard, Plus, Trash2 } from 'lucide-react';
import { useId, useState } from 'react';
import { useI18n } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Badge } from '../../shared/ui/Badge';
import { Button } from '../../shared/ui/Button';
import { Card } from '../../shared/ui/Card';
import { Dialog } from '../../shared/ui/Dialog';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { useToast } from '../../shared/ui/Toast';
import { CardName, cardName } from './CardName';
import { CardSetup } from './CardSetup';
import { billingErrorMessage } from './error-message';
import { currentTier, formatCardExpiry, isCardExpired } from './format';
import {
  onCardSaved,
  removeCardMutation,
  setDefaultCardMutation,
  usePaymentMethods,
  usePlans,
  useSubscription,
} from './use-billing';

/**
 * The saved cards, which one pays, and the way to add or remove one. Only
 * with Stripe billing: local billing takes no payment, so there is nothing to show.
 */
export function PaymentMethodsPanel() {
  const { t } = useI18n();
  const payments = usePlans().data?.payments;
  const stripe = payments?.provider === 'stripe' ? payments : null;
  const cards = usePaymentMethods({ enabled: stripe !== null });
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<PaymentMethod | null>(null);
  if (!stripe) return null;

  return (
    <Card
      id="billing-cards"
      title={t('billing.cards.title')}
      description={t('billing.cards.description')}
      aside={
        <Button size="sm" variant="secondary" icon={<Plus size={16} aria-hidden />} onClick={() => setAdding(true)}>
          {t('billing.cards.add')}
        </Button>
      }
    >
      {cards.isPending && <LoadingBlock label={t('common.loading')} />}
      {cards.isError && <Alert tone="danger">{billingErrorMessage(cards.error, t)}</Alert>}
      {cards.data?.length === 0 && <p className="muted">{t('billing.cards.empty')}</p>}
      {cards.data && cards.data.length > 0 && (
        <ul className="pay-cards" aria-label={t('billing.cards.list')}>
          {cards.data.map((card) => (
            <CardRow key={card.id} card={card} onRemove={() => setRemoving(card)} />
          ))}
        </ul>
      )}
      {adding && (
        <AddCardDialog
          publishableKey={stripe.stripePublishableKey}
          first={cards.data?.length === 0}
          onClose={() => setAdding(false)}
        />
      )}
      {removing && <RemoveCardDialog card={removing} onClose={() => setRemoving(null)} />}
    </Card>
  );
}

function CardRow({ card, onRemove }: { card: PaymentMethod; onRemove: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const queryClient = useQueryClient();
  const setDefault = useMutation(setDefaultCardMutation(queryClient));
  const name = cardName(card, t);
  const expired = isCardExpired(card);

  return (
    <li className="pay-card" data-testid="payment-method">
      <div className="pay-card__main">
        <span className="pay-card__icon" aria-hidden>
          <CreditCard size={18} />
        </span>
        <div className="pay-card__text">
          <span className="pay-card__name">
            <CardName card={card} />
            {card.isDefault && <Badge tone="brand">{t('billing.cards.default')}</Badge>}
          </span>
          <span className={`pay-card__expiry${expired ? ' pay-card__expiry--expired' : ''}`}>
            {t(expired ? 'billing.cards.expired' : 'billing.cards.expires', { date: formatCardExpiry(card) })}
          </span>
        </div>
        <div className="pay-card__actions">
          {/* An expired card cannot pay, so it is not offered as the default. */}
          {!card.isDefault && !expired && (
            <Button
              variant="ghost"
              size="sm"
              loading={setDefault.isPending}
              aria-label={t('billing.cards.makeDefaultNamed', { card: name })}
              onClick={() =>
                setDefault.mutate(card.id, { onSuccess: () => toast(t('billing.cards.defaultDone', { card: name })) })
              }
            >
              {t('billing.cards.makeDefault')}
            </Button>
          )}
          <Button
            variant="danger-ghost"
            size="sm"
            icon={<Trash2 size={14} aria-hidden />}
            aria-label={t('billing.cards.removeNamed', { card: name })}
            onClick={onRemove}
          >
            {t('billing.cards.remove')}
          </Button>
        </div>
      </div>
      {setDefault.isError && <Alert tone="danger">{billingErrorMessage(setDefault.error, t)}</Alert>}
    </li>
  );
}

function AddCardDialog({
  publishableKey,
  first,
  onClose,
}: {
  publishableKey: string;
  /** The first card becomes the default by itself: no choice to offer. */
  first: boolean;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const toast = useToast();
  const queryClient = useQueryClient();
  const formId = useId();
  const checkboxId = useId();
  const [ready, setReady] = useState(false);
  const [busy, setBusy] = useState(false);
  const [makeDefault, setMakeDefault] = useState(false);

  return (
    <Dialog
      title={t('billing.cards.addTitle')}
      closeLabel={t('common.close')}
      onClose={() => {
        if (!busy) onClose();
      }}
      footer={
        <>
          <Button variant="secondary" disabled={busy} onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" form={formId} loading={busy} disabled={!ready}>
            {t('billing.cards.save')}
          </Button>
        </>
      }
    >
      <div className="card-setup-dialog">
        <CardSetup
          formId={formId}
          publishableKey={publishableKey}
          setAsDefault={makeDefault}
          onReady={() => setReady(true)}
          onBusyChange={setBusy}
          onSaved={(card) => {
            onCardSaved(queryClient, card);
            toast(t('billing.cards.saved'));
            onClose();
          }}
        />
        {!first && (
          <div className="checkbox">
            <input
              id={checkboxId}
              type="checkbox"
              checked={makeDefault}
              disabled={busy}
              onChange={(event) => setMakeDefault(event.target.checked)}
            />
            <label htmlFor={checkboxId}>{t('billing.cards.setDefault')}</label>
          </div>
        )}
      </div>
    </Dialog>
  );
}

function RemoveCardDialog({ card, onClose }: { card: PaymentMethod; onClose: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const queryClient = useQueryClient();
  const subscription = useSubscription();
  const remove = useMutation(removeCardMutation(queryClient));
  const name = cardName(card, t);
  const paysThePlan = card.isDefault && subscription.data !== undefined && currentTier(subscription.data) !== 'FREE';

  return (
    <Dialog
      title={t('billing.cards.removeTitle', { card: name })}
      description={t(paysThePlan ? 'billing.cards.removeDefaultText' : 'billing.cards.removeText')}
      closeLabel={t('common.close')}
      onClose={() => {
        if (!remove.isPending) onClose();
      }}
      footer={
        <>
          <Button variant="secondary" disabled={remove.isPending} onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button
            variant="danger"
            loading={remove.isPending}
            onClick={() =>
              remove.mutate(card.id, {
                onSuccess: () => {
                  toast(t('billing.cards.removed'));
                  onClose();
                },
              })
            }
          >
            {t('billing.cards.removeConfirm')}
          </Button>
        </>
      }
    >
      {remove.isError ? <Alert tone="danger">{billingErrorMessage(remove.error, t)}</Alert> : undefined}
    </Dialog>
  );
}
