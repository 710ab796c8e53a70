import type { FastifyInstance } from 'fastify';
import type { Database } from '../../platform/db/client.js';
import type { JobHandler, JobQueue } from '../../platform/jobs/job-queue.js';
import { createBillingRepository } from './billing.repository.js';
import { billingRoutes } from './billing.routes.js';
import { createBillingService, type Payments, ROLLOVER_JOB } from './billing.service.js';
import { createInvoices, type Seller } from './invoices.js';
import { PROVIDER_USAGE_JOB, ProviderUsagePayload } from './provider-sync.js';
import { createQuota } from './quota.js';
import type { NotificationsService } from '../notifications/notifications.service.js';

export interface BillingModuleDeps {
  db: Database;
  jobs: Pick<JobQueue, 'enqueue'>;
  notifications: Pick<NotificationsService, 'notify'>;
  payments: Payments;
  /** Provider webhooks per IP per minute. */
  webhooksPerMinute: number;
  vatRatePercent: number;
  seller: Seller;
  publicUrl: string;
  clock: () => Date;
}

/**
 * Billing: the service other modules ask about plans and usage, the quota
 * they ask before acting, and /api/billing. Routes are registered by
 * `registerRoutes` once the app's modules are wired.
 */
export function createBillingModule(deps: BillingModuleDeps) {
  const repo = createBillingRepository(deps.db);
  const invoices = createInvoices({
    repo,
    vatRateBasisPoints: Math.round(deps.vatRatePercent * 100),
    seller: deps.seller,
    publicUrl: deps.publicUrl,
    clock: deps.clock,
  });
  const service = createBillingService({
    db: deps.db,
    repo,
    invoices,
    jobs: deps.jobs,
    notifications: deps.notifications,
    vatRatePercent: deps.vatRatePercent,
    payments: deps.payments,
    clock: deps.clock,
  });
  const quota = createQuota({ billing: service, repo });
  const jobHandlers: Record<string, JobHandler> = {
    [ROLLOVER_JOB]: (payload) => service.rollover(String(payload.subscriptionId), new Date(String(payload.periodEnd))),
    [PROVIDER_USAGE_JOB]: (payload) => service.reportProviderUsage(ProviderUsagePayload.parse(payload)),
  };
  return {
    service,
    quota,
    jobHandlers,
    registerRoutes: (app: FastifyInstance) =>
      app.register(billingRoutes, { prefix: '/api/billing', service, webhooksPerMinute: deps.webhooksPerMinute }),
  };
}

export type { BillingService } from './billing.service.js';
