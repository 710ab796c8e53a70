import { createAdapter } from '@socket.io/redis-adapter';
import { type ClientToServerEvents, type ServerToClientEvents, sessionRoom, userRoom } from '@commpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import type { AccessClaims, TokenSigner } from '../auth/access-tokens.js';

interface SocketData {
  auth: AccessClaims;
}

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** What modules use to reach connected clients; they never touch Socket.io directly. */
export interface Realtime {
  emitToUser<E extends keyof ServerToClientEvents>(
    userId: string,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void;
  /** Tells the clients of a session it was revoked, then drops their sockets. */
  endSession(sessionId: string): Promise<void>;
}

/**
 * Socket.io on the HTTP server's port. The handshake must carry a valid access
 * JWT (`auth.token`); each socket joins its user's room and its session's room.
 */
export function attachRealtime(
  app: FastifyInstance,
  deps: { signer: TokenSigner; redis: Redis | undefined; corsOrigins: readonly string[] },
): Realtime {
  const io: RealtimeServer = new Server(app.server, {
    serveClient: false,
    cors: deps.corsOrigins.length ? { origin: [...deps.corsOrigins], credentials: true } : undefined,
  });

  if (deps.redis) {
    const pub = deps.redis.duplicate();
    const sub = deps.redis.duplicate();
    pub.on('error', () => undefined);
    sub.on('error', () => undefined);
    io.adapter(createAdapter(pub, sub));
    app.addHook('onClose', async () => {
      pub.disconnect();
      sub.disconnect();
    });
  }

  io.use((socket, next) => {
    const token: unknown = socket.handshake.auth?.token;
    if (typeof token !== 'string') return next(new Error('UNAUTHORIZED'));
    deps.signer.verifyAccess(token).then(
      (claims) => {
        socket.data.auth = claims;
        next();
      },
      () => next(new Error('UNAUTHORIZED')),
    );
  });

  io.on('connection', (socket) => {
    void socket.join([userRoom(socket.data.auth.userId), sessionRoom(socket.data.auth.sessionId)]);
  });

  app.addHook('onClose', async () => {
    await io.close();
  });

  return {
    emitToUser: (userId, event, ...args) => {
      io.to(userRoom(userId)).emit(event, ...args);
    },
    async endSession(sessionId) {
      io.to(sessionRoom(sessionId)).emit('session:revoked', { sessionId });
      io.in(sessionRoom(sessionId)).disconnectSockets(true);
    },
  };
}
