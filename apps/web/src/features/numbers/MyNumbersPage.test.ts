import type { PhoneNumber } from '@commpro/contracts';
import { createElement, type ComponentType } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { renderStatic, testQueryClient } from '../billing/test-render';
import { numbersKeys } from './api';
import { MyNumbersPage } from './MyNumbersPage';
import { NumbersStrip } from './NumbersStrip';

vi.mock('../../shared/api/client', () => ({ authedRequest: vi.fn(), publicRequest: vi.fn(), authedDownload: vi.fn() }));
// The port-request card under the list reads the signed-in person; not what these tests are about.
vi.mock('../auth/auth-context', () => ({ useMe: () => ({ data: undefined }) }));

const number = (overrides: Partial<PhoneNumber>): PhoneNumber => ({
  id: '00000000-0000-4000-8000-000000000001',
  phoneNumber: '+33639981234',
  friendlyName: 'Atelier',
  countryCode: 'FR',
  numberType: 'MOBILE',
  capabilities: { voice: true, sms: true, mms: true },
  status: 'ACTIVE',
  monthlyCost: 1,
  purchasedAt: '2026-09-10T09:00:00.000Z',
  expiresAt: '2026-12-10T09:00:00.000Z',
  graceEndsAt: null,
  createdAt: '2026-09-10T09:00:00.000Z',
  updatedAt: '2026-09-10T09:00:00.000Z',
  ...overrides,
});

const main = number({});
/** Bought second, beyond what the plan now includes: kept, free, until 24 Dec. */
const inGrace = number({
  id: '00000000-0000-4000-8000-000000000002',
  phoneNumber: '+33639985407',
  friendlyName: 'Support',
  purchasedAt: '2026-10-02T09:00:00.000Z',
  expiresAt: '2026-12-24T12:00:00.000Z',
  graceEndsAt: '2026-12-24T12:00:00.000Z',
});

function render(component: ComponentType) {
  const queryClient = testQueryClient();
  queryClient.setQueryData(numbersKeys.mine, [main, inGrace]);
  return renderStatic(createElement(component), queryClient);
}

describe('a number in its grace period', () => {
  it('says on My Numbers until when it is kept, with the way to the plans; the other number says nothing', () => {
    const cards = render(MyNumbersPage).split('data-testid="number-card"').slice(1);
    expect(cards).toHaveLength(2);
    const [covered, kept] = cards as [string, string];

    expect(kept).toContain('+33 6 39 98 54 07');
    expect(kept).toContain('Grace period');
    expect(kept).toContain('Kept until Dec 24, 2026 — upgrade your plan to keep it');
    expect(kept).toContain('It still receives calls and texts, free, until then');
    expect(kept).toMatch(/<a [^>]*href="\/plans"[^>]*>Compare plans and upgrade/);
    expect(kept).toContain('Free until Dec 24, 2026');
    expect(kept).not.toContain('Renews');

    expect(covered).toContain('+33 6 39 98 12 34');
    expect(covered).toContain('Active');
    expect(covered).not.toContain('Kept until');
    expect(covered).not.toContain('data-testid="number-grace"');
    expect(covered).toContain('Renews Dec 10, 2026');
  });

  it('says it on the dashboard strip too, in place of the name', () => {
    const pills = render(NumbersStrip).split('<a class="number-pill').slice(1);
    const [covered, kept] = pills as [string, string];
    expect(kept).toContain('Kept until Dec 24, 2026');
    expect(kept).not.toContain('Support');
    expect(covered).toContain('Atelier');
    expect(covered).not.toContain('Kept until');
  });
});
