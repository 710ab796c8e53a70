import { boolean, index, inet, integer, pgEnum, pgTable, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';

export const userRole = pgEnum('user_role', ['USER', 'ADMIN']);

const timestamps = {
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
};

export const users = pgTable(
  'users',
  {
    id: uuid().primaryKey().defaultRandom(),
    email: varchar({ length: 255 }).notNull().unique(),
    phoneNumber: varchar({ length: 20 }),
    passwordHash: varchar({ length: 255 }).notNull(),
    firstName: varchar({ length: 100 }),
    lastName: varchar({ length: 100 }),
    role: userRole().notNull().default('USER'),
    twoFaEnabled: boolean().notNull().default(false),
    /** Encrypted at rest (platform/crypto); set at enable, trusted only once confirmed. */
    twoFaSecret: text(),
    /** Last TOTP time step accepted: a code at or before it is a replay. */
    twoFaLastStep: integer(),
    avatarUrl: text(),
    companyName: varchar({ length: 255 }),
    timezone: varchar({ length: 50 }).notNull().default('Europe/Paris'),
    emailVerified: boolean().notNull().default(false),
    isActive: boolean().notNull().default(true),
    lastLogin: timestamp({ withTimezone: true }),
    /** Set by an operator: no sign-in, no API call, no sending until reactivated. */
    suspendedAt: timestamp({ withTimezone: true }),
    suspendedReason: text(),
    /**
     * The person deleted their account: the row stays, emptied of everything
     * personal, because the invoices issued to it must be kept by law.
     */
    deletedAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (t) => [index('users_phone_number_idx').on(t.phoneNumber)],
);

/**
 * One row per issued refresh token. A login starts a family (= a session on
 * one device); each refresh rotates to a new row of the same family.
 */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    familyId: uuid().notNull(),
    /** SHA-256 of the opaque token; the token itself is never stored. */
    tokenHash: varchar({ length: 64 }).notNull().unique(),
    deviceId: varchar({ length: 255 }),
    deviceName: varchar({ length: 255 }),
    ipAddress: inet(),
    userAgent: text(),
    sessionStartedAt: timestamp({ withTimezone: true }).notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    rotatedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('refresh_tokens_user_id_idx').on(t.userId),
    index('refresh_tokens_family_id_idx').on(t.familyId),
    index('refresh_tokens_expires_at_idx').on(t.expiresAt),
  ],
);

export const userTokenPurpose = pgEnum('user_token_purpose', ['EMAIL_VERIFICATION', 'PASSWORD_RESET']);

/** Single-use links sent by email. */
export const userTokens = pgTable(
  'user_tokens',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: userTokenPurpose().notNull(),
    tokenHash: varchar({ length: 64 }).notNull().unique(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('user_tokens_user_id_idx').on(t.userId, t.purpose)],
);

export const twoFaBackupCodes = pgTable(
  'two_fa_backup_codes',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: varchar({ length: 64 }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('two_fa_backup_codes_user_id_idx').on(t.userId)],
);

/**
 * Attempts at guessing a secret (passwords, 2FA codes) or at sending an email,
 * keyed by a hash of what was targeted — the email as typed, so unknown
 * accounts are limited the same way as real ones and the answer never reveals
 * which exist.
 */
export const authAttempts = pgTable(
  'auth_attempts',
  {
    id: uuid().primaryKey().defaultRandom(),
    keyHash: varchar({ length: 64 }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('auth_attempts_key_created_idx').on(t.keyHash, t.createdAt)],
);
