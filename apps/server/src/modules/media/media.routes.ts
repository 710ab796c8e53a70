import multipart from '@fastify/multipart';
import { ErrorBody, UploadedMedia } from '@commpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../platform/errors.js';
import { bearerToken, caller } from '../../platform/http/authenticate.js';
import type { TokenSigner } from '../../platform/auth/access-tokens.js';
import type { MediaService } from './media.service.js';

/** POST /api/messages/media (upload, signed in) and GET /api/media/:id (owner or signed URL). */
export async function mediaRoutes(
  fastify: FastifyInstance,
  { service, signer }: { service: MediaService; signer: TokenSigner },
) {
  await fastify.register(multipart, { limits: { fileSize: service.maxBytes, files: 1, fields: 0 } });
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/messages/media',
    {
      preValidation: app.authenticate,
      schema: {
        tags: ['messages'],
        security: [{ bearerAuth: [] }],
        summary: 'Upload an image for an MMS (multipart field "file"); answers a signed URL to send',
        response: { 201: UploadedMedia, 400: ErrorBody, 401: ErrorBody, 413: ErrorBody, 415: ErrorBody },
      },
    },
    async (request, reply) => {
      const file = await request.file();
      if (!file)
        throw new AppError('BAD_REQUEST', 'Attach an image in the "file" field', {
          details: [{ field: 'file', message: 'Attach an image' }],
        });
      const bytes = await file.toBuffer();
      if (file.file.truncated)
        throw new AppError('PAYLOAD_TOO_LARGE', `Images are limited to ${Math.round(service.maxBytes / 1_000_000)} MB`);
      return reply.status(201).send(await service.upload(caller(request).userId, bytes));
    },
  );

  app.get(
    '/media/:id',
    {
      schema: {
        tags: ['messages'],
        summary: 'An uploaded image, for its owner or a holder of its signed URL',
        params: z.object({ id: z.uuid() }),
        querystring: z.object({ expires: z.string().optional(), signature: z.string().optional() }),
      },
    },
    async (request, reply) => {
      const token = bearerToken(request.headers.authorization);
      const userId = token ? (await signer.verifyAccess(token)).userId : undefined;
      const media = await service.read(request.params.id, { userId, ...request.query });
      return reply
        .type(media.contentType)
        .header('cache-control', 'private, max-age=3600')
        .header('content-disposition', 'inline')
        .send(media.bytes);
    },
  );
}
