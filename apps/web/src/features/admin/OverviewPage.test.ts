import type { AdminOverview } from '@commpro/contracts';
import { createElement } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { renderStatic, testQueryClient } from '../billing/test-render';
import { adminKeys } from './api';
import { OverviewPage } from './OverviewPage';

vi.mock('../../shared/api/client', () => ({ authedRequest: vi.fn() }));

describe('OverviewPage', () => {
  const overview: AdminOverview = {
    users: {
      total: 1234,
      newThisWeek: 5,
      suspended: 1,
      byPlan: { FREE: 1000, STARTER: 200, BUSINESS: 30, ENTERPRISE: 4 },
    },
    revenue: { mrrCents: 1_234_550, arrCents: 14_814_600, currency: 'EUR' },
    numbers: { total: 3, byCountry: { FR: 2, GB: 1 }, byStatus: { ACTIVE: 3 } },
    period: { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' },
    traffic: { messagesOutbound: 10, messagesInbound: 12, messagesFailed: 1, calls: 4, minutes: 9 },
    webhooks: [{ source: 'sandbox', total: 8, failed: 1, errorRate: 0.125 }],
    health: { database: 'OK', redis: 'DISABLED', carrier: 'ERROR' },
    carrier: 'sandbox',
  };
  const client = testQueryClient();
  client.setQueryData(adminKeys.overview, overview);
  const html = renderStatic(createElement(OverviewPage), client);
  const tile = (label: string) =>
    new RegExp(`<dt class="kpi__label">${label}</dt><dd class="kpi__value">([^<]*)</dd>`).exec(html)?.[1];

  it('shows the counts, grouped by thousands', () => {
    expect(tile('Total users')).toBe('1,234');
    expect(tile('New this week')).toBe('5');
    expect(tile('Messages received')).toBe('12');
    expect(tile('Minutes')).toBe('9');
  });

  it('shows MRR and ARR in euros from cents', () => {
    expect(tile('MRR')).toBe('€12,345.50');
    expect(tile('ARR')).toBe('€148,146');
  });

  it('names the period by its first and last days, and the health of each dependency', () => {
    expect(html).toContain('Nov 1, 2026 – Nov 30, 2026');
    expect(html).toContain('Database: OK');
    expect(html).toContain('Redis: Not used');
    expect(html).toContain('Carrier: Error');
    expect(html).toContain('12.5%');
  });
});
