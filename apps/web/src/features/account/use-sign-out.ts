import { useCallback } from 'react';
import { useAuth } from '../auth/auth-context';
import { pushRegistration } from '../notifications/use-push';

/** Long enough for the server to forget this device; a dead network must not hold the logout up. */
const UNREGISTER_TIMEOUT_MS = 3000;

/**
 * Logging out from this device: first, while the session can still call the
 * API, the server forgets this device's push subscription (no previews of
 * texts should land on a signed-out browser); then the session ends, and the
 * app clears what it kept here (app/offline.ts).
 */
export function useSignOut(): () => Promise<void> {
  const { logout } = useAuth();
  return useCallback(async () => {
    if (pushRegistration.isRegistered()) {
      await Promise.race([
        pushRegistration.disable().catch(() => undefined),
        new Promise((resolve) => window.setTimeout(resolve, UNREGISTER_TIMEOUT_MS)),
      ]);
    }
    await logout();
  }, [logout]);
}
