import { Activity, BarChart3, FlaskConical, Gauge, Hash, ScrollText, Users, Webhook } from 'lucide-react';
import { NavLink, Outlet } from 'react-router';
import { useT } from '../../shared/i18n/i18n';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { useMe } from '../auth/auth-context';
import { NotAllowed } from './AdminStates';
import { useAdminOverview } from './use-admin';
import './admin.css';

/** The operators' console: its own sub-navigation over one section at a time; administrators only. */
export function AdminLayout() {
  const t = useT();
  const me = useMe();
  if (!me.data) return <LoadingBlock label={t('common.loading')} />;
  if (me.data.role !== 'ADMIN') return <NotAllowed />;
  return <AdminConsole />;
}

function AdminConsole() {
  const t = useT();
  // The sandbox tools only exist with the sandbox carrier, which the overview names.
  const sandbox = useAdminOverview().data?.carrier === 'sandbox';
  const sections = [
    { to: '/admin', label: t('admin.nav.overview'), icon: Gauge, end: true },
    { to: '/admin/charts', label: t('admin.nav.charts'), icon: BarChart3 },
    { to: '/admin/users', label: t('admin.nav.users'), icon: Users },
    { to: '/admin/numbers', label: t('admin.nav.numbers'), icon: Hash },
    { to: '/admin/webhooks', label: t('admin.nav.webhooks'), icon: Webhook },
    { to: '/admin/audit', label: t('admin.nav.audit'), icon: ScrollText },
    ...(sandbox ? [{ to: '/admin/sandbox', label: t('admin.nav.sandbox'), icon: FlaskConical }] : []),
  ];
  return (
    <div className="page page--wide admin">
      <header className="page__header">
        <Activity size={22} aria-hidden className="admin__mark" />
        <h1 className="page__title" id="page-title" tabIndex={-1}>
          {t('admin.title')}
        </h1>
      </header>
      <nav className="admin-nav" aria-label={t('admin.nav.label')}>
        {sections.map(({ to, label, icon: Icon, end }) => (
          <NavLink key={to} to={to} end={end ?? false} className="admin-nav__link">
            <Icon size={16} aria-hidden />
            <span>{label}</span>
          </NavLink>
        ))}
      </nav>
      <div className="page__body admin__body">
        <Outlet />
      </div>
    </div>
  );
}
