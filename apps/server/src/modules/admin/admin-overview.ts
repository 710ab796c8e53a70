import { type AdminOverview, PLAN_TIERS, PLANS, type PlanTier } from '@commpro/contracts';
import { and, count, eq, gte, inArray, isNull, lt, ne, sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/client.js';
import { checkDependencies, type HealthProbes } from '../../platform/http/health.js';
import { users } from '../auth/auth.table.js';
import { subscriptions } from '../billing/billing.table.js';
import { calls } from '../calls/calls.table.js';
import { messages } from '../messaging/messaging.table.js';
import { numberStatus, phoneNumbers } from '../numbers/numbers.table.js';
import { webhookTotals } from './admin-webhooks.js';

const DAY_MS = 24 * 3600_000;
const NUMBER_STATUSES = numberStatus.enumValues;

export interface OverviewDeps {
  db: Database;
  probes: HealthProbes;
  carrier: AdminOverview['carrier'];
  clock: () => Date;
}

/** The current UTC calendar month: the period usage and invoices count in. */
export function currentPeriod(now: Date): { start: Date; end: Date } {
  return {
    start: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
    end: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)),
  };
}

/**
 * A month's revenue from a paying subscription, in integer cents. An annual
 * plan costs exactly twelve times its per-month price (PLANS defines it that
 * way), so its twelfth is that per-month price and no rounding is involved.
 */
export const monthlyCents = (tier: PlanTier, interval: 'MONTHLY' | 'ANNUAL'): number =>
  interval === 'ANNUAL' ? PLANS[tier].annualMonthlyPriceCents : PLANS[tier].monthlyPriceCents;

/** Accounts deleted by their owners are gone for every count here (their rows stay for the invoices). */
const liveUser = isNull(users.deletedAt);

async function userCounts(db: Database, now: Date): Promise<AdminOverview['users']> {
  const weekAgo = new Date(now.getTime() - 7 * DAY_MS);
  const [[totals], plans] = await Promise.all([
    db
      .select({
        total: count(),
        newThisWeek: count(sql`case when ${users.createdAt} >= ${weekAgo} then 1 end`),
        suspended: count(users.suspendedAt),
      })
      .from(users)
      .where(liveUser),
    // An account billing has not met yet (an administrator made by the CLI) is on FREE, as billing treats it.
    db
      .select({ tier: sql<PlanTier>`coalesce(${subscriptions.tier}, 'FREE')`, n: count() })
      .from(users)
      .leftJoin(subscriptions, eq(subscriptions.userId, users.id))
      .where(liveUser)
      .groupBy(sql`1`),
  ]);
  const byPlan = Object.fromEntries(PLAN_TIERS.map((tier) => [tier, 0])) as Record<PlanTier, number>;
  for (const row of plans) byPlan[row.tier] = row.n;
  return {
    total: totals?.total ?? 0,
    newThisWeek: totals?.newThisWeek ?? 0,
    suspended: totals?.suspended ?? 0,
    byPlan,
  };
}

/** MRR from subscriptions that pay now: ACTIVE or PAST_DUE (still owed) on a paid tier. ARR is twelve of it. */
async function revenue(db: Database): Promise<AdminOverview['revenue']> {
  const rows = await db
    .select({ tier: subscriptions.tier, interval: subscriptions.interval, n: count() })
    .from(subscriptions)
    .innerJoin(users, eq(users.id, subscriptions.userId))
    .where(and(liveUser, inArray(subscriptions.status, ['ACTIVE', 'PAST_DUE']), ne(subscriptions.tier, 'FREE')))
    .groupBy(subscriptions.tier, subscriptions.interval);
  const mrrCents = rows.reduce((sum, row) => sum + row.n * monthlyCents(row.tier, row.interval), 0);
  return { mrrCents, arrCents: mrrCents * 12, currency: 'EUR' };
}

/**
 * Numbers by status (every status, zeros included) and, for the lines that
 * are still ours (PENDING, ACTIVE, SUSPENDED: not CANCELLED), by country;
 * `total` counts those same lines.
 */
async function numberCounts(db: Database): Promise<AdminOverview['numbers']> {
  const rows = await db
    .select({ country: phoneNumbers.countryCode, status: phoneNumbers.status, n: count() })
    .from(phoneNumbers)
    .groupBy(phoneNumbers.countryCode, phoneNumbers.status);
  const byStatus: Record<string, number> = Object.fromEntries(NUMBER_STATUSES.map((status) => [status, 0]));
  const byCountry: Record<string, number> = {};
  let total = 0;
  for (const row of rows) {
    byStatus[row.status] = (byStatus[row.status] ?? 0) + row.n;
    if (row.status === 'CANCELLED') continue;
    byCountry[row.country] = (byCountry[row.country] ?? 0) + row.n;
    total += row.n;
  }
  return { total, byCountry, byStatus };
}

/**
 * Traffic created in the period. Failed messages are outbound ones that did
 * not reach the recipient (FAILED or UNDELIVERED); calls count users' legs
 * (a call between two lines here has one per user); minutes are the billed
 * ones (each leg rounded up to the minute, as charged).
 */
async function traffic(db: Database, period: { start: Date; end: Date }): Promise<AdminOverview['traffic']> {
  const [[sent], [spoken]] = await Promise.all([
    db
      .select({
        messagesOutbound: count(sql`case when ${messages.direction} = 'OUTBOUND' then 1 end`),
        messagesInbound: count(sql`case when ${messages.direction} = 'INBOUND' then 1 end`),
        messagesFailed: count(sql`case when ${messages.status} in ('FAILED', 'UNDELIVERED') then 1 end`),
      })
      .from(messages)
      .where(and(gte(messages.createdAt, period.start), lt(messages.createdAt, period.end))),
    db
      .select({
        calls: count(),
        seconds: sql<number>`coalesce(sum(${calls.billableDurationSeconds}), 0)`.mapWith(Number),
      })
      .from(calls)
      .where(and(gte(calls.createdAt, period.start), lt(calls.createdAt, period.end))),
  ]);
  return {
    messagesOutbound: sent?.messagesOutbound ?? 0,
    messagesInbound: sent?.messagesInbound ?? 0,
    messagesFailed: sent?.messagesFailed ?? 0,
    calls: spoken?.calls ?? 0,
    minutes: Math.round((spoken?.seconds ?? 0) / 60),
  };
}

export async function loadOverview(deps: OverviewDeps): Promise<AdminOverview> {
  const now = deps.clock();
  const period = currentPeriod(now);
  const [userStats, money, numbers, usage, webhooks, health] = await Promise.all([
    userCounts(deps.db, now),
    revenue(deps.db),
    numberCounts(deps.db),
    traffic(deps.db, period),
    webhookTotals(deps.db, new Date(now.getTime() - DAY_MS)),
    checkDependencies(deps.probes),
  ]);
  return {
    users: userStats,
    revenue: money,
    numbers,
    period: { start: period.start.toISOString(), end: period.end.toISOString() },
    traffic: usage,
    webhooks,
    health,
    carrier: deps.carrier,
  };
}
