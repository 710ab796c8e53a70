import type { FastifyInstance } from 'fastify';
import type { Database } from '../../platform/db/client.js';
import type { JobHandler, JobQueue } from '../../platform/jobs/job-queue.js';
import type { Realtime } from '../../platform/realtime/socket-server.js';
import { createWebhookLog } from '../../platform/webhooks/webhook-log.js';
import type { MessagingCarrier, WebhookVerifier } from '../../providers/carrier/carrier.port.js';
import type { Quota } from '../billing/quota.js';
import type { ContactDirectory } from '../contacts/contact-directory.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import type { NumbersService } from '../numbers/index.js';
import { createMessagingRepository } from './messaging.repository.js';
import { messagingRoutes } from './messaging.routes.js';
import {
  type ContentSealer,
  createMessagingService,
  type MessagingServiceDeps,
  SEND_JOB,
} from './messaging.service.js';
import { messagingWebhookRoutes, STATUS_EVENT } from './webhook.routes.js';

export interface MessagingModuleDeps {
  db: Database;
  contacts: ContactDirectory;
  carrier: MessagingCarrier & WebhookVerifier & { readonly name: string };
  numbers: NumbersService;
  quota: Quota;
  notifications: NotificationsService;
  sealer: ContentSealer;
  jobs: Pick<JobQueue, 'enqueue' | 'wake'>;
  realtime: Realtime;
  describeFailure: (carrierCode: number) => { code: string; reason: string };
  media: MessagingServiceDeps['media'];
  publicUrl: string;
  dailySendCap: number;
  sendsPerMinute: number;
  webhooksPerMinute: number;
  clock: () => Date;
}

/** Wires messaging under /api/messages; returns its service and its job handler. */
export async function registerMessagingModule(app: FastifyInstance, deps: MessagingModuleDeps) {
  const webhookLog = createWebhookLog(deps.db, deps.clock);
  const service = createMessagingService({
    db: deps.db,
    contacts: deps.contacts,
    repo: createMessagingRepository(deps.db),
    numbers: deps.numbers,
    quota: deps.quota,
    notifications: deps.notifications,
    carrier: deps.carrier,
    sealer: deps.sealer,
    jobs: deps.jobs,
    realtime: deps.realtime,
    describeFailure: deps.describeFailure,
    media: deps.media,
    pendingStatuses: {
      take: (carrierMessageId) => webhookLog.takePending(deps.carrier.name, STATUS_EVENT, carrierMessageId),
    },
    publicUrl: deps.publicUrl,
    dailySendCap: deps.dailySendCap,
    clock: deps.clock,
  });
  await app.register(messagingRoutes, { prefix: '/api/messages', service, sendsPerMinute: deps.sendsPerMinute });
  await app.register(messagingWebhookRoutes, {
    prefix: '/api/messages',
    service,
    verifier: deps.carrier,
    log: webhookLog,
    source: deps.carrier.name,
    publicUrl: deps.publicUrl,
    perMinute: deps.webhooksPerMinute,
  });
  const jobHandlers: Record<string, JobHandler> = {
    [SEND_JOB]: (payload, job) =>
      service.deliver(String(payload.messageId), {
        isRetry: job.attempts > 1,
        isLast: job.attempts >= job.maxAttempts,
      }),
  };
  return { service, jobHandlers };
}

export type { MessagingService } from './messaging.service.js';
