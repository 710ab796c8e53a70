import type { Notification, NotificationType } from '@commpro/contracts';
import { CheckCheck, CreditCard, Info, MessageSquare, PhoneMissed, Trash2, Voicemail } from 'lucide-react';
import { useState, type ComponentType } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../shared/api/error-message';
import { formatDateTime, formatRelative } from '../../shared/i18n/format';
import { useI18n, useT } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Button } from '../../shared/ui/Button';
import { EmptyState } from '../../shared/ui/EmptyState';
import { Page } from '../../shared/ui/Page';
import { Segmented } from '../../shared/ui/Segmented';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { useToast } from '../../shared/ui/Toast';
import { useNow } from '../../shared/ui/use-media-query';
import type { NotificationFilter } from './api';
import { PushPrompt } from './PushPrompt';
import { inAppPath } from './url';
import {
  useMarkAllRead,
  useMarkRead,
  useNotificationList,
  useRemoveNotification,
  useUnreadCount,
} from './use-notifications';
import './notifications.css';

const TYPE_ICONS: Record<NotificationType, ComponentType<{ size?: number; 'aria-hidden'?: boolean }>> = {
  CALL_MISSED: PhoneMissed,
  MESSAGE_RECEIVED: MessageSquare,
  VOICEMAIL: Voicemail,
  BILLING: CreditCard,
  SYSTEM: Info,
};

/** The notification centre: everything that happened, newest first; opening one reads it and goes where it points. */
export function NotificationsPage() {
  const t = useT();
  const [filter, setFilter] = useState<NotificationFilter>('all');
  const list = useNotificationList(filter);
  const unread = useUnreadCount();
  const markAll = useMarkAllRead();
  const notifications = list.data?.pages.flatMap((page) => page.notifications) ?? [];

  return (
    <Page
      title={t('notifications.title')}
      actions={
        <Button
          variant="secondary"
          size="sm"
          icon={<CheckCheck size={16} aria-hidden />}
          disabled={unread === 0}
          loading={markAll.isPending}
          onClick={() => markAll.mutate()}
        >
          {t('notifications.markAllRead')}
        </Button>
      }
    >
      <div className="notifications">
        <PushPrompt variant="card" />
        <Segmented<NotificationFilter>
          legend={t('notifications.filter')}
          name="notification-filter"
          value={filter}
          onChange={setFilter}
          options={[
            { value: 'all', label: t('notifications.filter.all') },
            {
              value: 'unread',
              label: unread > 0 ? `${t('notifications.filter.unread')} (${unread})` : t('notifications.filter.unread'),
            },
          ]}
        />
        {markAll.isError && <Alert tone="danger">{errorMessage(markAll.error, t)}</Alert>}
        {list.isPending && <LoadingBlock label={t('common.loading')} />}
        {list.isError && (
          <Alert tone="danger" title={t('notifications.loadFailed')}>
            {errorMessage(list.error, t)}
          </Alert>
        )}
        {list.isSuccess && notifications.length === 0 && (
          <EmptyState
            illustration={<BellIllustration />}
            title={filter === 'unread' ? t('notifications.emptyUnread.title') : t('notifications.empty.title')}
            text={filter === 'unread' ? t('notifications.emptyUnread.text') : t('notifications.empty.text')}
          />
        )}
        {notifications.length > 0 && (
          <ul className="notification-list" aria-label={t('notifications.list')}>
            {notifications.map((notification) => (
              <NotificationRow key={notification.id} notification={notification} />
            ))}
          </ul>
        )}
        {list.hasNextPage && (
          <Button
            variant="secondary"
            className="notifications__more"
            loading={list.isFetchingNextPage}
            onClick={() => void list.fetchNextPage()}
          >
            {t('notifications.loadMore')}
          </Button>
        )}
      </div>
    </Page>
  );
}

function NotificationRow({ notification }: { notification: Notification }) {
  const { t, locale } = useI18n();
  const toast = useToast();
  const now = useNow();
  const markRead = useMarkRead();
  const remove = useRemoveNotification();
  const Icon = TYPE_ICONS[notification.type];
  const path = inAppPath(notification.url);
  const unread = !notification.read;
  const open = () => {
    if (unread) markRead.mutate(notification);
  };

  const content = (
    <>
      <span className={`notification__icon notification__icon--${notification.type.toLowerCase()}`}>
        <Icon size={18} aria-hidden />
      </span>
      <span className="notification__main">
        <span className="notification__top">
          <span className="notification__title">{notification.title}</span>
          <time
            className="notification__time"
            dateTime={notification.createdAt}
            title={formatDateTime(notification.createdAt, locale)}
          >
            {formatRelative(notification.createdAt, locale, Math.max(now, Date.parse(notification.createdAt)))}
          </time>
        </span>
        {notification.body && <span className="notification__body">{notification.body}</span>}
      </span>
      {unread && (
        <span className="notification__dot">
          <span className="visually-hidden">{t('notifications.unread')}</span>
        </span>
      )}
    </>
  );

  return (
    <li
      className={`notification${unread ? ' notification--unread' : ''}`}
      data-testid="notification"
      data-read={notification.read}
      data-type={notification.type}
    >
      {path ? (
        <Link className="notification__open" to={path} onClick={open}>
          {content}
        </Link>
      ) : (
        <button type="button" className="notification__open" onClick={open}>
          {content}
        </button>
      )}
      <button
        type="button"
        className="notification__delete"
        aria-label={t('notifications.deleteNamed', { title: notification.title })}
        title={t('notifications.delete')}
        disabled={remove.isPending}
        onClick={() =>
          remove.mutate(notification, {
            onSuccess: () => toast(t('notifications.deleted')),
            onError: (error) => toast(errorMessage(error, t), 'danger'),
          })
        }
      >
        <Trash2 size={16} aria-hidden />
      </button>
    </li>
  );
}

function BellIllustration() {
  return (
    <svg viewBox="0 0 200 168" width="200" height="168">
      <circle className="illu-soft" cx="100" cy="84" r="70" />
      <circle className="illu-dot" cx="36" cy="40" r="4" />
      <circle className="illu-dot illu-dot--faint" cx="168" cy="128" r="5" />
      <g className="illu-float">
        <path className="illu-primary" d="M100 38c-19 0-32 15-32 34v22l-10 14h84l-10-14V72c0-19-13-34-32-34z" />
        <circle className="illu-primary" cx="100" cy="118" r="9" />
        <rect className="illu-on-primary" x="86" y="62" width="28" height="6" rx="3" />
      </g>
      <g className="illu-float illu-float--late">
        <circle className="illu-success" cx="140" cy="48" r="14" />
        <path
          d="M133 48l5 5 9-10"
          fill="none"
          stroke="#fff"
          strokeWidth="3.5"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      </g>
    </svg>
  );
}
