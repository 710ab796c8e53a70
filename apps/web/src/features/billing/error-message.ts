import { errorMessage } from '../../shared/api/error-message';
import { isApiError } from '../../shared/api/errors';
import type { Translate } from '../../shared/i18n/i18n';

/**
 * A failed billing call in the person's words. Here PROVIDER_UNAVAILABLE (502)
 * means the payment provider is down, which the generic "went wrong on our
 * side" would misstate.
 */
export function billingErrorMessage(error: unknown, t: Translate): string {
  if (isApiError(error, 'PROVIDER_UNAVAILABLE')) return t('billing.errors.providerUnavailable');
  return errorMessage(error, t);
}
