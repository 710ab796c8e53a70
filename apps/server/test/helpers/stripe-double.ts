import { type Answer, startFakeStripe, type StripeRequest, stripeError } from '../billing-provider/fake-stripe.js';

/*
 * A Stripe that remembers, for tests of the billing service through the real
 * stripe-node SDK: customers, cards, subscriptions (one item, one period),
 * subscription schedules, invoice items and invoices, answering the endpoints
 * our adapter calls, as Stripe would (validation errors, declines, idempotent
 * replays). Every request is recorded (fake-stripe.ts). Small on purpose:
 * one currency, cards only, no trials, no taxes beyond one flat rate.
 */

export interface StripePrice {
  /** Per period, in cents. */
  unitAmount: number;
  interval: 'month' | 'year';
  name: string;
}

interface Card {
  id: string;
  customer: string | null;
  brand: string;
  last4: string;
  declines: boolean;
  /** Once detached, Stripe never lets a card be attached again. */
  detached: boolean;
  created: number;
}

interface Customer {
  id: string;
  email: string;
  name: string;
  metadata: Record<string, string>;
  defaultPaymentMethod: string | null;
}

interface Subscription {
  id: string;
  customer: string;
  status: 'active' | 'past_due' | 'canceled';
  itemId: string;
  price: string;
  periodStart: number;
  periodEnd: number;
  /** The day of the month periods end on (Stripe's billing cycle anchor). */
  anchorDay: number;
  cancelAtPeriodEnd: boolean;
  schedule: string | null;
  defaultPaymentMethod: string | null;
  latestInvoice: string | null;
}

interface Phase {
  price: string;
  quantity: number;
  start: number;
  end: number;
}

interface Schedule {
  id: string;
  subscription: string;
  status: 'active' | 'released' | 'canceled';
  endBehavior: string;
  phases: Phase[];
}

export interface InvoiceItem {
  id: string;
  customer: string;
  subscription: string | null;
  invoice: string | null;
  amount: number;
  currency: string;
  description: string;
  created: number;
}

interface Line {
  id: string;
  amount: number;
  description: string;
  quantity: number | null;
  period: { start: number; end: number };
}

interface Invoice {
  id: string;
  customer: string;
  subscription: string | null;
  status: 'draft' | 'open' | 'paid';
  billingReason: string;
  lines: Line[];
  periodStart: number;
  periodEnd: number;
  created: number;
  /** Stripe's own invoice number, given at finalization; ours differs. */
  number: string | null;
  /** The card that paid it. */
  paidWith: string | null;
}

export interface StripeDouble {
  url: string;
  /** Every request the SDK sent, in order. */
  requests: StripeRequest[];
  /** The writes (POST and DELETE), in order. */
  writes(): StripeRequest[];
  customers: ReadonlyMap<string, Customer>;
  cards: ReadonlyMap<string, Card>;
  subscriptions: ReadonlyMap<string, Subscription>;
  schedules: ReadonlyMap<string, Schedule>;
  invoices: ReadonlyMap<string, Invoice>;
  invoiceItems: readonly InvoiceItem[];
  /**
   * A card saved by Stripe Elements for this customer after a SetupIntent:
   * attached to the customer, not its default. `declines`: every charge on it is refused.
   */
  createCard(customerId: string, options?: { last4?: string; brand?: string; declines?: boolean }): string;
  /** From now on, charges on this card are refused (402 card_declined). */
  declineCard(paymentMethodId: string): void;
  /**
   * Once, when a request `match` accepts has been handled, `run` goes before
   * its answer leaves: what Stripe does meanwhile (a webhook racing the answer).
   */
  whileAnswering(match: (req: StripeRequest) => boolean, run: () => Promise<void>): void;
  /** Answers 500 to every request `match` accepts (all by default) until `recover()`. */
  fail(match?: (req: StripeRequest) => boolean): void;
  recover(): void;
  /**
   * The period ends: a scheduled phase starts, or a cancellation at the
   * period's end takes effect; else a new period, invoiced with the pending
   * items of the subscription and charged (declined: open, past_due).
   */
  renew(subscriptionId: string): { invoiceId: string | null };
  /** Stripe's retry of an open invoice, on the card it would charge: paid, its subscription active again. */
  payInvoice(invoiceId: string): void;
  /** The objects as Stripe sends them, in API answers and in webhook events. */
  subscriptionObject(id: string): Record<string, unknown>;
  invoiceObject(id: string): Record<string, unknown>;
  close(): Promise<void>;
}

