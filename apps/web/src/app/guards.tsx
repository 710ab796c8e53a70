import { Navigate, Outlet, useLocation } from 'react-router';
import { useAuth } from '../features/auth/auth-context';
import { useT } from '../shared/i18n/i18n';
import { Button } from '../shared/ui/Button';
import { LogoMark } from '../shared/ui/Logo';
import { Spinner } from '../shared/ui/Spinner';

/** Full-screen placeholder while a stored session is resumed. */
export function Splash() {
  const t = useT();
  return (
    <div className="splash">
      <LogoMark size={56} />
      <Spinner size={22} label={t('common.loading')} />
    </div>
  );
}

function Unreachable() {
  const { retryStart } = useAuth();
  const t = useT();
  return (
    <div className="splash">
      <LogoMark size={56} />
      <h1 className="splash__title">{t('errors.offlineTitle')}</h1>
      <p className="splash__text">{t('errors.offlineText')}</p>
      <Button onClick={retryStart}>{t('common.retry')}</Button>
    </div>
  );
}

/** Screens for signed-in people; others go to the login page and come back after. */
export function RequireAuth() {
  const { status } = useAuth();
  const location = useLocation();
  if (status === 'starting') return <Splash />;
  if (status === 'unreachable') return <Unreachable />;
  if (status === 'signed-out') return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  return <Outlet />;
}

/** Login and sign-up: once signed in, go on to the app (or where the person was heading). */
export function PublicOnly() {
  const { status } = useAuth();
  const location = useLocation();
  if (status === 'starting') return <Splash />;
  if (status === 'signed-in') {
    const from = (location.state as { from?: string } | null)?.from;
    return <Navigate to={from && from.startsWith('/') ? from : '/messages'} replace />;
  }
  return <Outlet />;
}
