import { z } from 'zod';
import { Pagination } from './common.js';
import { PLAN_TIERS } from './plans.js';

export const PlanTierSchema = z.enum(PLAN_TIERS);
export const BillingInterval = z.enum(['MONTHLY', 'ANNUAL']);
export type BillingInterval = z.infer<typeof BillingInterval>;
export const SubscriptionStatus = z.enum(['ACTIVE', 'CANCELLED', 'PAST_DUE', 'TRIALING']);
export type SubscriptionStatus = z.infer<typeof SubscriptionStatus>;

const Cents = z.number().int();

/** A plan as the plans page shows it; prices in cents, per-unit overage in millicents. */
export const PlanInfo = z.object({
  tier: PlanTierSchema,
  monthlyPriceCents: Cents,
  /** Per month when billed annually; the year costs `annualPriceCents`. */
  annualMonthlyPriceCents: Cents,
  annualPriceCents: Cents,
  limits: z.object({
    phoneNumbers: z.number().int(),
    smsSent: z.number().int(),
    mmsSent: z.number().int(),
    callMinutes: z.number().int(),
  }),
  extraNumberPriceCents: Cents.nullable(),
  overageMillicents: z.object({ sms: z.number().int(), minute: z.number().int(), mms: z.number().int() }).nullable(),
});
export type PlanInfo = z.infer<typeof PlanInfo>;

export const PlansResponse = z.object({
  plans: z.array(PlanInfo),
  currency: z.literal('EUR'),
  /** VAT added to every invoice, in percent (20 in France). */
  vatRatePercent: z.number(),
  /**
   * Who takes payment. `local`: plan changes apply without payment (self-hosted).
   * `stripe`: cards are collected by Stripe Elements with `stripePublishableKey`.
   */
  payments: z.discriminatedUnion('provider', [
    z.object({ provider: z.literal('local') }),
    z.object({ provider: z.literal('stripe'), stripePublishableKey: z.string() }),
  ]),
});
export type PlansResponse = z.infer<typeof PlansResponse>;

export const Subscription = z.object({
  id: z.uuid(),
  tier: PlanTierSchema,
  status: SubscriptionStatus,
  interval: BillingInterval,
  currentPeriodStart: z.iso.datetime(),
  currentPeriodEnd: z.iso.datetime(),
  cancelAtPeriodEnd: z.boolean(),
  cancelledAt: z.iso.datetime().nullable(),
  /** A downgrade or interval change waiting for the end of the period. */
  scheduledChange: z.object({ tier: PlanTierSchema, interval: BillingInterval, at: z.iso.datetime() }).nullable(),
  /** What the plan costs per billing interval, VAT excluded. */
  amountCents: Cents,
  currency: z.literal('EUR'),
  /** An unpaid invoice: the plan's limits drop to FREE at `limitsDropAt` unless it is paid. */
  pastDue: z.object({ since: z.iso.datetime(), limitsDropAt: z.iso.datetime() }).nullable(),
  provider: z.enum(['local', 'stripe']),
});
export type Subscription = z.infer<typeof Subscription>;

export const SubscribeBody = z.object({
  tier: z.enum(['STARTER', 'BUSINESS', 'ENTERPRISE']),
  interval: BillingInterval.default('MONTHLY'),
  /** A Stripe payment method (pm_…) with BILLING=stripe; not used with local billing. */
  paymentMethodId: z.string().max(255).optional(),
});
export type SubscribeBody = z.input<typeof SubscribeBody>;

/** Any plan change: an upgrade applies now (prorated), a downgrade at the end of the period. */
export const ChangePlanBody = z.object({
  tier: PlanTierSchema,
  interval: BillingInterval.optional(),
  /** Only say what the change would do and cost; change nothing. */
  preview: z.boolean().default(false),
});
export type ChangePlanBody = z.input<typeof ChangePlanBody>;

export const PlanChange = z.object({
  subscription: Subscription,
  /** When the new plan applies. */
  effective: z.enum(['NOW', 'PERIOD_END']),
  /** Charged now for the rest of the period (upgrade), VAT excluded; 0 for a downgrade. */
  prorationCents: Cents,
  /**
   * What the period cut short by the change owes beyond its plan (extra
   * numbers, overage), VAT excluded; charged with the change. 0 when the
   * period goes on (same interval, downgrade).
   */
  owedCents: Cents,
  /** The invoice issued for the change, if any (Stripe's arrives by webhook, so none there). */
  invoiceId: z.uuid().nullable(),
});
export type PlanChange = z.infer<typeof PlanChange>;

