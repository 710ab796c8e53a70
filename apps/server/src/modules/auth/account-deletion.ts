/**
 * Account deletion (GDPR article 17): what happens to each table.
 *
 * | table                     | decision                                                                        |
 * |---------------------------|---------------------------------------------------------------------------------|
 * | users                     | kept, anonymised: invoices point at it; email deleted-<id>@deleted.invalid,      |
 * |                           | names/phone/company/avatar null, unusable password, 2FA off, inactive, deletedAt |
 * | refresh_tokens            | deleted (IP addresses, devices); every session's sockets are told and closed    |
 * | user_tokens               | deleted (email links)                                                           |
 * | two_fa_backup_codes       | deleted; the 2FA secret is cleared on the users row                             |
 * | auth_attempts             | the user's keys deleted; the others are hashes of what was typed, not linkable  |
 * | audit_logs                | kept: operators' record; one row notes the deletion (no email: it is gone)       |
 * | notifications             | deleted (push_deliveries go with them)                                          |
 * | device_tokens             | deleted                                                                         |
 * | notification_preferences  | deleted                                                                         |
 * | push_deliveries           | deleted with their notification and device (cascade)                            |
 * | phone_numbers             | released at the carrier first (numbers module), then the rows deleted           |
 * | port_requests             | deleted (account numbers and PINs of the other operator)                        |
 * | subscriptions             | cancelled now through billing (a paid plan), then deleted: renewals find nothing |
 * | invoices                  | KEPT: the law requires it; each carries its buyer as it was then                |
 * | invoice_counters          | not personal                                                                    |
 * | usage_records             | deleted: invoices hold their lines as issued, never recomputed from usage       |
 * | billing_events            | not personal (provider event ids)                                               |
 * | messages                  | deleted                                                                         |
 * | media_files               | files deleted from storage first, then the rows                                 |
 * | calls                     | deleted, with their recording links                                             |
 * | contacts                  | deleted                                                                         |
 * | user_data_keys            | deleted: crypto-shredding, any sealed copy left (a backup) can no longer open    |
 * | sandbox_numbers           | the carrier's side: released numbers stay in its quarantine, holding no person  |
 * | webhook_logs              | deleted where the payload names one of the user's numbers (texts, calls)        |
 * | email_outbox              | deleted where addressed to the user's email                                     |
 * | jobs                      | kept: payloads hold ids only; a job whose row is gone does nothing              |
 *
 * Order, so a failure at any step leaves an account that is still whole
 * enough to ask again: identity checked; numbers released (each release is
 * final and a retry skips it); the plan cancelled; stored files deleted (a
 * retry deletes them again, deleting nothing); then one transaction erases
 * and anonymises every row; then the open sessions are told.
 */
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { AccessClaims } from '../../platform/auth/access-tokens.js';
import { userDataKeys } from '../../platform/crypto-keys/data-keys.table.js';
import { sha256Hex } from '../../platform/crypto.js';
import type { Database } from '../../platform/db/client.js';
import { emailOutbox } from '../../platform/email/email-outbox.table.js';
import type { Realtime } from '../../platform/realtime/socket-server.js';
import type { FileStorage } from '../../platform/storage/storage.port.js';
import { webhookLogs } from '../../platform/webhooks/webhook-logs.table.js';
import { recordAudit } from '../admin/audit-log.js';
import { subscriptions, usageRecords } from '../billing/billing.table.js';
import { type BillingService, effectiveTier } from '../billing/billing.service.js';
import { calls } from '../calls/calls.table.js';
import { contacts } from '../contacts/contacts.table.js';
import { mediaFiles } from '../media/media.table.js';
import { messages } from '../messaging/messaging.table.js';
import { deviceTokens, notificationPreferences, notifications } from '../notifications/notifications.table.js';
import type { NumbersService } from '../numbers/numbers.service.js';
import { phoneNumbers, portRequests } from '../numbers/numbers.table.js';
import type { AuthService } from './auth.service.js';
import { authAttempts, refreshTokens, twoFaBackupCodes, users, userTokens } from './auth.table.js';

export interface AccountDeletionDeps {
  db: Database;
  auth: Pick<AuthService, 'confirmIdentity'>;
  numbers: Pick<NumbersService, 'release'>;
  billing: Pick<BillingService, 'cancel'>;
  storage: Pick<FileStorage, 'delete'>;
  realtime: Pick<Realtime, 'endSession'>;
  clock: () => Date;
}

/** Not an argon2 hash: no password ever verifies against it. */
const UNUSABLE_PASSWORD = '!account-deleted';

