import type { FastifyInstance } from 'fastify';
import type { TokenSigner } from '../../platform/auth/access-tokens.js';
import type { Cipher } from '../../platform/crypto.js';
import type { Database } from '../../platform/db/client.js';
import type { Mailer } from '../../platform/email/mailer.js';
import type { Realtime } from '../../platform/realtime/socket-server.js';
import { createAuthRepository } from './auth.repository.js';
import { authRoutes } from './auth.routes.js';
import { createAuthService } from './auth.service.js';
import { createAttemptLimiter } from './attempt-limiter.js';

export interface AuthModuleDeps {
  db: Database;
  signer: TokenSigner;
  cipher: Cipher;
  mailer: Mailer;
  realtime: Realtime;
  publicUrl: string;
  loginLimit: { maxFailures: number; windowMs: number };
  emailSendLimitPerHour: number;
  clock: () => Date;
  onAccountCreated: (userId: string) => Promise<unknown>;
}

/** Wires the auth module and mounts its routes under /api/auth. */
export async function registerAuthModule(app: FastifyInstance, deps: AuthModuleDeps) {
  const repo = createAuthRepository(deps.db);
  const service = createAuthService({
    repo,
    signer: deps.signer,
    cipher: deps.cipher,
    mailer: deps.mailer,
    realtime: deps.realtime,
    attempts: createAttemptLimiter(repo, deps.loginLimit, deps.clock),
    publicUrl: deps.publicUrl,
    clock: deps.clock,
    log: app.log,
    onAccountCreated: deps.onAccountCreated,
  });
  await app.register(authRoutes, { prefix: '/api/auth', service, emailSendLimitPerHour: deps.emailSendLimitPerHour });
  return service;
}

export type { AuthService } from './auth.service.js';
