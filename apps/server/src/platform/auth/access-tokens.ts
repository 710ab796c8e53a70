import { createSecretKey } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { UserRole } from '@commpro/contracts';
import { AppError } from '../errors.js';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ISSUER = 'commpro';
const ALGORITHM = 'HS256';

export interface AccessClaims {
  userId: string;
  role: UserRole;
  /** The session (refresh-token family) this token was issued for. */
  sessionId: string;
}

/** Short-lived, purpose-bound tokens (e.g. the 2FA login challenge). */
export interface PurposeClaims {
  subject: string;
  data: Record<string, string | undefined>;
}

export interface TokenSigner {
  signAccess(claims: AccessClaims): Promise<string>;
  verifyAccess(token: string): Promise<AccessClaims>;
  signPurpose(purpose: string, claims: PurposeClaims, ttlSeconds: number): Promise<string>;
  verifyPurpose(purpose: string, token: string): Promise<PurposeClaims>;
}

/**
 * HS256 only: the verifier pins the algorithm, so `alg: none` and algorithm
 * confusion are rejected; the audience separates access tokens from
 * purpose tokens so one can never stand in for the other.
 */
export function createTokenSigner(secret: string, clock: () => Date = () => new Date()): TokenSigner {
  // A KeyObject made once: given raw bytes, jose would import the key again on every sign and verify.
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  const now = () => Math.floor(clock().getTime() / 1000);

  async function verify(token: string, audience: string) {
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience,
        currentDate: clock(),
      });
      return payload;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new AppError('TOKEN_EXPIRED', 'Token expired');
      throw new AppError('INVALID_TOKEN', 'Invalid token');
    }
  }

  return {
    signAccess: ({ userId, role, sessionId }) =>
      new SignJWT({ role, sid: sessionId })
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setIssuer(ISSUER)
        .setAudience('access')
        .setSubject(userId)
        .setIssuedAt(now())
        .setExpirationTime(now() + ACCESS_TOKEN_TTL_SECONDS)
        .sign(key),

    async verifyAccess(token) {
      const payload = await verify(token, 'access');
      if (
        typeof payload.sub !== 'string' ||
        typeof payload.sid !== 'string' ||
        (payload.role !== 'USER' && payload.role !== 'ADMIN')
      ) {
        throw new AppError('INVALID_TOKEN', 'Invalid token');
      }
      return { userId: payload.sub, role: payload.role, sessionId: payload.sid };
    },

    signPurpose: (purpose, { subject, data }, ttlSeconds) =>
      new SignJWT({ data })
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setIssuer(ISSUER)
        .setAudience(`purpose:${purpose}`)
        .setSubject(subject)
        .setIssuedAt(now())
        .setExpirationTime(now() + ttlSeconds)
        .sign(key),

    async verifyPurpose(purpose, token) {
      const payload = await verify(token, `purpose:${purpose}`);
      if (typeof payload.sub !== 'string' || typeof payload.data !== 'object' || payload.data === null) {
        throw new AppError('INVALID_TOKEN', 'Invalid token');
      }
      return { subject: payload.sub, data: payload.data as Record<string, string | undefined> };
    },
  };
}
