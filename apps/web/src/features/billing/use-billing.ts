import type { PaymentMethod, Subscription } from '@commpro/contracts';
import { mutationOptions, useInfiniteQuery, useQuery, type QueryClient } from '@tanstack/react-query';
import { billingApi, billingKeys } from './api';

export function usePlans() {
  // Prices change with a release, not during a visit.
  return useQuery({ queryKey: billingKeys.plans, queryFn: billingApi.plans, staleTime: 10 * 60_000 });
}

export function useSubscription() {
  return useQuery({ queryKey: billingKeys.subscription, queryFn: billingApi.subscription });
}

export function useUsage() {
  return useQuery({ queryKey: billingKeys.usage, queryFn: billingApi.usage });
}

/**
 * What the current period owes so far beyond its plan (numbers, overage), in
 * cents: the server invoices it when a cancellation cuts the period short.
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

/** Saved cards; only asked for with Stripe billing (local billing has none). */
export function usePaymentMethods({ enabled = true } = {}) {
  return useQuery({ queryKey: billingKeys.paymentMethods, queryFn: billingApi.paymentMethods, enabled });
}

/** The default card, else the first one: the card a subscription is charged to. */
export const payingCardOf = (cards: PaymentMethod[]): PaymentMethod | undefined =>
  cards.find((card) => card.isDefault) ?? cards[0];

/** `cards` with `card` added or refreshed in place; a new default takes the mark from the one before. */
export function withCard(cards: PaymentMethod[], card: PaymentMethod): PaymentMethod[] {
  const updated = cards.map((item) =>
    item.id === card.id ? card : card.isDefault && item.isDefault ? { ...item, isDefault: false } : item,
  );
  return cards.some((item) => item.id === card.id) ? updated : [...updated, card];
}

/** A card just saved: in the list at once, then the list fetched again. */
export function onCardSaved(queryClient: QueryClient, card: PaymentMethod): void {
  queryClient.setQueryData<PaymentMethod[]>(billingKeys.paymentMethods, (cards) => withCard(cards ?? [], card));
  void queryClient.invalidateQueries({ queryKey: billingKeys.paymentMethods });
}

/** Making a card the default: the server answers with it, and the one before stops being the default. */
export const setDefaultCardMutation = (queryClient: QueryClient) =>
  mutationOptions({
    mutationFn: billingApi.setDefaultPaymentMethod,
    onSuccess: (card: PaymentMethod) => {
      queryClient.setQueryData<PaymentMethod[]>(billingKeys.paymentMethods, (cards) => cards && withCard(cards, card));
    },
  });

/** Removing a card: gone from the list at once, then the list fetched again, as Stripe may name another default. */
export const removeCardMutation = (queryClient: QueryClient) =>
  mutationOptions({
    mutationFn: billingApi.removePaymentMethod,
    onSuccess: (_: void, id: string) => {
      queryClient.setQueryData<PaymentMethod[]>(billingKeys.paymentMethods, (cards) =>
        cards?.filter((card) => card.id !== id),
      );
      void queryClient.invalidateQueries({ queryKey: billingKeys.paymentMethods });
    },
  });
