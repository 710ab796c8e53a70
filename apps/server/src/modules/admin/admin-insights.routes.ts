import {
  AdminCharts,
  AdminChartsQuery,
  AdminOverview,
  AdminWebhookList,
  AdminWebhookRow,
  AdminWebhooksQuery,
  ErrorBody,
  IdParams,
} from '@commpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Database } from '../../platform/db/client.js';
import type { HealthProbes } from '../../platform/http/health.js';
import type { WebhookReplayRegistry } from '../../platform/webhooks/webhook-replay.js';
import { loadCharts } from './admin-charts.js';
import { loadOverview } from './admin-overview.js';
import { createAdminWebhooks } from './admin-webhooks.js';
import { actorOf } from './audit-log.js';

export interface AdminInsightsOptions {
  db: Database;
  /** The same probes /health runs. */
  healthProbes: HealthProbes;
  carrier: AdminOverview['carrier'];
  replay: WebhookReplayRegistry;
  clock: () => Date;
}

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

/** What operators watch (administrators only): the service at a glance, its trend, and the webhook log. */
export async function adminInsightsRoutes(fastify: FastifyInstance, options: AdminInsightsOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preValidation', app.authenticate);
  app.addHook('preHandler', app.requireAdmin);
  const base = { tags: ['admin'], security: [{ bearerAuth: [] }] };
  const webhooks = createAdminWebhooks({ db: options.db, replay: options.replay, clock: options.clock });

  app.get(
    '/overview',
    {
      schema: {
        ...base,
        summary: 'Users, revenue, numbers, this month’s traffic, webhook errors and health at a glance',
        response: { 200: AdminOverview, ...errors },
      },
    },
    () =>
      loadOverview({
        db: options.db,
        probes: options.healthProbes,
        carrier: options.carrier,
        clock: options.clock,
      }),
  );

  app.get(
    '/charts',
    {
      schema: {
        ...base,
        summary: 'Signups, messages and minutes per UTC day over the last days, oldest first',
        querystring: AdminChartsQuery,
        response: { 200: AdminCharts, ...errors },
      },
    },
    (request) => loadCharts(options.db, request.query.days, options.clock()),
  );

  app.get(
    '/webhooks',
    {
      schema: {
        ...base,
        summary: 'The webhook log, newest first (never the payloads)',
        querystring: AdminWebhooksQuery,
        response: { 200: AdminWebhookList, ...errors },
      },
    },
    (request) => webhooks.list(request.query),
  );

  app.post(
    '/webhooks/:id/replay',
    {
      schema: {
        ...base,
        summary: 'Run a failed webhook again through its handler (409 when it is not failed or not replayable)',
        params: IdParams,
        response: { 200: AdminWebhookRow, ...errors, 409: ErrorBody },
      },
    },
    (request) => webhooks.replay(request.params.id, actorOf(request)),
  );
}
