import { MailWarning, MessageSquare, Phone, Settings, Users, X } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { useMutation } from '@tanstack/react-query';
import { authApi } from '../features/auth/api';
import { useMe } from '../features/auth/auth-context';
import { displayName } from '../features/account/display-name';
import { CallLayer } from '../features/calls/CallLayer';
import { useT } from '../shared/i18n/i18n';
import { Avatar } from '../shared/ui/Avatar';
import { Logo } from '../shared/ui/Logo';
import { useRealtime } from './use-realtime';
import './shell.css';

export function AppShell() {
  const t = useT();
  const me = useMe().data;
  useRealtime();
  useFocusOnNavigate();

  const tabs = [
    { to: '/messages', label: t('nav.messages'), icon: MessageSquare },
    { to: '/calls', label: t('nav.calls'), icon: Phone },
    { to: '/contacts', label: t('nav.contacts'), icon: Users },
    { to: '/settings', label: t('nav.settings'), icon: Settings },
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
          {tabs.map(({ to, label, icon: Icon }) => (
            <NavLink key={to} to={to} className="sidebar__link">
              <Icon size={20} aria-hidden />
              <span>{label}</span>
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
        {me && !me.emailVerified && <VerifyBanner />}
        <Outlet />
      </main>
      <CallLayer />
      <nav className="tabbar" aria-label={t('nav.main')}>
        {tabs.map(({ to, label, icon: Icon }) => (
          <NavLink key={to} to={to} className="tabbar__link">
            <Icon size={22} aria-hidden />
            <span>{label}</span>
          </NavLink>
        ))}
      </nav>
    </div>
  );
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
