import type { Message } from '@commpro/contracts';
import { Check, CheckCheck, CircleAlert, Clock3, RotateCw, Trash2 } from 'lucide-react';
import { useId, useRef, useState, type PointerEvent } from 'react';
import { useI18n } from '../../shared/i18n/i18n';
import { Button } from '../../shared/ui/Button';
import { formatStepTime, formatTime, photoSrc } from './format';
import { Lightbox } from './Lightbox';

export const FAILED = new Set<Message['status']>(['FAILED', 'UNDELIVERED']);

function StatusIcon({ status }: { status: Message['status'] }) {
  if (status === 'DELIVERED') return <CheckCheck size={15} aria-hidden />;
  if (status === 'SENT') return <Check size={15} aria-hidden />;
  if (FAILED.has(status)) return <CircleAlert size={14} aria-hidden />;
  return <Clock3 size={13} aria-hidden />;
}

/**
 * One message: mine on the right, theirs on the left, with its time and, for
 * mine, ✓ sent / ✓✓ delivered. Tapping the time (or a long press, or a right
 * click) opens its details: the delivery timeline and Delete.
 */
export function MessageBubble({
  message,
  open,
  onToggle,
  onRetry,
  onDelete,
  retrying,
}: {
  message: Message;
  open: boolean;
  onToggle: () => void;
  onRetry: () => void;
  onDelete: () => void;
  retrying: boolean;
}) {
  const { t, locale } = useI18n();
  const detailsId = useId();
  const mine = message.direction === 'OUTBOUND';
  const failed = mine && FAILED.has(message.status);
  const press = useRef<number | undefined>(undefined);
  const [viewing, setViewing] = useState<string | null>(null);

  const startPress = (event: PointerEvent) => {
    if (event.pointerType !== 'touch') return;
    press.current = window.setTimeout(onToggle, 550);
  };
  const endPress = () => window.clearTimeout(press.current);

  return (
    <li
      className={`bubble-row ${mine ? 'bubble-row--mine' : 'bubble-row--theirs'}${failed ? ' bubble-row--failed' : ''}`}
      data-testid="message"
      data-status={message.status}
      data-direction={message.direction}
    >
      <div
        className="bubble"
        onContextMenu={(event) => {
          event.preventDefault();
          onToggle();
        }}
        onPointerDown={startPress}
        onPointerUp={endPress}
        onPointerCancel={endPress}
        onPointerMove={endPress}
      >
        {message.mediaUrls.length > 0 && (
          <div className="bubble__media">
            {message.mediaUrls.map((url, index) => (
              <button
                key={url}
                type="button"
                className="bubble__photo"
                aria-label={t('messages.photoView')}
                onClick={() => setViewing(photoSrc(url))}
              >
                <img
                  src={photoSrc(url)}
                  alt={message.mediaUrls.length > 1 ? `${t('messages.photo')} ${index + 1}` : t('messages.photo')}
                  loading="lazy"
                  data-testid="message-photo"
                />
              </button>
            ))}
          </div>
        )}
        {message.body && <p className="bubble__text">{message.body}</p>}
      </div>
      <button
        type="button"
        className="bubble__meta"
        aria-expanded={open}
        aria-controls={detailsId}
        title={t('messages.details')}
        onClick={onToggle}
      >
        <time dateTime={message.createdAt}>{formatTime(message.createdAt, locale)}</time>
        {mine && (
          <span className={`bubble__status bubble__status--${message.status.toLowerCase()}`}>
            <StatusIcon status={message.status} />
            <span className={failed ? undefined : 'visually-hidden'}>{t(`messages.status.${message.status}`)}</span>
          </span>
        )}
      </button>
      {failed && (
        <div className="bubble__failure" role="note">
          {message.failure?.reason && <p>{message.failure.reason}</p>}
          <Button
            variant="ghost"
            size="sm"
            icon={<RotateCw size={14} aria-hidden />}
            loading={retrying}
            aria-label={t('messages.retryNamed')}
            onClick={onRetry}
          >
            {t('messages.retry')}
          </Button>
        </div>
      )}
      {open && (
        <div className="bubble__details" id={detailsId}>
          <p className="bubble__details-title">{t('messages.timeline')}</p>
          <ol className="timeline">
            {message.statusHistory.map((step) => (
              <li key={`${step.status}-${step.at}`}>
                <span>{t(`messages.step.${step.status}`)}</span>
                <time dateTime={step.at}>{formatStepTime(step.at, locale)}</time>
              </li>
            ))}
          </ol>
          {message.segments > 0 && message.encoding && (
            <p className="bubble__details-meta">
              {t('messages.segments', { segments: message.segments, encoding: message.encoding })}
            </p>
          )}
          <Button
            variant="danger-ghost"
            size="sm"
            icon={<Trash2 size={14} aria-hidden />}
            aria-label={t('messages.deleteNamed')}
            onClick={onDelete}
          >
            {t('messages.delete')}
          </Button>
        </div>
      )}
      {viewing && <Lightbox src={viewing} alt={t('messages.photo')} onClose={() => setViewing(null)} />}
    </li>
  );
}
