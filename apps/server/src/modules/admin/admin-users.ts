import type { AdminUserDetail, AdminUserList, AdminUsersQuery, PlanTier } from '@commpro/contracts';
import { and, count, desc, eq, exists, isNotNull, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/client.js';
import { AppError, notFound, validationError } from '../../platform/errors.js';
import type { AuthService } from '../auth/auth.service.js';
import { toUserDto } from '../auth/auth.service.js';
import { twoFaBackupCodes, users } from '../auth/auth.table.js';
import type { BillingService } from '../billing/billing.service.js';
import { subscriptions } from '../billing/billing.table.js';
import type { NumbersService } from '../numbers/numbers.service.js';
import { phoneNumbers } from '../numbers/numbers.table.js';
import type { z } from 'zod';
import { type AuditActor, recordAudit } from './audit-log.js';
import { foldedContains, phoneFragment } from './text-search.js';

export interface AdminUsersDeps {
  db: Database;
  auth: Pick<AuthService, 'sessionsOf' | 'endAllSessions' | 'noticeTwoFactorReset'>;
  billing: Pick<BillingService, 'subscription' | 'currentUsage' | 'setPlan'>;
  numbers: Pick<NumbersService, 'listMine'>;
  clock: () => Date;
}

type ListQuery = z.output<typeof AdminUsersQuery>;

const SESSIONS_SHOWN = 50;
const plan = sql<PlanTier>`coalesce(${subscriptions.tier}, 'FREE')`;
const heldNumbers = sql<number>`(select count(*)::int from ${phoneNumbers}
  where ${phoneNumbers.userId} = ${users.id} and ${phoneNumbers.status} in ('ACTIVE', 'SUSPENDED'))`;

const conflict = (message: string, code: string) => new AppError('CONFLICT', message, { details: [{ message, code }] });

/** Operators' view of accounts and what they can do to one; every change is audited. */
export function createAdminUsers(deps: AdminUsersDeps) {
  const { db, clock } = deps;

  function searchFilter(q: string): SQL {
    const phone = phoneFragment(q);
    const matches: (SQL | undefined)[] = [
      foldedContains(users.email, q),
      foldedContains(users.firstName, q),
      foldedContains(users.lastName, q),
      foldedContains(sql`${users.firstName} || ' ' || ${users.lastName}`, q),
      foldedContains(users.companyName, q),
    ];
    if (phone) {
      matches.push(
        foldedContains(users.phoneNumber, phone),
        exists(
          db
            .select({ one: sql`1` })
            .from(phoneNumbers)
            .where(and(eq(phoneNumbers.userId, users.id), foldedContains(phoneNumbers.phoneNumber, phone))),
        ),
      );
    }
    return or(...matches)!;
  }

  /** The account, locked for the change; deleted accounts are gone for operators too. */
  async function lockAccount(tx: Database, userId: string) {
    const [row] = await tx
      .select()
      .from(users)
      .where(and(eq(users.id, userId), isNull(users.deletedAt)))
      .for('update');
    if (!row) throw notFound('Account');
    return row;
  }

  async function requireAccount(userId: string) {
    const [row] = await db
      .select()
      .from(users)
      .where(and(eq(users.id, userId), isNull(users.deletedAt)))
      .limit(1);
    if (!row) throw notFound('Account');
    return row;
  }

  return {
    async list(query: ListQuery): Promise<AdminUserList> {
      const filters: SQL[] = [isNull(users.deletedAt)];
      if (query.q) filters.push(searchFilter(query.q));
      if (query.plan) filters.push(eq(plan, query.plan));
      if (query.status)
        filters.push(query.status === 'SUSPENDED' ? isNotNull(users.suspendedAt) : isNull(users.suspendedAt));
      const where = and(...filters);
      const [rows, [{ total } = { total: 0 }]] = await Promise.all([
        db
          .select({
            id: users.id,
            email: users.email,
            firstName: users.firstName,
            lastName: users.lastName,
            companyName: users.companyName,
            role: users.role,
            plan,
            suspendedAt: users.suspendedAt,
            numbers: heldNumbers,
            lastLogin: users.lastLogin,
            createdAt: users.createdAt,
          })
          .from(users)
          .leftJoin(subscriptions, eq(subscriptions.userId, users.id))
          .where(where)
          .orderBy(desc(users.createdAt), desc(users.id))
          .limit(query.limit)
          .offset(query.offset),
        db
          .select({ total: count() })
          .from(users)
          .leftJoin(subscriptions, eq(subscriptions.userId, users.id))
          .where(where),
      ]);
      return {
        total,
        users: rows.map(({ suspendedAt, lastLogin, createdAt, ...row }) => ({
          ...row,
          status: suspendedAt ? 'SUSPENDED' : 'ACTIVE',
          lastLogin: lastLogin?.toISOString() ?? null,
          createdAt: createdAt.toISOString(),
        })),
      };
    },

    async detail(userId: string): Promise<AdminUserDetail> {
      const user = await requireAccount(userId);
      const [subscription, usage, numbers, sessions] = await Promise.all([
        deps.billing.subscription(userId),
        deps.billing.currentUsage(userId),
        deps.numbers.listMine(userId),
        deps.auth.sessionsOf(userId, { limit: SESSIONS_SHOWN, offset: 0 }),
      ]);
      return {
        user: toUserDto(user),
        status: user.suspendedAt ? 'SUSPENDED' : 'ACTIVE',
        suspendedAt: user.suspendedAt?.toISOString() ?? null,
        suspendedReason: user.suspendedReason,
        subscription: {
          plan: subscription.tier,
          status: subscription.status,
          interval: subscription.interval,
          currentPeriodStart: subscription.currentPeriodStart,
          currentPeriodEnd: subscription.currentPeriodEnd,
          cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
        },
        numbers,
        usage: {
          sms: Math.ceil(usage.usage.smsSent),
          mms: Math.ceil(usage.usage.mmsSent),
          minutes: Math.ceil(usage.usage.callMinutes),
          numbers: usage.usage.phoneNumbers,
        },
        sessions,
      };
    },

    /**
     * No sign-in, API call or send until reactivated. Administrators cannot be
     * suspended (remove the role first), which also keeps the last operator
     * from locking everyone out; one's own account least of all.
     */
    async suspend(actor: AuditActor, userId: string, reason: string): Promise<void> {
      if (userId === actor.id) {
        throw validationError('userId', 'You cannot suspend your own account', 'SELF_SUSPENSION');
      }
      await db.transaction(async (tx) => {
        const target = await lockAccount(tx, userId);
        if (target.role === 'ADMIN') {
          throw conflict('Administrators cannot be suspended; remove their role first', 'ADMIN_ACCOUNT');
        }
        if (target.suspendedAt) throw conflict('This account is already suspended', 'ALREADY_SUSPENDED');
        await tx.update(users).set({ suspendedAt: clock(), suspendedReason: reason }).where(eq(users.id, userId));
        await recordAudit(tx, actor, {
          action: 'user.suspend',
          targetType: 'user',
          targetId: userId,
          details: { reason },
        });
      });
      // After the commit: authentication already refuses the account, this signs its apps out at once.
      await deps.auth.endAllSessions(userId, 'SUSPENDED');
    },

    async reactivate(actor: AuditActor, userId: string): Promise<void> {
      await db.transaction(async (tx) => {
        const target = await lockAccount(tx, userId);
        if (!target.suspendedAt) throw conflict('This account is not suspended', 'NOT_SUSPENDED');
        await tx.update(users).set({ suspendedAt: null, suspendedReason: null }).where(eq(users.id, userId));
        await recordAudit(tx, actor, {
          action: 'user.reactivate',
          targetType: 'user',
          targetId: userId,
          details: { suspendedAt: target.suspendedAt.toISOString(), suspendedReason: target.suspendedReason },
        });
      });
    },

    /** For a person who lost their authenticator: the password alone signs in, and they set 2FA up again. */
    async resetTwoFactor(actor: AuditActor, userId: string, reason: string): Promise<void> {
      await db.transaction(async (tx) => {
        const target = await lockAccount(tx, userId);
        if (!target.twoFaEnabled) {
          throw new AppError('TWO_FACTOR_NOT_ENABLED', 'Two-factor authentication is not on for this account');
        }
        await tx
          .update(users)
          .set({ twoFaEnabled: false, twoFaSecret: null, twoFaLastStep: null })
          .where(eq(users.id, userId));
        await tx.delete(twoFaBackupCodes).where(eq(twoFaBackupCodes.userId, userId));
        await recordAudit(tx, actor, {
          action: 'user.reset_2fa',
          targetType: 'user',
          targetId: userId,
          details: { reason },
        });
      });
      await deps.auth.noticeTwoFactorReset(userId);
    },

    /**
     * The plan at once, through billing's own transaction; the audit row
     * follows it (billing takes no outside transaction).
     */
    async setPlan(actor: AuditActor, userId: string, tier: PlanTier): Promise<void> {
      await requireAccount(userId);
      const from = (await deps.billing.subscription(userId)).tier;
      if (!(await deps.billing.setPlan(userId, tier))) throw notFound('Account');
      await recordAudit(db, actor, {
        action: 'user.plan',
        targetType: 'user',
        targetId: userId,
        details: { from, to: tier },
      });
    },
  };
}

export type AdminUsers = ReturnType<typeof createAdminUsers>;
