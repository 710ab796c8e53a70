import { isMessageKey, type Translate } from '../i18n/i18n';
import { ApiError } from './errors';

/**
 * A readable message for a failed call: our own translation when we know the
 * code, else the server's message, else a generic one.
 */
export function errorMessage(error: unknown, t: Translate): string {
  if (error instanceof ApiError) {
    const key = `errors.${error.code}`;
    if (error.code === 'TOO_MANY_ATTEMPTS' || error.status === 429) {
      const minutes = Math.max(1, Math.ceil((error.retryAfter ?? 60) / 60));
      return t('errors.TOO_MANY_ATTEMPTS', { minutes });
    }
    if (isMessageKey(key)) return t(key);
    if (error.status >= 500) return t('errors.SERVER');
    if (error.message) return error.message;
  }
  return t('errors.UNKNOWN');
}
