import { useQuery } from '@tanstack/react-query';
import {
  Bell,
  ChevronLeft,
  ChevronRight,
  CreditCard,
  Hash,
  LogOut,
  Palette,
  ShieldCheck,
  UserRound,
} from 'lucide-react';
import { useState } from 'react';
import { Link, NavLink, Outlet, useMatch } from 'react-router';
import { useT } from '../../shared/i18n/i18n';
import { Avatar } from '../../shared/ui/Avatar';
import { Button } from '../../shared/ui/Button';
import { useDocumentTitle } from '../../shared/ui/use-document-title';
import { authApi, queryKeys } from '../auth/api';
import { useMe } from '../auth/auth-context';
import { displayName } from './display-name';
import { useSignOut } from './use-sign-out';
import './settings.css';

/**
 * Settings: on phones a menu that opens one section per screen; on wide
 * screens the menu stays at the left of the open section (Profile by default).
 */
export function SettingsLayout() {
  const t = useT();
  const isIndex = useMatch('/settings') !== null;
  useDocumentTitle(t('nav.settings'));
  const logout = useSignOut();
  const me = useMe().data;
  const [loggingOut, setLoggingOut] = useState(false);

  const sections = [
    {
      to: '/settings/profile',
      label: t('settings.profile.title'),
      hint: t('settings.profile.menuHint'),
      icon: UserRound,
    },
    {
      to: '/numbers',
      label: t('settings.numbers.title'),
      hint: t('settings.numbers.menuHint'),
      icon: Hash,
    },
    {
      to: '/settings/billing',
      label: t('billing.title'),
      hint: t('billing.menuHint'),
      icon: CreditCard,
    },
    {
      to: '/settings/notifications',
      label: t('notifications.settings.title'),
      hint: t('notifications.settings.menuHint'),
      icon: Bell,
    },
    {
      to: '/settings/security',
      label: t('settings.security.title'),
      hint: t('settings.security.menuHint'),
      icon: ShieldCheck,
    },
    {
      to: '/settings/appearance',
      label: t('settings.appearance.title'),
      hint: t('settings.appearance.menuHint'),
      icon: Palette,
    },
  ];

  return (
    <div className={`settings ${isIndex ? 'settings--index' : 'settings--detail'}`}>
      <header className="settings__header">
        <Link className="settings__back" to="/settings">
          <ChevronLeft size={20} aria-hidden />
          {t('nav.settings')}
        </Link>
        <h1 className="settings__title" id="page-title" tabIndex={-1}>
          {t('nav.settings')}
        </h1>
      </header>
      <div className="settings__grid">
        <aside className="settings__menu">
          {me && (
            <Link to="/settings/profile" className="settings__me">
              <Avatar name={displayName(me)} size={48} />
              <span className="settings__me-text">
                <span className="settings__me-name">{displayName(me)}</span>
                <span className="settings__me-email">{me.email}</span>
              </span>
            </Link>
          )}
          <nav aria-label={t('nav.settings')} className="menu">
            {sections.map(({ to, label, hint, icon: Icon }) => (
              <NavLink
                key={to}
                to={to}
                className={({ isActive }) =>
                  // On wide screens the index shows Profile, so highlight it there too.
                  `menu__item${isActive || (isIndex && to === '/settings/profile') ? ' active' : ''}`
                }
              >
                <span className="menu__icon">
                  <Icon size={18} aria-hidden />
                </span>
                <span className="menu__text">
                  <span className="menu__label">{label}</span>
                  <span className="menu__hint">{hint}</span>
                </span>
                <ChevronRight className="menu__chevron" size={18} aria-hidden />
              </NavLink>
            ))}
          </nav>
          <Button
            variant="danger-ghost"
            block
            className="settings__logout"
            icon={<LogOut size={18} aria-hidden />}
            loading={loggingOut}
            onClick={() => {
              setLoggingOut(true);
              void logout();
            }}
          >
            {t('settings.logout')}
          </Button>
          <ServiceStatus />
        </aside>
        <div className="settings__content">
          <Outlet />
        </div>
      </div>
    </div>
  );
}

function ServiceStatus() {
  const t = useT();
  const health = useQuery({ queryKey: queryKeys.health, queryFn: authApi.health, staleTime: 60_000, retry: false });
  const state = health.isPending ? 'pending' : health.data?.status === 'OK' ? 'ok' : 'degraded';
  return (
    <p className={`status status--${state}`}>
      <span className="status__dot" aria-hidden />
      {state === 'pending'
        ? t('settings.status.checking')
        : state === 'ok'
          ? t('settings.status.ok')
          : t('settings.status.degraded')}
      <span className="status__version">CommPro Web {__APP_VERSION__}</span>
    </p>
  );
}

/** A section's title block inside Settings. */
export function SectionTitle({ title, description }: { title: string; description: string }) {
  useDocumentTitle(title);
  return (
    <div className="section-title">
      <h2>{title}</h2>
      <p>{description}</p>
    </div>
  );
}
