import { createAdapter } from '@socket.io/redis-adapter';
import { type ClientToServerEvents, type ServerToClientEvents, sessionRoom, userRoom } from '@commpro/contracts';
import type { FastifyInstance } from 'fastify';
import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { Gauge, type Registry } from 'prom-client';
import { Server, type Socket } from 'socket.io';
import type { AccessClaims, TokenSigner } from '../auth/access-tokens.js';

interface SocketData {
  auth: AccessClaims;
}

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
/** A connected app, authenticated: `socket.data.auth` holds its token's claims. */
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** What modules use to reach connected clients; they never touch Socket.io directly. */
export interface Realtime {
  emitToUser<E extends keyof ServerToClientEvents>(
    userId: string,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void;
  emitToRoom<E extends keyof ServerToClientEvents>(
    room: string,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void;
  /** Tells the clients of a session it was revoked, then drops their sockets. */
  endSession(sessionId: string, reason?: 'SUSPENDED'): Promise<void>;
  /** The user's apps connected now, on every node. */
  countUserDevices(userId: string): Promise<number>;
  /** Every socket leaves the room (a call that ended no longer routes signalling). */
  closeRoom(room: string): void;
  /** Modules that take commands from apps (calls) attach their handlers to each new socket. */
  onConnection(listener: (socket: AppSocket) => void): void;
}

/**
 * Socket.io on the HTTP server's port. The handshake must carry a valid access
 * JWT (`auth.token`); each socket joins its user's room and its session's room.
 */
export function attachRealtime(
  app: FastifyInstance,
  deps: {
    signer: TokenSigner;
    redis: Redis | undefined;
    corsOrigins: readonly string[];
    /**
     * Whether the token's session is still signed in. A session revoked before
     * its socket connected would otherwise miss `session:revoked`.
     */
    isSessionActive: (claims: AccessClaims) => Promise<boolean>;
    metrics: Registry;
  },
): Realtime {
  const io: RealtimeServer = new Server(app.server, {
    serveClient: false,
    cors: deps.corsOrigins.length ? { origin: [...deps.corsOrigins], credentials: true } : undefined,
  });

  new Gauge({
    name: 'commpro_socket_connections',
    help: 'Authenticated Socket.io connections open on this node',
    registers: [deps.metrics],
    collect() {
      this.set(io.of('/').sockets.size);
    },
  });

  const detachRedis = deps.redis ? attachRedisAdapter(io, deps.redis) : undefined;

  io.use((socket, next) => {
    const token: unknown = socket.handshake.auth?.token;
    if (typeof token !== 'string') return next(new Error('UNAUTHORIZED'));
    deps.signer
      .verifyAccess(token)
      .then(async (claims) => {
        if (!(await deps.isSessionActive(claims))) return next(new Error('SESSION_REVOKED'));
        socket.data.auth = claims;
        next();
      })
      .catch(() => next(new Error('UNAUTHORIZED')));
  });

  const listeners: ((socket: AppSocket) => void)[] = [];
  io.on('connection', (socket) => {
    void socket.join([userRoom(socket.data.auth.userId), sessionRoom(socket.data.auth.sessionId)]);
    for (const listener of listeners) listener(socket);
  });

  app.addHook('onClose', async () => {
    await io.close();
    detachRedis?.();
  });

  return {
    emitToUser: (userId, event, ...args) => {
      io.to(userRoom(userId)).emit(event, ...args);
    },
    emitToRoom: (room, event, ...args) => {
      io.to(room).emit(event, ...args);
    },
    async endSession(sessionId, reason) {
      io.to(sessionRoom(sessionId)).emit('session:revoked', reason ? { sessionId, reason } : { sessionId });
      io.in(sessionRoom(sessionId)).disconnectSockets(true);
    },
    async countUserDevices(userId) {
      return (await io.in(userRoom(userId)).fetchSockets()).length;
    },
    closeRoom(room) {
      io.in(room).socketsLeave(room);
    },
    onConnection(listener) {
      listeners.push(listener);
    },
  };
}

/**
 * Socket.io events cross nodes through Redis. The adapter is attached once
 * both connections are up: its subscriptions would otherwise fail while Redis
 * is unreachable and crash the process. Until then this node serves its own
 * sockets only, and /health reports Redis as down.
 */
function attachRedisAdapter(io: RealtimeServer, redis: Redis): () => void {
  // Retry forever: a pub/sub command must wait for Redis to come back, not fail.
  const pub = redis.duplicate({ maxRetriesPerRequest: null });
  const sub = redis.duplicate({ maxRetriesPerRequest: null });
  pub.on('error', () => undefined);
  sub.on('error', () => undefined);
  const ready = (client: Redis) => (client.status === 'ready' ? Promise.resolve() : once(client, 'ready'));
  let closed = false;
  Promise.all([ready(pub), ready(sub)]).then(
    () => {
      if (!closed) io.adapter(createAdapter(pub, sub));
    },
    () => undefined,
  );
  return () => {
    closed = true;
    pub.disconnect();
    sub.disconnect();
  };
}
