import type { PaymentMethod, PlanChange, PlansResponse, Subscription } from '@commpro/contracts';
import { createElement } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { billingKeys } from './api';
import { ChangePlanDialog } from './ChangePlanDialog';
import { renderStatic, testQueryClient } from './test-render';

vi.mock('../../shared/api/client', () => ({ authedRequest: vi.fn(), publicRequest: vi.fn(), authedDownload: vi.fn() }));
// Stripe Elements stay out of unit tests: a stand-in shows where the card form goes and which form the button submits.
vi.mock('./CardSetup', () => ({
  CardSetup: ({ formId }: { formId: string }) => createElement('form', { id: formId, 'data-testid': 'card-form' }),
}));

const free: Subscription = {
  id: '00000000-0000-4000-8000-000000000001',
  tier: 'FREE',
  status: 'ACTIVE',
  interval: 'MONTHLY',
  currentPeriodStart: '2026-11-01T00:00:00.000Z',
  currentPeriodEnd: '2026-12-01T00:00:00.000Z',
  cancelAtPeriodEnd: false,
  cancelledAt: null,
  scheduledChange: null,
  amountCents: 0,
  currency: 'EUR',
  pastDue: null,
  provider: 'local',
};

const plans = (payments: PlansResponse['payments']): PlansResponse => ({
  plans: [],
  currency: 'EUR',
  vatRatePercent: 20,
  payments,
});
const stripe: PlansResponse['payments'] = { provider: 'stripe', stripePublishableKey: 'pk_test_123' };

/** Leaving FREE for Starter (€15): what the server's preview says. */
const toStarter = (owedCents: number): PlanChange => ({
  subscription: free,
  effective: 'NOW',
  prorationCents: 1500,
  owedCents,
  invoiceId: null,
});

function renderDialog({
  preview,
  payments = { provider: 'local' },
  cards,
}: {
  preview: PlanChange;
  payments?: PlansResponse['payments'];
  cards?: PaymentMethod[];
}) {
  const queryClient = testQueryClient();
  queryClient.setQueryData(billingKeys.preview('STARTER', 'MONTHLY'), preview);
  if (cards) queryClient.setQueryData(billingKeys.paymentMethods, cards);
  const html = renderStatic(
    createElement(ChangePlanDialog, {
      tier: 'STARTER',
      interval: 'MONTHLY',
      plans: plans(payments),
      subscription: free,
      onClose: () => undefined,
    }),
    queryClient,
  );
  return { html, queryClient };
}

/** The text of the element carrying `data-testid`, tags removed. */
function testIdText(html: string, testId: string): string | null {
  const match = new RegExp(`data-testid="${testId}"[^>]*>(.*?)</dd>`).exec(html);
  return match ? match[1]!.replace(/<[^>]+>/g, '') : null;
}

describe('ChangePlanDialog', () => {
  it('shows what the period cut short owes from the preview’s owedCents, charged with VAT', () => {
    const { html, queryClient } = renderDialog({ preview: toStarter(500) });
    expect(testIdText(html, 'change-owed')).toMatch(/^€5\.00Numbers and usage beyond the plan since /);
    expect(testIdText(html, 'change-charge')).toBe('€24.00€20.00 + €4.00 VAT (20%)');
    // The amount is the server's: this period's usage is not asked for.
    expect(queryClient.getQueryCache().find({ queryKey: billingKeys.usage })).toBeUndefined();
  });

  it('has no owed line when the preview owes nothing', () => {
    const { html } = renderDialog({ preview: toStarter(0) });
    expect(testIdText(html, 'change-owed')).toBeNull();
    expect(testIdText(html, 'change-charge')).toBe('€18.00€15.00 + €3.00 VAT (20%)');
  });

  it('asks for no card with local billing', () => {
    const { html } = renderDialog({ preview: toStarter(0) });
    expect(html).toContain('Local billing: no card is needed');
    expect(html).not.toContain('data-testid="card-form"');
    expect(html).not.toContain('Charged to');
  });

  it('with Stripe and no saved card, asks for a card first and confirms by submitting it', () => {
    const { html } = renderDialog({ preview: toStarter(0), payments: stripe, cards: [] });
    expect(html).toContain('Add a card to pay for Starter. It becomes your default card.');
    expect(html).not.toContain('Local billing');
    const formId = /<form id="([^"]+)" data-testid="card-form"/.exec(html)?.[1];
    expect(formId).toBeDefined();
    // Confirm submits the card form, and waits for Stripe's field to be ready.
    const confirm = new RegExp(`<button[^>]*form="${formId}"[^>]*>`).exec(html)?.[0];
    expect(confirm).toContain('type="submit"');
    expect(confirm).toContain('disabled=""');
  });

  it('with Stripe and a saved card, names the card it charges', () => {
    const visa: PaymentMethod = {
      id: 'pm_visa',
      brand: 'visa',
      last4: '4242',
      expMonth: 4,
      expYear: 2099,
      isDefault: true,
    };
    const { html } = renderDialog({ preview: toStarter(0), payments: stripe, cards: [visa] });
    expect(html).toContain('Charged to');
    expect(html).toMatch(/data-testid="change-card">.*Visa.*4242/);
    expect(html).toContain('Use another card');
    expect(html).not.toContain('data-testid="card-form"');
  });
});
