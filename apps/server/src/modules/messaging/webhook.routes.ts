import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.js';
import type { WebhookLog } from '../../platform/webhooks/webhook-log.js';
import type { WebhookVerifier } from '../../providers/carrier/carrier.port.js';
import type { MessagingService, WebhookParams } from './messaging.service.js';

/** The webhook log's event type for status callbacks; pending ones are looked up by it. */
export const STATUS_EVENT = 'message.status';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

export interface WebhookRoutesOptions {
  service: MessagingService;
  verifier: WebhookVerifier;
  log: WebhookLog;
  source: string;
  /** The public base URL the carrier signs against (PUBLIC_URL). */
  publicUrl: string;
  /** Webhook calls per IP per minute. */
  perMinute: number;
}

/**
 * The carrier's calls, Twilio-shaped (form-encoded). Authenticated by the
 * carrier's signature over PUBLIC_URL + path, never by JWT; every call is
 * logged (content redacted) before it is trusted.
 */
export async function messagingWebhookRoutes(fastify: FastifyInstance, options: WebhookRoutesOptions) {
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  async function handle(
    request: FastifyRequest,
    eventType: string,
    /** Resolves whether the call is done with (false: kept to be applied later). */
    process: (params: WebhookParams) => Promise<boolean>,
  ): Promise<void> {
    const params = (request.body ?? {}) as Record<string, string>;
    const entry = {
      source: options.source,
      eventType,
      externalId: params.MessageSid,
      method: request.method,
      url: request.url,
      headers: request.headers,
      params,
    };
    const signed = options.verifier.verifyWebhook({
      url: `${options.publicUrl}${request.url}`,
      headers: request.headers,
      params,
    });
    if (!signed) {
      // One write for a forged call (and the route's rate limit bounds how many).
      await options.log.received({ ...entry, statusCode: 403, error: 'invalid signature' });
      throw new AppError('FORBIDDEN', 'Invalid webhook signature');
    }
    const logId = await options.log.received(entry);
    try {
      const processed = await process(params);
      await options.log.finished(logId, { statusCode: 200, processed });
    } catch (error) {
      await options.log.finished(logId, {
        statusCode: 500,
        processed: false,
        error: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
  }

  // Per IP, generous: carriers send from a few addresses, but nobody may write the log without bound.
  const limit = { rateLimit: { max: options.perMinute, timeWindow: 60_000 } };

  fastify.post('/webhooks/incoming', { schema: { hide: true }, config: limit }, async (request, reply) => {
    await handle(request, 'message.incoming', async (params) => {
      await options.service.receive(params);
      return true;
    });
    return reply.type('text/xml').send(EMPTY_TWIML);
  });

  fastify.post('/webhooks/status', { schema: { hide: true }, config: limit }, async (request) => {
    await handle(request, STATUS_EVENT, async (params) => {
      const { outcome } = await options.service.applyStatus(params);
      return outcome !== 'pending';
    });
    return { success: true };
  });
}
