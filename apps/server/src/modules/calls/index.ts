import type { IceServer } from '@commpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../platform/db/client.js';
import type { JobHandler, JobQueue } from '../../platform/jobs/job-queue.js';
import type { Realtime } from '../../platform/realtime/socket-server.js';
import { createWebhookLog } from '../../platform/webhooks/webhook-log.js';
import type { VoiceCarrier, WebhookVerifier } from '../../providers/carrier/carrier.port.js';
import type { Quota } from '../billing/quota.js';
import type { ContactDirectory } from '../contacts/contact-directory.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import type { NumbersService } from '../numbers/index.js';
import { createCallMinutes } from './call-minutes.js';
import { attachCallSignalling } from './call-signalling.js';
import { createCallsRepository } from './calls.repository.js';
import { callsRoutes } from './calls.routes.js';
import { createCallsService, RING_TIMEOUT_JOB } from './calls.service.js';
import { CALL_STATUS_EVENT, callsWebhookRoutes } from './webhook.routes.js';

export interface CallsModuleDeps {
  db: Database;
  contacts: ContactDirectory;
  carrier: VoiceCarrier & WebhookVerifier & { readonly name: string };
  numbers: NumbersService;
  quota: Quota;
  notifications: NotificationsService;
  /** Wakes the user's phones for an inbound call by push; answers how many were reached. */
  pushIncomingCall(userId: string, call: { id: string; from: string; ringSeconds: number }): Promise<number>;
  jobs: Pick<JobQueue, 'enqueue' | 'wake'>;
  realtime: Realtime;
  publicUrl: string;
  ringTimeoutSeconds: number;
  iceServers: readonly IceServer[];
  callsPerMinute: number;
  webhooksPerMinute: number;
  clock: () => Date;
}

/** Wires calls under /api/calls and the apps' call commands on Socket.io; returns its service and job handlers. */
export async function registerCallsModule(app: FastifyInstance, deps: CallsModuleDeps) {
  const webhookLog = createWebhookLog(deps.db, deps.clock);
  const repo = createCallsRepository(deps.db);
  const service = createCallsService({
    db: deps.db,
    contacts: deps.contacts,
    repo,
    minutes: createCallMinutes({ quota: deps.quota, repo }),
    numbers: deps.numbers,
    notifications: deps.notifications,
    pushIncomingCall: deps.pushIncomingCall,
    carrier: deps.carrier,
    realtime: deps.realtime,
    jobs: deps.jobs,
    pendingStatuses: {
      take: (sid) => webhookLog.takePending(deps.carrier.name, CALL_STATUS_EVENT, sid),
    },
    publicUrl: deps.publicUrl,
    ringTimeoutSeconds: deps.ringTimeoutSeconds,
    iceServers: [...deps.iceServers],
    clock: deps.clock,
  });
  await app.register(callsRoutes, { prefix: '/api/calls', service, callsPerMinute: deps.callsPerMinute });
  await app.register(callsWebhookRoutes, {
    prefix: '/api/calls',
    service,
    verifier: deps.carrier,
    log: webhookLog,
    source: deps.carrier.name,
    publicUrl: deps.publicUrl,
    ringTimeoutSeconds: deps.ringTimeoutSeconds,
    perMinute: deps.webhooksPerMinute,
  });
  attachCallSignalling(deps.realtime, service, app.log);
  const jobHandlers: Record<string, JobHandler> = {
    [RING_TIMEOUT_JOB]: (payload) => service.ringTimedOut(String(payload.callId)),
  };
  return { service, jobHandlers };
}

export type { CallsService } from './calls.service.js';
