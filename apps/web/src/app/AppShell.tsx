import {
  Bell,
  MailWarning,
  MessageSquare,
  Phone,
  Settings,
  ShieldCheck,
  Users,
  X,
  type LucideIcon,
} from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { authApi } from '../features/auth/api';
import { useAuth, useMe } from '../features/auth/auth-context';
import { displayName } from '../features/account/display-name';
import { CallLayer } from '../features/calls/CallLayer';
import { useOutboxRunner } from '../features/messages/use-outbox';
import { PushPrompt } from '../features/notifications/PushPrompt';
import { usePushSync } from '../features/notifications/use-push';
import { useUnreadCount } from '../features/notifications/use-notifications';
import { useT } from '../shared/i18n/i18n';
import { Avatar } from '../shared/ui/Avatar';
import { Logo } from '../shared/ui/Logo';
import { OfflineBanner } from './OfflineBanner';
import { useRealtime } from './use-realtime';
import './shell.css';

interface Tab {
  to: string;
  label: string;
  /** A shorter label for the phone's tab bar, where five tabs share the width. */
  short?: string;
  icon: LucideIcon;
  /** Unread count shown on the icon. */
  badge?: number;
}

export function AppShell() {
  const t = useT();
  const me = useMe().data;
  const { status } = useAuth();
  const { pathname } = useLocation();
  const unread = useUnreadCount();
  useRealtime();
  useFocusOnNavigate();
  useOutboxRunner(status === 'signed-in');
  usePushSync();

  const tabs: Tab[] = [
    { to: '/messages', label: t('nav.messages'), icon: MessageSquare },
    { to: '/calls', label: t('nav.calls'), icon: Phone },
    { to: '/contacts', label: t('nav.contacts'), icon: Users },
    {
      to: '/notifications',
      label: t('notifications.title'),
      short: t('notifications.navShort'),
      icon: Bell,
      badge: unread,
    },
    { to: '/settings', label: t('nav.settings'), icon: Settings },
    // Operators only; the API refuses everyone else anyway.
    ...(me?.role === 'ADMIN' ? [{ to: '/admin', label: t('nav.admin'), icon: ShieldCheck }] : []),
  ];

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <aside className="sidebar">
        <div className="sidebar__logo">
          <Logo size={30} />
        </div>
        <nav className="sidebar__nav" aria-label={t('nav.main')}>
          {tabs.map((tab) => (
            <NavLink key={tab.to} to={tab.to} className="sidebar__link">
              <TabIcon tab={tab} size={20} />
              <span>{tab.label}</span>
              <UnreadLabel count={tab.badge} />
            </NavLink>
          ))}
        </nav>
        {me && (
          <NavLink to="/settings/profile" className="sidebar__me">
            <Avatar name={displayName(me)} size={36} />
            <span className="sidebar__me-text">
              <span className="sidebar__me-name">{displayName(me)}</span>
              <span className="sidebar__me-email">{me.email}</span>
            </span>
          </NavLink>
        )}
      </aside>
      <main className="shell__main" id="main">
        <OfflineBanner />
        {me && !me.emailVerified && <VerifyBanner />}
        {(pathname === '/messages' || pathname === '/calls') && <PushPrompt variant="banner" />}
        <Outlet />
      </main>
      <CallLayer />
      <nav
        className="tabbar"
        aria-label={t('nav.main')}
        // An administrator has one tab more.
        style={{ gridTemplateColumns: `repeat(${tabs.length}, 1fr)` }}
      >
        {tabs.map((tab) => (
          <NavLink key={tab.to} to={tab.to} className="tabbar__link">
            <TabIcon tab={tab} size={22} />
            <span>{tab.short ?? tab.label}</span>
            <UnreadLabel count={tab.badge} />
          </NavLink>
        ))}
      </nav>
      <p className="visually-hidden" aria-live="polite">
        {unread > 1
          ? t('notifications.unreadLive', { count: unread })
          : unread === 1
            ? t('notifications.unreadLiveOne')
            : ''}
      </p>
    </div>
  );
}

function TabIcon({ tab, size }: { tab: Tab; size: number }) {
  const Icon = tab.icon;
  const count = tab.badge ?? 0;
  return (
    <span className="nav-icon">
      <Icon size={size} aria-hidden />
      {count > 0 && (
        <span className="nav-icon__badge" aria-hidden data-testid="nav-badge">
          {count > 99 ? '99+' : count}
        </span>
      )}
    </span>
  );
}

/** The unread count, in words, for screen readers (the badge itself is drawn). */
function UnreadLabel({ count }: { count: number | undefined }) {
  const t = useT();
  if (!count) return null;
  return <span className="visually-hidden">, {t('notifications.unreadCount', { count })}</span>;
}

const BANNER_KEY = 'commpro.verifyBannerDismissed';

function VerifyBanner() {
  const t = useT();
  const [dismissed, setDismissed] = useState(() => sessionStorage.getItem(BANNER_KEY) === '1');
  const resend = useMutation({ mutationFn: authApi.sendVerification });
  if (dismissed) return null;
  return (
    <div className="banner" role="status">
      <MailWarning size={18} aria-hidden className="banner__icon" />
      <p className="banner__text">{resend.isSuccess ? t('shell.verifySent') : t('shell.verifyBanner')}</p>
      {!resend.isSuccess && (
        <button type="button" className="banner__action" disabled={resend.isPending} onClick={() => resend.mutate()}>
          {t('shell.verifyResend')}
        </button>
      )}
      <button
        type="button"
        className="banner__close"
        aria-label={t('common.dismiss')}
        onClick={() => {
          sessionStorage.setItem(BANNER_KEY, '1');
          setDismissed(true);
        }}
      >
        <X size={16} aria-hidden />
      </button>
    </div>
  );
}

/** After an in-app navigation, move focus to the new screen's title so screen readers announce it. */
function useFocusOnNavigate() {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('page-title')?.focus({ preventScroll: true });
    window.scrollTo({ top: 0 });
  }, [pathname]);
}
