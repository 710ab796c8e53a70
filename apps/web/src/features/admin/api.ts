import type {
  AdminCharts,
  AdminNumberList,
  AdminNumbersQuery,
  AdminOverview,
  AdminUserDetail,
  AdminUserList,
  AdminUsersQuery,
  AdminWebhookList,
  AdminWebhookRow,
  AdminWebhooksQuery,
  AuditList,
  PlanTier,
} from '@commpro/contracts';
import { authedRequest } from '../../shared/api/client';
import { queryString } from './query';

const id = (value: string) => encodeURIComponent(value);

/** The contracts' paging fields are coerced (typed unknown as input); the web sends numbers. */
type Paged<T> = Omit<T, 'limit' | 'offset'> & { limit?: number; offset?: number };
export type UsersQuery = Paged<AdminUsersQuery>;
export type NumbersQuery = Paged<AdminNumbersQuery>;
export type WebhooksQuery = Paged<AdminWebhooksQuery>;

export const adminApi = {
  overview: () => authedRequest<AdminOverview>('/api/admin/overview'),
  charts: (days: number) => authedRequest<AdminCharts>(`/api/admin/charts${queryString({ days })}`),
  users: (query: UsersQuery) => authedRequest<AdminUserList>(`/api/admin/users${queryString({ ...query })}`),
  user: (userId: string) => authedRequest<AdminUserDetail>(`/api/admin/users/${id(userId)}`),
  suspendUser: (userId: string, reason: string) =>
    authedRequest<unknown>(`/api/admin/users/${id(userId)}/suspend`, { method: 'POST', body: { reason } }),
  reactivateUser: (userId: string) =>
    authedRequest<unknown>(`/api/admin/users/${id(userId)}/reactivate`, { method: 'POST' }),
  resetTwoFactor: (userId: string, reason: string) =>
    authedRequest<unknown>(`/api/admin/users/${id(userId)}/reset-2fa`, { method: 'POST', body: { reason } }),
  setPlan: (userId: string, tier: PlanTier) =>
    authedRequest<unknown>(`/api/admin/users/${id(userId)}/plan`, { method: 'PUT', body: { tier } }),
  numbers: (query: NumbersQuery) => authedRequest<AdminNumberList>(`/api/admin/numbers${queryString({ ...query })}`),
  suspendNumber: (numberId: string, reason: string) =>
    authedRequest<unknown>(`/api/admin/numbers/${id(numberId)}/suspend`, { method: 'POST', body: { reason } }),
  releaseNumber: (numberId: string, reason: string) =>
    authedRequest<unknown>(`/api/admin/numbers/${id(numberId)}/release`, { method: 'POST', body: { reason } }),
  webhooks: (query: WebhooksQuery) =>
    authedRequest<AdminWebhookList>(`/api/admin/webhooks${queryString({ ...query })}`),
  /** The row as the replay left it: processed, or failed again (still replayable), or waiting. */
  replayWebhook: (webhookId: string) =>
    authedRequest<AdminWebhookRow>(`/api/admin/webhooks/${id(webhookId)}/replay`, { method: 'POST' }),
  audit: (offset: number) => authedRequest<AuditList>(`/api/admin/audit${queryString({ limit: 50, offset })}`),
  sandboxInboundSms: (body: { from: string; to: string; body: string }) =>
    authedRequest<{ messageSid: string }>('/api/sandbox/messages/inbound', { method: 'POST', body }),
  sandboxInboundCall: (body: { from: string; to: string; hangUpAfterSeconds?: number }) =>
    authedRequest<{ callSid: string }>('/api/sandbox/calls/inbound', { method: 'POST', body }),
};

export const adminKeys = {
  all: ['admin'] as const,
  overview: ['admin', 'overview'] as const,
  charts: (days: number) => ['admin', 'charts', days] as const,
  users: (query: UsersQuery) => ['admin', 'users', query] as const,
  user: (userId: string) => ['admin', 'user', userId] as const,
  numbers: (query: NumbersQuery) => ['admin', 'numbers', query] as const,
  allNumbers: ['admin', 'numbers'] as const,
  webhooks: (query: WebhooksQuery) => ['admin', 'webhooks', query] as const,
  audit: ['admin', 'audit'] as const,
};
