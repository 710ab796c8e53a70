import type {
  AddPaymentMethodBody,
  BillingInterval,
  ChangePlanBody,
  CurrentUsage,
  InvoiceList,
  PaymentMethod,
  PlanChange,
  PlansResponse,
  SetupIntentResponse,
  SubscribeBody,
  Subscription,
} from '@commpro/contracts';
import type { z } from 'zod';
import { authedDownload, authedRequest, publicRequest } from '../../shared/api/client';

/** How many invoices the list loads at once. */
const INVOICE_PAGE = 20;

export const billingApi = {
  plans: () => publicRequest<PlansResponse>('/api/billing/plans'),
  subscription: () => authedRequest<Subscription>('/api/billing/subscription'),
  /** Leaves FREE for a paid plan, invoiced in full from today. */
  subscribe: (body: SubscribeBody) => authedRequest<Subscription>('/api/billing/subscribe', { method: 'POST', body }),
  /** Any other plan change; with `preview` it only says what the change would do and cost. */
  changePlan: (body: ChangePlanBody) => authedRequest<PlanChange>('/api/billing/upgrade', { method: 'PUT', body }),
  cancel: (cancelAtPeriodEnd: boolean) =>
    authedRequest<Subscription>('/api/billing/cancel', { method: 'POST', body: { cancelAtPeriodEnd } }),
  reactivate: () => authedRequest<Subscription>('/api/billing/reactivate', { method: 'POST' }),
  usage: () => authedRequest<CurrentUsage>('/api/billing/usage/current'),
  invoices: (offset: number) => {
    const query = new URLSearchParams({ limit: String(INVOICE_PAGE), offset: String(offset) });
    return authedRequest<InvoiceList>(`/api/billing/invoices?${query.toString()}`);
  },
  invoicePdf: (id: string) => authedDownload(`/api/billing/invoices/${encodeURIComponent(id)}/pdf`),
  /** Saved cards (Stripe billing); the default one pays the plan. */
  paymentMethods: () => authedRequest<PaymentMethod[]>('/api/billing/payment-methods'),
  /** A SetupIntent for Stripe Elements: the card goes to Stripe, which gives back a payment method id. */
  setupIntent: () =>
    authedRequest<SetupIntentResponse>('/api/billing/payment-methods/setup-intent', { method: 'POST' }),
  /** Saves a card confirmed with Stripe; the first one becomes the default by itself. */
  addPaymentMethod: (body: z.input<typeof AddPaymentMethodBody>) =>
    authedRequest<PaymentMethod>('/api/billing/payment-methods', { method: 'POST', body }),
  setDefaultPaymentMethod: (id: string) =>
    authedRequest<PaymentMethod>(`/api/billing/payment-methods/${encodeURIComponent(id)}/default`, { method: 'PUT' }),
  removePaymentMethod: (id: string) =>
    authedRequest<void>(`/api/billing/payment-methods/${encodeURIComponent(id)}`, { method: 'DELETE' }),
};

export const billingKeys = {
  plans: ['billing', 'plans'] as const,
  subscription: ['billing', 'subscription'] as const,
  usage: ['billing', 'usage'] as const,
  invoices: ['billing', 'invoices'] as const,
  paymentMethods: ['billing', 'payment-methods'] as const,
  preview: (tier: string, interval: BillingInterval) => ['billing', 'preview', tier, interval] as const,
};
