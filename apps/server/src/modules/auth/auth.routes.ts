import {
  AuthResponse,
  ChangePasswordBody,
  CodeBody,
  Enable2faResponse,
  ErrorBody,
  ForgotPasswordBody,
  LoginBody,
  LoginResponse,
  LogoutBody,
  Pagination,
  RefreshBody,
  RegisterBody,
  ResetPasswordBody,
  SessionList,
  SuccessResponse,
  TokenPair,
  UpdateMeBody,
  User,
  Verify2faBody,
} from '@commpro/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { caller } from '../../platform/http/authenticate.js';
import type { AuthService, ClientInfo } from './auth.service.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 429: ErrorBody };
const bearer = [{ bearerAuth: [] }];
const tags = ['auth'];

function clientInfo(request: FastifyRequest): ClientInfo {
  return { ip: request.ip, userAgent: request.headers['user-agent'] };
}

export interface AuthRoutesOptions {
  service: AuthService;
  /** Sign-ups and reset emails per IP per hour: each one sends an email. */
  emailSendLimitPerHour: number;
}

/** HTTP edge of the auth module: validation and translation only; the rules live in the service. */
export async function authRoutes(fastify: FastifyInstance, { service, emailSendLimitPerHour }: AuthRoutesOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const ok = { success: true };
  const emailLimit = { rateLimit: { max: emailSendLimitPerHour, timeWindow: 3600_000 } };

  app.post(
    '/register',
    {
      config: emailLimit,
      schema: { tags, summary: 'Create an account', body: RegisterBody, response: { 201: AuthResponse, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await service.register(request.body, clientInfo(request))),
  );

  app.post(
    '/login',
    {
      schema: {
        tags,
        summary: 'Log in; with 2FA on, answers a challenge for verify-2fa instead of tokens',
        body: LoginBody,
        response: { 200: LoginResponse, ...errors },
      },
    },
    async (request) => service.login(request.body, clientInfo(request)),
  );

  app.post(
    '/verify-2fa',
    {
      schema: {
        tags,
        summary: 'Second login step: the challenge from login plus an authenticator or backup code',
        body: Verify2faBody,
        response: { 200: AuthResponse, ...errors },
      },
    },
    async (request) => service.verifyTwoFactorLogin(request.body, clientInfo(request)),
  );

  app.post(
    '/refresh',
    {
      schema: {
        tags,
        summary: 'Rotate a refresh token; a reused one ends its whole session family',
        body: RefreshBody,
        response: { 200: TokenPair, ...errors },
      },
    },
    async (request) => service.refresh(request.body.refreshToken, clientInfo(request)),
  );

  app.post(
    '/forgot-password',
    {
      config: emailLimit,
      schema: {
        tags,
        summary: 'Email a password reset link (always answers success)',
        body: ForgotPasswordBody,
        response: { 200: SuccessResponse, ...errors },
      },
    },
    async (request) => {
      await service.forgotPassword(request.body.email);
      return ok;
    },
  );

  app.post(
    '/reset-password',
    {
      schema: {
        tags,
        summary: 'Set a new password from a reset link; ends every session',
        body: ResetPasswordBody,
        response: { 200: SuccessResponse, ...errors },
      },
    },
    async (request) => {
      await service.resetPassword(request.body);
      return ok;
    },
  );

  app.get(
    '/verify-email/:token',
    {
      schema: {
        tags,
        summary: 'Confirm an email address from the emailed link',
        params: z.object({ token: z.string().min(1).max(512) }),
        response: { 200: SuccessResponse, ...errors },
      },
    },
    async (request) => {
      await service.verifyEmail(request.params.token);
      return ok;
    },
  );

  app.register(async (authenticated) => {
    const app = authenticated.withTypeProvider<ZodTypeProvider>();
    app.addHook('preValidation', app.authenticate);

    app.post(
      '/logout',
      {
        schema: {
          tags,
          security: bearer,
          summary: 'End this session',
          body: LogoutBody,
          response: { 200: SuccessResponse, ...errors },
        },
      },
      async (request) => {
        await service.logout(caller(request), request.body.refreshToken);
        return ok;
      },
    );

    app.get(
      '/me',
      { schema: { tags, security: bearer, summary: 'The signed-in user', response: { 200: User, ...errors } } },
      async (request) => service.getMe(caller(request)),
    );

    app.put(
      '/me',
      {
        schema: {
          tags,
          security: bearer,
          summary: 'Update the profile',
          body: UpdateMeBody,
          response: { 200: User, ...errors },
        },
      },
      async (request) => service.updateMe(caller(request), request.body),
    );

    app.put(
      '/change-password',
      {
        schema: {
          tags,
          security: bearer,
          summary: 'Change the password; ends every other session',
          body: ChangePasswordBody,
          response: { 200: SuccessResponse, ...errors },
        },
      },
      async (request) => {
        await service.changePassword(caller(request), request.body);
        return ok;
      },
    );

    app.post(
      '/send-verification',
      {
        schema: {
          tags,
          security: bearer,
          summary: 'Email a new verification link',
          response: { 200: SuccessResponse, ...errors },
        },
      },
      async (request) => {
        await service.sendVerification(caller(request));
        return ok;
      },
    );

    app.post(
      '/2fa/enable',
      {
        schema: {
          tags,
          security: bearer,
          summary: 'Start 2FA setup: secret, QR code and backup codes (shown once)',
          response: { 200: Enable2faResponse, ...errors },
        },
      },
      async (request) => service.enableTwoFactor(caller(request)),
    );

    app.post(
      '/2fa/confirm',
      {
        schema: {
          tags,
          security: bearer,
          summary: 'Turn 2FA on with a code from the authenticator',
          body: CodeBody,
          response: { 200: SuccessResponse, ...errors },
        },
      },
      async (request) => {
        await service.confirmTwoFactor(caller(request), request.body.code);
        return ok;
      },
    );

    app.post(
      '/2fa/disable',
      {
        schema: {
          tags,
          security: bearer,
          summary: 'Turn 2FA off with a valid code',
          body: CodeBody,
          response: { 200: SuccessResponse, ...errors },
        },
      },
      async (request) => {
        await service.disableTwoFactor(caller(request), request.body.code);
        return ok;
      },
    );

    app.get(
      '/sessions',
      {
        schema: {
          tags,
          security: bearer,
          summary: 'Signed-in devices',
          querystring: Pagination,
          response: { 200: SessionList, ...errors },
        },
      },
      async (request) => service.listSessions(caller(request), request.query),
    );

    app.delete(
      '/sessions/:id',
      {
        schema: {
          tags,
          security: bearer,
          summary: 'Sign a device out',
          params: z.object({ id: z.uuid() }),
          response: { 200: SuccessResponse, ...errors },
        },
      },
      async (request) => {
        await service.revokeSession(caller(request), request.params.id);
        return ok;
      },
    );
  });
}
