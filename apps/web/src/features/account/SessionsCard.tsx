import type { Session } from '@commpro/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Monitor, Smartphone } from 'lucide-react';
import { errorMessage } from '../../shared/api/error-message';
import { describeUserAgent, isMobileDevice } from '../../shared/api/device';
import { formatDateTime, formatRelative } from '../../shared/i18n/format';
import { useI18n } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Badge } from '../../shared/ui/Badge';
import { Button } from '../../shared/ui/Button';
import { Card } from '../../shared/ui/Card';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { useToast } from '../../shared/ui/Toast';
import { authApi, queryKeys } from '../auth/api';
import { useSignOut } from './use-sign-out';

function sortSessions(sessions: Session[]): Session[] {
  return [...sessions].sort((a, b) =>
    a.current !== b.current ? (a.current ? -1 : 1) : Date.parse(b.lastUsedAt) - Date.parse(a.lastUsedAt),
  );
}

export function SessionsCard() {
  const { t } = useI18n();
  const toast = useToast();
  const queryClient = useQueryClient();
  const logout = useSignOut();
  const sessions = useQuery({ queryKey: queryKeys.sessions, queryFn: authApi.sessions, refetchOnWindowFocus: true });

  const revoke = useMutation({
    // Revoking this device's own session is a logout.
    mutationFn: async (session: Session) => {
      if (session.current) await logout();
      else await authApi.revokeSession(session.id);
    },
    onSuccess: (_result, session) => {
      if (session.current) return;
      toast(t('settings.sessions.revoked'));
      void queryClient.invalidateQueries({ queryKey: queryKeys.sessions });
    },
  });

  const revokeOthers = useMutation({
    mutationFn: (others: Session[]) => Promise.all(others.map((session) => authApi.revokeSession(session.id))),
    onSuccess: () => {
      toast(t('settings.sessions.revokedAll'));
      void queryClient.invalidateQueries({ queryKey: queryKeys.sessions });
    },
  });

  const list = sessions.data ? sortSessions(sessions.data.sessions) : [];
  const others = list.filter((session) => !session.current);

  return (
    <Card
      id="sessions"
      title={t('settings.sessions.title')}
      description={t('settings.sessions.description')}
      footer={
        others.length > 1 ? (
          <Button
            variant="secondary"
            size="sm"
            loading={revokeOthers.isPending}
            onClick={() => revokeOthers.mutate(others)}
          >
            {t('settings.sessions.revokeOthers')}
          </Button>
        ) : undefined
      }
    >
      {sessions.isPending && <LoadingBlock label={t('common.loading')} />}
      {sessions.isError && <Alert tone="danger">{errorMessage(sessions.error, t)}</Alert>}
      {(revoke.isError || revokeOthers.isError) && (
        <Alert tone="danger">{errorMessage(revoke.error ?? revokeOthers.error, t)}</Alert>
      )}
      {sessions.data && (
        <ul className="sessions" aria-label={t('settings.sessions.title')}>
          {list.map((session) => (
            <SessionRow
              key={session.id}
              session={session}
              busy={revoke.isPending && revoke.variables.id === session.id}
              onRevoke={() => revoke.mutate(session)}
            />
          ))}
        </ul>
      )}
    </Card>
  );
}

function SessionRow({ session, busy, onRevoke }: { session: Session; busy: boolean; onRevoke: () => void }) {
  const { t, locale } = useI18n();
  const name =
    session.deviceName || (session.userAgent ? describeUserAgent(session.userAgent) : t('settings.sessions.unknown'));
  const mobile = isMobileDevice(session.deviceName) || isMobileDevice(session.userAgent);
  const Icon = mobile ? Smartphone : Monitor;
  const lastActive = session.current
    ? t('settings.sessions.activeNow')
    : t('settings.sessions.lastActive', { when: formatRelative(session.lastUsedAt, locale) });
  return (
    <li className="session" data-testid="session-row">
      <span className={`session__icon${session.current ? ' session__icon--current' : ''}`}>
        <Icon size={20} aria-hidden />
      </span>
      <div className="session__text">
        <p className="session__name">
          {name}
          {session.current && <Badge tone="brand">{t('settings.sessions.thisDevice')}</Badge>}
        </p>
        <p className="session__meta" title={formatDateTime(session.lastUsedAt, locale)}>
          {lastActive}
        </p>
        {session.ipAddress && <p className="session__meta">{t('settings.sessions.ip', { ip: session.ipAddress })}</p>}
        <p className="session__meta">
          {t('settings.sessions.signedIn', { when: formatDateTime(session.createdAt, locale) })}
        </p>
      </div>
      <Button
        variant={session.current ? 'secondary' : 'danger-ghost'}
        size="sm"
        loading={busy}
        onClick={onRevoke}
        aria-label={session.current ? t('settings.sessions.logoutHere') : t('settings.sessions.revokeNamed', { name })}
      >
        {session.current ? t('settings.sessions.logoutShort') : t('settings.sessions.revoke')}
      </Button>
    </li>
  );
}
