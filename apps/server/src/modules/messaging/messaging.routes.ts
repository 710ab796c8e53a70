import {
  ConversationList,
  ErrorBody,
  Message,
  MessageList,
  Pagination,
  PhoneNumberInput,
  SendMessageBody,
  SuccessResponse,
} from '@commpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { perAccountPerMinute } from '../../platform/http/account-rate-limit.js';
import { caller } from '../../platform/http/authenticate.js';
import type { MessagingService } from './messaging.service.js';

const errors = {
  400: ErrorBody,
  401: ErrorBody,
  402: ErrorBody,
  404: ErrorBody,
  429: ErrorBody,
};
const security = [{ bearerAuth: [] }];
const tags = ['messages'];
const LineFilter = Pagination.extend({ from: PhoneNumberInput.optional() });

export interface MessagingRoutesOptions {
  service: MessagingService;
  /** Sends per account per minute: each one costs money. */
  sendsPerMinute: number;
}

/** The caller's conversations and messages; the carrier webhooks live in webhook.routes.ts. */
export async function messagingRoutes(fastify: FastifyInstance, { service, sendsPerMinute }: MessagingRoutesOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preValidation', app.authenticate);

  app.get(
    '/conversations',
    {
      schema: {
        tags,
        security,
        summary: 'Conversations, most recent first, with unread counts (`from` picks one of my lines)',
        querystring: LineFilter,
        response: { 200: ConversationList, ...errors },
      },
    },
    async (request) => service.listConversations(caller(request).userId, request.query),
  );

  app.get(
    '/conversation/:phoneNumber',
    {
      schema: {
        tags,
        security,
        summary: 'Messages with one number, newest first (any written form of the number)',
        params: z.object({ phoneNumber: PhoneNumberInput }),
        querystring: LineFilter,
        response: { 200: MessageList, ...errors },
      },
    },
    async (request) => service.listConversation(caller(request).userId, request.params.phoneNumber, request.query),
  );

  app.post(
    '/send',
    {
      config: perAccountPerMinute(sendsPerMinute),
      schema: {
        tags,
        security,
        summary: 'Send an SMS or MMS; answers QUEUED, then message:status events follow',
        body: SendMessageBody,
        response: { 202: Message, ...errors },
      },
    },
    async (request, reply) => reply.status(202).send(await service.send(caller(request).userId, request.body)),
  );

  const MessageParams = z.object({ messageId: z.uuid() });

  app.put(
    '/:messageId/read',
    {
      schema: {
        tags,
        security,
        summary: 'Mark a message read',
        params: MessageParams,
        response: { 200: Message, ...errors },
      },
    },
    async (request) => service.markRead(caller(request).userId, request.params.messageId),
  );

  app.delete(
    '/:messageId',
    {
      schema: {
        tags,
        security,
        summary: 'Delete a message (its content is erased)',
        params: MessageParams,
        response: { 200: SuccessResponse, ...errors },
      },
    },
    async (request) => {
      await service.remove(caller(request).userId, request.params.messageId);
      return { success: true };
    },
  );
}
