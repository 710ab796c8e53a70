import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebhookVerifier } from '../../providers/carrier/carrier.port.js';
import { AppError } from '../errors.js';
import { markWebhookRequest } from '../http/metrics.js';
import { describeError, type WebhookLog } from './webhook-log.js';

/** The log's status for a call whose signature was checked and whose processing then threw. */
export const PROCESSING_FAILED_STATUS = 500;

export interface SignedWebhookOptions {
  verifier: WebhookVerifier;
  log: WebhookLog;
  source: string;
  /** The public base URL the carrier signs against (PUBLIC_URL). */
  publicUrl: string;
}

/** Carrier webhooks are form-encoded (Twilio's shape); registered in each webhook plugin's scope. */
export function acceptFormBodies(fastify: FastifyInstance): void {
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
}

/**
 * Runs one carrier webhook: checks the carrier's signature over PUBLIC_URL +
 * path + parameters, logs the call (content redacted) before trusting it,
 * processes it and records the outcome. `process` resolves whether the call is
 * done with (false: kept in the log to be applied later).
 */
export function signedWebhook(options: SignedWebhookOptions) {
  return async function handle<T>(
    request: FastifyRequest,
    event: { type: string; externalId: (params: Record<string, string>) => string | undefined },
    process: (params: Record<string, string>) => Promise<{ processed: boolean; result: T }>,
  ): Promise<T> {
    markWebhookRequest(request, options.source, event.type);
    const params = (request.body ?? {}) as Record<string, string>;
    const entry = {
      source: options.source,
      eventType: event.type,
      externalId: event.externalId(params),
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
      const { processed, result } = await process(params);
      await options.log.finished(logId, { statusCode: 200, processed });
      return result;
    } catch (error) {
      await options.log.finished(logId, {
        statusCode: PROCESSING_FAILED_STATUS,
        processed: false,
        error: describeError(error),
      });
      throw error;
    }
  };
}
