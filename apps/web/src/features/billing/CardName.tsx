import type { PaymentMethod } from '@commpro/contracts';
import { useT, type Translate } from '../../shared/i18n/i18n';
import { cardBrandName } from './format';

/** "Visa ending in 4242": a card in a sentence, a toast or a button's accessible name. */
export function cardName(card: PaymentMethod, t: Translate): string {
  return t('billing.cards.named', { brand: cardBrandName(card.brand) ?? t('billing.cards.card'), last4: card.last4 });
}

/** "Visa •••• 4242" on screen, read as "Visa ending in 4242". */
export function CardName({ card }: { card: PaymentMethod }) {
  const t = useT();
  return (
    <span className="card-name">
      {cardBrandName(card.brand) ?? t('billing.cards.card')} <span aria-hidden>••••</span>
      <span className="visually-hidden">{t('billing.cards.endingIn')}</span> {card.last4}
    </span>
  );
}
