import {
  AdminNumberList,
  AdminNumbersQuery,
  AdminReasonBody,
  AdminUserDetail,
  AdminUserList,
  AdminUsersQuery,
  AuditList,
  AuditQuery,
  ErrorBody,
  PLAN_TIERS,
  SuccessResponse,
} from '@commpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../platform/db/client.js';
import type { AdminNumbers } from './admin-numbers.js';
import type { AdminUsers } from './admin-users.js';
import { actorOf, listAudit } from './audit-log.js';

export interface AdminRoutesOptions {
  db: Database;
  users: AdminUsers;
  numbers: AdminNumbers;
}

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
const actionErrors = { ...errors, 409: ErrorBody };
const common = { tags: ['admin'], security: [{ bearerAuth: [] }] };
const UserParams = z.object({ userId: z.uuid() });
const NumberParams = z.object({ numberId: z.uuid() });

/** Operators' actions on accounts and numbers (administrators only); every change writes an audit row. */
export async function adminRoutes(fastify: FastifyInstance, { db, users, numbers }: AdminRoutesOptions) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.addHook('preValidation', app.authenticate);
  app.addHook('preHandler', app.requireAdmin);

  app.get(
    '/users',
    {
      schema: {
        ...common,
        summary: 'Search accounts (email, name, company, phone; case- and accent-insensitive), newest first',
        querystring: AdminUsersQuery,
        response: { 200: AdminUserList, ...errors },
      },
    },
    (request) => users.list(request.query),
  );

  app.get(
    '/users/:userId',
    {
      schema: {
        ...common,
        summary: "An account: profile, status, plan, numbers, this period's usage, signed-in devices",
        params: UserParams,
        response: { 200: AdminUserDetail, ...errors },
      },
    },
    (request) => users.detail(request.params.userId),
  );

  app.post(
    '/users/:userId/suspend',
    {
      schema: {
        ...common,
        summary: 'Suspend an account: every session ends, sign-in, API calls and sending are refused',
        description:
          'Messages still queued fail instead of going out. Not for oneself (400 SELF_SUSPENSION) nor another ' +
          'administrator (409 ADMIN_ACCOUNT: remove the role first); an account already suspended is a 409 ' +
          '(ALREADY_SUSPENDED), keeping the first reason.',
        params: UserParams,
        body: AdminReasonBody,
        response: { 200: SuccessResponse, ...actionErrors },
      },
    },
    async (request) => {
      await users.suspend(actorOf(request), request.params.userId, request.body.reason);
      return { success: true };
    },
  );

  app.post(
    '/users/:userId/reactivate',
    {
      schema: {
        ...common,
        summary: 'Lift a suspension: the person can sign in again',
        params: UserParams,
        response: { 200: SuccessResponse, ...actionErrors },
      },
    },
    async (request) => {
      await users.reactivate(actorOf(request), request.params.userId);
      return { success: true };
    },
  );

  app.post(
    '/users/:userId/reset-2fa',
    {
      schema: {
        ...common,
        summary: 'Turn two-factor authentication off (lost authenticator); the person is told by email',
        params: UserParams,
        body: AdminReasonBody,
        response: { 200: SuccessResponse, ...actionErrors },
      },
    },
    async (request) => {
      await users.resetTwoFactor(actorOf(request), request.params.userId, request.body.reason);
      return { success: true };
    },
  );

  app.put(
    '/users/:userId/plan',
    {
      schema: {
        ...common,
        summary: 'Put an account on a plan now, without payment (local billing)',
        params: UserParams,
        body: z.object({ tier: z.enum(PLAN_TIERS) }),
        response: { 200: SuccessResponse, ...actionErrors },
      },
    },
    async (request) => {
      await users.setPlan(actorOf(request), request.params.userId, request.body.tier);
      return { success: true };
    },
  );

  app.get(
    '/numbers',
    {
      schema: {
        ...common,
        summary: 'Every number with its owner; search by number or owner email',
        querystring: AdminNumbersQuery,
        response: { 200: AdminNumberList, ...errors },
      },
    },
    (request) => numbers.list(request.query),
  );

  app.post(
    '/numbers/:numberId/suspend',
    {
      schema: {
        ...common,
        summary: 'Suspend an active number: it stops sending and receiving',
        params: NumberParams,
        body: AdminReasonBody,
        response: { 200: SuccessResponse, ...actionErrors },
      },
    },
    async (request) => {
      await numbers.suspend(actorOf(request), request.params.numberId, request.body.reason);
      return { success: true };
    },
  );

  app.post(
    '/numbers/:numberId/release',
    {
      schema: {
        ...common,
        summary: 'Release a number at the carrier, as its owner would',
        params: NumberParams,
        body: AdminReasonBody,
        response: { 200: SuccessResponse, ...actionErrors, 502: ErrorBody },
      },
    },
    async (request) => {
      await numbers.release(actorOf(request), request.params.numberId, request.body.reason);
      return { success: true };
    },
  );

  app.get(
    '/audit',
    {
      schema: {
        ...common,
        summary: "Operators' actions, newest first",
        querystring: AuditQuery,
        response: { 200: AuditList, ...errors },
      },
    },
    (request) => listAudit(db, request.query),
  );
}
