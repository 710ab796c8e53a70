import type { PaymentMethod } from '@commpro/contracts';
import { CardElement, Elements, useElements, useStripe } from '@stripe/react-stripe-js';
import type { StripeCardElementOptions } from '@stripe/stripe-js';
import { loadStripe } from '@stripe/stripe-js/pure';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Lock } from 'lucide-react';
import { useId, useState, type FormEvent } from 'react';
import { useI18n } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Button } from '../../shared/ui/Button';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { billingApi } from './api';
import { billingErrorMessage } from './error-message';

export interface CardSetupFormProps {
  /** For the submit button, which sits outside the form, in a dialog's footer. */
  formId: string;
  publishableKey: string;
  setAsDefault: boolean;
  /** The card field is on screen and takes input: the submit button can be enabled. */
  onReady: () => void;
  onBusyChange: (busy: boolean) => void;
  onSaved: (card: PaymentMethod) => void;
}

/** Stripe's own words for a card it refused or could not read ("Your card was declined."), in the page's language. */
class StripeMessage extends Error {}

/**
 * A card saved with Stripe Elements: the card details go from Stripe's iframe
 * to Stripe (SetupIntent, with 3-D Secure when the bank asks for it), and only
 * the resulting payment method id comes to our server. Stripe.js is fetched
 * from js.stripe.com the first time this form is shown, not before.
 */
export default function CardSetupForm({ publishableKey, ...props }: CardSetupFormProps) {
  const { t, locale } = useI18n();
  const stripe = useQuery({
    // Outside the 'billing' keys: invalidating billing data must not load Stripe.js again.
    queryKey: ['stripe-js', publishableKey],
    queryFn: async () => {
      const loaded = await loadStripe(publishableKey);
      if (!loaded) throw new Error('Stripe.js is not available');
      return loaded;
    },
    // One Stripe instance per page: Elements cannot be given another.
    staleTime: Infinity,
    gcTime: Infinity,
    structuralSharing: false,
    retry: false,
  });

  if (stripe.isPending) return <LoadingBlock label={t('billing.cards.loading')} />;
  if (stripe.isError) {
    return (
      <Alert tone="danger">
        <p>{t('billing.cards.loadFailed')}</p>
        <Button size="sm" variant="secondary" onClick={() => void stripe.refetch()}>
          {t('common.retry')}
        </Button>
      </Alert>
    );
  }
  return (
    <Elements stripe={stripe.data} options={{ locale }}>
      <CardForm {...props} />
    </Elements>
  );
}

/** The iframe cannot read our CSS: it gets the theme's colours and type, as they are when the form opens. */
function cardElementOptions(): StripeCardElementOptions {
  const css = getComputedStyle(document.documentElement);
  const value = (name: string) => css.getPropertyValue(name).trim();
  return {
    style: {
      base: {
        color: value('--text'),
        iconColor: value('--text-2'),
        fontFamily: value('--font-sans'),
        fontSize: '15px',
        '::placeholder': { color: value('--text-3') },
      },
      invalid: { color: value('--danger'), iconColor: value('--danger') },
    },
  };
}

function CardForm({
  formId,
  setAsDefault,
  onReady,
  onBusyChange,
  onSaved,
}: Omit<CardSetupFormProps, 'publishableKey'>) {
  const { t } = useI18n();
  const stripe = useStripe();
  const elements = useElements();
  const labelId = useId();
  const errorId = useId();
  const hintId = useId();
  const [options] = useState(cardElementOptions);
  // What Stripe says while the card is typed ("Your card number is incomplete.").
  const [typingError, setTypingError] = useState<string | undefined>();

  const save = useMutation({
    mutationFn: async () => {
      const card = elements?.getElement(CardElement);
      // The submit button stays disabled until the field is ready, so both are there.
      if (!stripe || !card) throw new StripeMessage(t('billing.cards.failed'));
      const { clientSecret } = await billingApi.setupIntent();
      const result = await stripe.confirmCardSetup(clientSecret, { payment_method: { card } });
      if (result.error) throw new StripeMessage(result.error.message ?? t('billing.cards.failed'));
      const method = result.setupIntent.payment_method;
      if (!method) throw new StripeMessage(t('billing.cards.failed'));
      return billingApi.addPaymentMethod({
        paymentMethodId: typeof method === 'string' ? method : method.id,
        setAsDefault,
      });
    },
    onMutate: () => onBusyChange(true),
    onSettled: () => onBusyChange(false),
    onSuccess: onSaved,
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!save.isPending) save.mutate();
  };

  const cardError = typingError ?? (save.error instanceof StripeMessage ? save.error.message : undefined);
  const apiError = save.error && !(save.error instanceof StripeMessage) ? save.error : null;

  return (
    <form id={formId} className="card-setup" onSubmit={onSubmit} noValidate>
      <div className={`field${cardError ? ' field--invalid' : ''}`}>
        <span
          className="field__label"
          id={labelId}
          // Like a <label>: the card number takes the focus (the field is Stripe's iframe).
          onClick={() => elements?.getElement(CardElement)?.focus()}
        >
          {t('billing.cards.details')}
        </span>
        <div role="group" aria-labelledby={labelId} aria-describedby={cardError ? errorId : hintId}>
          <CardElement
            className="input card-field"
            options={options}
            onReady={onReady}
            onChange={(event) => {
              setTypingError(event.error?.message);
              if (save.isError) save.reset();
            }}
          />
        </div>
        {cardError ? (
          <p className="field__error" id={errorId} role="alert">
            {cardError}
          </p>
        ) : (
          <p className="field__hint card-setup__secure" id={hintId}>
            <Lock size={13} aria-hidden />
            {t('billing.cards.secure')}
          </p>
        )}
      </div>
      {apiError && <Alert tone="danger">{billingErrorMessage(apiError, t)}</Alert>}
    </form>
  );
}
