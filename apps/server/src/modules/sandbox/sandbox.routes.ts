import { ErrorBody, PhoneNumberInput } from '@commpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { validationError } from '../../platform/errors.js';
import type { SandboxControls } from '../../providers/carrier/sandbox/sandbox-messaging.js';
import type { SandboxVoiceControls } from '../../providers/carrier/sandbox/sandbox-voice.js';
import { toE164 } from '../numbers/phone-input.js';

/** What the outside world of the sandbox can do. */
export interface SandboxWorld {
  simulateInbound: SandboxControls['simulateInbound'];
  simulateInboundCall: SandboxVoiceControls['simulateInboundCall'];
}

/**
 * Administrators play the outside world of the sandbox carrier: a text or a
 * call from any number to a line of this instance. Mounted only when CARRIER=sandbox.
 */
export async function sandboxRoutes(fastify: FastifyInstance, { sandbox }: { sandbox: SandboxWorld }) {
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

  app.post(
    '/calls/inbound',
    {
      schema: {
        tags: ['sandbox'],
        security: [{ bearerAuth: [] }],
        summary: 'Ring a line of this instance from an outside number (sandbox carrier, admins)',
        body: z.object({
          from: PhoneNumberInput,
          to: PhoneNumberInput,
          /** The outside caller hangs up after this long, answered or not; otherwise when our side does. */
          hangUpAfterSeconds: z.number().int().min(1).max(3600).optional(),
        }),
        response: { 202: z.object({ callSid: z.string() }), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const from = toE164(request.body.from);
      const to = toE164(request.body.to);
      if (!from) throw validationError('from', 'Enter a phone number', 'PHONE_INVALID');
      if (!to) throw validationError('to', 'Enter a phone number', 'PHONE_INVALID');
      return reply
        .status(202)
        .send(await sandbox.simulateInboundCall({ from, to, hangUpAfterSeconds: request.body.hangUpAfterSeconds }));
    },
  );
}
