import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { acceptFormBodies, type SignedWebhookOptions, signedWebhook } from '../../platform/webhooks/signed-webhook.js';
import type { CallsService } from './calls.service.js';
import {
  emptyTwiml,
  joinConferenceTwiml,
  rejectTwiml,
  ringClientsTwiml,
  sayAndHangupTwiml,
  voicemailTwiml,
} from './twiml.js';

/** The webhook log's event type for status callbacks; pending ones are looked up by it. */
export const CALL_STATUS_EVENT = 'call.status';

export interface CallWebhookRoutesOptions extends SignedWebhookOptions {
  service: CallsService;
  ringTimeoutSeconds: number;
  /** Webhook calls per IP per minute. */
  perMinute: number;
}

const callSid = (params: Record<string, string>) => params.CallSid;
const CallQuery = z.object({ callId: z.uuid() });

const VOICEMAIL_GREETING = 'The person you are calling is not available. Please leave a message after the tone.';

/**
 * The carrier's voice calls, Twilio-shaped (form-encoded, TwiML answers).
 * Authenticated by the carrier's signature (over the URL with its query),
 * never by JWT; every call is logged before it is trusted.
 */
export async function callsWebhookRoutes(fastify: FastifyInstance, options: CallWebhookRoutesOptions) {
  acceptFormBodies(fastify);
  const handle = signedWebhook(options);
  const url = (path: string) => `${options.publicUrl}/api/calls/webhooks/${path}`;
  const limit = { rateLimit: { max: options.perMinute, timeWindow: 60_000 } };
  const twiml = { 'content-type': 'text/xml; charset=utf-8' };

  fastify.post('/webhooks/voice', { schema: { hide: true }, config: limit }, async (request, reply) => {
    const body = await handle(request, { type: 'call.voice', externalId: callSid }, async (params) => {
      const route = await options.service.voice(params);
      const xml =
        route.kind === 'join'
          ? joinConferenceTwiml({ conference: route.conference, statusCallbackUrl: url('status') })
          : route.kind === 'ring'
            ? ringClientsTwiml({
                identities: [route.identity],
                callerId: route.callerId,
                timeoutSeconds: options.ringTimeoutSeconds,
                actionUrl: url(`dial?callId=${route.callId}`),
                clientStatusCallbackUrl: url('status'),
                parameters: { callId: route.callId },
              })
            : route.message
              ? sayAndHangupTwiml(route.message)
              : rejectTwiml(route.reason);
      return { processed: true, result: xml };
    });
    return reply.headers(twiml).send(body);
  });

  const applyStatus = async (params: Record<string, string>) => {
    const { outcome } = await options.service.applyStatus(params);
    return { processed: outcome !== 'pending', result: outcome };
  };
  // Only status callbacks may be run again by an operator: applying one twice changes nothing. The voice
  // and dial webhooks answer a live call with TwiML (a replay has nobody to answer), and a recording's
  // callback names its call only in the URL the carrier signed, not in the parameters a replay runs with.
  fastify.webhookReplay.register(options.source, CALL_STATUS_EVENT, async (params) => {
    const { processed } = await applyStatus(params);
    return processed ? { processed } : { processed, afterLogged: () => options.service.settlePending(params.CallSid!) };
  });

  fastify.post('/webhooks/status', { schema: { hide: true }, config: limit }, async (request) => {
    const outcome = await handle(request, { type: CALL_STATUS_EVENT, externalId: callSid }, applyStatus);
    // Kept as pending only now that the log says so: the call may have got its carrier id meanwhile.
    if (outcome === 'pending') await options.service.settlePending((request.body as Record<string, string>).CallSid!);
    return { success: true };
  });

  fastify.post(
    '/webhooks/dial',
    { schema: { hide: true, querystring: CallQuery }, config: limit },
    async (request, reply) => {
      const { callId } = request.query as z.infer<typeof CallQuery>;
      const body = await handle(request, { type: 'call.dial', externalId: callSid }, async (params) => {
        const { voicemail } = await options.service.dialEnded(callId, params);
        const xml = voicemail
          ? voicemailTwiml({
              greeting: VOICEMAIL_GREETING,
              actionUrl: url(`voicemail?callId=${callId}`),
              recordingStatusCallbackUrl: url(`recording?callId=${callId}`),
              maxLengthSeconds: 120,
            })
          : emptyTwiml();
        return { processed: true, result: xml };
      });
      return reply.headers(twiml).send(body);
    },
  );

  // Where <Record> goes once the caller is done: nothing more to say.
  fastify.post(
    '/webhooks/voicemail',
    { schema: { hide: true, querystring: CallQuery }, config: limit },
    async (request, reply) => {
      const body = await handle(request, { type: 'call.voicemail', externalId: callSid }, async () => ({
        processed: true,
        result: sayAndHangupTwiml('Thank you. Goodbye.'),
      }));
      return reply.headers(twiml).send(body);
    },
  );

  fastify.post(
    '/webhooks/recording',
    { schema: { hide: true, querystring: CallQuery }, config: limit },
    async (request) => {
      const { callId } = request.query as z.infer<typeof CallQuery>;
      await handle(request, { type: 'call.recording', externalId: callSid }, async (params) => {
        await options.service.recordingReady(callId, params);
        return { processed: true, result: undefined };
      });
      return { success: true };
    },
  );
}
