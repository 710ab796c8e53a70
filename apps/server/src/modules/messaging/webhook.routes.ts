import type { FastifyInstance } from 'fastify';
import { acceptFormBodies, type SignedWebhookOptions, signedWebhook } from '../../platform/webhooks/signed-webhook.js';
import type { MessagingService } from './messaging.service.js';

/** The webhook log's event type for status callbacks; pending ones are looked up by it. */
export const STATUS_EVENT = 'message.status';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

export interface WebhookRoutesOptions extends SignedWebhookOptions {
  service: MessagingService;
  /** Webhook calls per IP per minute. */
  perMinute: number;
}

const messageSid = (params: Record<string, string>) => params.MessageSid;

/**
 * The carrier's calls, Twilio-shaped (form-encoded). Authenticated by the
 * carrier's signature, never by JWT; every call is logged before it is trusted.
 */
export async function messagingWebhookRoutes(fastify: FastifyInstance, options: WebhookRoutesOptions) {
  acceptFormBodies(fastify);
  const handle = signedWebhook(options);
  // Per IP, generous: carriers send from a few addresses, but nobody may write the log without bound.
  const limit = { rateLimit: { max: options.perMinute, timeWindow: 60_000 } };

  fastify.post('/webhooks/incoming', { schema: { hide: true }, config: limit }, async (request, reply) => {
    await handle(request, { type: 'message.incoming', externalId: messageSid }, async (params) => {
      await options.service.receive(params);
      return { processed: true, result: undefined };
    });
    return reply.type('text/xml').send(EMPTY_TWIML);
  });

  const applyStatus = async (params: Record<string, string>) => {
    const { outcome } = await options.service.applyStatus(params);
    return { processed: outcome !== 'pending', result: outcome };
  };
  // A status callback holds nothing the log redacts, and applying it twice changes nothing: an operator
  // may run a failed one again. Inbound messages are not replayable: the log keeps no text (Body, media),
  // and replaying one would put an empty message in someone's inbox.
  fastify.webhookReplay.register(options.source, STATUS_EVENT, async (params) => {
    const { processed } = await applyStatus(params);
    return processed
      ? { processed }
      : { processed, afterLogged: () => options.service.settlePending(params.MessageSid!) };
  });

  fastify.post('/webhooks/status', { schema: { hide: true }, config: limit }, async (request) => {
    const outcome = await handle(request, { type: STATUS_EVENT, externalId: messageSid }, applyStatus);
    // Kept as pending only now that the log says so: the message may have got its carrier id meanwhile.
    if (outcome === 'pending')
      await options.service.settlePending((request.body as Record<string, string>).MessageSid!);
    return { success: true };
  });
}
