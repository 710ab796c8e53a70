import type { Subscription } from '@commpro/contracts';
import { useInfiniteQuery, useQuery, type QueryClient } from '@tanstack/react-query';
import { billingApi, billingKeys } from './api';

export function usePlans() {
  // Prices change with a release, not during a visit.
  return useQuery({ queryKey: billingKeys.plans, queryFn: billingApi.plans, staleTime: 10 * 60_000 });
}

export function useSubscription() {
  return useQuery({ queryKey: billingKeys.subscription, queryFn: billingApi.subscription });
}

export function useUsage({ enabled = true } = {}) {
  return useQuery({ queryKey: billingKeys.usage, queryFn: billingApi.usage, enabled });
}

/**
 * What the current period owes so far beyond its plan (numbers, overage), in
 * cents: the server invoices it when a change cuts the period short.
 */
export const owedCentsOf = (usage: { costs: { total: number } }): number => Math.round(usage.costs.total * 100);

/** Invoices, newest first, page by page. */
export function useInvoices() {
  return useInfiniteQuery({
    queryKey: billingKeys.invoices,
    queryFn: ({ pageParam }) => billingApi.invoices(pageParam),
    initialPageParam: 0,
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((sum, page) => sum + page.invoices.length, 0);
      return last.invoices.length > 0 && loaded < last.total ? loaded : undefined;
    },
  });
}

/** After a plan change: the new subscription at once, then limits, usage and invoices fetched again. */
export function onSubscriptionChanged(queryClient: QueryClient, subscription: Subscription): void {
  queryClient.setQueryData(billingKeys.subscription, subscription);
  void queryClient.invalidateQueries({ queryKey: billingKeys.usage });
  void queryClient.invalidateQueries({ queryKey: billingKeys.invoices });
}
