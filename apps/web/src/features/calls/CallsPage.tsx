import { useT } from '../../shared/i18n/i18n';
import { EmptyState } from '../../shared/ui/EmptyState';
import { CallsIllustration } from '../../shared/ui/illustrations';
import { Page } from '../../shared/ui/Page';

export function CallsPage() {
  const t = useT();
  return (
    <Page title={t('nav.calls')}>
      <EmptyState illustration={<CallsIllustration />} title={t('calls.empty.title')} text={t('calls.empty.text')} />
    </Page>
  );
}
