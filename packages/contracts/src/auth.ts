import { z } from 'zod';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

/** Emails are compared and stored trimmed and lower-cased. */
export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'Enter a valid email address' }).max(255));

/** Length rules live here so the web form and the API agree; the common-password check is server-side. */
export const NewPassword = z
  .string()
  .min(PASSWORD_MIN_LENGTH, { error: `Use at least ${PASSWORD_MIN_LENGTH} characters` })
  .max(PASSWORD_MAX_LENGTH, { error: `Use at most ${PASSWORD_MAX_LENGTH} characters` });

const Name = z.string().trim().max(100);

export const UserRole = z.enum(['USER', 'ADMIN']);
export type UserRole = z.infer<typeof UserRole>;

export const User = z.object({
  id: z.uuid(),
  email: z.string(),
  phoneNumber: z.string().nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  role: UserRole,
  twoFaEnabled: z.boolean(),
  avatarUrl: z.string().nullable(),
  companyName: z.string().nullable(),
  timezone: z.string(),
  emailVerified: z.boolean(),
  isActive: z.boolean(),
  lastLogin: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type User = z.infer<typeof User>;

export const RegisterBody = z.object({
  email: Email,
  password: NewPassword,
  firstName: Name.optional(),
  lastName: Name.optional(),
  companyName: z.string().trim().max(255).optional(),
});
export type RegisterBody = z.infer<typeof RegisterBody>;

export const TokenPair = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
});
export type TokenPair = z.infer<typeof TokenPair>;

export const AuthResponse = TokenPair.extend({ user: User });
export type AuthResponse = z.infer<typeof AuthResponse>;

const DeviceFields = {
  deviceId: z.string().trim().min(1).max(255).optional(),
  deviceName: z.string().trim().min(1).max(255).optional(),
};

export const LoginBody = z.object({
  email: Email,
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
  ...DeviceFields,
});
export type LoginBody = z.infer<typeof LoginBody>;

/**
 * With 2FA on, login proves the password only: it answers a short-lived
 * challenge token, and verify-2fa needs that token with the code, so a code
 * alone never opens an account.
 */
export const TwoFactorChallenge = z.object({
  requires2FA: z.literal(true),
  challengeToken: z.string(),
});
export type TwoFactorChallenge = z.infer<typeof TwoFactorChallenge>;

export const LoginResponse = z.union([AuthResponse.extend({ requires2FA: z.literal(false) }), TwoFactorChallenge]);
export type LoginResponse = z.infer<typeof LoginResponse>;

/** A 6-digit authenticator code or a backup code (xxxxx-xxxxx). */
export const TwoFactorCode = z
  .string()
  .trim()
  .regex(/^(\d{6}|[a-z0-9]{5}-?[a-z0-9]{5})$/i, { error: 'Enter the 6-digit code or a backup code' });

export const Verify2faBody = z.object({
  email: Email,
  code: TwoFactorCode,
  challengeToken: z.string().min(1).max(2048),
});
export type Verify2faBody = z.infer<typeof Verify2faBody>;

export const RefreshBody = z.object({ refreshToken: z.string().min(1).max(512) });
export type RefreshBody = z.infer<typeof RefreshBody>;

export const LogoutBody = RefreshBody;
export type LogoutBody = RefreshBody;

export const Enable2faResponse = z.object({
  secret: z.string(),
  otpauthUrl: z.string(),
  qrCode: z.string(),
  backupCodes: z.array(z.string()),
});
export type Enable2faResponse = z.infer<typeof Enable2faResponse>;

export const CodeBody = z.object({ code: TwoFactorCode });
export type CodeBody = z.infer<typeof CodeBody>;

export const UpdateMeBody = z.object({
  firstName: Name.nullable().optional(),
  lastName: Name.nullable().optional(),
  companyName: z.string().trim().max(255).nullable().optional(),
  timezone: z
    .string()
    .max(50)
    .refine((tz) => isIanaTimeZone(tz), { error: 'Unknown time zone; use an IANA name such as Europe/Paris' })
    .optional(),
});
export type UpdateMeBody = z.infer<typeof UpdateMeBody>;

export const ChangePasswordBody = z.object({
  currentPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH),
  newPassword: NewPassword,
});
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;

export const ForgotPasswordBody = z.object({ email: Email });
export type ForgotPasswordBody = z.infer<typeof ForgotPasswordBody>;

export const ResetPasswordBody = z.object({
  token: z.string().min(1).max(512),
  newPassword: NewPassword,
});
export type ResetPasswordBody = z.infer<typeof ResetPasswordBody>;

export const Session = z.object({
  id: z.uuid(),
  deviceId: z.string().nullable(),
  deviceName: z.string().nullable(),
  ipAddress: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  current: z.boolean(),
});
export type Session = z.infer<typeof Session>;

export const SessionList = z.object({
  sessions: z.array(Session),
  total: z.number().int(),
});
export type SessionList = z.infer<typeof SessionList>;

function isIanaTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
