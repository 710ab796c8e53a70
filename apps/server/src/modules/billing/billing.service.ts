import { PLANS, type Plan, type PlanTier } from '@commpro/contracts';
import { eq } from 'drizzle-orm';
import type { Database } from '../../platform/db/client.js';
import { subscriptions, usageRecords } from './billing.table.js';

export type UsageRecord = typeof usageRecords.$inferInsert;

/**
 * What other modules ask billing today: the caller's plan and a place to write
 * usage. Issue 7 grows this into subscriptions, quotas and invoices.
 */
export function createBillingService(deps: { db: Database }) {
  return {
    /** The plan in force; an account without a subscription row is on FREE. */
    async currentPlan(userId: string, db: Database = deps.db): Promise<Plan & { subscriptionId: string | null }> {
      const [row] = await db
        .select({ id: subscriptions.id, tier: subscriptions.tier, status: subscriptions.status })
        .from(subscriptions)
        .where(eq(subscriptions.userId, userId))
        .limit(1);
      const tier: PlanTier = row && (row.status === 'ACTIVE' || row.status === 'TRIALING') ? row.tier : 'FREE';
      return { ...PLANS[tier], subscriptionId: row?.id ?? null };
    },

    /**
     * Puts an account on a plan at once, without payment (local billing; an
     * operator's action). Issue 7 adds the customer's own subscribe flow.
     */
    async setPlan(userId: string, tier: PlanTier): Promise<boolean> {
      try {
        await deps.db
          .insert(subscriptions)
          .values({ userId, tier, status: 'ACTIVE' })
          .onConflictDoUpdate({ target: subscriptions.userId, set: { tier, status: 'ACTIVE' } });
        return true;
      } catch (error) {
        // No such account: the foreign key says so.
        if (isForeignKeyViolation(error)) return false;
        throw error;
      }
    },

    /** Pass the caller's transaction so the usage is written with the change it charges for, or not at all. */
    async recordUsage(record: UsageRecord, db: Database = deps.db): Promise<void> {
      await db.insert(usageRecords).values(record);
    },
  };
}

const isForeignKeyViolation = (error: unknown): boolean =>
  [error, (error as { cause?: unknown })?.cause].some(
    (e) => typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23503',
  );

export type BillingService = ReturnType<typeof createBillingService>;
