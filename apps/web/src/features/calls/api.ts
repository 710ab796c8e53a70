import type {
  Call,
  CallList,
  CallListQuery,
  InitiateCallBody,
  InitiateCallResponse,
  SuccessResponse,
  VoiceToken,
} from '@commpro/contracts';
import { authedRequest } from '../../shared/api/client';
import { HISTORY_PAGE, type HistoryFilter } from './history-filter';

function listPath(query: Partial<CallListQuery>): string {
  const params = new URLSearchParams({ limit: String(query.limit ?? HISTORY_PAGE) });
  if (query.offset) params.set('offset', String(query.offset));
  if (query.direction) params.set('direction', query.direction);
  if (query.status) params.set('status', query.status);
  if (query.startDate) params.set('startDate', query.startDate);
  if (query.endDate) params.set('endDate', query.endDate);
  return `/api/calls?${params.toString()}`;
}

const callPath = (id: string, action = '') => `/api/calls/${encodeURIComponent(id)}${action}`;

export const callsApi = {
  list: (query: Partial<CallListQuery> = {}) => authedRequest<CallList>(listPath(query)),
  get: (id: string) => authedRequest<Call>(callPath(id)),
  initiate: (body: InitiateCallBody) =>
    authedRequest<InitiateCallResponse>('/api/calls/initiate', { method: 'POST', body }),
  hangup: (id: string) => authedRequest<SuccessResponse>(callPath(id, '/hangup'), { method: 'POST' }),
  mute: (id: string, muted: boolean) =>
    authedRequest<SuccessResponse>(callPath(id, '/mute'), { method: 'POST', body: { muted } }),
  hold: (id: string, onHold: boolean) =>
    authedRequest<SuccessResponse>(callPath(id, '/hold'), { method: 'POST', body: { onHold } }),
  token: () => authedRequest<VoiceToken>('/api/calls/token'),
};

export const callsKeys = {
  all: ['calls'] as const,
  lists: ['calls', 'list'] as const,
  list: (filter: HistoryFilter) => ['calls', 'list', filter] as const,
  details: ['calls', 'detail'] as const,
  detail: (id: string) => ['calls', 'detail', id] as const,
  /** Apart from `all`: refreshing the history must not renew the voice token. */
  token: ['voice', 'token'] as const,
};
