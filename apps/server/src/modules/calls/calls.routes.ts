import {
  Call,
  CallList,
  CallListQuery,
  ErrorBody,
  HoldCallBody,
  IdParams,
  InitiateCallBody,
  InitiateCallResponse,
  MuteCallBody,
  SuccessResponse,
  VoiceToken,
} from '@commpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { perAccountPerMinute } from '../../platform/http/account-rate-limit.js';
import { caller } from '../../platform/http/authenticate.js';
import type { CallsService } from './calls.service.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 402: ErrorBody, 404: ErrorBody, 409: ErrorBody, 429: ErrorBody };
const security = [{ bearerAuth: [] }];
const tags = ['calls'];
const CallParams = z.object({ callId: IdParams.shape.id });

export interface CallsRoutesOptions {
  service: CallsService;
  /** Calls placed per account per minute: each one costs money. */
  callsPerMinute: number;
}

/** The caller's calls and call controls; the carrier webhooks live in webhook.routes.ts. */
export async function callsRoutes(fastify: FastifyInstance, { service, callsPerMinute }: CallsRoutesOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preValidation', app.authenticate);

  app.get(
    '/',
    {
      schema: {
        tags,
        security,
        summary: 'Call history, newest first; `status=MISSED` is an inbound call nobody answered',
        querystring: CallListQuery,
        response: { 200: CallList, ...errors },
      },
    },
    async (request) => service.list(caller(request).userId, request.query),
  );

  app.get(
    '/token',
    {
      schema: {
        tags,
        security,
        summary: 'What the app needs to place and take calls: ICE servers (sandbox) or a Voice SDK token (Twilio)',
        response: { 200: VoiceToken, ...errors },
      },
    },
    async (request) => service.token(caller(request).userId),
  );

  app.get(
    '/:callId',
    {
      schema: { tags, security, summary: 'One call', params: CallParams, response: { 200: Call, ...errors } },
    },
    async (request) => service.get(caller(request).userId, request.params.callId),
  );

  app.post(
    '/initiate',
    {
      config: perAccountPerMinute(callsPerMinute),
      schema: {
        tags,
        security,
        summary: 'Call a number from one of my lines; call:* events follow',
        body: InitiateCallBody,
        response: { 201: InitiateCallResponse, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await service.initiate(caller(request).userId, request.body)),
  );

  app.post(
    '/:callId/hangup',
    {
      schema: {
        tags,
        security,
        summary: 'Hang up (or cancel a call still ringing); a call already over is left as it is',
        params: CallParams,
        response: { 200: SuccessResponse, ...errors },
      },
    },
    async (request) => {
      await service.hangup(caller(request).userId, request.params.callId);
      return { success: true };
    },
  );

  app.post(
    '/:callId/mute',
    {
      schema: {
        tags,
        security,
        summary: 'Mute or unmute my microphone on a connected call',
        params: CallParams,
        body: MuteCallBody,
        response: { 200: SuccessResponse, ...errors },
      },
    },
    async (request) => {
      await service.setMuted(caller(request).userId, request.params.callId, request.body.muted);
      return { success: true };
    },
  );

  app.post(
    '/:callId/hold',
    {
      schema: {
        tags,
        security,
        summary: 'Put the other party on hold, or take them off it',
        params: CallParams,
        body: HoldCallBody,
        response: { 200: SuccessResponse, ...errors },
      },
    },
    async (request) => {
      await service.setHold(caller(request).userId, request.params.callId, request.body.onHold);
      return { success: true };
    },
  );
}
