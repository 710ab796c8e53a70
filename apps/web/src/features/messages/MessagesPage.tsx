import { useT } from '../../shared/i18n/i18n';
import { EmptyState } from '../../shared/ui/EmptyState';
import { MessagesIllustration } from '../../shared/ui/illustrations';
import { Page } from '../../shared/ui/Page';
import { NumbersStrip } from '../numbers/NumbersStrip';

export function MessagesPage() {
  const t = useT();
  return (
    <Page title={t('nav.messages')}>
      <NumbersStrip />
      <EmptyState
        illustration={<MessagesIllustration />}
        title={t('messages.empty.title')}
        text={t('messages.empty.text')}
      />
    </Page>
  );
}
