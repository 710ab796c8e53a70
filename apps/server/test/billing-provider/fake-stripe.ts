import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local endpoint the real stripe-node SDK talks to (REFERENCE.md §10):
 * it records each request as Stripe receives it (method, path, form-encoded
 * parameters, Idempotency-Key) and answers Stripe-shaped JSON.
 */

export interface StripeRequest {
  method: string;
  path: string;
  /** Query-string parameters (GET) or the form-encoded body (POST), keys as sent: `items[0][price]`. */
  params: Record<string, string>;
  idempotencyKey: string | undefined;
}

export interface Answer {
  status?: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is, for answers that are not JSON. */
  raw?: string;
}

export interface FakeStripe {
  url: string;
  requests: StripeRequest[];
  close(): Promise<void>;
}

/** `respond` may take its time (a promise): the SDK waits for the answer as it would for Stripe's. */
export async function startFakeStripe(respond: (req: StripeRequest) => Answer | Promise<Answer>): Promise<FakeStripe> {
  const requests: StripeRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const form = req.method === 'GET' ? url.searchParams : new URLSearchParams(Buffer.concat(chunks).toString());
      const key = req.headers['idempotency-key'];
      const recorded: StripeRequest = {
        method: req.method ?? '',
        path: url.pathname,
        params: Object.fromEntries(form),
        idempotencyKey: Array.isArray(key) ? key[0] : key,
      };
      requests.push(recorded);
      void Promise.resolve()
        .then(() => respond(recorded))
        .catch((error: unknown) => {
          // A fault of the test's own: loud in its output, and a 500 the caller sees.
          console.error(error);
          return stripeError(500, { type: 'api_error', code: 'fake_stripe_failed' });
        })
        .then((answer) => {
          res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', 'request-id': 'req_fake' });
          res.end(answer.raw ?? JSON.stringify(answer.body));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A Stripe error body, with a marker in Stripe's message to prove none of it reaches ours. */
export function stripeError(status: number, error: { type: string; code?: string; decline_code?: string }): Answer {
  return { status, body: { error: { ...error, message: `${STRIPE_WORDS} (${error.code ?? error.type})` } } };
}

export const STRIPE_WORDS = 'STRIPE-OWN-WORDS';

export const PRICES = {
  STARTER: { MONTHLY: 'price_starter_m', ANNUAL: 'price_starter_y' },
  BUSINESS: { MONTHLY: 'price_business_m', ANNUAL: 'price_business_y' },
  ENTERPRISE: { MONTHLY: 'price_enterprise_m', ANNUAL: 'price_enterprise_y' },
} as const;

/** 2026-03-01T00:00:00Z and a month later, in Stripe's Unix seconds. */
export const PERIOD_START = Date.UTC(2026, 2, 1) / 1000;
export const PERIOD_END = Date.UTC(2026, 3, 1) / 1000;

export function subscriptionJson(
  overrides: {
    id?: string;
    price?: string;
    status?: string;
    cancelAtPeriodEnd?: boolean;
    schedule?: string | null;
    customer?: string;
  } = {},
) {
  const id = overrides.id ?? 'sub_1';
  return {
    id,
    object: 'subscription',
    customer: overrides.customer ?? 'cus_1',
    status: overrides.status ?? 'active',
    cancel_at_period_end: overrides.cancelAtPeriodEnd ?? false,
    cancel_at: null,
    schedule: overrides.schedule ?? null,
    currency: 'eur',
    items: {
      object: 'list',
      has_more: false,
      url: `/v1/subscription_items?subscription=${id}`,
      data: [
        {
          id: 'si_1',
          object: 'subscription_item',
          subscription: id,
          quantity: 1,
          current_period_start: PERIOD_START,
          current_period_end: PERIOD_END,
          price: { id: overrides.price ?? PRICES.STARTER.MONTHLY, object: 'price', currency: 'eur' },
        },
      ],
    },
  };
}

export function scheduleJson(id = 'sub_sched_1', subscription = 'sub_1') {
  return {
    id,
    object: 'subscription_schedule',
    subscription,
    end_behavior: 'release',
    current_phase: { start_date: PERIOD_START, end_date: PERIOD_END },
    phases: [
      {
        start_date: PERIOD_START,
        end_date: PERIOD_END,
        items: [{ price: PRICES.STARTER.MONTHLY, quantity: 1 }],
      },
    ],
  };
}

export function customerJson(id = 'cus_1', defaultPaymentMethod: string | null = null) {
  return {
    id,
    object: 'customer',
    email: 'ada@example.com',
    invoice_settings: { default_payment_method: defaultPaymentMethod },
  };
}

export function cardJson(id: string, customer: string | null = 'cus_1', last4 = '4242') {
  return {
    id,
    object: 'payment_method',
    type: 'card',
    customer,
    card: { brand: 'visa', last4, exp_month: 12, exp_year: 2030 },
  };
}

export function invoiceJson(
  overrides: { status?: string | null; subscription?: string | null; amountPaid?: number } = {},
) {
  const subscription = overrides.subscription === undefined ? 'sub_1' : overrides.subscription;
  return {
    id: 'in_1',
    object: 'invoice',
    customer: 'cus_1',
    status: overrides.status === undefined ? 'paid' : overrides.status,
    amount_due: 4200,
    total: 4200,
    amount_paid: overrides.amountPaid ?? 4200,
    currency: 'eur',
    // Stripe's invoice period looks back one period; the lines carry the billed one.
    period_start: PERIOD_START - 31 * 86_400,
    period_end: PERIOD_START,
    parent: subscription
      ? { type: 'subscription_details', quote_details: null, subscription_details: { subscription, metadata: {} } }
      : null,
    lines: {
      object: 'list',
      has_more: false,
      url: '/v1/invoices/in_1/lines',
      data: [
        {
          id: 'il_1',
          object: 'line_item',
          amount: 3500,
          description: '1 × CommPro Business (at €35.00 / month)',
          quantity: 1,
          period: { start: PERIOD_START, end: PERIOD_END },
        },
        {
          id: 'il_2',
          object: 'line_item',
          amount: 700,
          description: 'SMS beyond the plan',
          quantity: null,
          period: { start: PERIOD_START - 31 * 86_400, end: PERIOD_START },
        },
      ],
    },
  };
}
