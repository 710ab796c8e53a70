import { ErrorBody, PLAN_TIERS, SuccessResponse } from '@commpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../platform/errors.js';
import type { BillingService } from '../billing/billing.service.js';

/**
 * Operators' actions on accounts (administrators only). The admin dashboard
 * (issue 9) grows this; today: put an account on a plan.
 */
export async function adminRoutes(fastify: FastifyInstance, { billing }: { billing: BillingService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preValidation', app.authenticate);
  app.addHook('preHandler', app.requireAdmin);

  app.put(
    '/users/:userId/plan',
    {
      schema: {
        tags: ['admin'],
        security: [{ bearerAuth: [] }],
        summary: 'Put an account on a plan now, without payment (local billing)',
        params: z.object({ userId: z.uuid() }),
        body: z.object({ tier: z.enum(PLAN_TIERS) }),
        response: { 200: SuccessResponse, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      if (!(await billing.setPlan(request.params.userId, request.body.tier))) throw notFound('Account');
      return { success: true };
    },
  );
}
