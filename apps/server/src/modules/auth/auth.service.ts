import { randomUUID } from 'node:crypto';
import type {
  AuthResponse,
  ChangePasswordBody,
  Enable2faResponse,
  LoginBody,
  LoginResponse,
  RegisterBody,
  ResetPasswordBody,
  Pagination,
  SessionList,
  TokenPair,
  UpdateMeBody,
  User,
  Verify2faBody,
} from '@commpro/contracts';
import type { AccessClaims, TokenSigner } from '../../platform/auth/access-tokens.js';
import { type Cipher, randomToken, sha256Hex } from '../../platform/crypto.js';
import type { Mailer } from '../../platform/email/mailer.js';
import { AppError, validationError } from '../../platform/errors.js';
import type { Realtime } from '../../platform/realtime/socket-server.js';
import { passwordResetEmail, securityNoticeEmail, twoFactorResetEmail, verificationEmail } from './auth-emails.js';
import type { AuthRepository, RefreshTokenRow, UserRow } from './auth.repository.js';
import { describeDevice } from './device.js';
import type { AttemptLimiter } from './attempt-limiter.js';
import { hashPassword, passwordWeakness, verifyAgainstDecoy, verifyPassword } from './password.js';
import {
  createTotpSetup,
  generateBackupCodes,
  isBackupCodeFormat,
  normalizeBackupCode,
  verifyTotp,
} from './two-factor.js';

const REFRESH_TOKEN_TTL_MS = 7 * 24 * 3600_000;
const LOGIN_CHALLENGE_TTL_SECONDS = 5 * 60;
const EMAIL_VERIFICATION_TTL_MS = 24 * 3600_000;
const PASSWORD_RESET_TTL_MS = 3600_000;

/** Where the request came from, recorded on the session it opens. */
export interface ClientInfo {
  ip: string | undefined;
  userAgent: string | undefined;
  deviceId?: string | undefined;
  deviceName?: string | undefined;
}

export interface AuthServiceDeps {
  repo: AuthRepository;
  signer: TokenSigner;
  cipher: Cipher;
  mailer: Mailer;
  realtime: Pick<Realtime, 'endSession'>;
  attempts: AttemptLimiter;
  publicUrl: string;
  clock: () => Date;
  log: { warn(obj: object, msg: string): void };
  /** Sets up what a new account starts with elsewhere (its FREE subscription). */
  onAccountCreated: (userId: string) => Promise<unknown>;
}

/** A signed-in device as its owner and operators see it: never the token. */
function toSessionDto(row: RefreshTokenRow): Omit<SessionList['sessions'][number], 'current'> {
  return {
    id: row.familyId,
    deviceId: row.deviceId,
    deviceName: row.deviceName,
    ipAddress: row.ipAddress,
    userAgent: row.userAgent,
    createdAt: row.sessionStartedAt.toISOString(),
    lastUsedAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  };
}

