import { lazy, Suspense } from 'react';
import { useT } from '../../shared/i18n/i18n';
import { LoadingBlock } from '../../shared/ui/Spinner';
import type { CardSetupFormProps } from './CardSetupForm';

// Stripe's React bindings come with the form, in their own chunk: nobody on local billing downloads them.
const CardSetupForm = lazy(() => import('./CardSetupForm'));

/** The card form (Stripe Elements), loaded the first time it is shown. */
export function CardSetup(props: CardSetupFormProps) {
  const t = useT();
  return (
    <Suspense fallback={<LoadingBlock label={t('billing.cards.loading')} />}>
      <CardSetupForm {...props} />
    </Suspense>
  );
}
