import type { FastifyInstance } from 'fastify';
import type { Cipher } from '../../platform/crypto.js';
import type { Database } from '../../platform/db/client.js';
import type { JobHandler, JobQueue } from '../../platform/jobs/job-queue.js';
import type { Carrier } from '../../providers/carrier/carrier.port.js';
import type { BillingService } from '../billing/billing.service.js';
import { createGraceReminderHandler, createNumberRenewalHandler, GRACE_REMINDER_JOB } from './number-renewal.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import { createNumbersRepository } from './numbers.repository.js';
import { numbersRoutes } from './numbers.routes.js';
import { createNumbersService, RENEW_JOB } from './numbers.service.js';

export interface NumbersModuleDeps {
  db: Database;
  carrier: Carrier;
  billing: BillingService;
  notifications: NotificationsService;
  jobs: Pick<JobQueue, 'enqueue'>;
  cipher: Cipher;
  publicUrl: string;
  carrierCallsPerMinute: number;
  clock: () => Date;
}

/** Wires the numbers module under /api/numbers; returns its service and its job handlers. */
export async function registerNumbersModule(app: FastifyInstance, deps: NumbersModuleDeps) {
  const service = createNumbersService({
    db: deps.db,
    repo: createNumbersRepository(deps.db),
    carrier: deps.carrier,
    billing: deps.billing,
    jobs: deps.jobs,
    cipher: deps.cipher,
    publicUrl: deps.publicUrl,
    clock: deps.clock,
    log: app.log,
  });
  await app.register(numbersRoutes, {
    prefix: '/api/numbers',
    service,
    carrierCallsPerMinute: deps.carrierCallsPerMinute,
  });
  const jobHandlers: Record<string, JobHandler> = {
    [RENEW_JOB]: createNumberRenewalHandler({
      db: deps.db,
      billing: deps.billing,
      carrier: deps.carrier,
      notifications: deps.notifications,
      jobs: deps.jobs,
      clock: deps.clock,
    }),
    [GRACE_REMINDER_JOB]: createGraceReminderHandler({ db: deps.db, notifications: deps.notifications }),
  };
  return { service, jobHandlers };
}

export type { NumbersService } from './numbers.service.js';