export function createAccountDeletion(deps: AccountDeletionDeps) {
  const { db, clock } = deps;

  async function releaseNumbers(userId: string): Promise<void> {
    const held = await db
      .select({ id: phoneNumbers.id })
      .from(phoneNumbers)
      .where(and(eq(phoneNumbers.userId, userId), inArray(phoneNumbers.status, ['ACTIVE', 'SUSPENDED'])));
    // One at a time: a carrier failure stops here, with the released ones marked so.
    for (const { id } of held) await deps.numbers.release(userId, id);
  }

  /**
   * Billing refuses to cancel what is not a paid plan, so this asks as it does: a plan followed
   * at the provider while it has one there, else the plan in force (an unpaid one past its grace,
   * or one already cancelled, is FREE).
   */
  async function cancelPlan(userId: string): Promise<void> {
    const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.userId, userId)).limit(1);
    if (!sub) return;
    const paid = sub.stripeSubscriptionId ? sub.tier !== 'FREE' : effectiveTier(sub, clock()) !== 'FREE';
    if (paid) await deps.billing.cancel(userId, false);
  }

  async function deleteFiles(userId: string): Promise<void> {
    const files = await db.select({ key: mediaFiles.storageKey }).from(mediaFiles).where(eq(mediaFiles.userId, userId));
    for (const { key } of files) await deps.storage.delete(key);
  }

  /** Every row about the person, in one transaction; returns the sessions to close. */
  async function erase(userId: string): Promise<string[]> {
    return db.transaction(async (tx) => {
      const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, userId)).for('update');
      if (!user) return [];
      const numbers = await tx
        .selectDistinct({ phoneNumber: phoneNumbers.phoneNumber })
        .from(phoneNumbers)
        .where(eq(phoneNumbers.userId, userId));
      const sessions = await tx
        .selectDistinct({ familyId: refreshTokens.familyId })
        .from(refreshTokens)
        .where(eq(refreshTokens.userId, userId));

      if (numbers.length) {
        // A provider's payload names the line it was for: texts and calls from and to it.
        await tx
          .delete(webhookLogs)
          .where(or(...numbers.map(({ phoneNumber }) => sql`strpos(${webhookLogs.body}::text, ${phoneNumber}) > 0`)));
      }
      await tx.delete(emailOutbox).where(eq(emailOutbox.to, user.email));
      await tx.delete(usageRecords).where(eq(usageRecords.userId, userId));
      await tx.delete(messages).where(eq(messages.userId, userId));
      await tx.delete(mediaFiles).where(eq(mediaFiles.userId, userId));
      await tx.delete(calls).where(eq(calls.userId, userId));
      await tx.delete(contacts).where(eq(contacts.userId, userId));
      await tx.delete(notifications).where(eq(notifications.userId, userId));
      await tx.delete(deviceTokens).where(eq(deviceTokens.userId, userId));
      await tx.delete(notificationPreferences).where(eq(notificationPreferences.userId, userId));
      await tx.delete(portRequests).where(eq(portRequests.userId, userId));
      await tx.delete(phoneNumbers).where(eq(phoneNumbers.userId, userId));
      await tx.delete(subscriptions).where(eq(subscriptions.userId, userId));
      await tx.delete(refreshTokens).where(eq(refreshTokens.userId, userId));
      await tx.delete(userTokens).where(eq(userTokens.userId, userId));
      await tx.delete(twoFaBackupCodes).where(eq(twoFaBackupCodes.userId, userId));
      await tx.delete(userDataKeys).where(eq(userDataKeys.userId, userId));
      const attemptKeys = [
        `login:${user.email}`,
        `reset-mail:${user.email}`,
        ...['password', '2fa', 'verify-mail'].map((k) => `${k}:${userId}`),
      ];
      await tx.delete(authAttempts).where(inArray(authAttempts.keyHash, attemptKeys.map(sha256Hex)));
      await tx
        .update(users)
        .set({
          email: `deleted-${userId}@deleted.invalid`,
          phoneNumber: null,
          firstName: null,
          lastName: null,
          companyName: null,
          avatarUrl: null,
          passwordHash: UNUSABLE_PASSWORD,
          twoFaEnabled: false,
          twoFaSecret: null,
          twoFaLastStep: null,
          emailVerified: false,
          isActive: false,
          lastLogin: null,
          suspendedReason: null,
          deletedAt: clock(),
        })
        .where(eq(users.id, userId));
      await recordAudit(
        tx,
        { id: userId, ipAddress: null, userAgent: null },
        {
          action: 'account.deleted',
          targetType: 'user',
          targetId: userId,
        },
      );
      return sessions.map((s) => s.familyId);
    });
  }

  return {
    async deleteAccount(auth: AccessClaims, input: { password: string; code?: string | undefined }): Promise<void> {
      await deps.auth.confirmIdentity(auth, input);
      await releaseNumbers(auth.userId);
      await cancelPlan(auth.userId);
      await deleteFiles(auth.userId);
      const sessions = await erase(auth.userId);
      // The device that asked learns it from the answer: told over its socket first, it would
      // take it for a sign-out from elsewhere.
      const others = sessions.filter((id) => id !== auth.sessionId);
      await Promise.all(others.map((id) => deps.realtime.endSession(id)));
    },
  };
}

export type AccountDeletion = ReturnType<typeof createAccountDeletion>;
