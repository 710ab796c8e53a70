import type { ConversationSummary, PhoneNumber } from '@commpro/contracts';
import { SquarePen, UserRound } from 'lucide-react';
import { useState } from 'react';
import { Link, NavLink, Outlet, useMatch } from 'react-router';
import { errorMessage } from '../../shared/api/error-message';
import { useI18n, useT } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { EmptyState } from '../../shared/ui/EmptyState';
import { MessagesIllustration } from '../../shared/ui/illustrations';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { Avatar } from '../../shared/ui/Avatar';
import { DESKTOP_QUERY, useMediaQuery, useNow } from '../../shared/ui/use-media-query';
import { useDocumentTitle } from '../../shared/ui/use-document-title';
import { partyName } from '../contacts/format';
import { formatPhone } from '../numbers/format';
import { NumbersStrip } from '../numbers/NumbersStrip';
import { threadPath } from './api';
import { formatListTime } from './format';
import { useConversations, useSmsLines } from './use-messages';
import './messages.css';

/** A line as people know it: its name, else the number. */
export function lineLabel(line: Pick<PhoneNumber, 'friendlyName' | 'phoneNumber'>): string {
  return line.friendlyName ?? formatPhone(line.phoneNumber);
}

/**
 * The Messages tab (seed wireframes 3 and 4): the conversation list, and the
 * open conversation beside it on desktop or in its place on a phone.
 */
export function MessagesLayout() {
  const t = useT();
  const desktop = useMediaQuery(DESKTOP_QUERY);
  const inThread = useMatch('/messages/:phoneNumber') !== null;
  const { all } = useSmsLines();
  const [lineFilter, setLineFilter] = useState<string | null>(null);
  // A filter on a line that is gone falls back to all lines.
  const filter = lineFilter && all.some((line) => line.phoneNumber === lineFilter) ? lineFilter : null;
  const conversations = useConversations(filter);
  const list = conversations.data?.conversations ?? [];
  const none = conversations.isSuccess && list.length === 0 && !filter;
  const showList = desktop || !inThread;

  return (
    <div className={`messenger${inThread ? ' messenger--thread' : ''}`}>
      {showList && (
        <section className="messenger__list" aria-labelledby={inThread ? 'messages-list-title' : 'page-title'}>
          {!inThread && <ListTitle />}
          <header className="messenger__list-header">
            <h1
              className="messenger__title"
              id={inThread ? 'messages-list-title' : 'page-title'}
              tabIndex={inThread ? undefined : -1}
            >
              {t('nav.messages')}
            </h1>
            {all.length > 0 && (
              <Link className="btn btn--primary btn--sm messenger__new" to="/messages/new">
                <SquarePen size={16} aria-hidden />
                <span className="btn__label">{t('messages.new')}</span>
              </Link>
            )}
          </header>
          <div className="messenger__list-body">
            {!desktop && <NumbersStrip />}
            {all.length > 1 && <LineFilter lines={all} value={filter} onChange={(value) => setLineFilter(value)} />}
            {conversations.isPending && <LoadingBlock label={t('common.loading')} />}
            {conversations.isError && <Alert tone="danger">{errorMessage(conversations.error, t)}</Alert>}
            {none && !desktop && <NoConversations />}
            {list.length > 0 && <ConversationList conversations={list} showLine={all.length > 1} />}
            {none && desktop && <p className="messenger__none muted">{t('messages.empty.title')}</p>}
          </div>
        </section>
      )}
      {desktop || inThread ? (
        <div className="messenger__pane">
          <Outlet context={{ none } satisfies MessagesOutletContext} />
        </div>
      ) : null}
    </div>
  );
}

export interface MessagesOutletContext {
  /** The person has no conversation at all yet. */
  none: boolean;
}

function ListTitle() {
  useDocumentTitle(useT()('nav.messages'));
  return null;
}

function NoConversations() {
  const t = useT();
  return (
    <EmptyState
      illustration={<MessagesIllustration />}
      title={t('messages.empty.title')}
      text={t('messages.empty.text')}
    />
  );
}

