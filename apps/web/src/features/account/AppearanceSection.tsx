import { Monitor, Moon, Sun } from 'lucide-react';
import { useI18n, type Locale } from '../../shared/i18n/i18n';
import { useTheme, type ThemePreference } from '../../shared/theme/theme';
import { Card } from '../../shared/ui/Card';
import { LOCALE_NAMES } from '../../shared/ui/LanguageSelect';
import { Segmented } from '../../shared/ui/Segmented';
import { SectionTitle } from './SettingsLayout';

export function AppearanceSection() {
  const { t, locale, setLocale } = useI18n();
  const { preference, setPreference } = useTheme();
  return (
    <div className="section">
      <SectionTitle title={t('settings.appearance.title')} description={t('settings.appearance.description')} />
      <Card title={t('settings.appearance.language')} description={t('settings.appearance.languageHint')}>
        <Segmented<Locale>
          legend={t('settings.appearance.language')}
          name="language"
          value={locale}
          onChange={setLocale}
          options={(Object.keys(LOCALE_NAMES) as Locale[]).map((code) => ({ value: code, label: LOCALE_NAMES[code] }))}
        />
      </Card>
      <Card title={t('settings.appearance.theme')} description={t('settings.appearance.themeHint')}>
        <Segmented<ThemePreference>
          legend={t('settings.appearance.theme')}
          name="theme"
          value={preference}
          onChange={setPreference}
          options={[
            { value: 'light', label: t('settings.appearance.light'), icon: <Sun size={16} aria-hidden /> },
            { value: 'dark', label: t('settings.appearance.dark'), icon: <Moon size={16} aria-hidden /> },
            { value: 'system', label: t('settings.appearance.system'), icon: <Monitor size={16} aria-hidden /> },
          ]}
        />
      </Card>
    </div>
  );
}
