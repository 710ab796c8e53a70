import type { AuthResponse, User } from '@commpro/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { SignOutReason } from '../../shared/api/auth-session';
import { authSession } from '../../shared/api/client';
import { authApi, queryKeys } from './api';

export type AuthStatus = 'starting' | 'signed-in' | 'signed-out' | 'unreachable';

interface AuthValue {
  status: AuthStatus;
  /** Why the last session ended, to explain it on the login page. */
  signOutReason: SignOutReason | null;
  completeSignIn: (response: AuthResponse) => void;
  logout: () => Promise<void>;
  retryStart: () => void;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<AuthStatus>(() => (authSession.hasSession() ? 'starting' : 'signed-out'));
  const [signOutReason, setSignOutReason] = useState<SignOutReason | null>(null);
  const [attempt, setAttempt] = useState(0);

  // Resume a stored session: one refresh gives the first access token.
  useEffect(() => {
    if (status !== 'starting') return;
    let cancelled = false;
    authSession.getAccessToken().then(
      (token) => {
        if (!cancelled) setStatus(token ? 'signed-in' : 'signed-out');
      },
      () => {
        if (!cancelled) setStatus('unreachable');
      },
    );
    return () => {
      cancelled = true;
    };
  }, [status, attempt]);

  useEffect(
    () =>
      authSession.subscribe((event) => {
        if (event.type === 'signed-in') {
          setSignOutReason(null);
          setStatus('signed-in');
          void queryClient.invalidateQueries({ queryKey: queryKeys.me });
        } else if (event.type === 'signed-out') {
          queryClient.clear();
          setSignOutReason(event.reason);
          setStatus('signed-out');
        }
      }),
    [queryClient],
  );

  const completeSignIn = useCallback(
    (response: AuthResponse) => {
      queryClient.setQueryData(queryKeys.me, response.user);
      authSession.signIn({ accessToken: response.accessToken, refreshToken: response.refreshToken });
    },
    [queryClient],
  );

  const logout = useCallback(async () => {
    // End the local session first: the server announces the revocation over the socket, and
    // this tab must read it as its own logout, not as "ended from another device".
    const accessToken = await authSession.getAccessToken().catch(() => null);
    const refreshToken = authSession.getRefreshToken();
    authSession.signOut('logout');
    if (accessToken && refreshToken) {
      await authApi.logout(accessToken, refreshToken).catch(() => {
        // The refresh token is gone from this device; the server expires it on its own.
      });
    }
  }, []);

  const retryStart = useCallback(() => {
    setStatus('starting');
    setAttempt((n) => n + 1);
  }, []);

  const value = useMemo(
    () => ({ status, signOutReason, completeSignIn, logout, retryStart }),
    [status, signOutReason, completeSignIn, logout, retryStart],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}

/** The signed-in person; only call under a signed-in route. */
export function useMe() {
  const { status } = useAuth();
  return useQuery<User>({
    queryKey: queryKeys.me,
    queryFn: authApi.me,
    enabled: status === 'signed-in',
    staleTime: 60_000,
  });
}