/** The right pane on desktop when no conversation is open: the numbers, and an invitation. */
export function MessagesHome({ none }: { none: boolean }) {
  const t = useT();
  const desktop = useMediaQuery(DESKTOP_QUERY);
  if (!desktop) return null;
  return (
    <div className="messenger__home">
      <NumbersStrip />
      {none ? (
        <NoConversations />
      ) : (
        <EmptyState
          illustration={<MessagesIllustration />}
          title={t('messages.pick.title')}
          text={t('messages.pick.text')}
        />
      )}
    </div>
  );
}

function LineFilter({
  lines,
  value,
  onChange,
}: {
  lines: PhoneNumber[];
  value: string | null;
  onChange: (value: string | null) => void;
}) {
  const t = useT();
  return (
    <div className="line-filter" role="group" aria-label={t('messages.filterLines')}>
      <button type="button" className="line-filter__chip" aria-pressed={value === null} onClick={() => onChange(null)}>
        {t('messages.allLines')}
      </button>
      {lines.map((line) => (
        <button
          key={line.id}
          type="button"
          className="line-filter__chip"
          aria-pressed={value === line.phoneNumber}
          onClick={() => onChange(line.phoneNumber)}
        >
          {lineLabel(line)}
        </button>
      ))}
    </div>
  );
}

function ConversationList({ conversations, showLine }: { conversations: ConversationSummary[]; showLine: boolean }) {
  const t = useT();
  const now = useNow();
  return (
    <ul className="conversations" aria-label={t('messages.list')}>
      {conversations.map((conversation) => (
        <ConversationRow key={conversation.conversationId} conversation={conversation} showLine={showLine} now={now} />
      ))}
    </ul>
  );
}

function ConversationRow({
  conversation,
  showLine,
  now,
}: {
  conversation: ConversationSummary;
  showLine: boolean;
  now: number;
}) {
  const { t, locale } = useI18n();
  const { all } = useSmsLines();
  const name = partyName(conversation.contact, conversation.phoneNumber);
  const last = conversation.lastMessage;
  const unread = conversation.unreadCount;
  const line = all.find((item) => item.phoneNumber === conversation.myNumber);
  // Under a contact's name, their number; with several lines, the one it is on.
  const under = [
    conversation.contact ? formatPhone(conversation.phoneNumber) : null,
    showLine ? t('messages.viaLine', { line: line ? lineLabel(line) : formatPhone(conversation.myNumber) }) : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <li data-testid="conversation">
      <NavLink
        className={`conversation${unread > 0 ? ' conversation--unread' : ''}`}
        to={threadPath(conversation.myNumber, conversation.phoneNumber)}
      >
        {conversation.contact ? (
          <Avatar name={name} size={46} />
        ) : (
          <span className="conversation__avatar" aria-hidden>
            <UserRound size={22} />
          </span>
        )}
        <span className="conversation__main">
          <span className="conversation__top">
            <span className="conversation__name">{name}</span>
            <time className="conversation__time" dateTime={conversation.updatedAt}>
              {formatListTime(conversation.updatedAt, locale, Math.max(now, Date.parse(conversation.updatedAt)))}
            </time>
          </span>
          <span className="conversation__bottom">
            <span className="conversation__preview">
              {last.direction === 'OUTBOUND' && <span className="conversation__you">{t('messages.you')}</span>}
              {previewOf(last, t)}
            </span>
            {unread > 0 && (
              <span className="conversation__badge">
                <span aria-hidden>{unread}</span>
                <span className="visually-hidden">
                  {unread === 1 ? t('messages.unreadOne') : t('messages.unread', { count: unread })}
                </span>
              </span>
            )}
          </span>
          {under && <span className="conversation__line">{under}</span>}
        </span>
      </NavLink>
    </li>
  );
}

export function previewOf(message: ConversationSummary['lastMessage'], t: ReturnType<typeof useT>): string {
  if (message.body) return message.body;
  const photos = message.mediaUrls.length;
  if (photos > 1) return t('messages.photos', { count: photos });
  if (photos === 1) return t('messages.photo');
  return '';
}
