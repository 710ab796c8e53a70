import { CircleAlert, Clock3, RotateCw, Trash2 } from 'lucide-react';
import { errorMessage } from '../../shared/api/error-message';
import { ApiError } from '../../shared/api/errors';
import { useI18n } from '../../shared/i18n/i18n';
import { Button } from '../../shared/ui/Button';
import { Spinner } from '../../shared/ui/Spinner';
import { formatTime, photoSrc } from './format';
import type { OutboxEntry } from './outbox';

/**
 * A message of mine still in the outbox: written, not yet with the server.
 * It says whether it waits for the connection or is on its way; refused by
 * the server, it says why and offers to try again or to delete it.
 */
export function PendingBubble({
  entry,
  sending,
  onRetry,
  onDelete,
}: {
  entry: OutboxEntry;
  sending: boolean;
  onRetry: () => void;
  onDelete: () => void;
}) {
  const { t, locale } = useI18n();
  const failed = entry.failure !== null;
  const state = failed ? 'NOT_SENT' : sending ? 'SENDING' : 'WAITING';
  return (
    <li
      className={`bubble-row bubble-row--mine bubble-row--pending${failed ? ' bubble-row--failed' : ''}`}
      data-testid="message"
      data-status={state}
      data-direction="OUTBOUND"
    >
      <div className="bubble">
        {entry.mediaUrls && entry.mediaUrls.length > 0 && (
          <div className="bubble__media">
            {entry.mediaUrls.map((url) => (
              <img key={url} src={photoSrc(url)} alt={t('messages.photo')} loading="lazy" />
            ))}
          </div>
        )}
        {entry.body && <p className="bubble__text">{entry.body}</p>}
      </div>
      <p className="bubble__meta bubble__meta--pending">
        <time dateTime={entry.createdAt}>{formatTime(entry.createdAt, locale)}</time>
        <span
          className={`bubble__status bubble__status--${failed ? 'failed' : 'pending'}`}
          data-testid="pending-status"
        >
          {failed ? (
            <CircleAlert size={14} aria-hidden />
          ) : sending ? (
            <Spinner size={11} />
          ) : (
            <Clock3 size={13} aria-hidden />
          )}
          {failed ? t('offline.outbox.notSent') : sending ? t('offline.outbox.sending') : t('offline.outbox.waiting')}
        </span>
      </p>
      {failed && (
        <div className="bubble__failure" role="note">
          {entry.failure && <p>{errorMessage(new ApiError(entry.failure), t)}</p>}
          <Button
            variant="ghost"
            size="sm"
            icon={<RotateCw size={14} aria-hidden />}
            aria-label={t('messages.retryNamed')}
            onClick={onRetry}
          >
            {t('messages.retry')}
          </Button>
          <Button
            variant="danger-ghost"
            size="sm"
            icon={<Trash2 size={14} aria-hidden />}
            aria-label={t('offline.outbox.deleteNamed')}
            onClick={onDelete}
          >
            {t('messages.delete')}
          </Button>
        </div>
      )}
    </li>
  );
}
