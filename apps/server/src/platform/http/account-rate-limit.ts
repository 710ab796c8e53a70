import type { FastifyRequest } from 'fastify';

/**
 * Route config for a limit per account and minute, for calls that cost money
 * (carrier searches, purchases, sends). Counted after authentication
 * (preHandler), so it is the account's budget, not its IP's; a request without
 * a valid token is refused before it costs anything.
 */
export function perAccountPerMinute(max: number) {
  return {
    rateLimit: {
      max,
      timeWindow: 60_000,
      hook: 'preHandler' as const,
      keyGenerator: (request: FastifyRequest) => request.auth?.userId ?? request.ip,
    },
  };
}
