import { CloudOff, RefreshCw } from 'lucide-react';
import { useAuth } from '../features/auth/auth-context';
import { useWaitingCount } from '../features/messages/use-outbox';
import { useT } from '../shared/i18n/i18n';
import { useConnectivity } from '../shared/offline/connectivity';
import { Spinner } from '../shared/ui/Spinner';

/**
 * Says when the app is not connected: the browser is offline, the server
 * cannot be reached (the app shows what was kept on the device), or the live
 * connection dropped and is coming back. With messages waiting, says how many.
 * The live region is always there, so screen readers hear each change.
 */
export function OfflineBanner() {
  const t = useT();
  const { status, retryStart } = useAuth();
  const connection = useConnectivity();
  const waiting = useWaitingCount();
  const state =
    connection === 'offline'
      ? 'offline'
      : status === 'unreachable'
        ? 'unreachable'
        : connection === 'reconnecting'
          ? 'reconnecting'
          : null;

  return (
    <div role="status" aria-live="polite" className="offline-slot">
      {state && (
        <div className={`offline-banner offline-banner--${state}`} data-testid="offline-banner" data-state={state}>
          {state === 'reconnecting' ? (
            <Spinner size={16} />
          ) : (
            <CloudOff size={18} aria-hidden className="offline-banner__icon" />
          )}
          <p className="offline-banner__text">
            {t(`offline.banner.${state}`)}
            {waiting > 0 && (
              <span className="offline-banner__queued">
                {waiting === 1 ? t('offline.banner.queuedOne') : t('offline.banner.queued', { count: waiting })}
              </span>
            )}
          </p>
          {state === 'unreachable' && (
            <button type="button" className="offline-banner__action" onClick={retryStart}>
              <RefreshCw size={14} aria-hidden />
              {t('common.retry')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
