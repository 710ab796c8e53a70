import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/errors';
import { translate } from '../../shared/i18n/i18n';
import { billingErrorMessage } from './error-message';

const t = (key: Parameters<typeof translate>[1], params?: Parameters<typeof translate>[2]) =>
  translate('en', key, params);

describe('billingErrorMessage', () => {
  it('says a declined card was declined', () => {
    const declined = new ApiError({
      status: 402,
      code: 'PAYMENT_FAILED',
      message: 'The payment failed',
      details: [{ message: 'Your card was declined.', code: 'CARD_DECLINED' }],
    });
    expect(billingErrorMessage(declined, t)).toBe('Your card was declined. Try another card, or contact your bank.');
    expect(billingErrorMessage(declined, (key, params) => translate('fr', key, params))).toBe(
      'Votre carte a été refusée. Essayez une autre carte ou contactez votre banque.',
    );
  });

  it('asks for a card when the server needs one', () => {
    const required = new ApiError({ status: 402, code: 'PAYMENT_METHOD_REQUIRED', message: 'A card is required' });
    expect(billingErrorMessage(required, t)).toBe('Add a card to pay for this plan.');
  });

  it('blames the payment provider, not us, when it is down', () => {
    const down = new ApiError({ status: 502, code: 'PROVIDER_UNAVAILABLE', message: 'Stripe is unavailable' });
    expect(billingErrorMessage(down, t)).toBe(
      'Our payment provider is not responding. Please try again in a few minutes.',
    );
  });
});