export function toUserDto(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    phoneNumber: row.phoneNumber,
    firstName: row.firstName,
    lastName: row.lastName,
    role: row.role,
    twoFaEnabled: row.twoFaEnabled,
    avatarUrl: row.avatarUrl,
    companyName: row.companyName,
    timezone: row.timezone,
    emailVerified: row.emailVerified,
    isActive: row.isActive,
    lastLogin: row.lastLogin?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const invalidCredentials = () => new AppError('INVALID_CREDENTIALS', 'Email or password is incorrect');
const invalidLink = () =>
  new AppError('INVALID_LINK', 'This link is invalid or has expired', {
    details: [{ field: 'token', message: 'This link is invalid or has expired' }],
  });
const expiredChallenge = () => new AppError('CHALLENGE_EXPIRED', 'Your sign-in has expired; log in again');
const suspendedAccount = () =>
  new AppError('ACCOUNT_SUSPENDED', 'This account is suspended; contact support to have it reactivated');

/** Whether an access token may still be used, and if not, why. */
export type AccessState = 'OPEN' | 'SESSION_ENDED' | 'SUSPENDED' | 'CLOSED';

export function createAuthService(deps: AuthServiceDeps) {
  const { repo, signer, cipher, mailer, realtime, attempts, clock } = deps;

  async function requireUser(userId: string): Promise<UserRow> {
    const user = await repo.findUserById(userId);
    if (!user || !user.isActive) throw new AppError('UNAUTHORIZED', 'Authentication required');
    return user;
  }

  function assertStrong(password: string, email: string, field: string): void {
    const weakness = passwordWeakness(password, { email });
    if (weakness) throw validationError(field, weakness.message, weakness.code);
  }

  async function issueTokens(
    user: UserRow,
    session: { familyId: string; startedAt: Date; client: ClientInfo },
  ): Promise<TokenPair> {
    const refreshToken = randomToken(32);
    const now = clock();
    await repo.insertRefreshToken({
      userId: user.id,
      familyId: session.familyId,
      tokenHash: sha256Hex(refreshToken),
      deviceId: session.client.deviceId ?? null,
      deviceName: session.client.deviceName ?? describeDevice(session.client.userAgent) ?? null,
      ipAddress: session.client.ip ?? null,
      userAgent: session.client.userAgent?.slice(0, 1000) ?? null,
      sessionStartedAt: session.startedAt,
      expiresAt: new Date(now.getTime() + REFRESH_TOKEN_TTL_MS),
      createdAt: now,
    });
    const accessToken = await signer.signAccess({ userId: user.id, role: user.role, sessionId: session.familyId });
    return { accessToken, refreshToken };
  }

  async function startSession(user: UserRow, client: ClientInfo): Promise<AuthResponse> {
    const now = clock();
    const tokens = await issueTokens(user, { familyId: randomUUID(), startedAt: now, client });
    const updated = (await repo.updateUser(user.id, { lastLogin: now })) ?? user;
    return { user: toUserDto(updated), ...tokens };
  }

  async function endSessions(familyIds: string[], reason?: 'SUSPENDED'): Promise<void> {
    await Promise.all(familyIds.map((id) => realtime.endSession(id, reason)));
  }

  /** Checks a 6-digit code or a backup code; spends it on success. */
  async function checkSecondFactor(user: UserRow, code: string, allowBackup: boolean): Promise<boolean> {
    if (/^\d{6}$/.test(code)) {
      if (!user.twoFaSecret) return false;
      const step = await verifyTotp({
        secret: cipher.decrypt(user.twoFaSecret),
        code,
        lastUsedStep: user.twoFaLastStep,
        now: clock(),
      });
      return step !== undefined && (await repo.claimTotpStep(user.id, step));
    }
    if (allowBackup && isBackupCodeFormat(code)) {
      return repo.useBackupCode(user.id, sha256Hex(normalizeBackupCode(code)), clock());
    }
    return false;
  }

  /** Guessing a code is limited like guessing a password. */
  /** The signed-in person's password again; attempts are limited so a stolen session cannot guess it. */
  async function requirePassword(user: UserRow, password: string, field: string, message: string): Promise<void> {
    const key = `password:${user.id}`;
    await attempts.consume(key);
    if (!(await verifyPassword(user.passwordHash, password))) {
      throw new AppError('INVALID_CREDENTIALS', message, { details: [{ field, message }] });
    }
    await attempts.clear(key);
  }

  async function requireSecondFactor(user: UserRow, code: string, allowBackup: boolean): Promise<void> {
    const key = `2fa:${user.id}`;
    await attempts.consume(key);
    if (!(await checkSecondFactor(user, code, allowBackup))) {
      throw new AppError('INVALID_2FA_CODE', 'This code is not valid (or was already used); try the current one');
    }
    await attempts.clear(key);
  }

  async function sendVerificationLink(user: UserRow): Promise<void> {
    const token = randomToken(32);
    await repo.insertUserToken({
      userId: user.id,
      purpose: 'EMAIL_VERIFICATION',
      tokenHash: sha256Hex(token),
      expiresAt: new Date(clock().getTime() + EMAIL_VERIFICATION_TTL_MS),
    });
    await mailer.send(verificationEmail(user.email, `${deps.publicUrl}/verify-email/${token}`));
  }

  /** A notice that fails to send must not undo the change it reports. */
  async function notify(user: UserRow, what: string): Promise<void> {
    await mailer.send(securityNoticeEmail(user.email, what)).catch((err: unknown) => {
      deps.log.warn({ err, userId: user.id }, 'security notice email failed');
    });
  }

  return {
    async register(input: RegisterBody, client: ClientInfo): Promise<AuthResponse> {
      assertStrong(input.password, input.email, 'password');
      const user = await repo.insertUser({
        email: input.email,
        passwordHash: await hashPassword(input.password),
        firstName: input.firstName || null,
        lastName: input.lastName || null,
        companyName: input.companyName || null,
      });
      if (!user) {
        throw new AppError('ALREADY_EXISTS', 'An account with this email already exists', {
          details: [{ field: 'email', message: 'An account with this email already exists' }],
        });
      }
      await deps.onAccountCreated(user.id);
      // The account exists either way; the user can ask for another link.
      await sendVerificationLink(user).catch((err: unknown) => {
        deps.log.warn({ err, userId: user.id }, 'verification email failed');
      });
      return startSession(user, client);
    },

    async login(input: LoginBody, client: ClientInfo): Promise<LoginResponse> {
      const key = `login:${input.email}`;
      await attempts.consume(key);
      const user = await repo.findUserByEmail(input.email);
      const valid = user
        ? await verifyPassword(user.passwordHash, input.password)
        : await verifyAgainstDecoy(input.password);
      if (!user || !valid) throw invalidCredentials();
      if (!user.isActive) throw new AppError('ACCOUNT_DISABLED', 'This account is disabled; contact support');
      if (user.suspendedAt) throw suspendedAccount();
      await attempts.clear(key);

      if (user.twoFaEnabled) {
        const challengeToken = await signer.signPurpose(
          '2fa-login',
          { subject: user.id, data: { email: user.email, deviceId: input.deviceId, deviceName: input.deviceName } },
          LOGIN_CHALLENGE_TTL_SECONDS,
        );
        return { requires2FA: true, challengeToken };
      }
      const session = await startSession(user, { ...client, deviceId: input.deviceId, deviceName: input.deviceName });
      return { requires2FA: false, ...session };
    },

    async verifyTwoFactorLogin(input: Verify2faBody, client: ClientInfo): Promise<AuthResponse> {
      const challenge = await signer.verifyPurpose('2fa-login', input.challengeToken).catch(() => {
        throw expiredChallenge();
      });
      if (challenge.data.email !== input.email) throw expiredChallenge();
      const user = await repo.findUserById(challenge.subject);
      if (!user || !user.isActive || !user.twoFaEnabled) throw expiredChallenge();
      // Suspended between the password and the code.
      if (user.suspendedAt) throw suspendedAccount();
      await requireSecondFactor(user, input.code, true);
      return startSession(user, {
        ...client,
        deviceId: challenge.data.deviceId,
        deviceName: challenge.data.deviceName,
      });
    },

    async refresh(refreshToken: string, client: ClientInfo): Promise<TokenPair> {
      const tokenHash = sha256Hex(refreshToken);
      const now = clock();
      const current = await repo.rotateRefreshToken(tokenHash, now);
      if (!current) {
        const known = await repo.findRefreshTokenByHash(tokenHash);
        if (known?.rotatedAt && !known.revokedAt) {
          // A rotated token came back: it was copied. End every session descended from that login.
          await repo.revokeFamily(known.familyId, now);
          await endSessions([known.familyId]);
          throw new AppError('REFRESH_TOKEN_REUSED', 'This session was ended for your safety; log in again');
        }
        throw new AppError('INVALID_TOKEN', 'Your session has expired; log in again');
      }
      const user = await repo.findUserById(current.userId);
      if (!user || !user.isActive || user.suspendedAt) {
        await repo.revokeFamily(current.familyId, now);
        throw new AppError('INVALID_TOKEN', 'Your session has expired; log in again');
      }
      return issueTokens(user, {
        familyId: current.familyId,
        startedAt: current.sessionStartedAt,
        client: { ...client, deviceId: current.deviceId ?? undefined, deviceName: current.deviceName ?? undefined },
      });
    },

    async logout(auth: AccessClaims, refreshToken: string): Promise<void> {
      const now = clock();
      const family = await repo.findFamilyOfToken(auth.userId, sha256Hex(refreshToken));
      const ended = [...new Set([auth.sessionId, ...(family ? [family] : [])])];
      for (const familyId of ended) await repo.revokeUserSession(auth.userId, familyId, now);
      await endSessions(ended);
    },

    async getMe(auth: AccessClaims): Promise<User> {
      return toUserDto(await requireUser(auth.userId));
    },

    async updateMe(auth: AccessClaims, patch: UpdateMeBody): Promise<User> {
      await requireUser(auth.userId);
      // An emptied field is cleared, as at sign-up.
      const values = Object.fromEntries(
        Object.entries(patch)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [k, v === '' ? null : v]),
      );
      const updated = Object.keys(values).length ? await repo.updateUser(auth.userId, values) : undefined;
      return toUserDto(updated ?? (await requireUser(auth.userId)));
    },

    async changePassword(auth: AccessClaims, input: ChangePasswordBody): Promise<void> {
      const user = await requireUser(auth.userId);
      await requirePassword(user, input.currentPassword, 'currentPassword', 'Your current password is incorrect');
      if (input.newPassword === input.currentPassword) {
        throw validationError('newPassword', 'Choose a password different from your current one', 'PASSWORD_UNCHANGED');
      }
      assertStrong(input.newPassword, user.email, 'newPassword');
      await repo.updateUser(user.id, { passwordHash: await hashPassword(input.newPassword) });
      await endSessions(await repo.revokeOtherSessions(user.id, auth.sessionId, clock()));
      await notify(user, 'Your password was changed');
    },

    async sendVerification(auth: AccessClaims): Promise<void> {
      const user = await requireUser(auth.userId);
      if (user.emailVerified) throw new AppError('CONFLICT', 'Your email address is already verified');
      // Each send costs an email: limited like a guess.
      const key = `verify-mail:${user.id}`;
      await attempts.consume(key);
      await sendVerificationLink(user);
    },

    async verifyEmail(token: string): Promise<void> {
      const userId = await repo.consumeUserToken('EMAIL_VERIFICATION', sha256Hex(token), clock());
      if (!userId) throw invalidLink();
      await repo.updateUser(userId, { emailVerified: true });
    },

    /** Always succeeds, so the answer never tells whether the email has an account. */
    async forgotPassword(email: string): Promise<void> {
      const key = `reset-mail:${email}`;
      const user = await repo.findUserByEmail(email);
      if (!user || !user.isActive) return;
      const allowed = await attempts.consume(key).then(
        () => true,
        () => false,
      );
      if (!allowed) return;
      const token = randomToken(32);
      await repo.insertUserToken({
        userId: user.id,
        purpose: 'PASSWORD_RESET',
        tokenHash: sha256Hex(token),
        expiresAt: new Date(clock().getTime() + PASSWORD_RESET_TTL_MS),
      });
      await mailer.send(passwordResetEmail(user.email, `${deps.publicUrl}/reset-password?token=${token}`));
    },

    async resetPassword(input: ResetPasswordBody): Promise<void> {
      const tokenHash = sha256Hex(input.token);
      const live = await repo.findLiveUserToken('PASSWORD_RESET', tokenHash, clock());
      const user = live && (await repo.findUserById(live.userId));
      if (!user || !user.isActive) throw invalidLink();
      // Checked before the link is spent, so a refused password leaves the link usable.
      assertStrong(input.newPassword, user.email, 'newPassword');
      if (!(await repo.consumeUserToken('PASSWORD_RESET', tokenHash, clock()))) throw invalidLink();
      // The link proves the mailbox, so it also verifies the address.
      await repo.updateUser(user.id, { passwordHash: await hashPassword(input.newPassword), emailVerified: true });
      await endSessions(await repo.revokeOtherSessions(user.id, undefined, clock()));
      await attempts.clear(`login:${user.email}`);
      await notify(user, 'Your password was reset');
    },

    async enableTwoFactor(auth: AccessClaims): Promise<Enable2faResponse> {
      const user = await requireUser(auth.userId);
      if (user.twoFaEnabled)
        throw new AppError('TWO_FACTOR_ALREADY_ENABLED', 'Two-factor authentication is already on');
      const setup = await createTotpSetup(user.email);
      const backupCodes = generateBackupCodes();
      await repo.updateUser(user.id, { twoFaSecret: cipher.encrypt(setup.secret), twoFaLastStep: null });
      await repo.replaceBackupCodes(
        user.id,
        backupCodes.map((c) => sha256Hex(normalizeBackupCode(c))),
      );
      return { ...setup, backupCodes };
    },

    async confirmTwoFactor(auth: AccessClaims, code: string): Promise<void> {
      const user = await requireUser(auth.userId);
      if (user.twoFaEnabled)
        throw new AppError('TWO_FACTOR_ALREADY_ENABLED', 'Two-factor authentication is already on');
      if (!user.twoFaSecret) throw new AppError('TWO_FACTOR_NOT_ENABLED', 'Start two-factor setup first');
      await requireSecondFactor(user, code, false);
      await repo.updateUser(user.id, { twoFaEnabled: true });
      await notify(user, 'Two-factor authentication was turned on');
    },

    async disableTwoFactor(auth: AccessClaims, code: string): Promise<void> {
      const user = await requireUser(auth.userId);
      if (!user.twoFaEnabled) throw new AppError('TWO_FACTOR_NOT_ENABLED', 'Two-factor authentication is not on');
      await requireSecondFactor(user, code, true);
      await repo.updateUser(user.id, { twoFaEnabled: false, twoFaSecret: null, twoFaLastStep: null });
      await repo.deleteBackupCodes(user.id);
      await notify(user, 'Two-factor authentication was turned off');
    },

    async listSessions(auth: AccessClaims, page: Pagination): Promise<SessionList> {
      const { rows, total } = await repo.listActiveSessions(auth.userId, clock(), page);
      const sessions = rows.map((row) => ({ ...toSessionDto(row), current: row.familyId === auth.sessionId }));
      return { sessions, total };
    },

    /**
     * Asks again for what only the owner knows before something that cannot be
     * undone (deleting the account): the password, and the second factor when on,
     * with the same attempt limits and replay protection as signing in.
     */
    async confirmIdentity(auth: AccessClaims, input: { password: string; code?: string | undefined }): Promise<void> {
      const user = await requireUser(auth.userId);
      await requirePassword(user, input.password, 'password', 'Your password is incorrect');
      if (!user.twoFaEnabled) return;
      if (!input.code) {
        throw validationError(
          'code',
          'Enter a code from your authenticator app or a backup code',
          'TWO_FACTOR_REQUIRED',
        );
      }
      await requireSecondFactor(user, input.code, true);
    },

    /**
     * Checked on every authenticated request (one indexed query): a revoked
     * session or a suspended account stops working at once, not when its
     * 15-minute access token expires.
     */
    async accessState(auth: AccessClaims): Promise<AccessState> {
      const row = await repo.accessState(auth.userId, auth.sessionId);
      if (!row || !row.isActive || row.deleted) return 'CLOSED';
      if (row.suspended) return 'SUSPENDED';
      return row.sessionOpen ? 'OPEN' : 'SESSION_ENDED';
    },

    /** Operators: the person's signed-in devices (no token, ever). */
    async sessionsOf(userId: string, page: Pagination): Promise<Omit<SessionList['sessions'][number], 'current'>[]> {
      const { rows } = await repo.listActiveSessions(userId, clock(), page);
      return rows.map(toSessionDto);
    },

    /** Operators (a suspension): every session of the person ends now, and their open apps are told. */
    async endAllSessions(userId: string, reason?: 'SUSPENDED'): Promise<number> {
      const ended = await repo.revokeOtherSessions(userId, undefined, clock());
      await endSessions(ended, reason);
      return ended.length;
    },

    /** Tells the person an operator turned their 2FA off, so a change they did not ask for is noticed. */
    async noticeTwoFactorReset(userId: string): Promise<void> {
      const user = await repo.findUserById(userId);
      if (!user) return;
      await mailer.send(twoFactorResetEmail(user.email)).catch((err: unknown) => {
        deps.log.warn({ err, userId }, 'two-factor reset email failed');
      });
    },

    /** Whether the session an access token was issued for is still signed in. */
    isSessionActive: (auth: AccessClaims): Promise<boolean> =>
      repo.hasLiveSession(auth.userId, auth.sessionId, clock()),

    async revokeSession(auth: AccessClaims, sessionId: string): Promise<void> {
      if (!(await repo.revokeUserSession(auth.userId, sessionId, clock()))) {
        throw new AppError('NOT_FOUND', 'Session not found');
      }
      await endSessions([sessionId]);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
