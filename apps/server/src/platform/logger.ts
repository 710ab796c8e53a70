import { DrizzleQueryError } from 'drizzle-orm/errors';
import type { FastifyRequest } from 'fastify';
import type { LoggerOptions } from 'pino';

/**
 * Secrets and message content must never reach the logs. Request bodies are
 * not logged at all; these paths cover anything a handler logs by mistake.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-twilio-signature"]',
  'req.headers["stripe-signature"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.passwordHash',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.challengeToken',
  '*.code',
  '*.secret',
  '*.twoFaSecret',
  '*.backupCodes',
  '*.body',
  '*.Body',
  '*.text',
  '*.html',
];

/**
 * Logs the route pattern rather than the raw URL: paths and query strings can
 * carry tokens (verify-email/:token) or phone numbers.
 */
function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: request.routeOptions?.url ?? request.url.split('?')[0],
    remoteAddress: request.ip,
  };
}

/**
 * A failed query's parameters are the data it carried (phone numbers, emails,
 * sealed texts): its message, stack and own fields repeat them. Keep the
 * statement and the database's reason, wherever it sits among the causes.
 * (pino's own serializer also copies every cause's message into the outer one.)
 */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const cause = error.cause === undefined ? {} : { cause: serializeError(error.cause) };
  if (error instanceof DrizzleQueryError) {
    return { type: 'DrizzleQueryError', message: `Failed query: ${error.query}`, ...cause };
  }
  const own = Object.fromEntries(Object.entries(error).filter(([key]) => key !== 'cause'));
  return { ...own, type: error.constructor.name, message: error.message, stack: error.stack, ...cause };
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { req: serializeRequest as never, err: serializeError as never },
  };
}
