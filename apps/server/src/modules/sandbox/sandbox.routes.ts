import { ErrorBody, PhoneNumberInput } from '@commpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { validationError } from '../../platform/errors.js';
import type { SandboxControls } from '../../providers/carrier/sandbox/sandbox-messaging.js';
import { toE164 } from '../numbers/phone-input.js';

/**
 * Administrators play the outside world of the sandbox carrier: a text from
 * any number to a line of this instance. Mounted only when CARRIER=sandbox.
 */
export async function sandboxRoutes(fastify: FastifyInstance, { sandbox }: { sandbox: SandboxControls }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preValidation', app.authenticate);
  app.addHook('preHandler', app.requireAdmin);

  app.post(
    '/messages/inbound',
    {
      schema: {
        tags: ['sandbox'],
        security: [{ bearerAuth: [] }],
        summary: 'Deliver a text from an outside number to a line of this instance (sandbox carrier, admins)',
        body: z.object({ from: PhoneNumberInput, to: PhoneNumberInput, body: z.string().min(1).max(1600) }),
        response: { 202: z.object({ messageSid: z.string() }), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const from = toE164(request.body.from);
      const to = toE164(request.body.to);
      if (!from) throw validationError('from', 'Enter a phone number', 'PHONE_INVALID');
      if (!to) throw validationError('to', 'Enter a phone number', 'PHONE_INVALID');
      return reply.status(202).send(await sandbox.simulateInbound({ from, to, body: request.body.body }));
    },
  );
}
