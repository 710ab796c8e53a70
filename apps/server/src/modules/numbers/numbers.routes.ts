import {
  AvailableNumbersQuery,
  AvailableNumbersResponse,
  CountryCodeInput,
  ErrorBody,
  PhoneNumber,
  PortRequestBody,
  PortRequestResponse,
  PurchaseNumberBody,
  SuccessResponse,
  UpdateNumberBody,
} from '@commpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { perAccountPerMinute } from '../../platform/http/account-rate-limit.js';
import { caller } from '../../platform/http/authenticate.js';
import type { NumbersService } from './numbers.service.js';

const errors = {
  400: ErrorBody,
  401: ErrorBody,
  402: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
  429: ErrorBody,
  502: ErrorBody,
};
const security = [{ bearerAuth: [] }];
const tags = ['numbers'];
const NumberParams = z.object({ numberId: z.uuid() });
/** A national-form number is read in this country (else in France). */
const RegionHint = { countryCode: CountryCodeInput.optional() };

export interface NumbersRoutesOptions {
  service: NumbersService;
  /** Searches and purchases per user per minute: each one is a paid carrier call. */
  carrierCallsPerMinute: number;
}

export async function numbersRoutes(
  fastify: FastifyInstance,
  { service, carrierCallsPerMinute }: NumbersRoutesOptions,
) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preValidation', app.authenticate);
  const carrierLimit = perAccountPerMinute(carrierCallsPerMinute);

  app.get(
    '/available',
    {
      config: carrierLimit,
      schema: {
        tags,
        security,
        summary: 'Numbers that can be bought, with capabilities, price and requirements',
        querystring: AvailableNumbersQuery,
        response: { 200: AvailableNumbersResponse, ...errors },
      },
    },
    async (request) => ({ numbers: await service.searchAvailable(request.query) }),
  );

  app.get(
    '/my-numbers',
    { schema: { tags, security, summary: 'My numbers', response: { 200: z.array(PhoneNumber), ...errors } } },
    async (request) => service.listMine(caller(request).userId),
  );

  app.post(
    '/purchase',
    {
      config: carrierLimit,
      schema: {
        tags,
        security,
        summary: 'Buy a number (within the plan’s limit)',
        body: PurchaseNumberBody.extend(RegionHint),
        response: { 201: PhoneNumber, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await service.purchase(caller(request).userId, request.body)),
  );

  app.put(
    '/:numberId',
    {
      schema: {
        tags,
        security,
        summary: 'Rename a number',
        params: NumberParams,
        body: UpdateNumberBody,
        response: { 200: PhoneNumber, ...errors },
      },
    },
    async (request) => service.update(caller(request).userId, request.params.numberId, request.body),
  );

  app.delete(
    '/:numberId',
    {
      schema: {
        tags,
        security,
        summary: 'Release a number',
        params: NumberParams,
        response: { 200: SuccessResponse, ...errors },
      },
    },
    async (request) => {
      await service.release(caller(request).userId, request.params.numberId);
      return { success: true };
    },
  );

  app.post(
    '/port-request',
    {
      schema: {
        tags,
        security,
        summary: 'Ask to bring a number from another provider',
        body: PortRequestBody.extend(RegionHint),
        response: { 201: PortRequestResponse, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await service.requestPort(caller(request).userId, request.body)),
  );
}
