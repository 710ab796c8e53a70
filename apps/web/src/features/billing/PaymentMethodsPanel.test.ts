import type { PaymentMethod, PlansResponse, Subscription } from '@commpro/contracts';
import { MutationObserver } from '@tanstack/react-query';
import { createElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { authedRequest } from '../../shared/api/client';
import { billingKeys } from './api';
import { SubscriptionPanel } from './SubscriptionPanel';
import { renderStatic, testQueryClient } from './test-render';
import { removeCardMutation, setDefaultCardMutation } from './use-billing';

// The API layer is replaced: no request leaves, and Stripe.js is never loaded (the card form is not opened here).
vi.mock('../../shared/api/client', () => ({ authedRequest: vi.fn(), publicRequest: vi.fn(), authedDownload: vi.fn() }));
vi.mock('@stripe/stripe-js/pure', () => ({ loadStripe: vi.fn() }));

afterEach(() => {
  vi.mocked(authedRequest).mockReset();
});

const subscription: Subscription = {
  id: '00000000-0000-4000-8000-000000000001',
  tier: 'STARTER',
  status: 'ACTIVE',
  interval: 'MONTHLY',
  currentPeriodStart: '2026-11-01T00:00:00.000Z',
  currentPeriodEnd: '2026-12-01T00:00:00.000Z',
  cancelAtPeriodEnd: false,
  cancelledAt: null,
  scheduledChange: null,
  amountCents: 1500,
  currency: 'EUR',
  pastDue: null,
  provider: 'stripe',
};

const plans = (payments: PlansResponse['payments']): PlansResponse => ({
  plans: [],
  currency: 'EUR',
  vatRatePercent: 20,
  payments,
});

const visa: PaymentMethod = {
  id: 'pm_visa',
  brand: 'visa',
  last4: '4242',
  expMonth: 4,
  expYear: 2099,
  isDefault: true,
};
const mastercard: PaymentMethod = {
  id: 'pm_mc',
  brand: 'mastercard',
  last4: '5555',
  expMonth: 12,
  expYear: 2098,
  isDefault: false,
};
const expired: PaymentMethod = {
  id: 'pm_old',
  brand: 'amex',
  last4: '0005',
  expMonth: 1,
  expYear: 2020,
  isDefault: false,
};

function renderPlanTab(payments: PlansResponse['payments'], cards?: PaymentMethod[]) {
  const queryClient = testQueryClient();
  queryClient.setQueryData(billingKeys.plans, plans(payments));
  queryClient.setQueryData(billingKeys.subscription, subscription);
  if (cards) queryClient.setQueryData(billingKeys.paymentMethods, cards);
  return renderStatic(createElement(SubscriptionPanel), queryClient);
}

const cardRows = (html: string) => html.split('data-testid="payment-method"').slice(1);

describe('Payment methods in Settings › Plan & billing', () => {
  it('is not there with local billing', () => {
    const html = renderPlanTab({ provider: 'local' }, [visa]);
    expect(html).toContain('Your plan');
    expect(html).not.toContain('Payment methods');
    expect(html).not.toContain('Add card');
    expect(cardRows(html)).toHaveLength(0);
  });

  it('lists the cards with Stripe: brand, last digits, expiry and the default one', () => {
    const html = renderPlanTab({ provider: 'stripe', stripePublishableKey: 'pk_test_123' }, [
      visa,
      mastercard,
      expired,
    ]);
    expect(html).toContain('Payment methods');
    expect(html).toContain('Add card');
    const [first, second, third] = cardRows(html);
    expect(first).toContain('Visa');
    expect(first).toContain('4242');
    expect(first).toContain('Expires 04/2099');
    expect(first).toContain('Default');
    expect(first).not.toContain('Make default');
    expect(first).toContain('aria-label="Remove Visa ending in 4242"');
    expect(second).toContain('Mastercard');
    expect(second).not.toContain('Default');
    expect(second).toContain('aria-label="Make Mastercard ending in 5555 the default card"');
    expect(second).toContain('aria-label="Remove Mastercard ending in 5555"');
    // An expired card cannot pay: said so, and not offered as the default.
    expect(third).toContain('American Express');
    expect(third).toContain('Expired 01/2020');
    expect(third).not.toContain('Make default');
  });

  it('says there is no card yet', () => {
    const html = renderPlanTab({ provider: 'stripe', stripePublishableKey: 'pk_test_123' }, []);
    expect(html).toContain('No card yet. Add one to move to a paid plan.');
  });
});

describe('card actions', () => {
  it('makes a card the default with PUT …/:id/default, and the mark moves to it', async () => {
    const queryClient = testQueryClient();
    queryClient.setQueryData(billingKeys.paymentMethods, [visa, mastercard]);
    vi.mocked(authedRequest).mockResolvedValue({ ...mastercard, isDefault: true });

    await new MutationObserver(queryClient, setDefaultCardMutation(queryClient)).mutate('pm_mc');

    expect(authedRequest).toHaveBeenCalledExactlyOnceWith('/api/billing/payment-methods/pm_mc/default', {
      method: 'PUT',
    });
    expect(queryClient.getQueryData(billingKeys.paymentMethods)).toEqual([
      { ...visa, isDefault: false },
      { ...mastercard, isDefault: true },
    ]);
  });

  it('removes a card with DELETE …/:id, drops it from the list and fetches the list again', async () => {
    const queryClient = testQueryClient();
    queryClient.setQueryData(billingKeys.paymentMethods, [visa, mastercard]);
    vi.mocked(authedRequest).mockResolvedValue(undefined);

    await new MutationObserver(queryClient, removeCardMutation(queryClient)).mutate('pm_visa');

    expect(authedRequest).toHaveBeenCalledExactlyOnceWith('/api/billing/payment-methods/pm_visa', {
      method: 'DELETE',
    });
    expect(queryClient.getQueryData(billingKeys.paymentMethods)).toEqual([mastercard]);
    // Stripe may have made another card the default: the list is stale until fetched again.
    expect(queryClient.getQueryState(billingKeys.paymentMethods)?.isInvalidated).toBe(true);
  });

  it('keeps the list as it was when the server refuses', async () => {
    const queryClient = testQueryClient();
    queryClient.setQueryData(billingKeys.paymentMethods, [visa, mastercard]);
    vi.mocked(authedRequest).mockRejectedValue(new Error('refused'));

    await expect(
      new MutationObserver(queryClient, setDefaultCardMutation(queryClient)).mutate('pm_mc'),
    ).rejects.toThrow('refused');
    expect(queryClient.getQueryData(billingKeys.paymentMethods)).toEqual([visa, mastercard]);
  });
});
