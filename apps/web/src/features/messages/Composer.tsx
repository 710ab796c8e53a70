import { SendHorizontal } from 'lucide-react';
import { useId, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { useT } from '../../shared/i18n/i18n';
import { Spinner } from '../../shared/ui/Spinner';
import { useMediaQuery } from '../../shared/ui/use-media-query';
import { segmentInfo } from './format';

const MAX_LENGTH = 1600;

/**
 * The message box: grows with the text, shows how many SMS it makes while
 * typing, sends on Enter with a keyboard (Shift+Enter for a new line) and
 * with the button on touch screens, where Enter is a new line; Ctrl/⌘+Enter always sends.
 * `onSend` resolves true once the message is accepted; the text stays when it is refused.
 */
export function Composer({
  onSend,
  sending,
  disabled = false,
  notice,
  autoFocus = false,
}: {
  onSend: (body: string) => Promise<boolean>;
  sending: boolean;
  disabled?: boolean;
  /** Shown above the box (an error, a plan limit). */
  notice?: ReactNode;
  autoFocus?: boolean;
}) {
  const t = useT();
  const id = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState('');
  const touch = useMediaQuery('(pointer: coarse)');
  const info = segmentInfo(text);
  const canSend = text.trim().length > 0 && !sending && !disabled;

  const submit = async () => {
    if (!canSend) return;
    const body = text;
    setText('');
    const ok = await onSend(body);
    // Refused: give the text back so nothing typed is lost.
    if (!ok) setText((current) => current || body);
    inputRef.current?.focus();
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void submit();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== 'Enter' || event.nativeEvent.isComposing) return;
    const force = event.ctrlKey || event.metaKey;
    if (force || (!touch && !event.shiftKey)) {
      event.preventDefault();
      void submit();
    }
  };

  return (
    <form ref={formRef} className="composer" onSubmit={onSubmit} noValidate>
      {notice}
      <div className="composer__row">
        <label htmlFor={id} className="visually-hidden">
          {t('messages.composer.label')}
        </label>
        <textarea
          ref={inputRef}
          id={id}
          className="composer__input"
          rows={1}
          value={text}
          maxLength={MAX_LENGTH}
          placeholder={t('messages.composer.placeholder')}
          disabled={disabled}
          autoFocus={autoFocus}
          aria-describedby={`${id}-count`}
          enterKeyHint={touch ? 'enter' : 'send'}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKeyDown}
        />
        <button
          type="submit"
          className="composer__send"
          aria-label={t('messages.composer.send')}
          disabled={!canSend}
          aria-busy={sending || undefined}
        >
          {sending ? <Spinner size={18} /> : <SendHorizontal size={20} aria-hidden />}
        </button>
      </div>
      <p className="composer__meta" id={`${id}-count`} aria-live="polite">
        {info ? (
          <>
            <span data-testid="segment-count">
              {t('messages.composer.count', { segments: info.segments, remaining: info.remaining })}
            </span>
            {info.unicode && (
              <span className="composer__unicode" title={t('messages.composer.unicodeHint')}>
                {t('messages.composer.unicode')}
                <span className="visually-hidden"> — {t('messages.composer.unicodeHint')}</span>
              </span>
            )}
          </>
        ) : (
          !touch && <span className="composer__hint">{t('messages.composer.enterHint')}</span>
        )}
      </p>
    </form>
  );
}
