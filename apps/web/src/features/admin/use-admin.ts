import { keepPreviousData, useInfiniteQuery, useQuery, type QueryClient } from '@tanstack/react-query';
import { isApiError } from '../../shared/api/errors';
import { adminApi, adminKeys, type NumbersQuery, type UsersQuery, type WebhooksQuery } from './api';

/** A 403 is an answer, not a hiccup: asking again will not make the caller an administrator. */
const retry = (failures: number, error: unknown) => !(isApiError(error) && error.status < 500) && failures < 2;

export function useAdminOverview() {
  return useQuery({ queryKey: adminKeys.overview, queryFn: adminApi.overview, retry });
}

export function useAdminCharts(days: number) {
  return useQuery({ queryKey: adminKeys.charts(days), queryFn: () => adminApi.charts(days), retry });
}

export function useAdminUsers(query: UsersQuery) {
  return useQuery({
    queryKey: adminKeys.users(query),
    queryFn: () => adminApi.users(query),
    placeholderData: keepPreviousData,
    retry,
  });
}

export function useAdminUser(userId: string) {
  return useQuery({ queryKey: adminKeys.user(userId), queryFn: () => adminApi.user(userId), retry });
}

export function useAdminNumbers(query: NumbersQuery, { enabled = true } = {}) {
  return useQuery({
    queryKey: adminKeys.numbers(query),
    queryFn: () => adminApi.numbers(query),
    placeholderData: keepPreviousData,
    enabled,
    retry,
  });
}

export function useAdminWebhooks(query: WebhooksQuery) {
  return useQuery({
    queryKey: adminKeys.webhooks(query),
    queryFn: () => adminApi.webhooks(query),
    placeholderData: keepPreviousData,
    retry,
  });
}

export function useAudit() {
  return useInfiniteQuery({
    queryKey: adminKeys.audit,
    queryFn: ({ pageParam }) => adminApi.audit(pageParam),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((sum, page) => sum + page.entries.length, 0);
      return last.entries.length > 0 && loaded < last.total ? loaded : undefined;
    },
    retry,
  });
}

/** After an operator's action everything the dashboard shows may have moved: counts, lists, the audit log. */
export function refreshAdmin(queryClient: QueryClient): void {
  void queryClient.invalidateQueries({ queryKey: adminKeys.all });
}

export function isForbidden(error: unknown): boolean {
  return isApiError(error) && error.status === 403;
}
