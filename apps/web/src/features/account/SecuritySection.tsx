import { useT } from '../../shared/i18n/i18n';
import { ChangePasswordCard } from './ChangePasswordCard';
import { PrivacyCard } from './PrivacyCard';
import { SessionsCard } from './SessionsCard';
import { SectionTitle } from './SettingsLayout';
import { TwoFactorCard } from './TwoFactorCard';

export function SecuritySection() {
  const t = useT();
  return (
    <div className="section">
      <SectionTitle title={t('settings.security.title')} description={t('settings.security.description')} />
      <TwoFactorCard />
      <ChangePasswordCard />
      <SessionsCard />
      <PrivacyCard />
    </div>
  );
}
