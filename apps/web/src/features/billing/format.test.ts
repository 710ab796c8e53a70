import type { Subscription } from '@commpro/contracts';
import { describe, expect, it } from 'vitest';
import {
  cardBrandName,
  currentTier,
  formatCardExpiry,
  formatMillicents,
  formatPlanPrice,
  isCardExpired,
  meterLevel,
  periodProgress,
  planAction,
  projectToPeriodEnd,
  vatOf,
} from './format';

const subscription = (overrides: Partial<Subscription> = {}): Subscription => ({
  id: '00000000-0000-4000-8000-000000000001',
  tier: 'STARTER',
  status: 'ACTIVE',
  interval: 'MONTHLY',
  currentPeriodStart: '2026-03-01T00:00:00.000Z',
  currentPeriodEnd: '2026-04-01T00:00:00.000Z',
  cancelAtPeriodEnd: false,
  cancelledAt: null,
  scheduledChange: null,
  amountCents: 1500,
  currency: 'EUR',
  pastDue: null,
  provider: 'local',
  ...overrides,
});

describe('formatPlanPrice', () => {
  it('drops the cents of a whole price and keeps them otherwise', () => {
    expect(formatPlanPrice(14_400, 'en')).toBe('€144');
    expect(formatPlanPrice(0, 'en')).toBe('€0');
    expect(formatPlanPrice(1450, 'en')).toBe('€14.50');
    expect(formatPlanPrice(11_900, 'fr')).toBe('119\u00a0€');
  });
});

describe('formatMillicents', () => {
  it('shows unit prices to the cent, or to the tenth of a cent below it', () => {
    expect(formatMillicents(10_000, 'en')).toBe('€0.10');
    expect(formatMillicents(2_000, 'en')).toBe('€0.02');
    expect(formatMillicents(1_500, 'en')).toBe('€0.015');
    expect(formatMillicents(12_000, 'fr')).toBe('0,12\u00a0€');
  });
});

describe('vatOf', () => {
  it('adds VAT as the invoice does, half up to the cent', () => {
    expect(vatOf(1500, 20)).toBe(300);
    expect(vatOf(1, 20)).toBe(0);
    expect(vatOf(3, 20)).toBe(1);
    expect(vatOf(1234, 5.5)).toBe(68);
  });
});

describe('currentTier', () => {
  it('is the plan while it is paid or in its grace period, FREE once cancelled or past the grace', () => {
    expect(currentTier(subscription())).toBe('STARTER');
    expect(currentTier(subscription({ status: 'CANCELLED' }))).toBe('FREE');
    const pastDue = subscription({
      status: 'PAST_DUE',
      pastDue: { since: '2026-03-10T00:00:00.000Z', limitsDropAt: '2026-03-17T00:00:00.000Z' },
    });
    expect(currentTier(pastDue, Date.parse('2026-03-16T23:00:00Z'))).toBe('STARTER');
    expect(currentTier(pastDue, Date.parse('2026-03-17T00:00:00Z'))).toBe('FREE');
  });
});

describe('planAction', () => {
  it('marks the current plan, the ones above and below, and a change of billing period', () => {
    const starter = subscription();
    expect(planAction('STARTER', 'MONTHLY', starter)).toBe('current');
    expect(planAction('STARTER', 'ANNUAL', starter)).toBe('switch');
    expect(planAction('BUSINESS', 'MONTHLY', starter)).toBe('upgrade');
    expect(planAction('FREE', 'MONTHLY', starter)).toBe('downgrade');
  });

  it('has no billing period for FREE', () => {
    const free = subscription({ tier: 'FREE', amountCents: 0 });
    expect(planAction('FREE', 'ANNUAL', free)).toBe('current');
    expect(planAction('STARTER', 'ANNUAL', free)).toBe('upgrade');
  });
});

describe('projectToPeriodEnd', () => {
  const period = { start: '2026-03-01T00:00:00.000Z', end: '2026-03-31T00:00:00.000Z' };

  it('extends the cost so far in a straight line to the end of the period', () => {
    expect(projectToPeriodEnd(1.5, period, Date.parse('2026-03-11T00:00:00Z'))).toBeCloseTo(4.5);
    expect(projectToPeriodEnd(0, period, Date.parse('2026-03-11T00:00:00Z'))).toBe(0);
  });

  it('counts less than a day as a day, and stops at the end of the period', () => {
    expect(projectToPeriodEnd(0.1, period, Date.parse('2026-03-01T00:05:00Z'))).toBeCloseTo(3);
    expect(projectToPeriodEnd(7, period, Date.parse('2026-04-02T00:00:00Z'))).toBe(7);
  });
});

describe('periodProgress', () => {
  it('is the share of the period gone, between 0 and 1', () => {
    const period = { start: '2026-03-01T00:00:00.000Z', end: '2026-03-31T00:00:00.000Z' };
    expect(periodProgress(period, Date.parse('2026-03-16T00:00:00Z'))).toBe(0.5);
    expect(periodProgress(period, Date.parse('2026-02-01T00:00:00Z'))).toBe(0);
    expect(periodProgress(period, Date.parse('2026-05-01T00:00:00Z'))).toBe(1);
  });
});

describe('meterLevel', () => {
  it('warns from 80%, says full at the allowance and over beyond it', () => {
    expect(meterLevel(10, 50)).toBe('ok');
    expect(meterLevel(40, 50)).toBe('high');
    expect(meterLevel(50, 50)).toBe('full');
    expect(meterLevel(51, 50)).toBe('over');
    expect(meterLevel(0, 0)).toBe('ok');
    expect(meterLevel(2, 0)).toBe('over');
  });
});

describe('cards', () => {
  it('names the networks as their owners write them, and none it does not know', () => {
    expect(cardBrandName('visa')).toBe('Visa');
    expect(cardBrandName('amex')).toBe('American Express');
    expect(cardBrandName('cartes_bancaires')).toBe('Cartes Bancaires');
    expect(cardBrandName('unknown')).toBeNull();
  });

  it('prints the expiry as on the card, and keeps a card valid through its last month', () => {
    expect(formatCardExpiry({ expMonth: 4, expYear: 2030 })).toBe('04/2030');
    const card = { expMonth: 3, expYear: 2026 };
    expect(isCardExpired(card, new Date(2026, 2, 31, 23, 59))).toBe(false);
    expect(isCardExpired(card, new Date(2026, 3, 1))).toBe(true);
    expect(isCardExpired({ expMonth: 12, expYear: 2025 }, new Date(2026, 0, 1))).toBe(true);
  });
});
