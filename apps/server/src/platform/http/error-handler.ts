import type { ErrorBody, ErrorDetail } from '@commpro/contracts';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, ERROR_STATUS, type ErrorCode } from '../errors.js';

const PG_UNIQUE_VIOLATION = '23505';

export function sendError(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  const body: ErrorBody = { error: error.message, code: error.code, requestId: request.id };
  if (error.details?.length) body.details = error.details;
  if (error.limit) body.limit = error.limit;
  if (error.existing) body.existing = error.existing;
  if (error.retryAfter !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfter))));
  return reply.status(error.status).send(body);
}

/** Turns whatever was thrown into the one error shape of DESIGN.md; never leaks a stack or a vendor message. */
export function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (!(error instanceof Error)) return undefined;
  const fastifyError = error as FastifyError;

  if (hasZodFastifySchemaValidationErrors(fastifyError)) {
    const where = fastifyError.validationContext;
    const details: ErrorDetail[] = fastifyError.validation.map((issue) => {
      const field = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
      return { field: field || where || 'body', message: issue.message ?? 'Invalid value' };
    });
    const first = details[0]!;
    return new AppError('VALIDATION_FAILED', `${first.field}: ${first.message}`, { details });
  }
  if (isUniqueViolation(error)) return new AppError('ALREADY_EXISTS', 'This resource already exists');

  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', 'Request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return badBody('Request body must not be empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return badBody('Request body is not valid JSON');
  }
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return badBody('Request body is not valid JSON');
  }
  if (fastifyError.statusCode === 429) {
    return new AppError('RATE_LIMITED', 'Too many requests, slow down');
  }
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const code = (Object.keys(ERROR_STATUS) as ErrorCode[]).find((c) => ERROR_STATUS[c] === fastifyError.statusCode);
    return new AppError(code ?? 'BAD_REQUEST', 'The request could not be processed');
  }
  return undefined;
}

function badBody(message: string): AppError {
  return new AppError('BAD_REQUEST', message, { details: [{ field: 'body', message }] });
}

function isUniqueViolation(error: Error): boolean {
  const causes: unknown[] = [error, error.cause];
  return causes.some(
    (c) => typeof c === 'object' && c !== null && (c as { code?: unknown }).code === PG_UNIQUE_VIOLATION,
  );
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const known = toAppError(error);
    if (known) {
      if (known.status >= 500) request.log.error({ err: error }, known.message);
      return sendError(request, reply, known);
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(request, reply, new AppError('INTERNAL', 'Internal server error'));
  });
}
