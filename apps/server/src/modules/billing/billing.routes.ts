import {
  AddPaymentMethodBody,
  CancelBody,
  ChangePlanBody,
  CurrentUsage,
  ErrorBody,
  Invoice,
  InvoiceList,
  InvoiceListQuery,
  PaymentMethod,
  PlanChange,
  PlansResponse,
  SetupIntentResponse,
  SubscribeBody,
  Subscription,
  SuccessResponse,
  UsageHistory,
  UsageHistoryQuery,
} from '@commpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, validationError } from '../../platform/errors.js';
import { caller } from '../../platform/http/authenticate.js';
import { WebhookSignatureError } from '../../providers/billing/payment-provider.port.js';
import type { BillingService } from './billing.service.js';
import { fromProviderError } from './provider-plans.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody, 429: ErrorBody };
const security = [{ bearerAuth: [] }];
const tags = ['billing'];
const InvoiceParams = z.object({ invoiceId: z.uuid() });
const PaymentMethodParams = z.object({ id: z.string().min(1).max(255) });

/**
 * Plans (public), the caller's subscription, cards, usage and invoices, and
 * the payment provider's webhook when there is one.
 */
export async function billingRoutes(
  fastify: FastifyInstance,
  { service, webhooksPerMinute }: { service: BillingService; webhooksPerMinute: number },
) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/plans',
    {
      schema: {
        tags,
        summary: 'The four plans: monthly and annual prices, limits, overage prices',
        response: { 200: PlansResponse },
      },
    },
    async () => service.plans(),
  );

  const authed = { preValidation: app.authenticate };

  app.get(
    '/subscription',
    { ...authed, schema: { tags, security, summary: 'My subscription', response: { 200: Subscription, ...errors } } },
    async (request) => service.subscription(caller(request).userId),
  );

  app.post(
    '/subscribe',
    {
      ...authed,
      schema: {
        tags,
        security,
        summary: 'Leave FREE for a paid plan',
        body: SubscribeBody,
        response: { 201: Subscription, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await service.subscribe(caller(request).userId, request.body)),
  );

  app.put(
    '/upgrade',
    {
      ...authed,
      schema: {
        tags,
        security,
        summary: 'Change plan: up now (prorated), down at the end of the period; `preview` only says what it would do',
        body: ChangePlanBody,
        response: { 200: PlanChange, ...errors },
      },
    },
    async (request) => service.changePlan(caller(request).userId, request.body),
  );

  app.post(
    '/cancel',
    {
      ...authed,
      schema: {
        tags,
        security,
        summary: 'Cancel the paid plan, at the end of the period (default) or now',
        // A bare POST (no body) is the documented default: at the end of the period.
        body: CancelBody.nullish(),
        response: { 200: Subscription, ...errors },
      },
    },
    async (request) => service.cancel(caller(request).userId, request.body?.cancelAtPeriodEnd ?? true),
  );

  app.post(
    '/reactivate',
    {
      ...authed,
      schema: { tags, security, summary: 'Keep a plan set to end', response: { 200: Subscription, ...errors } },
    },
    async (request) => service.reactivate(caller(request).userId),
  );

  app.get(
    '/payment-methods',
    {
      ...authed,
      schema: {
        tags,
        security,
        summary: 'Saved cards (none with local billing)',
        response: { 200: z.array(PaymentMethod), ...errors },
      },
    },
    async (request) => service.paymentMethods(caller(request).userId),
  );

  app.post(
    '/payment-methods/setup-intent',
    {
      ...authed,
      config: { rateLimit: { max: 10, timeWindow: 60_000 } },
      schema: {
        tags,
        security,
        summary: 'A secret for the card form (Stripe Elements), which saves the card with Stripe',
        response: { 201: SetupIntentResponse, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await service.setupIntent(caller(request).userId)),
  );

  app.post(
    '/payment-methods',
    {
      ...authed,
      config: { rateLimit: { max: 10, timeWindow: 60_000 } },
      schema: {
        tags,
        security,
        summary: 'Save a card set up with the card form (the first card becomes the default)',
        body: AddPaymentMethodBody,
        response: { 201: PaymentMethod, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service.addPaymentMethod(caller(request).userId, request.body)),
  );

  app.put(
    '/payment-methods/:id/default',
    {
      ...authed,
      schema: {
        tags,
        security,
        summary: 'Charge renewals to this card',
        params: PaymentMethodParams,
        response: { 200: PaymentMethod, ...errors },
      },
    },
    async (request) => service.setDefaultPaymentMethod(caller(request).userId, request.params.id),
  );

  app.delete(
    '/payment-methods/:id',
    {
      ...authed,
      schema: {
        tags,
        security,
        summary: 'Remove a card',
        params: PaymentMethodParams,
        response: { 200: SuccessResponse, ...errors },
      },
    },
    async (request) => {
      await service.removePaymentMethod(caller(request).userId, request.params.id);
      return { success: true };
    },
  );

  const webhook = service.providerWebhook;
  if (webhook) {
    await app.register(async (scoped) => {
      // The signature is over the exact bytes Stripe sent: keep them, parse nothing.
      scoped.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
        done(null, body);
      });
      scoped.post(
        '/webhooks/stripe',
        {
          config: { rateLimit: { max: webhooksPerMinute, timeWindow: 60_000 } },
          schema: {
            tags,
            summary: 'Stripe events (signed with the Stripe-Signature header), each applied once',
            response: { 200: z.object({ received: z.literal(true) }), 400: ErrorBody, 429: ErrorBody },
          },
        },
        async (request) => {
          const signature = request.headers['stripe-signature'];
          if (!Buffer.isBuffer(request.body)) throw validationError('body', 'Send the event as application/json');
          try {
            await webhook(request.body, typeof signature === 'string' ? signature : undefined);
          } catch (error) {
            if (error instanceof WebhookSignatureError) {
              throw new AppError('BAD_REQUEST', 'The Stripe signature is missing, wrong or too old', {
                details: [{ field: 'stripe-signature', message: error.message, code: 'BAD_SIGNATURE' }],
              });
            }
            throw fromProviderError(error);
          }
          return { received: true as const };
        },
      );
    });
  }

  app.get(
    '/invoices',
    {
      ...authed,
      schema: {
        tags,
        security,
        summary: 'My invoices, newest first',
        querystring: InvoiceListQuery,
        response: { 200: InvoiceList, ...errors },
      },
    },
    async (request) => service.invoices(caller(request).userId, request.query),
  );

  app.get(
    '/invoices/:invoiceId',
    {
      ...authed,
      schema: { tags, security, summary: 'One invoice', params: InvoiceParams, response: { 200: Invoice, ...errors } },
    },
    async (request) => service.invoice(caller(request).userId, request.params.invoiceId),
  );

  app.get(
    '/invoices/:invoiceId/pdf',
    { ...authed, schema: { tags, security, summary: 'An invoice as a PDF', params: InvoiceParams } },
    async (request, reply) => {
      const { number, pdf } = await service.invoicePdf(caller(request).userId, request.params.invoiceId);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${number}.pdf"`)
        .header('cache-control', 'private, no-store')
        .send(pdf);
    },
  );

  app.get(
    '/usage/current',
    {
      ...authed,
      schema: {
        tags,
        security,
        summary: 'This period: usage, its cost beyond the plan, the plan’s limits',
        response: { 200: CurrentUsage, ...errors },
      },
    },
    async (request) => service.currentUsage(caller(request).userId),
  );

  app.get(
    '/usage/history',
    {
      ...authed,
      schema: {
        tags,
        security,
        summary: 'Usage records between two dates',
        querystring: UsageHistoryQuery,
        response: { 200: UsageHistory, ...errors },
      },
    },
    async (request) => {
      const from = new Date(request.query.startDate);
      // A bare date as the end includes that whole day.
      const to = new Date(
        new Date(request.query.endDate).getTime() + (request.query.endDate.length === 10 ? 86_400_000 : 0),
      );
      if (to <= from) throw validationError('endDate', 'The end must come after the start', 'RANGE_EMPTY');
      return service.usageHistory(caller(request).userId, from, to);
    },
  );
}
