import { Languages } from 'lucide-react';
import { useId } from 'react';
import { useI18n, type Locale } from '../i18n/i18n';

export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', fr: 'Français' };

/** Compact language picker for screens without the settings page. */
export function LanguageSelect() {
  const { locale, setLocale, t } = useI18n();
  const id = useId();
  return (
    <div className="lang-select">
      <label htmlFor={id} className="visually-hidden">
        {t('settings.appearance.language')}
      </label>
      <Languages size={16} aria-hidden className="lang-select__icon" />
      <select id={id} value={locale} onChange={(event) => setLocale(event.target.value as Locale)}>
        {(Object.keys(LOCALE_NAMES) as Locale[]).map((code) => (
          <option key={code} value={code}>
            {LOCALE_NAMES[code]}
          </option>
        ))}
      </select>
    </div>
  );
}
