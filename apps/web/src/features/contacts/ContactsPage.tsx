import { useT } from '../../shared/i18n/i18n';
import { EmptyState } from '../../shared/ui/EmptyState';
import { ContactsIllustration } from '../../shared/ui/illustrations';
import { Page } from '../../shared/ui/Page';

export function ContactsPage() {
  const t = useT();
  return (
    <Page title={t('nav.contacts')}>
      <EmptyState
        illustration={<ContactsIllustration />}
        title={t('contacts.empty.title')}
        text={t('contacts.empty.text')}
      />
    </Page>
  );
}