/** An error answer that ends the request, thrown from deep in a handler. */
class Refusal {
  constructor(readonly answer: Answer) {}
}

const refuse = (status: number, error: { type: string; code?: string; decline_code?: string }): never => {
  throw new Refusal(stripeError(status, error));
};
const missing = (): never => refuse(404, { type: 'invalid_request_error', code: 'resource_missing' });
const invalid = (code?: string): never => refuse(400, { type: 'invalid_request_error', ...(code ? { code } : {}) });

/** `items[0][price]=x` → `{ items: { 0: { price: 'x' } } }`: Stripe's form encoding read back. */
type Form = { [key: string]: string | Form };
function unflatten(params: Record<string, string>): Form {
  const root: Form = {};
  for (const [key, value] of Object.entries(params)) {
    const parts = key.split(/\]\[|\[|\]/).filter(Boolean);
    let node = root;
    for (const [index, part] of parts.entries()) {
      if (index === parts.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Form;
    }
  }
  return root;
}
const listOf = (form: Form | string | undefined): Form[] =>
  form && typeof form === 'object'
    ? Object.keys(form)
        .sort((a, b) => Number(a) - Number(b))
        .map((k) => form[k] as Form)
    : [];
const text = (value: Form | string | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

/** Stripe's billing cycle: the same day each month (or year), the last day of a shorter month. */
function addInterval(seconds: number, interval: 'month' | 'year', anchorDay: number): number {
  const date = new Date(seconds * 1000);
  const month = date.getUTCMonth() + (interval === 'year' ? 12 : 1);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), month + 1, 0)).getUTCDate();
  date.setUTCFullYear(date.getUTCFullYear(), month, Math.min(anchorDay, lastDay));
  return date.getTime() / 1000;
}

