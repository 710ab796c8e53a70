import type { ContactHistoryItem } from '@commpro/contracts';
import { MessageSquare, PhoneIncoming, PhoneMissed, PhoneOff, PhoneOutgoing } from 'lucide-react';
import { Link } from 'react-router';
import { errorMessage } from '../../shared/api/error-message';
import { useI18n, useT } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Button } from '../../shared/ui/Button';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { useNow } from '../../shared/ui/use-media-query';
import { callSummary } from '../calls/CallHistory';
import { isMissed, isUnanswered } from '../calls/format';
import { endsOf, threadPath } from '../messages/api';
import { formatListTime } from '../messages/format';
import { previewOf } from '../messages/MessagesLayout';
import { useContactHistory } from './use-contacts';

/** The calls and messages with a contact, newest first, a page at a time. */
export function ContactTimeline({ contactId, name }: { contactId: string; name: string }) {
  const t = useT();
  const history = useContactHistory(contactId);
  const items = history.data?.pages.flatMap((page) => page.items) ?? [];
  const now = useNow();

  if (history.isPending) return <LoadingBlock label={t('common.loading')} />;
  if (history.isError) return <Alert tone="danger">{errorMessage(history.error, t)}</Alert>;
  if (items.length === 0) return <p className="contact-timeline__none muted">{t('contacts.history.empty')}</p>;

  return (
    <>
      <ol className="contact-timeline" aria-label={t('contacts.history.label', { name })}>
        {items.map((item) => (
          <TimelineItem key={`${item.kind}-${itemId(item)}`} item={item} now={now} />
        ))}
      </ol>
      {history.hasNextPage && (
        <Button
          variant="secondary"
          className="contact-timeline__more"
          loading={history.isFetchingNextPage}
          onClick={() => void history.fetchNextPage()}
        >
          {t('contacts.history.more')}
        </Button>
      )}
    </>
  );
}

const itemId = (item: ContactHistoryItem) => (item.kind === 'call' ? item.call.id : item.message.id);

function TimelineItem({ item, now }: { item: ContactHistoryItem; now: number }) {
  const { t, locale } = useI18n();
  const time = (
    <time className="contact-event__time" dateTime={item.at}>
      {formatListTime(item.at, locale, Math.max(now, Date.parse(item.at)))}
    </time>
  );

  if (item.kind === 'call') {
    const { call } = item;
    const { detail } = callSummary(call, t);
    const missed = isMissed(call);
    const failed = isUnanswered(call);
    const Icon = missed
      ? PhoneMissed
      : failed
        ? PhoneOff
        : call.direction === 'OUTBOUND'
          ? PhoneOutgoing
          : PhoneIncoming;
    return (
      <li
        className={`contact-event${missed || failed ? ' contact-event--problem' : ''}`}
        data-testid="history-item"
        data-kind="call"
        data-direction={call.direction}
        data-status={call.status}
      >
        <Link className="contact-event__link" to={`/calls/${call.id}`}>
          <span className="contact-event__icon">
            <Icon size={18} aria-hidden />
          </span>
          <span className="contact-event__main">
            <span className="contact-event__top">
              <span className="contact-event__kind">
                {missed
                  ? t('contacts.history.callMissed')
                  : call.direction === 'OUTBOUND'
                    ? t('contacts.history.callOutgoing')
                    : t('contacts.history.callIncoming')}
              </span>
              {time}
            </span>
            <span className="contact-event__detail">{detail}</span>
          </span>
        </Link>
      </li>
    );
  }

  const { message } = item;
  const { mine, their } = endsOf(message);
  const failed = message.status === 'FAILED' || message.status === 'UNDELIVERED';
  return (
    <li
      className={`contact-event${failed ? ' contact-event--problem' : ''}`}
      data-testid="history-item"
      data-kind="message"
      data-direction={message.direction}
      data-status={message.status}
    >
      <Link className="contact-event__link" to={threadPath(mine, their)}>
        <span className="contact-event__icon">
          <MessageSquare size={18} aria-hidden />
        </span>
        <span className="contact-event__main">
          <span className="contact-event__top">
            <span className="contact-event__kind">
              {message.direction === 'OUTBOUND' ? t('contacts.history.sent') : t('contacts.history.received')}
            </span>
            {time}
          </span>
          <span className="contact-event__text">{previewOf(message, t)}</span>
          {message.direction === 'OUTBOUND' && (
            <span className="contact-event__detail">{t(`messages.status.${message.status}`)}</span>
          )}
        </span>
      </Link>
    </li>
  );
}
