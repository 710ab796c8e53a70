import { DeleteAccountBody, ErrorBody, SuccessResponse } from '@commpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { caller } from '../../platform/http/authenticate.js';
import type { AccountDeletion } from './account-deletion.js';
import type { AccountExport } from './account-export.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody, 429: ErrorBody, 502: ErrorBody };
const bearer = [{ bearerAuth: [] }];
const tags = ['auth'];

export interface AccountRoutesOptions {
  exporter: AccountExport;
  deletion: AccountDeletion;
  /** Exports per user per hour: each one reads and decrypts the whole history. */
  exportsPerHour: number;
}

/** The person's rights over their data (GDPR): a copy of it, and its erasure. Mounted under /api/auth. */
export async function accountRoutes(
  fastify: FastifyInstance,
  { exporter, deletion, exportsPerHour }: AccountRoutesOptions,
) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preValidation', app.authenticate);

  app.get(
    '/me/export',
    {
      config: {
        rateLimit: {
          max: exportsPerHour,
          timeWindow: 3600_000,
          // After authentication, so the limit is the account's, wherever it asks from.
          hook: 'preHandler',
          keyGenerator: (request) => `export:${caller(request).userId}`,
        },
      },
      schema: {
        tags,
        security: bearer,
        summary: 'Download all my data (GDPR): a ZIP of JSON and CSV files with a README',
        produces: ['application/zip'],
      },
    },
    async (request, reply) => {
      const { filename, zip } = await exporter.build(caller(request).userId);
      return reply
        .type('application/zip')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('cache-control', 'private, no-store')
        .send(Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength));
    },
  );

  app.delete(
    '/me',
    {
      schema: {
        tags,
        security: bearer,
        summary:
          'Delete my account: numbers released, plan cancelled, personal data erased; invoices are kept as the law requires',
        body: DeleteAccountBody,
        response: { 200: SuccessResponse, ...errors },
      },
    },
    async (request) => {
      await deletion.deleteAccount(caller(request), request.body);
      return { success: true };
    },
  );
}
