import { and, count, desc, eq, gt, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/client.js';
import { authAttempts, refreshTokens, twoFaBackupCodes, users, userTokens } from './auth.table.js';

export type UserRow = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type RefreshTokenRow = typeof refreshTokens.$inferSelect;
export type NewRefreshToken = typeof refreshTokens.$inferInsert;
export type UserTokenPurpose = (typeof userTokens.$inferSelect)['purpose'];
export type UserPatch = Partial<Omit<NewUser, 'id' | 'createdAt'>>;

/** Not yet rotated, revoked or expired: the one usable token of its session. */
const liveRefreshToken = (now: Date) =>
  and(isNull(refreshTokens.rotatedAt), isNull(refreshTokens.revokedAt), gt(refreshTokens.expiresAt, now));

const liveUserToken = (purpose: UserTokenPurpose, tokenHash: string, now: Date) =>
  and(
    eq(userTokens.purpose, purpose),
    eq(userTokens.tokenHash, tokenHash),
    isNull(userTokens.usedAt),
    gt(userTokens.expiresAt, now),
  );

/** Queries only; every read of user data is scoped by user id in SQL. */
export function createAuthRepository(db: Database) {
  // Built once: every authenticated request looks its user up, and building the query each time costs more
  // CPU than running it.
  const userById = db
    .select()
    .from(users)
    .where(eq(users.id, sql.placeholder('id')))
    .limit(1)
    .prepare('auth_user_by_id');

  // Every authenticated request asks this (see accessState): one statement, planned once. A session is
  // open while its newest token is not revoked — rotated is fine, a refresh may be in flight — since
  // every revocation marks all of a family's tokens.
  const accessStateQuery = db
    .select({
      isActive: users.isActive,
      suspended: sql<boolean>`${users.suspendedAt} is not null`,
      deleted: sql<boolean>`${users.deletedAt} is not null`,
      // Spelled out: drizzle leaves columns unqualified here, and "id" would be the token's own.
      sessionOpen: sql<boolean | null>`(select r.revoked_at is null from refresh_tokens r
        where r.family_id = ${sql.placeholder('sessionId')} and r.user_id = users.id
        order by r.created_at desc limit 1)`,
    })
    .from(users)
    .where(eq(users.id, sql.placeholder('userId')))
    .limit(1)
    .prepare('auth_access_state');

  return {
    async accessState(userId: string, sessionId: string) {
      const [row] = await accessStateQuery.execute({ userId, sessionId });
      return row;
    },

    async findUserByEmail(email: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(eq(users.email, email)).limit(1);
      return row;
    },

    async findUserById(id: string): Promise<UserRow | undefined> {
      const [row] = await userById.execute({ id });
      return row;
    },

    /** Undefined when the email is taken, even by a sign-up racing this one. */
    async insertUser(values: NewUser): Promise<UserRow | undefined> {
      const [row] = await db.insert(users).values(values).onConflictDoNothing({ target: users.email }).returning();
      return row;
    },

    async updateUser(id: string, patch: UserPatch): Promise<UserRow | undefined> {
      const [row] = await db.update(users).set(patch).where(eq(users.id, id)).returning();
      return row;
    },

    /** Records a TOTP step as used; false when it (or a later one) already was — a replay. */
    async claimTotpStep(userId: string, step: number): Promise<boolean> {
      const rows = await db
        .update(users)
        .set({ twoFaLastStep: step })
        .where(and(eq(users.id, userId), or(isNull(users.twoFaLastStep), lt(users.twoFaLastStep, step))))
        .returning({ id: users.id });
      return rows.length === 1;
    },

    async insertRefreshToken(values: NewRefreshToken): Promise<void> {
      await db.insert(refreshTokens).values(values);
    },

    /**
     * Marks a live token as used and returns it, in one statement so two
     * concurrent refreshes cannot both succeed with the same token.
     */
    async rotateRefreshToken(tokenHash: string, now: Date): Promise<RefreshTokenRow | undefined> {
      const [row] = await db
        .update(refreshTokens)
        .set({ rotatedAt: now })
        .where(and(eq(refreshTokens.tokenHash, tokenHash), liveRefreshToken(now)))
        .returning();
      return row;
    },

    async findRefreshTokenByHash(tokenHash: string): Promise<RefreshTokenRow | undefined> {
      const [row] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).limit(1);
      return row;
    },

    async revokeFamily(familyId: string, now: Date): Promise<void> {
      await db
        .update(refreshTokens)
        .set({ revokedAt: now })
        .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
    },

    /** Revokes one session of this user; returns whether it had a live token. */
    async revokeUserSession(userId: string, familyId: string, now: Date): Promise<boolean> {
      const rows = await db
        .update(refreshTokens)
        .set({ revokedAt: now })
        .where(and(eq(refreshTokens.userId, userId), eq(refreshTokens.familyId, familyId), liveRefreshToken(now)))
        .returning({ familyId: refreshTokens.familyId });
      if (rows.length) await this.revokeFamily(familyId, now);
      return rows.length > 0;
    },

    /** Revokes every session of the user except `keepFamilyId`; returns the revoked session ids. */
    async revokeOtherSessions(userId: string, keepFamilyId: string | undefined, now: Date): Promise<string[]> {
      const rows = await db
        .update(refreshTokens)
        .set({ revokedAt: now })
        .where(
          and(
            eq(refreshTokens.userId, userId),
            isNull(refreshTokens.revokedAt),
            keepFamilyId ? ne(refreshTokens.familyId, keepFamilyId) : undefined,
          ),
        )
        .returning({ familyId: refreshTokens.familyId });
      return [...new Set(rows.map((r) => r.familyId))];
    },

    async hasLiveSession(userId: string, familyId: string, now: Date): Promise<boolean> {
      const [row] = await db
        .select({ id: refreshTokens.id })
        .from(refreshTokens)
        .where(and(eq(refreshTokens.userId, userId), eq(refreshTokens.familyId, familyId), liveRefreshToken(now)))
        .limit(1);
      return row !== undefined;
    },

    async findFamilyOfToken(userId: string, tokenHash: string): Promise<string | undefined> {
      const [row] = await db
        .select({ familyId: refreshTokens.familyId })
        .from(refreshTokens)
        .where(and(eq(refreshTokens.userId, userId), eq(refreshTokens.tokenHash, tokenHash)))
        .limit(1);
      return row?.familyId;
    },

    /** The live token of each session (one row per signed-in device), newest use first. */
    async listActiveSessions(
      userId: string,
      now: Date,
      page: { limit: number; offset: number },
    ): Promise<{ rows: RefreshTokenRow[]; total: number }> {
      const live = and(eq(refreshTokens.userId, userId), liveRefreshToken(now));
      const [rows, [totalRow]] = await Promise.all([
        db
          .select()
          .from(refreshTokens)
          .where(live)
          .orderBy(desc(refreshTokens.createdAt))
          .limit(page.limit)
          .offset(page.offset),
        db.select({ total: count() }).from(refreshTokens).where(live),
      ]);
      return { rows, total: totalRow?.total ?? 0 };
    },

    async replaceBackupCodes(userId: string, codeHashes: string[]): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.delete(twoFaBackupCodes).where(eq(twoFaBackupCodes.userId, userId));
        await tx.insert(twoFaBackupCodes).values(codeHashes.map((codeHash) => ({ userId, codeHash })));
      });
    },

    async deleteBackupCodes(userId: string): Promise<void> {
      await db.delete(twoFaBackupCodes).where(eq(twoFaBackupCodes.userId, userId));
    },

    /** Spends a backup code; false when it does not exist or was spent already. */
    async useBackupCode(userId: string, codeHash: string, now: Date): Promise<boolean> {
      const rows = await db
        .update(twoFaBackupCodes)
        .set({ usedAt: now })
        .where(
          and(
            eq(twoFaBackupCodes.userId, userId),
            eq(twoFaBackupCodes.codeHash, codeHash),
            isNull(twoFaBackupCodes.usedAt),
          ),
        )
        .returning({ id: twoFaBackupCodes.id });
      return rows.length === 1;
    },

    async insertUserToken(values: typeof userTokens.$inferInsert): Promise<void> {
      await db.insert(userTokens).values(values);
    },

    async findLiveUserToken(purpose: UserTokenPurpose, tokenHash: string, now: Date) {
      const [row] = await db
        .select()
        .from(userTokens)
        .where(and(liveUserToken(purpose, tokenHash, now)))
        .limit(1);
      return row;
    },

    /** Spends a link token and every other live one of the same purpose for that user. */
    async consumeUserToken(purpose: UserTokenPurpose, tokenHash: string, now: Date): Promise<string | undefined> {
      const [row] = await db
        .update(userTokens)
        .set({ usedAt: now })
        .where(and(liveUserToken(purpose, tokenHash, now)))
        .returning({ userId: userTokens.userId });
      if (!row) return undefined;
      await db
        .update(userTokens)
        .set({ usedAt: now })
        .where(and(eq(userTokens.userId, row.userId), eq(userTokens.purpose, purpose), isNull(userTokens.usedAt)));
      return row.userId;
    },

    async recentAttempts(keyHash: string, since: Date): Promise<{ count: number; oldest: Date | undefined }> {
      const [row] = await db
        .select({ count: count(), oldest: sql<string | null>`min(${authAttempts.createdAt})` })
        .from(authAttempts)
        .where(and(eq(authAttempts.keyHash, keyHash), gt(authAttempts.createdAt, since)));
      return { count: row?.count ?? 0, oldest: row?.oldest ? new Date(row.oldest) : undefined };
    },

    /** Records an attempt and prunes this key's rows that fell out of the window. */
    async recordAttempt(keyHash: string, now: Date, pruneBefore: Date): Promise<string> {
      const [row] = await db
        .insert(authAttempts)
        .values({ keyHash, createdAt: now })
        .returning({ id: authAttempts.id });
      await db
        .delete(authAttempts)
        .where(and(eq(authAttempts.keyHash, keyHash), lt(authAttempts.createdAt, pruneBefore)));
      return row!.id;
    },

    async deleteAttempt(id: string): Promise<void> {
      await db.delete(authAttempts).where(eq(authAttempts.id, id));
    },

    async clearAttempts(keyHash: string): Promise<void> {
      await db.delete(authAttempts).where(eq(authAttempts.keyHash, keyHash));
    },
  };
}

export type AuthRepository = ReturnType<typeof createAuthRepository>;
