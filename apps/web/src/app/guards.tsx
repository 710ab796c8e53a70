import { useIsRestoring, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { queryKeys } from '../features/auth/api';
import { useAuth } from '../features/auth/auth-context';
import { connectivity } from '../shared/offline/connectivity';
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

/**
 * Screens for signed-in people; others go to the login page and come back after.
 * With the last-seen data kept on this device, the app opens on it at once,
 * while the session resumes and when the server cannot be reached (offline).
 */
export function RequireAuth() {
  const { status } = useAuth();
  const location = useLocation();
  const restoring = useIsRestoring();
  const kept = useQueryClient().getQueryData(queryKeys.me) !== undefined;
  if (status === 'signed-out') return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  if (status !== 'signed-in' && (restoring || !kept)) return status === 'starting' ? <Splash /> : <Unreachable />;
  // One element for every state from here, so going offline and back never remounts the screens (and a draft survives).
  return <SignedInOutlet offline={status === 'unreachable'} />;
}

/** The app; offline, it tries the server again as soon as the browser is back online. */
function SignedInOutlet({ offline }: { offline: boolean }) {
  const { retryStart } = useAuth();
  useEffect(() => {
    if (!offline) return;
    return connectivity.subscribe(() => {
      if (connectivity.status() !== 'offline') retryStart();
    });
  }, [offline, retryStart]);
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