export async function startStripeDouble(options: {
  prices: Readonly<Record<string, StripePrice>>;
  /** The app's clock: periods start when the app thinks it is. */
  clock: () => Date;
  /** Added to every invoice, rounded to the cent (Stripe Tax would). */
  taxPercent?: number;
}): Promise<StripeDouble> {
  const customers = new Map<string, Customer>();
  const cards = new Map<string, Card>();
  const subscriptions = new Map<string, Subscription>();
  const schedules = new Map<string, Schedule>();
  const invoices = new Map<string, Invoice>();
  const invoiceItems: InvoiceItem[] = [];
  const replays = new Map<string, { req: StripeRequest; answer: Answer }>();
  let failing: ((req: StripeRequest) => boolean) | null = null;
  let counter = 0;
  const newId = (prefix: string) => `${prefix}_${(++counter).toString(36).padStart(6, '0')}`;
  const now = () => Math.floor(options.clock().getTime() / 1000);

  /** For the test's own calls: a mistake in the test, not an answer to the app. */
  const known = <T>(map: ReadonlyMap<string, T>, id: string): T => {
    const found = map.get(id);
    if (!found) throw new Error(`the Stripe double has no ${id}`);
    return found;
  };
  const find = <T>(map: ReadonlyMap<string, T>, id: string | undefined): T => (id && map.get(id)) || missing();
  const priceOf = (id: string | undefined): StripePrice & { id: string } => {
    const price = id ? options.prices[id] : undefined;
    return price ? { id: id!, ...price } : missing();
  };

  // --- objects as Stripe shows them

  const cardObject = (card: Card) => ({
    id: card.id,
    object: 'payment_method',
    type: 'card',
    customer: card.customer,
    created: card.created,
    card: { brand: card.brand, last4: card.last4, exp_month: 12, exp_year: 2040 },
  });

  const customerObject = (c: Customer) => ({
    id: c.id,
    object: 'customer',
    email: c.email,
    name: c.name,
    metadata: c.metadata,
    invoice_settings: { default_payment_method: c.defaultPaymentMethod },
  });

  const subscriptionObject = (sub: Subscription) => {
    const price = priceOf(sub.price);
    return {
      id: sub.id,
      object: 'subscription',
      customer: sub.customer,
      status: sub.status,
      cancel_at_period_end: sub.cancelAtPeriodEnd,
      cancel_at: sub.cancelAtPeriodEnd ? sub.periodEnd : null,
      schedule: sub.schedule,
      default_payment_method: sub.defaultPaymentMethod,
      latest_invoice: sub.latestInvoice,
      currency: 'eur',
      items: {
        object: 'list',
        has_more: false,
        url: `/v1/subscription_items?subscription=${sub.id}`,
        data: [
          {
            id: sub.itemId,
            object: 'subscription_item',
            subscription: sub.id,
            quantity: 1,
            current_period_start: sub.periodStart,
            current_period_end: sub.periodEnd,
            price: {
              id: price.id,
              object: 'price',
              currency: 'eur',
              unit_amount: price.unitAmount,
              recurring: { interval: price.interval, interval_count: 1 },
            },
          },
        ],
      },
    };
  };

  const currentPhase = (schedule: Schedule) => {
    const at = now();
    return schedule.phases.find((p) => p.start <= at && at < p.end) ?? schedule.phases[0] ?? null;
  };

  const scheduleObject = (s: Schedule) => {
    const current = s.status === 'active' ? currentPhase(s) : null;
    return {
      id: s.id,
      object: 'subscription_schedule',
      subscription: s.status === 'active' ? s.subscription : null,
      released_subscription: s.status === 'released' ? s.subscription : null,
      status: s.status,
      end_behavior: s.endBehavior,
      current_phase: current ? { start_date: current.start, end_date: current.end } : null,
      phases: s.phases.map((p) => ({
        start_date: p.start,
        end_date: p.end,
        items: [{ price: p.price, quantity: p.quantity }],
      })),
    };
  };

  const totalsOf = (invoice: Invoice) => {
    const subtotal = invoice.lines.reduce((sum, line) => sum + line.amount, 0);
    const total = subtotal + Math.round((subtotal * (options.taxPercent ?? 0)) / 100);
    return { subtotal, total };
  };

  const invoiceObject = (invoice: Invoice) => {
    const { subtotal, total } = totalsOf(invoice);
    return {
      id: invoice.id,
      object: 'invoice',
      customer: invoice.customer,
      status: invoice.status,
      number: invoice.number,
      billing_reason: invoice.billingReason,
      currency: 'eur',
      created: invoice.created,
      subtotal,
      total,
      amount_due: total,
      amount_paid: invoice.status === 'paid' ? total : 0,
      amount_remaining: invoice.status === 'paid' ? 0 : total,
      period_start: invoice.periodStart,
      period_end: invoice.periodEnd,
      parent: invoice.subscription
        ? {
            type: 'subscription_details',
            quote_details: null,
            subscription_details: { subscription: invoice.subscription, metadata: {} },
          }
        : null,
      lines: {
        object: 'list',
        has_more: false,
        url: `/v1/invoices/${invoice.id}/lines`,
        data: invoice.lines.map((line) => ({
          id: line.id,
          object: 'line_item',
          amount: line.amount,
          currency: 'eur',
          description: line.description,
          quantity: line.quantity,
          period: line.period,
        })),
      },
    };
  };

  const invoiceItemObject = (item: InvoiceItem) => ({
    id: item.id,
    object: 'invoiceitem',
    customer: item.customer,
    subscription: item.subscription,
    invoice: item.invoice,
    amount: item.amount,
    currency: item.currency,
    description: item.description,
  });

  // --- money

  /** The card a charge goes to: the subscription's own, else the customer's default. */
  function chargeable(customerId: string, paymentMethod: string | null): Card {
    const customer = find(customers, customerId);
    const id = paymentMethod ?? customer.defaultPaymentMethod;
    const card = id ? cards.get(id) : undefined;
    if (!card || card.customer !== customerId) {
      // What Stripe answers when a customer has nothing to charge.
      return invalid('resource_missing');
    }
    return card;
  }

  /**
   * The card an automatic charge goes to: the subscription's own first, else
   * the customer's default (Stripe's order); null when it refuses or there is none.
   */
  const automaticCard = (customerId: string, own: string | null): Card | null => {
    const id = own ?? customers.get(customerId)?.defaultPaymentMethod;
    const card = id ? cards.get(id) : undefined;
    return card?.customer === customerId && !card.declines ? card : null;
  };

  const declined = () => refuse(402, { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline' });

  function newInvoice(fields: Omit<Invoice, 'id' | 'created' | 'number' | 'paidWith'>): Invoice {
    const invoice: Invoice = { id: newId('in'), created: now(), number: null, paidWith: null, ...fields };
    invoices.set(invoice.id, invoice);
    return invoice;
  }

  const finalize = (invoice: Invoice, paidWith: Card | null) => {
    invoice.status = paidWith ? 'paid' : 'open';
    invoice.paidWith = paidWith?.id ?? null;
    invoice.number ??= `STRIPE-${invoice.id}`;
  };

  /** The pending items of a subscription, taken onto its invoice. */
  function takePendingItems(invoice: Invoice, subscriptionId: string): void {
    for (const item of invoiceItems.filter((i) => i.subscription === subscriptionId && i.invoice === null)) {
      item.invoice = invoice.id;
      invoice.lines.push({
        id: newId('il'),
        amount: item.amount,
        description: item.description,
        quantity: null,
        period: { start: item.created, end: item.created },
      });
    }
  }

  const planLine = (price: StripePrice, period: { start: number; end: number }): Line => ({
    id: newId('il'),
    amount: price.unitAmount,
    description: `1 × ${price.name} (at €${(price.unitAmount / 100).toFixed(2)} / ${price.interval})`,
    quantity: 1,
    period,
  });

  // --- endpoints

  function createCustomer(form: Form) {
    const metadata = (form.metadata ?? {}) as Record<string, string>;
    const customer: Customer = {
      id: newId('cus'),
      email: text(form.email) ?? '',
      name: text(form.name) ?? '',
      metadata,
      defaultPaymentMethod: null,
    };
    customers.set(customer.id, customer);
    return customerObject(customer);
  }

  function updateCustomer(id: string, form: Form) {
    const customer = find(customers, id);
    const settings = form.invoice_settings;
    if (settings && typeof settings === 'object' && 'default_payment_method' in settings) {
      const pm = text(settings.default_payment_method) || null;
      if (pm && cards.get(pm)?.customer !== id) invalid('resource_missing');
      customer.defaultPaymentMethod = pm;
    }
    return customerObject(customer);
  }

  function attach(id: string, form: Form) {
    const card = find(cards, id);
    const customerId = text(form.customer);
    find(customers, customerId);
    // Attached to someone else, or detached for good.
    if (card.detached || (card.customer !== null && card.customer !== customerId)) invalid();
    card.customer = customerId!;
    return cardObject(card);
  }

  function detach(id: string) {
    const card = find(cards, id);
    if (!card.customer) invalid();
    // Stripe leaves a detached default where it was (dj-stripe/dj-stripe#1836): nothing is chargeable then.
    card.customer = null;
    card.detached = true;
    return cardObject(card);
  }

  function createSubscription(form: Form) {
    const customerId = text(form.customer);
    find(customers, customerId);
    const [item, ...more] = listOf(form.items);
    if (!item || more.length) invalid();
    const price = priceOf(text(item!.price));
    if (text(form.payment_behavior) !== 'error_if_incomplete') {
      throw new Error('this double only starts subscriptions with payment_behavior=error_if_incomplete');
    }
    const paymentMethod = text(form.default_payment_method) ?? null;
    const card = chargeable(customerId!, paymentMethod);
    // error_if_incomplete: a refused first payment leaves no subscription behind.
    if (card.declines) declined();
    const start = now();
    const anchorDay = new Date(start * 1000).getUTCDate();
    const sub: Subscription = {
      id: newId('sub'),
      customer: customerId!,
      status: 'active',
      itemId: newId('si'),
      price: price.id,
      periodStart: start,
      periodEnd: addInterval(start, price.interval, anchorDay),
      anchorDay,
      cancelAtPeriodEnd: false,
      schedule: null,
      defaultPaymentMethod: paymentMethod,
      latestInvoice: null,
    };
    const invoice = newInvoice({
      customer: sub.customer,
      subscription: sub.id,
      status: 'draft',
      billingReason: 'subscription_create',
      lines: [planLine(price, { start: sub.periodStart, end: sub.periodEnd })],
      periodStart: start,
      periodEnd: start,
    });
    finalize(invoice, card);
    sub.latestInvoice = invoice.id;
    subscriptions.set(sub.id, sub);
    return subscriptionObject(sub);
  }

  function updateSubscription(id: string, form: Form) {
    const sub = find(subscriptions, id);
    if (sub.status === 'canceled') invalid();
    const items = listOf(form.items);
    const cancelAtPeriodEnd = text(form.cancel_at_period_end);
    // Stripe: a subscription a schedule manages changes through its schedule.
    if (sub.schedule && (items.length || cancelAtPeriodEnd !== undefined)) invalid();
    if (items.length) {
      const [item, ...more] = items;
      if (more.length || text(item!.id) !== sub.itemId) invalid();
      const from = priceOf(sub.price);
      const to = priceOf(text(item!.price));
      if (text(form.proration_behavior) !== 'always_invoice' || text(form.payment_behavior) !== 'error_if_incomplete') {
        throw new Error('this double only changes prices with always_invoice and error_if_incomplete');
      }
      const at = now();
      const lines: Line[] = [];
      let period = { start: sub.periodStart, end: sub.periodEnd };
      if (from.interval === to.interval) {
        // The rest of the period: its unused time credited, the new price's remaining time charged.
        const left = (sub.periodEnd - at) / (sub.periodEnd - sub.periodStart);
        const rest = { start: at, end: sub.periodEnd };
        lines.push({
          id: newId('il'),
          amount: -Math.round(from.unitAmount * left),
          description: `Unused time on ${from.name}`,
          quantity: 1,
          period: rest,
        });
        lines.push({
          id: newId('il'),
          amount: Math.round(to.unitAmount * left),
          description: `Remaining time on ${to.name}`,
          quantity: 1,
          period: rest,
        });
      } else {
        // A new interval starts a new billing cycle today.
        const anchorDay = new Date(at * 1000).getUTCDate();
        period = { start: at, end: addInterval(at, to.interval, anchorDay) };
        const left = Math.max(0, (sub.periodEnd - at) / (sub.periodEnd - sub.periodStart));
        lines.push({
          id: newId('il'),
          amount: -Math.round(from.unitAmount * left),
          description: `Unused time on ${from.name}`,
          quantity: 1,
          period: { start: at, end: sub.periodEnd },
        });
        lines.push(planLine(to, period));
        sub.anchorDay = anchorDay;
      }
      const card = chargeable(sub.customer, sub.defaultPaymentMethod);
      // error_if_incomplete: a refused proration changes nothing.
      if (card.declines) declined();
      const invoice = newInvoice({
        customer: sub.customer,
        subscription: sub.id,
        status: 'draft',
        billingReason: 'subscription_update',
        lines,
        periodStart: at,
        periodEnd: at,
      });
      finalize(invoice, card);
      sub.price = to.id;
      sub.periodStart = period.start;
      sub.periodEnd = period.end;
      sub.latestInvoice = invoice.id;
    }
    if (cancelAtPeriodEnd !== undefined) sub.cancelAtPeriodEnd = cancelAtPeriodEnd === 'true';
    return subscriptionObject(sub);
  }

  function cancelSubscription(id: string) {
    const sub = find(subscriptions, id);
    if (sub.status === 'canceled') invalid();
    sub.status = 'canceled';
    // Cancelling a subscription cancels the schedule that manages it.
    if (sub.schedule) find(schedules, sub.schedule).status = 'canceled';
    return subscriptionObject(sub);
  }

  function createSchedule(form: Form) {
    const sub = find(subscriptions, text(form.from_subscription));
    if (sub.schedule || sub.status === 'canceled') invalid();
    const schedule: Schedule = {
      id: newId('sub_sched'),
      subscription: sub.id,
      status: 'active',
      endBehavior: 'release',
      phases: [{ price: sub.price, quantity: 1, start: sub.periodStart, end: sub.periodEnd }],
    };
    schedules.set(schedule.id, schedule);
    sub.schedule = schedule.id;
    return scheduleObject(schedule);
  }

  function updateSchedule(id: string, form: Form) {
    const schedule = find(schedules, id);
    if (schedule.status !== 'active') invalid();
    const current = currentPhase(schedule);
    const phases: Phase[] = [];
    for (const phase of listOf(form.phases)) {
      const [item, ...more] = listOf(phase.items);
      if (!item || more.length) invalid();
      const price = priceOf(text(item!.price));
      const start = Number(text(phase.start_date) ?? phases.at(-1)?.end);
      // Stripe keeps the current phase's start where it is.
      if (phases.length === 0 && start !== current?.start) invalid();
      const duration = phase.duration as Form | undefined;
      const end = text(phase.end_date)
        ? Number(text(phase.end_date))
        : duration
          ? addInterval(
              start,
              text(duration.interval) === 'year' ? 'year' : 'month',
              new Date(start * 1000).getUTCDate(),
            )
          : invalid();
      phases.push({ price: price.id, quantity: Number(text(item!.quantity) ?? 1), start, end });
    }
    if (phases.length) schedule.phases = phases;
    schedule.endBehavior = text(form.end_behavior) ?? schedule.endBehavior;
    return scheduleObject(schedule);
  }

  function releaseSchedule(id: string) {
    const schedule = find(schedules, id);
    if (schedule.status !== 'active') invalid();
    schedule.status = 'released';
    const sub = subscriptions.get(schedule.subscription);
    if (sub) sub.schedule = null;
    return scheduleObject(schedule);
  }

  function createInvoiceItem(form: Form) {
    const customerId = text(form.customer)!;
    find(customers, customerId);
    const subscription = text(form.subscription) ?? null;
    if (subscription && find(subscriptions, subscription).customer !== customerId) invalid();
    const invoiceId = text(form.invoice) ?? null;
    const invoice = invoiceId ? find(invoices, invoiceId) : null;
    if (invoice && (invoice.customer !== customerId || invoice.status !== 'draft')) invalid();
    const item: InvoiceItem = {
      id: newId('ii'),
      customer: customerId,
      subscription,
      invoice: invoiceId,
      amount: Number(text(form.amount)),
      currency: text(form.currency) ?? '',
      description: text(form.description) ?? '',
      created: now(),
    };
    if (!Number.isInteger(item.amount) || item.currency !== 'eur') invalid();
    invoiceItems.push(item);
    invoice?.lines.push({
      id: newId('il'),
      amount: item.amount,
      description: item.description,
      quantity: null,
      period: { start: item.created, end: item.created },
    });
    return invoiceItemObject(item);
  }

  function createInvoice(form: Form) {
    const customer = find(customers, text(form.customer));
    if (text(form.pending_invoice_items_behavior) !== 'exclude') {
      throw new Error('this double only makes invoices that exclude pending items');
    }
    const at = now();
    const invoice = newInvoice({
      customer: customer.id,
      subscription: null,
      status: 'draft',
      billingReason: 'manual',
      lines: [],
      periodStart: at,
      periodEnd: at,
    });
    return invoiceObject(invoice);
  }

  function finalizeInvoice(id: string) {
    const invoice = find(invoices, id);
    if (invoice.status !== 'draft') invalid();
    // auto_advance: Stripe attempts the payment about an hour later; payInvoice() stands for it.
    finalize(invoice, null);
    return invoiceObject(invoice);
  }

  function route(req: StripeRequest): unknown {
    const form = unflatten(req.params);
    const at = (pattern: RegExp) => pattern.exec(`${req.method} ${req.path}`)?.[1];
    let id: string | undefined;
    if (req.method === 'POST' && req.path === '/v1/customers') return createCustomer(form);
    if ((id = at(/^GET \/v1\/customers\/([^/]+)$/))) return customerObject(find(customers, id));
    if ((id = at(/^POST \/v1\/customers\/([^/]+)$/))) return updateCustomer(id, form);
    if (req.method === 'POST' && req.path === '/v1/setup_intents') {
      const customer = find(customers, text(form.customer));
      const intent = newId('seti');
      return {
        id: intent,
        object: 'setup_intent',
        customer: customer.id,
        client_secret: `${intent}_secret_${counter}`,
      };
    }
    if (req.method === 'GET' && req.path === '/v1/payment_methods') {
      const customer = find(customers, text(form.customer));
      const data = [...cards.values()]
        .filter((c) => c.customer === customer.id)
        // Newest first, as Stripe lists.
        .sort((a, b) => b.created - a.created || b.id.localeCompare(a.id))
        .map(cardObject);
      return { object: 'list', has_more: false, url: '/v1/payment_methods', data };
    }
    if ((id = at(/^GET \/v1\/payment_methods\/([^/]+)$/))) return cardObject(find(cards, id));
    if ((id = at(/^POST \/v1\/payment_methods\/([^/]+)\/attach$/))) return attach(id, form);
    if ((id = at(/^POST \/v1\/payment_methods\/([^/]+)\/detach$/))) return detach(id);
    if (req.method === 'POST' && req.path === '/v1/subscriptions') return createSubscription(form);
    if ((id = at(/^GET \/v1\/subscriptions\/([^/]+)$/))) return subscriptionObject(find(subscriptions, id));
    if ((id = at(/^POST \/v1\/subscriptions\/([^/]+)$/))) return updateSubscription(id, form);
    if ((id = at(/^DELETE \/v1\/subscriptions\/([^/]+)$/))) return cancelSubscription(id);
    if (req.method === 'POST' && req.path === '/v1/subscription_schedules') return createSchedule(form);
    if ((id = at(/^GET \/v1\/subscription_schedules\/([^/]+)$/))) return scheduleObject(find(schedules, id));
    if ((id = at(/^POST \/v1\/subscription_schedules\/([^/]+)\/release$/))) return releaseSchedule(id);
    if ((id = at(/^POST \/v1\/subscription_schedules\/([^/]+)$/))) return updateSchedule(id, form);
    if (req.method === 'POST' && req.path === '/v1/invoiceitems') return createInvoiceItem(form);
    if (req.method === 'POST' && req.path === '/v1/invoices') return createInvoice(form);
    if ((id = at(/^POST \/v1\/invoices\/([^/]+)\/finalize$/))) return finalizeInvoice(id);
    throw new Error(`the Stripe double does not answer ${req.method} ${req.path}`);
  }

  const sameRequest = (a: StripeRequest, b: StripeRequest) =>
    a.method === b.method && a.path === b.path && JSON.stringify(a.params) === JSON.stringify(b.params);

  function respond(req: StripeRequest): Answer {
    if (failing?.(req)) return stripeError(500, { type: 'api_error' });
    const key = req.method === 'POST' ? req.idempotencyKey : undefined;
    const earlier = key ? replays.get(key) : undefined;
    // Stripe answers a key seen before with its first answer, and refuses it with other parameters.
    if (earlier)
      return sameRequest(earlier.req, req) ? earlier.answer : stripeError(400, { type: 'idempotency_error' });
    let answer: Answer;
    try {
      answer = { body: route(req) };
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      answer = error.answer;
    }
    if (key) replays.set(key, { req, answer });
    return answer;
  }

  let meanwhile: { match: (req: StripeRequest) => boolean; run: () => Promise<void> } | null = null;
  // A request the double does not model throws: fake-stripe shows it and answers 500.
  const fake = await startFakeStripe(async (req) => {
    const answer = respond(req);
    if (meanwhile?.match(req)) {
      const { run } = meanwhile;
      meanwhile = null;
      await run();
    }
    return answer;
  });

  return {
    url: fake.url,
    requests: fake.requests,
    writes: () => fake.requests.filter((r) => r.method === 'POST' || r.method === 'DELETE'),
    customers,
    cards,
    subscriptions,
    schedules,
    invoices,
    invoiceItems,

    createCard(customerId, cardOptions = {}) {
      if (!customers.has(customerId)) throw new Error(`Stripe has no customer ${customerId}`);
      const card: Card = {
        id: newId('pm'),
        customer: customerId,
        brand: cardOptions.brand ?? 'visa',
        last4: cardOptions.last4 ?? '4242',
        declines: cardOptions.declines ?? false,
        detached: false,
        created: now(),
      };
      cards.set(card.id, card);
      return card.id;
    },

    declineCard(paymentMethodId) {
      const card = cards.get(paymentMethodId);
      if (!card) throw new Error(`Stripe has no card ${paymentMethodId}`);
      card.declines = true;
    },

    whileAnswering(match, run) {
      meanwhile = { match, run };
    },

    fail(match = () => true) {
      failing = match;
    },

    recover() {
      failing = null;
    },

    renew(subscriptionId) {
      const sub = subscriptions.get(subscriptionId);
      if (!sub || sub.status === 'canceled') throw new Error(`${subscriptionId} is not a live subscription`);
      if (sub.cancelAtPeriodEnd) {
        sub.status = 'canceled';
        return { invoiceId: null };
      }
      const schedule = sub.schedule ? schedules.get(sub.schedule) : undefined;
      const next = schedule?.phases.find((p) => p.start === sub.periodEnd);
      if (next) sub.price = next.price;
      const price = priceOf(sub.price);
      sub.periodStart = sub.periodEnd;
      sub.periodEnd = addInterval(sub.periodStart, price.interval, sub.anchorDay);
      const invoice = newInvoice({
        customer: sub.customer,
        subscription: sub.id,
        status: 'draft',
        billingReason: 'subscription_cycle',
        lines: [planLine(price, { start: sub.periodStart, end: sub.periodEnd })],
        // Stripe's invoice period looks back at the period that ended.
        periodStart: sub.periodStart,
        periodEnd: sub.periodStart,
      });
      takePendingItems(invoice, sub.id);
      const card = automaticCard(sub.customer, sub.defaultPaymentMethod);
      finalize(invoice, card);
      sub.status = card ? 'active' : 'past_due';
      sub.latestInvoice = invoice.id;
      return { invoiceId: invoice.id };
    },

    payInvoice(invoiceId) {
      const invoice = invoices.get(invoiceId);
      if (invoice?.status !== 'open') throw new Error(`${invoiceId} is not an open invoice`);
      const sub = invoice.subscription ? subscriptions.get(invoice.subscription) : undefined;
      const card = automaticCard(invoice.customer, sub?.defaultPaymentMethod ?? null);
      if (!card) throw new Error(`no card of ${invoice.customer} pays ${invoiceId}`);
      finalize(invoice, card);
      if (sub?.status === 'past_due') sub.status = 'active';
    },

    subscriptionObject: (id) => subscriptionObject(known(subscriptions, id)),
    invoiceObject: (id) => invoiceObject(known(invoices, id)),
    close: () => fake.close(),
  };
}
