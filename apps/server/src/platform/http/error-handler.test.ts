import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { registerErrorHandler, toAppError } from './error-handler.js';

/** A pg DatabaseError as node-postgres throws it for a unique violation. */
function uniqueViolation(): Error {
  return Object.assign(new Error('duplicate key value violates unique constraint "users_email_unique"'), {
    code: '23505',
    detail: 'Key (email)=(alice@example.com) already exists.',
    constraint: 'users_email_unique',
  });
}

let app: FastifyInstance;
const logged: unknown[] = [];

beforeAll(async () => {
  app = Fastify({
    logger: {
      level: 'error',
      stream: { write: (line: string) => void logged.push(JSON.parse(line)) },
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  app.get('/boom', async () => {
    throw new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2');
  });
  app.get('/throws-string', async () => {
    throw 'a string, not an Error';
  });
  app.get('/unique', async () => {
    throw uniqueViolation();
  });
  app.get('/wrapped-unique', async () => {
    // Drizzle wraps the driver's error; the pg code sits on the cause.
    throw new Error('Failed query: insert into "users"...', { cause: uniqueViolation() });
  });
  app.get('/app-error', async () => {
    throw new AppError('SERVICE_UNAVAILABLE', 'Carrier is down', { retryAfter: 2.2 });
  });
  app.get('/plugin-403', async () => {
    throw Object.assign(new Error('csrf check failed: internal detail'), { statusCode: 403 });
  });
  app
    .withTypeProvider<ZodTypeProvider>()
    .post(
      '/validated',
      { schema: { body: z.object({ phone: z.object({ number: z.string().min(5) }) }) } },
      async () => ({
        ok: true,
      }),
    );
  await app.ready();
});

afterAll(async () => {
  await app.close();
});

describe('error handler', () => {
  it('answers an unexpected error with a generic 500 that leaks neither message nor stack, and logs it', async () => {
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    const body = res.json();
    expect(body).toEqual({ error: 'Internal server error', code: 'INTERNAL', requestId: expect.any(String) });
    expect(res.body).not.toContain('ECONNREFUSED');
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toMatch(/at .*\.ts:\d+/);
    // The operator still gets the real cause in the logs, tied to the same request id.
    expect(logged).toContainEqual(
      expect.objectContaining({
        reqId: body.requestId,
        err: expect.objectContaining({ message: expect.stringContaining('ECONNREFUSED') }),
      }),
    );
  });

  it('answers a thrown non-Error with the same generic 500', async () => {
    const res = await app.inject({ method: 'GET', url: '/throws-string' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'INTERNAL', error: 'Internal server error' });
  });

  it('turns a PostgreSQL unique violation into 409 ALREADY_EXISTS without the SQL detail', async () => {
    for (const url of ['/unique', '/wrapped-unique']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'ALREADY_EXISTS' });
      expect(res.body).not.toContain('alice@example.com');
      expect(res.body).not.toContain('users_email_unique');
    }
  });

  it('sends an AppError with its status and a whole-second Retry-After', async () => {
    const res = await app.inject({ method: 'GET', url: '/app-error' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE', error: 'Carrier is down' });
    expect(res.headers['retry-after']).toBe('3');
  });

  it('keeps a 4xx status set by a plugin but not its message', async () => {
    const res = await app.inject({ method: 'GET', url: '/plugin-403' });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('FORBIDDEN');
    expect(res.json().error).toBe('The request could not be processed');
    expect(res.body).not.toContain('internal detail');
  });

  it('names the invalid field with its full path in details', async () => {
    const res = await app.inject({ method: 'POST', url: '/validated', payload: { phone: { number: '1' } } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.details).toEqual([{ field: 'phone.number', message: expect.any(String) }]);
    expect(body.error).toMatch(/^phone\.number: /);
  });
});

describe('toAppError', () => {
  it('passes AppErrors through and leaves unknown errors to the generic 500', () => {
    const known = new AppError('NOT_FOUND', 'Contact not found');
    expect(toAppError(known)).toBe(known);
    expect(toAppError(new Error('boom'))).toBeUndefined();
    expect(toAppError('boom')).toBeUndefined();
    expect(toAppError(null)).toBeUndefined();
  });

  it('maps the Fastify body errors to the error model', () => {
    const fastifyError = (code: string, statusCode: number) => Object.assign(new Error(code), { code, statusCode });
    expect(toAppError(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413))?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(toAppError(fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415))?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(toAppError(fastifyError('FST_ERR_CTP_EMPTY_JSON_BODY', 400))?.code).toBe('BAD_REQUEST');
    expect(toAppError(fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400))?.code).toBe('BAD_REQUEST');
    expect(toAppError(fastifyError('ANY_LIMITER', 429))?.code).toBe('RATE_LIMITED');
  });
});
