import multipart from '@fastify/multipart';
import {
  Contact,
  ContactHistory,
  ContactList,
  ContactListQuery,
  ContactTags,
  CreateContactBody,
  ErrorBody,
  ImportResult,
  Pagination,
  SuccessResponse,
  SyncContactsBody,
  UpdateContactBody,
} from '@commpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../platform/errors.js';
import { perAccountPerMinute } from '../../platform/http/account-rate-limit.js';
import { caller } from '../../platform/http/authenticate.js';
import type { ContactsService } from './contacts.service.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody, 413: ErrorBody, 429: ErrorBody };
const security = [{ bearerAuth: [] }];
const tags = ['contacts'];
const ContactParams = z.object({ contactId: z.uuid() });

/** The largest vCard file accepted: 5,000 cards with photos stripped fit well under it. */
const MAX_IMPORT_BYTES = 5_000_000;
/** Bulk imports per account per minute: each may write thousands of rows. */
const IMPORTS_PER_MINUTE = 10;

const download = (name: string, type: string) => ({
  'content-type': `${type}; charset=utf-8`,
  'content-disposition': `attachment; filename="${name}"`,
  'cache-control': 'private, no-store',
});

/** The caller's address book. */
export async function contactsRoutes(fastify: FastifyInstance, { service }: { service: ContactsService }) {
  await fastify.register(multipart, { limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 0 } });
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preValidation', app.authenticate);

  app.get(
    '/',
    {
      schema: {
        tags,
        security,
        summary: 'Contacts: search (names, company, email, any part of the number), tags, favourites',
        querystring: ContactListQuery,
        response: { 200: ContactList, ...errors },
      },
    },
    async (request) => service.list(caller(request).userId, request.query),
  );

  app.post(
    '/',
    {
      schema: {
        tags,
        security,
        summary: 'Add a contact; 409 names the contact that already has the number',
        body: CreateContactBody,
        response: { 201: Contact, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await service.create(caller(request).userId, request.body)),
  );

  app.get(
    '/tags',
    {
      schema: {
        tags,
        security,
        summary: 'Tags in use, with how many contacts have each',
        response: { 200: ContactTags, ...errors },
      },
    },
    async (request) => service.tags(caller(request).userId),
  );

  app.post(
    '/sync',
    {
      // 5,000 rows with names, emails and companies are well over the API's default body limit.
      bodyLimit: MAX_IMPORT_BYTES,
      config: perAccountPerMinute(IMPORTS_PER_MINUTE),
      schema: {
        tags,
        security,
        summary: 'Bulk import (phone contacts): up to 5,000; each failed row says which and why',
        body: SyncContactsBody,
        response: { 200: ImportResult, ...errors },
      },
    },
    async (request) => service.sync(caller(request).userId, request.body.contacts),
  );

  app.post(
    '/import',
    {
      config: perAccountPerMinute(IMPORTS_PER_MINUTE),
      schema: {
        tags,
        security,
        summary: 'Import a vCard file (2.1, 3.0 or 4.0; multipart field "file")',
        response: { 200: ImportResult, ...errors },
      },
    },
    async (request) => {
      const file = await request.file().catch((error: unknown) => {
        throw new AppError('BAD_REQUEST', 'Send the .vcf file as multipart/form-data in the "file" field', {
          cause: error,
        });
      });
      if (!file) {
        throw new AppError('BAD_REQUEST', 'Attach a .vcf file in the "file" field', {
          details: [{ field: 'file', message: 'Attach a .vcf file' }],
        });
      }
      const bytes = await file.toBuffer();
      if (file.file.truncated) throw new AppError('PAYLOAD_TOO_LARGE', 'Contact files are limited to 5 MB');
      return service.importVCards(caller(request).userId, bytes.toString('utf8'));
    },
  );

  app.get(
    '/export.vcf',
    {
      schema: {
        tags,
        security,
        summary: 'Every contact as a vCard file (4.0, or 3.0 with ?version=3.0)',
        querystring: z.object({ version: z.enum(['3.0', '4.0']).default('4.0') }),
      },
    },
    async (request, reply) =>
      reply
        .headers(download('contacts.vcf', 'text/vcard'))
        .send(await service.exportVCards(caller(request).userId, request.query.version)),
  );

  app.get(
    '/export.csv',
    { schema: { tags, security, summary: 'Every contact as a CSV file (opens in Excel, Numbers, Sheets)' } },
    async (request, reply) =>
      reply.headers(download('contacts.csv', 'text/csv')).send(await service.exportCsv(caller(request).userId)),
  );

  app.get(
    '/:contactId',
    {
      schema: { tags, security, summary: 'One contact', params: ContactParams, response: { 200: Contact, ...errors } },
    },
    async (request) => service.get(caller(request).userId, request.params.contactId),
  );

  app.put(
    '/:contactId',
    {
      schema: {
        tags,
        security,
        summary: 'Change any field (null clears it); a new number relinks messages and calls',
        params: ContactParams,
        body: UpdateContactBody,
        response: { 200: Contact, ...errors },
      },
    },
    async (request) => service.update(caller(request).userId, request.params.contactId, request.body),
  );

  app.delete(
    '/:contactId',
    {
      schema: {
        tags,
        security,
        summary: 'Delete a contact; its messages and calls stay, under the number',
        params: ContactParams,
        response: { 200: SuccessResponse, ...errors },
      },
    },
    async (request) => {
      await service.remove(caller(request).userId, request.params.contactId);
      return { success: true };
    },
  );

  app.get(
    '/:contactId/history',
    {
      schema: {
        tags,
        security,
        summary: 'Calls and messages with the contact, newest first',
        params: ContactParams,
        querystring: Pagination,
        response: { 200: ContactHistory, ...errors },
      },
    },
    async (request) => service.history(caller(request).userId, request.params.contactId, request.query),
  );
}
