import type { Call, ClientToServerEvents, ServerToClientEvents } from '@commpro/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { io, type Socket } from 'socket.io-client';
import { queryKeys } from '../features/auth/api';
import { callsKeys } from '../features/calls/api';
import { refreshCall } from '../features/calls/use-calls';
import { contactsKeys } from '../features/contacts/api';
import { messagesKeys } from '../features/messages/api';
import { useAuth } from '../features/auth/auth-context';
import { applyStatusEvent, onNewMessage } from '../features/messages/cache';
import { notificationsKeys } from '../features/notifications/api';
import { addNotification } from '../features/notifications/cache';
import { authSession } from '../shared/api/client';
import { connectivity } from '../shared/offline/connectivity';
import { realtimeSocket } from '../shared/realtime/socket';

/** Our session id, from the access token's claims. */
function currentSessionId(): string | null {
  const claims = authSession.claims();
  const id = claims?.sid ?? claims?.sessionId;
  return typeof id === 'string' ? id : null;
}

/**
 * One Socket.io connection while signed in, shared through `realtimeSocket`
 * (the calls feature emits on it). Each (re)connection asks for a fresh access
 * token; a rejected handshake refreshes the token and retries with backoff.
 */
export function useRealtime(): void {
  const { status } = useAuth();
  const queryClient = useQueryClient();

  useEffect(() => {
    if (status !== 'signed-in') return;
    let retries = 0;
    let retryTimer: number | undefined;
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
      path: '/socket.io',
      auth: (callback) => {
        authSession.getAccessToken().then(
          (token) => callback({ token }),
          () => callback({}),
        );
      },
    });

    // The offline banner waits for a disconnection, not for the first connection.
    connectivity.setSocketConnected(null);
    socket.on('connect', () => {
      retries = 0;
      connectivity.setSocketConnected(true);
      // Events sent before this connection (the first one too: a page loads its data before the socket joins
      // the user's room, and a send's statuses can come in between) never reach us: read what they changed.
      void queryClient.invalidateQueries({ queryKey: messagesKeys.all });
      void queryClient.invalidateQueries({ queryKey: callsKeys.all });
      void queryClient.invalidateQueries({ queryKey: contactsKeys.histories });
      void queryClient.invalidateQueries({ queryKey: notificationsKeys.lists });
      void queryClient.invalidateQueries({ queryKey: notificationsKeys.unread });
    });
    socket.on('disconnect', () => connectivity.setSocketConnected(false));

    // A contact's timeline lists their calls and messages: it loads again when one comes or changes.
    const refreshHistories = () => void queryClient.invalidateQueries({ queryKey: contactsKeys.histories });
    socket.on('message:new', (message) => {
      onNewMessage(queryClient, message);
      refreshHistories();
    });
    socket.on('message:status', (event) => {
      applyStatusEvent(queryClient, event);
      refreshHistories();
    });
    // The call screens follow these through the call controller; the history and call pages reload.
    const onCall = ({ call }: { call: Call }) => {
      refreshCall(queryClient, call);
      refreshHistories();
    };
    socket.on('call:incoming', onCall);
    socket.on('call:accepted', onCall);
    socket.on('call:declined', onCall);
    socket.on('call:ended', onCall);
    socket.on('notification:new', (notification) => addNotification(queryClient, notification));

    socket.on('connect_error', (error) => {
      // socket.active: the client retries by itself (network trouble). Otherwise the server refused us.
      if (socket.active) return;
      // Ended from another device before this socket joined its room: the same notice as `session:revoked`.
      if (error.message === 'SESSION_REVOKED') {
        authSession.signOut('revoked');
        return;
      }
      const delay = Math.min(30_000, 1000 * 2 ** retries++);
      retryTimer = window.setTimeout(() => {
        authSession.refresh().then(
          (token) => {
            if (token) socket.connect();
          },
          () => socket.connect(),
        );
      }, delay);
    });

    socket.on('session:revoked', ({ sessionId, reason }) => {
      const ours = currentSessionId();
      if (ours === sessionId) {
        authSession.signOut(reason === 'SUSPENDED' ? 'suspended' : 'revoked');
        return;
      }
      void queryClient.invalidateQueries({ queryKey: queryKeys.sessions });
      // Without a session id in the token, ask the server: a refresh fails if ours was the one revoked.
      if (!ours) {
        authSession.refresh().catch(() => undefined);
      }
    });

    realtimeSocket.set(socket);

    return () => {
      window.clearTimeout(retryTimer);
      realtimeSocket.set(null);
      socket.disconnect();
      connectivity.setSocketConnected(null);
    };
  }, [status, queryClient]);
}
