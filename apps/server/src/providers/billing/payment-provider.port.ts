import type { BillingInterval, PaymentMethod, PlanTier } from '@commpro/contracts';

/** The plans a provider bills; FREE has no price and no provider subscription. */
export type PaidTier = Exclude<PlanTier, 'FREE'>;

/**
 * Where a provider subscription stands, in our words. INCOMPLETE: waiting for
 * a first payment (or for a payment method after a trial) before it starts.
 */
export type ProviderStatus = 'ACTIVE' | 'PAST_DUE' | 'CANCELLED' | 'TRIALING' | 'INCOMPLETE';

export interface ProviderSubscription {
  id: string;
  customerId: string;
  status: ProviderStatus;
  tier: PaidTier;
  interval: BillingInterval;
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
  cancelAtPeriodEnd: boolean;
}

export interface ProviderInvoice {
  id: string;
  customerId: string;
  subscriptionId: string | null;
  status: 'draft' | 'open' | 'paid' | 'void' | 'uncollectible';
  /** Lines plus taxes, before any customer credit. */
  totalCents: number;
  amountDueCents: number;
  amountPaidCents: number;
  /** The service period the invoice's lines cover. */
  periodStart: Date;
  periodEnd: Date;
  lines: { description: string; quantity: number; amountCents: number }[];
}

/** What a provider's webhook tells us, each event once per `id` (deliveries repeat: deduplicate on it). */
export type BillingEvent =
  | {
      id: string;
      type: 'subscription.created' | 'subscription.updated' | 'subscription.deleted';
      createdAt: Date;
      subscription: ProviderSubscription;
    }
  | {
      id: string;
      type: 'invoice.paid' | 'invoice.payment_failed' | 'invoice.finalized';
      createdAt: Date;
      invoice: ProviderInvoice;
    }
  /** Signed and genuine, but nothing billing acts on; `stripeType` is kept for the logs. */
  | { id: string; type: 'ignored'; createdAt: Date; stripeType: string }
  /**
   * Signed and genuine, about a subscription we cannot read (a price or a
   * status no setting of ours names): another product's on the same account,
   * or ours misconfigured. `problem` says what, for the logs.
   */
  | { id: string; type: 'unreadable'; createdAt: Date; stripeType: string; customerId: string; problem: string };

export type BillingProviderErrorReason =
  /** The card was refused (declined, expired, insufficient funds, authentication needed). */
  | 'CARD_DECLINED'
  /** No such customer, subscription or payment method, or not this customer's. */
  | 'NOT_FOUND'
  /** The provider refuses the request itself; sending it again changes nothing. */
  | 'INVALID_REQUEST'
  /** Our API key is wrong, revoked or lacks a permission: an operator's problem. */
  | 'AUTHENTICATION'
  /** The provider is down, unreachable, or answered something we cannot read. */
  | 'UNAVAILABLE'
  | 'RATE_LIMITED';

/**
 * What the provider throws: a reason in our words and a message of ours; the
 * provider's own error (and its text) stays in `cause`, for the logs.
 */
export class BillingProviderError extends Error {
  readonly reason: BillingProviderErrorReason;
  constructor(reason: BillingProviderErrorReason, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'BillingProviderError';
    this.reason = reason;
  }
}

/** A webhook whose signature is missing, wrong, or too old to trust: answer 400 and act on nothing. */
export class WebhookSignatureError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'WebhookSignatureError';
  }
}

/**
 * Moves money and reports back; our billing module keeps the rules and the
 * ledger. Every write takes an idempotency key: sent again with the same key
 * (a retry after a timeout), it is done once.
 */
export interface PaymentProvider {
  /** Creates the user's customer, keyed on the user's id so that a retry, or a race, makes only one. */
  ensureCustomer(user: { id: string; email: string; name: string }): Promise<string>;
  /** A secret for the web's card form, which saves the card for later charges without it touching our server. */
  createSetupIntent(input: { customerId: string; idempotencyKey: string }): Promise<{ clientSecret: string }>;
  listPaymentMethods(customerId: string): Promise<PaymentMethod[]>;
  attachPaymentMethod(input: {
    customerId: string;
    paymentMethodId: string;
    setAsDefault: boolean;
    idempotencyKey: string;
  }): Promise<PaymentMethod>;
  /** NOT_FOUND when the payment method is not this customer's. */
  setDefaultPaymentMethod(input: {
    customerId: string;
    paymentMethodId: string;
    idempotencyKey: string;
  }): Promise<PaymentMethod>;
  /** NOT_FOUND when the payment method is not this customer's. */
  detachPaymentMethod(input: { customerId: string; paymentMethodId: string; idempotencyKey: string }): Promise<void>;
  /** Charges the first period now; a refused payment throws CARD_DECLINED and leaves no subscription behind. */
  startSubscription(input: {
    customerId: string;
    tier: PaidTier;
    interval: BillingInterval;
    paymentMethodId?: string | undefined;
    idempotencyKey: string;
  }): Promise<ProviderSubscription>;
  getSubscription(subscriptionId: string): Promise<ProviderSubscription>;
  /**
   * `now`: the new plan at once, the prorated difference invoiced and charged
   * now (a refused payment throws CARD_DECLINED and changes nothing).
   * `period_end`: the plan in force runs to the end of the period, then the
   * new one starts; the subscription returned is still on the current plan.
   * Either replaces a change already waiting for the period's end.
   */
  changePlan(input: {
    subscriptionId: string;
    tier: PaidTier;
    interval: BillingInterval;
    when: 'now' | 'period_end';
    idempotencyKey: string;
  }): Promise<ProviderSubscription>;
  /** Drops a change waiting for the period's end: the current plan renews. */
  dropScheduledChange(input: { subscriptionId: string; idempotencyKey: string }): Promise<ProviderSubscription>;
  /** Also drops a change waiting for the period's end. */
  cancel(input: {
    subscriptionId: string;
    atPeriodEnd: boolean;
    idempotencyKey: string;
  }): Promise<ProviderSubscription>;
  /** Undoes a cancellation at the period's end. */
  reactivate(input: { subscriptionId: string; idempotencyKey: string }): Promise<ProviderSubscription>;
  /** Adds an amount to the subscription's next invoice. */
  reportOverage(input: {
    customerId: string;
    subscriptionId: string;
    description: string;
    amountCents: number;
    idempotencyKey: string;
  }): Promise<void>;
  /**
   * Invoices `lines` on their own now and charges the default payment method:
   * what a subscription that has ended (or is ending now) still owes.
   */
  billNow(input: {
    customerId: string;
    lines: { description: string; amountCents: number }[];
    idempotencyKey: string;
  }): Promise<void>;
  /** Checks the signature on the raw body; throws WebhookSignatureError on a bad, missing or old one. */
  parseWebhook(rawBody: Buffer | string, signatureHeader: string | undefined): BillingEvent;
}
