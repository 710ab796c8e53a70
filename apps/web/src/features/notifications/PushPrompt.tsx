import { BellRing, X } from 'lucide-react';
import { useState } from 'react';
import { useT } from '../../shared/i18n/i18n';
import { Button } from '../../shared/ui/Button';
import { useToast } from '../../shared/ui/Toast';
import { useMyNumbers } from '../numbers/use-numbers';
import type { EnableResult } from './push';
import { usePushRegistration } from './use-push';

const DISMISSED_KEY = 'commpro.pushPromptDismissed';

/** Turning push on from a prompt or from Settings: says how it went. */
export function useEnablePush() {
  const t = useT();
  const toast = useToast();
  const push = usePushRegistration();
  const enable = () =>
    push.enable.mutate(undefined, {
      onSuccess: (result: EnableResult) => {
        if (result === 'on') toast(t('notifications.prompt.enabled'));
        else if (result === 'denied') toast(t('notifications.prompt.denied'), 'danger');
      },
      onError: () => toast(t('notifications.prompt.failed'), 'danger'),
    });
  return { push, enable };
}

/**
 * Asks for push at a sensible moment: in the notification centre, and over
 * the messages and calls lists once the person has a line — never on first
 * load, and not again once dismissed on this device.
 */
export function PushPrompt({ variant }: { variant: 'banner' | 'card' }) {
  const t = useT();
  const { push, enable } = useEnablePush();
  const hasLine = (useMyNumbers().data?.length ?? 0) > 0;
  const [dismissed, setDismissed] = useState(() => localStorage.getItem(DISMISSED_KEY) === '1');
  if (dismissed || push.state !== 'off' || (variant === 'banner' && !hasLine)) return null;

  const dismiss = () => {
    localStorage.setItem(DISMISSED_KEY, '1');
    setDismissed(true);
  };
  return (
    <section className={`push-prompt push-prompt--${variant}`} aria-labelledby={`push-prompt-${variant}`}>
      <span className="push-prompt__icon" aria-hidden>
        <BellRing size={18} />
      </span>
      <div className="push-prompt__text">
        <h2 className="push-prompt__title" id={`push-prompt-${variant}`}>
          {t('notifications.prompt.title')}
        </h2>
        <p className="push-prompt__body">{t('notifications.prompt.text')}</p>
      </div>
      <Button size="sm" className="push-prompt__action" loading={push.enable.isPending} onClick={enable}>
        {t('notifications.prompt.enable')}
      </Button>
      <button
        type="button"
        className="push-prompt__close"
        aria-label={t('notifications.prompt.dismiss')}
        onClick={dismiss}
      >
        <X size={16} aria-hidden />
      </button>
    </section>
  );
}
