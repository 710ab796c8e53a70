import { sha256Hex } from '../../platform/crypto.js';
import { AppError } from '../../platform/errors.js';
import type { AuthRepository } from './auth.repository.js';

export interface AttemptLimiter {
  /**
   * Counts an attempt at `key` before it is tried, and throws 429 with
   * Retry-After when more than the limit are already counted in the window.
   * An attempt that succeeds calls clear(); one that fails stays counted.
   */
  consume(key: string): Promise<void>;
  clear(key: string): Promise<void>;
}

/**
 * Attempts at guessing a secret (or sending an email), kept in PostgreSQL so
 * the limit holds across restarts and API nodes. Recording before checking
 * makes it hold under concurrency too: the n-th attempt to be recorded always
 * counts at least n, so parallel guesses cannot slip through together.
 */
export function createAttemptLimiter(
  repo: AuthRepository,
  limits: { maxFailures: number; windowMs: number },
  clock: () => Date,
): AttemptLimiter {
  return {
    async consume(key) {
      const keyHash = sha256Hex(key);
      const now = clock();
      const windowStart = new Date(now.getTime() - limits.windowMs);
      const attemptId = await repo.recordAttempt(keyHash, now, windowStart);
      const { count, oldest } = await repo.recentAttempts(keyHash, windowStart);
      if (count > limits.maxFailures) {
        // A refused attempt is not counted, so the lock ends when the window says it does.
        await repo.deleteAttempt(attemptId);
        const retryAfter = ((oldest ?? now).getTime() + limits.windowMs - now.getTime()) / 1000;
        throw new AppError('TOO_MANY_ATTEMPTS', 'Too many failed attempts; try again later', { retryAfter });
      }
    },
    clear: (key) => repo.clearAttempts(sha256Hex(key)),
  };
}
