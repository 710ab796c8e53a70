import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccessClaims, TokenSigner } from '../auth/access-tokens.js';
import { AppError } from '../errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * preValidation hook: requires a valid access JWT and sets request.auth. Not onRequest, so the
     * route's rate limit (an onRequest hook) counts calls with bad tokens too.
     */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** preHandler hook, after authenticate: the caller must be an administrator (403 otherwise). */
    requireAdmin: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
  interface FastifyRequest {
    auth: AccessClaims | null;
  }
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer ([^\s]+)$/i.exec(header ?? '');
  return match?.[1];
}

/** The caller, for handlers behind app.authenticate. */
export function caller(request: FastifyRequest): AccessClaims {
  if (!request.auth) throw new AppError('UNAUTHORIZED', 'Authentication required');
  return request.auth;
}

/**
 * Whether a validly signed token may still be used: its session open, its
 * account neither suspended nor closed (the auth module answers).
 */
export type AccessCheck = (claims: AccessClaims) => Promise<'OPEN' | 'SESSION_ENDED' | 'SUSPENDED' | 'CLOSED'>;

export function registerAuthentication(app: FastifyInstance, signer: TokenSigner, accessCheck: AccessCheck): void {
  app.decorateRequest('auth', null);

  app.decorate('authenticate', async (request: FastifyRequest) => {
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new AppError('UNAUTHORIZED', 'Authentication required');
    const claims = await signer.verifyAccess(token);
    // The web app signs the person out on both codes without trying a refresh, and says which happened.
    switch (await accessCheck(claims)) {
      case 'OPEN':
        break;
      case 'SUSPENDED':
        throw new AppError('ACCOUNT_SUSPENDED', 'This account is suspended; contact support');
      case 'SESSION_ENDED':
        throw new AppError('SESSION_REVOKED', 'This session was ended; log in again');
      case 'CLOSED':
        throw new AppError('UNAUTHORIZED', 'Authentication required');
    }
    request.auth = claims;
  });

  app.decorate('requireAdmin', async (request: FastifyRequest) => {
    if (caller(request).role !== 'ADMIN') throw new AppError('FORBIDDEN', 'Administrators only');
  });
}
