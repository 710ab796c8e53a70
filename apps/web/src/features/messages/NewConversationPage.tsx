import { ChevronLeft } from 'lucide-react';
import { useId, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { fieldErrorsOf } from '../../shared/api/errors';
import { useT } from '../../shared/i18n/i18n';
import { SelectField, TextField } from '../../shared/ui/Field';
import { useDocumentTitle } from '../../shared/ui/use-document-title';
import { formatPhone, toE164 } from '../numbers/format';
import { threadPath } from './api';
import { Composer, type OutgoingMessage } from './Composer';
import { lineLabel } from './MessagesLayout';
import { draftOf, NoLineNotice, SendError, useComposerSend } from './send';
import { useSmsLines } from './use-messages';

/** A message to any number: who to, from which line (when there are several), and the text. */
export function NewConversationPage() {
  const t = useT();
  const navigate = useNavigate();
  const formId = useId();
  const toRef = useRef<HTMLInputElement>(null);
  const { lines, isSuccess } = useSmsLines();
  const [to, setTo] = useState('');
  const [toError, setToError] = useState<string | undefined>();
  const [picked, setPicked] = useState<string | null>(null);
  const line = lines.find((item) => item.phoneNumber === picked) ?? lines[0];
  useDocumentTitle(t('messages.newTitle'));
  const { submit, send } = useComposerSend();

  const onSend = async ({ body, mediaUrls }: OutgoingMessage) => {
    if (!line) return false;
    const e164 = toE164(to, line.countryCode);
    if (!e164) {
      setToError(t('messages.toInvalid'));
      toRef.current?.focus();
      return false;
    }
    if (e164 === line.phoneNumber) {
      setToError(t('messages.toSelf'));
      toRef.current?.focus();
      return false;
    }
    try {
      // Sent or waiting in the outbox, the message is in its thread from now on.
      await submit(draftOf(line.phoneNumber, e164, body, mediaUrls));
      navigate(threadPath(line.phoneNumber, e164), { replace: true });
      return true;
    } catch (error) {
      const fields = fieldErrorsOf(error, t);
      if (fields.to) {
        setToError(fields.to);
        toRef.current?.focus();
      }
      return false;
    }
  };

  const serverToError = send.isError && fieldErrorsOf(send.error, t).to;

  return (
    <section className="thread" aria-labelledby="page-title">
      <header className="thread__header">
        <Link className="thread__back" to="/messages" aria-label={t('messages.back')}>
          <ChevronLeft size={22} aria-hidden />
          <span className="thread__back-text">{t('messages.back')}</span>
        </Link>
        <div className="thread__who">
          <h1 className="thread__title" id="page-title" tabIndex={-1}>
            {t('messages.newTitle')}
          </h1>
        </div>
      </header>
      <div className="thread__body thread__body--new">
        {isSuccess && lines.length === 0 ? (
          <NoLineNotice />
        ) : (
          <div className="new-message" id={formId}>
            <TextField
              ref={toRef}
              label={t('messages.to')}
              name="to"
              type="tel"
              inputMode="tel"
              autoComplete="tel"
              autoFocus
              placeholder={t('messages.toPlaceholder')}
              hint={t('messages.toHint')}
              value={to}
              error={toError}
              onChange={(event) => {
                setTo(event.target.value);
                setToError(undefined);
              }}
            />
            {lines.length > 1 && line && (
              <SelectField
                label={t('messages.fromLine')}
                name="from"
                value={line.phoneNumber}
                onChange={(event) => setPicked(event.target.value)}
              >
                {lines.map((item) => (
                  <option key={item.id} value={item.phoneNumber}>
                    {item.friendlyName ? `${item.friendlyName} · ${formatPhone(item.phoneNumber)}` : lineLabel(item)}
                  </option>
                ))}
              </SelectField>
            )}
          </div>
        )}
      </div>
      {lines.length > 0 && (
        <Composer
          sending={send.isPending}
          canAttach={Boolean(line?.capabilities.mms)}
          onSend={onSend}
          notice={send.isError && !serverToError ? <SendError error={send.error} /> : undefined}
        />
      )}
    </section>
  );
}
