import {
  Device,
  ErrorBody,
  IdParams,
  Notification,
  NotificationList,
  NotificationListQuery,
  NotificationPreferences,
  PushConfig,
  RegisterDeviceBody,
  SuccessResponse,
} from '@commpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { caller } from '../../platform/http/authenticate.js';
import type { NotificationsService } from './notifications.service.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody, 429: ErrorBody };
const security = [{ bearerAuth: [] }];
const tags = ['notifications'];

/** The notification centre, push devices and preferences; everything is the caller's own. */
export async function notificationsRoutes(
  fastify: FastifyInstance,
  { service, vapidPublicKey }: { service: NotificationsService; vapidPublicKey: string },
) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preValidation', app.authenticate);

  app.get(
    '/',
    {
      schema: {
        tags,
        security,
        summary: 'My notifications, newest first, with the unread count',
        querystring: NotificationListQuery,
        response: { 200: NotificationList, ...errors },
      },
    },
    async (request) => service.list(caller(request).userId, request.query),
  );

  app.put(
    '/read-all',
    {
      schema: {
        tags,
        security,
        summary: 'Mark every notification read',
        response: { 200: z.object({ updated: z.number().int() }), ...errors },
      },
    },
    async (request) => service.markAllRead(caller(request).userId),
  );

  app.put(
    '/:id/read',
    {
      schema: {
        tags,
        security,
        summary: 'Mark one notification read',
        params: IdParams,
        response: { 200: Notification, ...errors },
      },
    },
    async (request) => service.markRead(caller(request).userId, request.params.id),
  );

  app.delete(
    '/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Delete a notification',
        params: IdParams,
        response: { 200: SuccessResponse, ...errors },
      },
    },
    async (request) => {
      await service.remove(caller(request).userId, request.params.id);
      return { success: true };
    },
  );

  app.get(
    '/push-config',
    {
      schema: {
        tags,
        security,
        summary: 'The key browsers subscribe to push with',
        response: { 200: PushConfig, ...errors },
      },
    },
    async () => ({ vapidPublicKey }),
  );

  app.get(
    '/devices',
    {
      schema: {
        tags,
        security,
        summary: 'My devices registered for push',
        response: { 200: z.array(Device), ...errors },
      },
    },
    async (request) => service.devices(caller(request).userId),
  );

  app.post(
    '/devices',
    {
      config: { rateLimit: { max: 20, timeWindow: 60_000 } },
      schema: {
        tags,
        security,
        summary: 'Register this device for push (again whenever its subscription or token changes)',
        body: RegisterDeviceBody,
        response: { 201: Device, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service.registerDevice(caller(request).userId, request.body)),
  );

  app.delete(
    '/devices/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Stop pushing to a device (by our id or its own device id)',
        params: z.object({ id: z.string().min(1).max(255) }),
        response: { 200: SuccessResponse, ...errors },
      },
    },
    async (request) => {
      await service.removeDevice(caller(request).userId, request.params.id);
      return { success: true };
    },
  );

  app.get(
    '/preferences',
    {
      schema: {
        tags,
        security,
        summary: 'What pushes, quiet hours, muted lines',
        response: { 200: NotificationPreferences, ...errors },
      },
    },
    async (request) => service.preferences(caller(request).userId),
  );

  app.put(
    '/preferences',
    {
      schema: {
        tags,
        security,
        summary: 'Change what pushes, quiet hours, muted lines',
        body: NotificationPreferences,
        response: { 200: NotificationPreferences, ...errors },
      },
    },
    async (request) => service.setPreferences(caller(request).userId, request.body),
  );
}
