import type { UploadedMedia } from '@commpro/contracts';
import { ImageOff, ImagePlus, X } from 'lucide-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../shared/api/error-message';
import { isApiError } from '../../shared/api/errors';
import { useI18n, useT, type Translate } from '../../shared/i18n/i18n';
import { Spinner } from '../../shared/ui/Spinner';
import { messagesApi } from './api';
import { checkPicture, formatBytes, MEDIA_TYPES } from './format';

/** The picture attached to the message being written, from the pick to the signed URL. */
export type Attachment =
  | { state: 'uploading'; file: File; preview: string; progress: number }
  | { state: 'ready'; file: File; preview: string; media: UploadedMedia }
  | { state: 'failed'; file: File; preview: null; error: string };

/** The server's refusal of an upload, in the person's language. */
function uploadError(error: unknown, t: Translate): string {
  if (isApiError(error) && error.status === 413) return t('messages.attach.tooBigServer');
  if (isApiError(error) && error.status === 415) return t('messages.attach.notPicture');
  return errorMessage(error, t);
}

/**
 * The attachment of the composer: `attach` checks the file, shows it at once
 * (a local preview) and uploads it; `remove` cancels an upload under way.
 */
export function useAttachment() {
  const { t, locale } = useI18n();
  const [attachment, setAttachment] = useState<Attachment | null>(null);
  const upload = useRef<AbortController | null>(null);
  const preview = useRef<string | null>(null);

  const release = useCallback(() => {
    upload.current?.abort();
    upload.current = null;
    if (preview.current) URL.revokeObjectURL(preview.current);
    preview.current = null;
  }, []);

  // Leaving the conversation cancels the upload and frees the preview.
  useEffect(() => release, [release]);

  const remove = useCallback(() => {
    release();
    setAttachment(null);
  }, [release]);

  const attach = useCallback(
    (file: File) => {
      release();
      const refused = checkPicture(file, t, locale);
      if (refused) {
        setAttachment({ state: 'failed', file, preview: null, error: refused });
        return;
      }
      const url = URL.createObjectURL(file);
      const controller = new AbortController();
      preview.current = url;
      upload.current = controller;
      setAttachment({ state: 'uploading', file, preview: url, progress: 0 });
      messagesApi
        .uploadMedia(file, {
          signal: controller.signal,
          onProgress: (progress) =>
            setAttachment((current) =>
              current?.state === 'uploading' && current.preview === url ? { ...current, progress } : current,
            ),
        })
        .then(
          (media) => {
            if (controller.signal.aborted) return;
            upload.current = null;
            setAttachment({ state: 'ready', file, preview: url, media });
          },
          (error: unknown) => {
            if (controller.signal.aborted) return;
            upload.current = null;
            URL.revokeObjectURL(url);
            preview.current = null;
            setAttachment({ state: 'failed', file, preview: null, error: uploadError(error, t) });
          },
        );
    },
    [release, t, locale],
  );

  return { attachment, attach, remove };
}

/** The picture button: a labelled file input (the label is the button), for keyboards and screen readers too. */
export function AttachButton({
  inputId,
  disabled,
  onPick,
}: {
  inputId: string;
  disabled: boolean;
  onPick: (file: File) => void;
}) {
  const t = useT();
  return (
    <span className={`composer__attach${disabled ? ' composer__attach--disabled' : ''}`}>
      <input
        id={inputId}
        className="visually-hidden"
        type="file"
        accept={MEDIA_TYPES.join(',')}
        disabled={disabled}
        onChange={(event) => {
          const file = event.target.files?.[0];
          // Clear it so picking the same file again still counts as a change.
          event.target.value = '';
          if (file) onPick(file);
        }}
      />
      <label htmlFor={inputId} title={t('messages.attach.label')}>
        <ImagePlus size={21} aria-hidden />
        <span className="visually-hidden">{t('messages.attach.label')}</span>
      </label>
    </span>
  );
}

/** The attached picture above the box: its thumbnail, the upload under way, the refusal, and ×. */
export function AttachmentPreview({
  attachment,
  onRemove,
  errorId,
}: {
  attachment: Attachment;
  onRemove: () => void;
  errorId: string;
}) {
  const { t, locale } = useI18n();
  const percent = attachment.state === 'uploading' ? Math.round(attachment.progress * 100) : 100;
  return (
    <div
      className={`attachment attachment--${attachment.state}`}
      data-testid="attachment"
      data-state={attachment.state}
    >
      <div className="attachment__thumb">
        {attachment.preview ? (
          <img src={attachment.preview} alt={t('messages.attach.preview', { name: attachment.file.name })} />
        ) : (
          <ImageOff size={24} aria-hidden />
        )}
        {attachment.state === 'uploading' && (
          <span className="attachment__progress">
            <Spinner size={22} />
            <span
              className="attachment__bar"
              role="progressbar"
              aria-label={t('messages.attach.uploading')}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={percent}
            >
              <span style={{ width: `${Math.max(percent, 4)}%` }} />
            </span>
          </span>
        )}
        <button
          type="button"
          className="attachment__remove"
          aria-label={t('messages.attach.remove')}
          title={t('messages.attach.remove')}
          onClick={onRemove}
        >
          <X size={14} aria-hidden strokeWidth={2.5} />
        </button>
      </div>
      <div className="attachment__info">
        <p className="attachment__name">{attachment.file.name}</p>
        {attachment.state === 'failed' ? (
          <p className="attachment__error" id={errorId} role="alert">
            {attachment.error}
          </p>
        ) : (
          <p className="attachment__meta" aria-live="polite">
            {attachment.state === 'uploading'
              ? t('messages.attach.uploadingPercent', { percent })
              : t('messages.attach.ready', { size: formatBytes(attachment.media.sizeBytes, locale) })}
          </p>
        )}
      </div>
    </div>
  );
}
