import type { Capabilities as CapabilitySet } from '@commpro/contracts';
import { Image, MessageSquare, Phone } from 'lucide-react';
import { useT } from '../../shared/i18n/i18n';

/** Voice / SMS / MMS chips for what a number can do; what it cannot do is listed for screen readers. */
export function CapabilityChips({ capabilities }: { capabilities: CapabilitySet }) {
  const t = useT();
  const all = [
    { key: 'voice', on: capabilities.voice, label: t('numbers.capability.voice'), icon: Phone },
    { key: 'sms', on: capabilities.sms, label: t('numbers.capability.sms'), icon: MessageSquare },
    { key: 'mms', on: capabilities.mms, label: t('numbers.capability.mms'), icon: Image },
  ] as const;
  const missing = all.filter((item) => !item.on);
  return (
    <ul className="caps" aria-label={t('numbers.capabilities')}>
      {all
        .filter((item) => item.on)
        .map(({ key, label, icon: Icon }) => (
          <li key={key} className="caps__chip">
            <Icon size={13} aria-hidden />
            {label}
          </li>
        ))}
      {missing.length > 0 && (
        <li className="caps__missing">
          {t('numbers.capability.none', { list: missing.map((item) => item.label).join(', ') })}
        </li>
      )}
    </ul>
  );
}
