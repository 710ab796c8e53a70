import { Phone, PhoneOff } from 'lucide-react';
import { useEffect, useId, useRef } from 'react';
import { useT } from '../../shared/i18n/i18n';
import { partyName } from '../contacts/format';
import { lineLabel } from '../messages/MessagesLayout';
import { formatPhone } from '../numbers/format';
import type { CallController, RingingCall } from './call-controller';
import { useVoiceLines } from './use-calls';

/**
 * A call ringing on this device, over everything (a modal <dialog>: the rest of
 * the app waits for Accept or Decline). It goes away by itself when the call is
 * answered on another device, declined there, or the caller hangs up.
 */
export function IncomingCall({ ringing, controller }: { ringing: RingingCall; controller: CallController }) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const { all } = useVoiceLines();
  const { call, answering } = ringing;
  const line = all.find((item) => item.phoneNumber === call.to);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  return (
    <dialog
      ref={ref}
      className="incoming"
      aria-labelledby={titleId}
      data-testid="incoming-call"
      // Escape must not hide a ringing call: Decline says what happens.
      onCancel={(event) => event.preventDefault()}
    >
      <div className="incoming__body">
        <p className="incoming__label" id={titleId}>
          {t('calls.incoming.title')}
        </p>
        <span className="incoming__avatar call-avatar" aria-hidden>
          <Phone size={34} />
        </span>
        <h2 className="incoming__caller">{partyName(call.contact, call.from)}</h2>
        {call.contact && <p className="incoming__number">{formatPhone(call.from)}</p>}
        <p className="incoming__line">
          {t('calls.incoming.toLine', { line: line ? lineLabel(line) : formatPhone(call.to) })}
        </p>
      </div>
      <div className="incoming__actions">
        <div className="call-action">
          <button
            type="button"
            className="call-round call-round--end"
            aria-label={t('calls.incoming.decline')}
            disabled={answering}
            onClick={() => void controller.decline(call.id)}
          >
            <PhoneOff size={28} aria-hidden />
          </button>
          <span aria-hidden>{t('calls.incoming.decline')}</span>
        </div>
        <div className="call-action">
          <button
            type="button"
            className="call-round call-round--accept"
            aria-label={t('calls.incoming.accept')}
            aria-busy={answering || undefined}
            disabled={answering}
            onClick={() => void controller.accept(call.id)}
          >
            <Phone size={28} aria-hidden />
          </button>
          <span aria-hidden>{t('calls.incoming.accept')}</span>
        </div>
      </div>
    </dialog>
  );
}