export const CancelBody = z.object({ cancelAtPeriodEnd: z.boolean().default(true) });

export const InvoiceLineKind = z.enum([
  'PLAN',
  'PRORATION',
  'PHONE_NUMBERS',
  'SMS_OVERAGE',
  'MMS_OVERAGE',
  'MINUTES_OVERAGE',
]);
export const InvoiceLine = z.object({
  kind: InvoiceLineKind,
  description: z.string(),
  quantity: z.number(),
  unitPriceCents: Cents,
  amountCents: Cents,
});
export type InvoiceLine = z.infer<typeof InvoiceLine>;

export const InvoiceStatus = z.enum(['paid', 'open', 'void', 'uncollectible']);
export const Invoice = z.object({
  id: z.uuid(),
  /** Numbered without gaps per year: CP-2026-000042. */
  number: z.string(),
  status: InvoiceStatus,
  periodStart: z.iso.datetime(),
  periodEnd: z.iso.datetime(),
  issuedAt: z.iso.datetime(),
  dueAt: z.iso.datetime().nullable(),
  paidAt: z.iso.datetime().nullable(),
  lines: z.array(InvoiceLine),
  subtotalCents: Cents,
  vatRatePercent: z.number(),
  vatCents: Cents,
  totalCents: Cents,
  amountPaidCents: Cents,
  currency: z.literal('EUR'),
  pdfUrl: z.string(),
});
export type Invoice = z.infer<typeof Invoice>;

export const InvoiceList = z.object({ invoices: z.array(Invoice), total: z.number().int() });
export type InvoiceList = z.infer<typeof InvoiceList>;
export const InvoiceListQuery = Pagination;

/** The seed's usage shape: this period's usage, its cost beyond the plan (EUR) and the plan's limits. */
export const CurrentUsage = z.object({
  period: z.object({ start: z.iso.datetime(), end: z.iso.datetime() }),
  usage: z.object({
    callMinutes: z.number(),
    smsSent: z.number(),
    mmsSent: z.number(),
    phoneNumbers: z.number().int(),
  }),
  costs: z.object({
    total: z.number(),
    breakdown: z.object({ calls: z.number(), sms: z.number(), mms: z.number(), phoneNumbers: z.number() }),
  }),
  limits: z.object({
    callMinutes: z.number().int(),
    smsSent: z.number().int(),
    mmsSent: z.number().int(),
    phoneNumbers: z.number().int(),
  }),
});
export type CurrentUsage = z.infer<typeof CurrentUsage>;

export const UsageHistoryQuery = z.object({
  startDate: z.iso.datetime({ offset: true }).or(z.iso.date()),
  endDate: z.iso.datetime({ offset: true }).or(z.iso.date()),
});

export const UsageRecord = z.object({
  id: z.uuid(),
  type: z.enum(['CALL_MINUTES', 'SMS_SENT', 'MMS_SENT', 'PHONE_NUMBER']),
  quantity: z.number(),
  /** EUR, as stored to the ten-thousandth. */
  unitCost: z.number().nullable(),
  totalCost: z.number().nullable(),
  currency: z.string(),
  periodStart: z.iso.datetime(),
  periodEnd: z.iso.datetime(),
  createdAt: z.iso.datetime(),
});
export type UsageRecord = z.infer<typeof UsageRecord>;
export const UsageHistory = z.array(UsageRecord);

export const PaymentMethod = z.object({
  id: z.string(),
  brand: z.string(),
  last4: z.string(),
  expMonth: z.number().int(),
  expYear: z.number().int(),
  isDefault: z.boolean(),
});
export type PaymentMethod = z.infer<typeof PaymentMethod>;

export const AddPaymentMethodBody = z.object({
  paymentMethodId: z.string().min(1).max(255),
  setAsDefault: z.boolean().default(false),
});

/** For Stripe Elements' `confirmCardSetup`: the card is saved with Stripe, never sent to us. */
export const SetupIntentResponse = z.object({ clientSecret: z.string() });
export type SetupIntentResponse = z.infer<typeof SetupIntentResponse>;
