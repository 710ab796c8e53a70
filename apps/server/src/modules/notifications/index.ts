import type { FastifyInstance } from 'fastify';
import type { Database } from '../../platform/db/client.js';
import type { JobQueue } from '../../platform/jobs/job-queue.js';
import type { Realtime } from '../../platform/realtime/socket-server.js';
import type { PushSender } from '../../providers/push/push.port.js';
import { notificationsRoutes } from './notifications.routes.js';
import { createNotificationsService } from './notifications.service.js';
import { createPushDelivery } from './push-delivery.js';

export interface NotificationsModuleDeps {
  db: Database;
  jobs: Pick<JobQueue, 'enqueue'>;
  push: PushSender;
  realtime: Pick<Realtime, 'emitToUser'>;
  contactName(userId: string, phoneNumber: string, tx: Database): Promise<string | null>;
  log: { warn(obj: object, msg: string): void };
  extraPushOrigins: readonly string[];
  clock: () => Date;
}

/**
 * Notifications: the service other modules notify through, delivery (the
 * bell, then push with retries), and /api/notifications, registered by
 * `registerRoutes` once the app is wired.
 */
export function createNotificationsModule(deps: NotificationsModuleDeps) {
  const service = createNotificationsService({
    db: deps.db,
    jobs: deps.jobs,
    contactName: deps.contactName,
    pushChannels: deps.push.channels,
    extraPushOrigins: deps.extraPushOrigins,
    clock: deps.clock,
  });
  const delivery = createPushDelivery({
    db: deps.db,
    contactName: deps.contactName,
    log: deps.log,
    jobs: deps.jobs,
    push: deps.push,
    preferences: (userId, tx) => service.preferences(userId, tx),
    emitToUser: (userId, event, payload) => deps.realtime.emitToUser(userId, event, payload),
    clock: deps.clock,
  });
  return {
    service,
    delivery,
    jobHandlers: delivery.jobHandlers,
    registerRoutes: (app: FastifyInstance) =>
      app.register(notificationsRoutes, {
        prefix: '/api/notifications',
        service,
        vapidPublicKey: deps.push.vapidPublicKey,
      }),
  };
}

export type { NotificationsService } from './notifications.service.js';
