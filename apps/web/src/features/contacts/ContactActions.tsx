import { MessageSquare, Pencil, Phone } from 'lucide-react';
import { Link } from 'react-router';
import { useT } from '../../shared/i18n/i18n';
import { useToast } from '../../shared/ui/Toast';
import { useCallsState } from '../calls/calls-runtime';
import { dialErrorText, useDial } from '../calls/dial';
import { useVoiceLines } from '../calls/use-calls';
import { threadPath } from '../messages/api';
import { useSmsLines } from '../messages/use-messages';

/**
 * Call, Text and Edit, as round buttons under the contact's name. Calling starts
 * at once from the main line, as "Call back" does in the history; without a line
 * that can call, the dialer opens with the number (and says how to get a line).
 */
export function ContactActions({ contactId, phoneNumber }: { contactId: string; phoneNumber: string }) {
  const t = useT();
  const toast = useToast();
  const voice = useVoiceLines().lines[0];
  const sms = useSmsLines().lines[0];
  const dial = useDial();
  const busy = useCallsState().active !== null;

  return (
    <div className="contact-actions" role="group" aria-label={t('contacts.actions')}>
      {voice ? (
        <button
          type="button"
          className="contact-action"
          disabled={busy || dial.isPending}
          onClick={() =>
            dial.mutate(
              { from: voice.phoneNumber, to: phoneNumber },
              { onError: (error) => toast(dialErrorText(error, t), 'danger') },
            )
          }
        >
          <span className="contact-action__icon">
            <Phone size={20} aria-hidden />
          </span>
          {t('contacts.call')}
        </button>
      ) : (
        <Link className="contact-action" to={`/calls/dial?to=${encodeURIComponent(phoneNumber)}`}>
          <span className="contact-action__icon">
            <Phone size={20} aria-hidden />
          </span>
          {t('contacts.call')}
        </Link>
      )}
      <Link
        className="contact-action"
        to={sms ? threadPath(sms.phoneNumber, phoneNumber) : `/messages/${encodeURIComponent(phoneNumber)}`}
      >
        <span className="contact-action__icon">
          <MessageSquare size={20} aria-hidden />
        </span>
        {t('contacts.text')}
      </Link>
      <Link className="contact-action" to={`/contacts/${contactId}/edit`}>
        <span className="contact-action__icon">
          <Pencil size={20} aria-hidden />
        </span>
        {t('contacts.edit')}
      </Link>
    </div>
  );
}
