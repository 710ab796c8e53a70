import { SendHorizontal } from 'lucide-react';
import {
  useId,
  useRef,
  useState,
  type ClipboardEvent,
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { useT } from '../../shared/i18n/i18n';
import { Spinner } from '../../shared/ui/Spinner';
import { useMediaQuery } from '../../shared/ui/use-media-query';
import { AttachButton, AttachmentPreview, useAttachment } from './attachment';
import { segmentInfo } from './format';

const MAX_LENGTH = 1600;

/** What the composer hands over: the text (maybe empty with a picture) and the picture's signed URL. */
export interface OutgoingMessage {
  body: string;
  mediaUrls: string[];
}

/**
 * The message box: grows with the text, shows how many SMS it makes while
 * typing, sends on Enter with a keyboard (Shift+Enter for a new line) and
 * with the button on touch screens, where Enter is a new line; Ctrl/⌘+Enter always sends.
 * With `canAttach`, a picture can go with it (an MMS): picked, pasted, shown
 * and uploaded before Send. `onSend` resolves true once the message is
 * accepted; the text and the picture stay when it is refused.
 */
export function Composer({
  onSend,
  sending,
  disabled = false,
  notice,
  autoFocus = false,
  canAttach = false,
}: {
  onSend: (message: OutgoingMessage) => Promise<boolean>;
  sending: boolean;
  disabled?: boolean;
  /** Shown above the box (an error, a plan limit). */
  notice?: ReactNode;
  autoFocus?: boolean;
  /** The line can send MMS: offer the picture button. */
  canAttach?: boolean;
}) {
  const t = useT();
  const id = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState('');
  const touch = useMediaQuery('(pointer: coarse)');
  const { attachment, attach, remove } = useAttachment();
  const info = segmentInfo(text);
  // A picture still uploading, or refused, holds Send until it is ready or removed.
  const pictureReady = attachment?.state === 'ready';
  const canSend = (text.trim().length > 0 || pictureReady) && (!attachment || pictureReady) && !sending && !disabled;

  const submit = async () => {
    if (!canSend) return;
    const body = text;
    const mediaUrls = attachment?.state === 'ready' ? [attachment.media.url] : [];
    setText('');
    const ok = await onSend({ body, mediaUrls });
    // Refused: give the text back so nothing typed is lost; the picture stays until it is sent.
    if (!ok) setText((current) => current || body);
    else if (mediaUrls.length > 0) remove();
    inputRef.current?.focus();
  };

  // A picture pasted into the box is attached, like a picked one.
  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    if (!canAttach || disabled) return;
    const file = Array.from(event.clipboardData.files).find((item) => item.type.startsWith('image/'));
    if (!file) return;
    event.preventDefault();
    attach(file);
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
      {attachment && <AttachmentPreview attachment={attachment} onRemove={remove} errorId={`${id}-attachment`} />}
      <div className="composer__row">
        {canAttach && <AttachButton inputId={`${id}-file`} disabled={disabled || sending} onPick={attach} />}
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
          onPaste={onPaste}
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
        {attachment && attachment.state !== 'failed' ? (
          <span data-testid="segment-count">{t('messages.composer.mms')}</span>
        ) : info ? (
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
