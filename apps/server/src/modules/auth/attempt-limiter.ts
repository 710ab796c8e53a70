import { sha256Hex } from '../../platform/crypto.js';
import { AppError } from '../../platform/errors.js';
import type { AuthRepository } from './auth.repository.js';

export interface FailureLimiter {
  /** Throws 429 with Retry-After once `key` has failed too often in the window. */
  assertAllowed(key: string): Promise<void>;
  recordFailure(key: string): Promise<void>;
  clear(key: string): Promise<void>;
}

/**
 * Counts failed guesses of a secret in PostgreSQL, so the limit holds across
 * restarts and across API nodes.
 */
export function createFailureLimiter(
  repo: AuthRepository,
  limits: { maxFailures: number; windowMs: number },
  clock: () => Date,
): FailureLimiter {
  return {
    async assertAllowed(key) {
      const now = clock();
      const { count, oldest } = await repo.recentFailures(sha256Hex(key), new Date(now.getTime() - limits.windowMs));
      if (count >= limits.maxFailures && oldest) {
        const retryAfter = (oldest.getTime() + limits.windowMs - now.getTime()) / 1000;
        throw new AppError('TOO_MANY_ATTEMPTS', 'Too many failed attempts; try again later', { retryAfter });
      }
    },
    async recordFailure(key) {
      const now = clock();
      await repo.recordFailure(sha256Hex(key), now, new Date(now.getTime() - limits.windowMs));
    },
    clear: (key) => repo.clearFailures(sha256Hex(key)),
  };
}
