import type { BillingInterval, CurrentUsage, Invoice, PlanChange, PlanTier, Subscription } from '@commpro/contracts';
import { and, desc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { invoiceCounters, invoices, subscriptions, usageRecords } from '../../src/modules/billing/billing.table.js';
import { jobs } from '../../src/platform/jobs/jobs.table.js';
import { type Account, call, loginUser, type Response } from './auth-flows.js';
import { createTestApp, type TestApp } from './test-app.js';

export const DAY_MS = 24 * 3600_000;
export const ROLLOVER_JOB = 'billing.rollover';

/**
 * createTestApp for billing: sandbox deliveries without pauses (so real sends
 * go through) and the clock set to `start`. Tests fix the date because
 * periods are calendar months: a known start makes every proration and every
 * invoice number exact.
 */
export async function createBillingTestApp(start: string, env: Record<string, string> = {}): Promise<TestApp> {
  const t = await createTestApp({ env: { SANDBOX_STEP_DELAY_MS: '0', ...env } });
  t.clock.now = new Date(start);
  return t;
}

/** Access tokens live minutes on the app's clock: after moving it by days, the user logs in again. */
export async function relogin(t: TestApp, account: Account): Promise<Account> {
  const tokens = await loginUser(t, account);
  return { ...account, ...tokens };
}

/** Moves the app's clock on and returns the user logged in again at the new time. */
export async function advance(t: TestApp, user: Account, ms: number): Promise<Account> {
  t.clock.advance(ms);
  return relogin(t, user);
}

export const getSubscriptionRequest = (t: TestApp, token: string | undefined) =>
  call(t, 'GET', '/api/billing/subscription', { token });

export async function getSubscription(t: TestApp, token: string): Promise<Subscription> {
  const res = await getSubscriptionRequest(t, token);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export const subscribeRequest = (t: TestApp, token: string | undefined, payload: unknown) =>
  call(t, 'POST', '/api/billing/subscribe', { token, payload });

export async function subscribe(
  t: TestApp,
  token: string,
  tier: Exclude<PlanTier, 'FREE'>,
  interval: BillingInterval = 'MONTHLY',
): Promise<Subscription> {
  const res = await subscribeRequest(t, token, { tier, interval });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

export const changePlanRequest = (t: TestApp, token: string | undefined, payload: unknown) =>
  call(t, 'PUT', '/api/billing/upgrade', { token, payload });

export async function changePlan(
  t: TestApp,
  token: string,
  payload: { tier: PlanTier; interval?: BillingInterval; preview?: boolean },
): Promise<PlanChange> {
  const res = await changePlanRequest(t, token, payload);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export const cancelRequest = (t: TestApp, token: string | undefined, payload?: unknown) =>
  call(t, 'POST', '/api/billing/cancel', { token, payload });

export const reactivateRequest = (t: TestApp, token: string | undefined) =>
  call(t, 'POST', '/api/billing/reactivate', { token });

export async function listInvoices(
  t: TestApp,
  token: string,
  query = '',
): Promise<{ invoices: Invoice[]; total: number }> {
  const res = await call(t, 'GET', `/api/billing/invoices${query}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export async function getInvoice(t: TestApp, token: string, id: string): Promise<Invoice> {
  const res = await call(t, 'GET', `/api/billing/invoices/${id}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export async function currentUsage(t: TestApp, token: string): Promise<CurrentUsage> {
  const res = await call(t, 'GET', '/api/billing/usage/current', { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export const usageHistoryRequest = (t: TestApp, token: string | undefined, query: string) =>
  call(t, 'GET', `/api/billing/usage/history${query}`, { token });

/** Runs every job due on the app's clock until none is left (rollovers, number renewals, sends). */
export async function runDueJobs(t: TestApp): Promise<number> {
  let total = 0;
  for (let ran = await t.app.jobs.runDue(); ran > 0; ran = await t.app.jobs.runDue()) total += ran;
  return total;
}

export function invoiceRowsOf(t: TestApp, userId: string) {
  return t.database.handle.db
    .select()
    .from(invoices)
    .where(eq(invoices.userId, userId))
    .orderBy(desc(invoices.issuedAt), desc(invoices.number));
}

export function allInvoiceNumbers(t: TestApp): Promise<string[]> {
  return t.database.handle.db
    .select({ number: invoices.number })
    .from(invoices)
    .orderBy(invoices.number)
    .then((rows) => rows.map((r) => r.number));
}

export function invoiceCounterRows(t: TestApp) {
  return t.database.handle.db.select().from(invoiceCounters).orderBy(invoiceCounters.year);
}

export async function subscriptionRowOf(t: TestApp, userId: string) {
  const [row] = await t.database.handle.db.select().from(subscriptions).where(eq(subscriptions.userId, userId));
  return row;
}

export function setSubscriptionRow(t: TestApp, userId: string, changes: Partial<typeof subscriptions.$inferInsert>) {
  return t.database.handle.db.update(subscriptions).set(changes).where(eq(subscriptions.userId, userId));
}

export async function rolloverJobsOf(t: TestApp, subscriptionId: string) {
  const rows = await t.database.handle.db.select().from(jobs).where(eq(jobs.kind, ROLLOVER_JOB));
  return rows.filter((row) => row.payload.subscriptionId === subscriptionId);
}

/** Marks the rollover jobs of a subscription as not run yet: what a redelivery after a crash looks like. */
export async function rerunRolloversOf(t: TestApp, subscriptionId: string): Promise<void> {
  for (const job of await rolloverJobsOf(t, subscriptionId)) {
    if (job.doneAt) {
      await t.database.handle.db
        .update(jobs)
        .set({ doneAt: null, lockedUntil: null, attempts: 0 })
        .where(eq(jobs.id, job.id));
    }
  }
}

type UsageKind = 'SMS_SENT' | 'MMS_SENT' | 'CALL_MINUTES' | 'PHONE_NUMBER';

/** Usage already counted, as if it had happened through the app: `quantity` units at `totalCost` EUR, now. */
export async function recordUsage(
  t: TestApp,
  userId: string,
  type: UsageKind,
  quantity: number,
  options: { totalCost?: number; at?: Date } = {},
): Promise<void> {
  const at = options.at ?? t.clock.now;
  await t.database.handle.db.insert(usageRecords).values({
    userId,
    type,
    quantity,
    unitCost: 0,
    totalCost: options.totalCost ?? 0,
    periodStart: at,
    periodEnd: new Date(at.getTime() + 30 * DAY_MS),
    createdAt: at,
  });
}

export function usageRowsOf(t: TestApp, userId: string, type: UsageKind) {
  return t.database.handle.db
    .select()
    .from(usageRecords)
    .where(and(eq(usageRecords.userId, userId), eq(usageRecords.type, type)));
}

/** The lines of one kind across invoices, to add up what a user was billed for something. */
export const linesOfKind = (list: Invoice[], kind: string) =>
  list.flatMap((i) => i.lines.filter((l) => l.kind === kind));

// ---------------------------------------------------------------------------
// Reading an invoice PDF back: the text its pages show.

/** WinAnsi bytes 0x80–0x9F (PDF 32000 annex D), written out here rather than trusting the code under test. */
const WIN_ANSI_80_9F = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

function decodeLiteral(literal: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < literal.length; i++) {
    const c = literal[i]!;
    if (c !== '\\') {
      bytes.push(c.charCodeAt(0));
      continue;
    }
    const octal = /^[0-7]{1,3}/.exec(literal.slice(i + 1, i + 4));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += octal[0].length;
      continue;
    }
    const next = literal[i + 1]!;
    const escapes: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12 };
    bytes.push(escapes[next] ?? next.charCodeAt(0));
    i += 1;
  }
  return bytes.map((b) => (b >= 0x80 && b <= 0x9f ? WIN_ANSI_80_9F[b - 0x80] : String.fromCharCode(b))).join('');
}

/**
 * Every string the page content streams show, decoded from WinAnsi, one per
 * entry. Only content streams are read, so a number that appears in the
 * document's metadata but not on the page does not count as printed.
 */
export function pdfShownText(pdf: Buffer): string[] {
  const raw = pdf.toString('latin1');
  const shown: string[] = [];
  for (const stream of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    const content = stream[1]!;
    if (!/\bBT\b/.test(content)) continue;
    // Literal strings, with escaped parentheses and backslashes inside them.
    for (const literal of content.matchAll(/\(((?:\\[\s\S]|[^\\()])*)\)/g)) shown.push(decodeLiteral(literal[1]!));
  }
  return shown;
}

export type { Response };
