import { z } from 'zod';
import { PASSWORD_MAX_LENGTH, Session, TwoFactorCode, User } from './auth.js';
import { PlanTierSchema, SubscriptionStatus } from './billing.js';
import { Pagination } from './common.js';
import { CountryCode, NumberStatus, PhoneNumber } from './numbers.js';

/** Health of one dependency as /health reports it. */
export const DependencyStatus = z.enum(['OK', 'ERROR', 'DISABLED']);

/** The operator's first screen: the whole service at a glance. */
export const AdminOverview = z.object({
  users: z.object({
    total: z.number().int(),
    newThisWeek: z.number().int(),
    suspended: z.number().int(),
    byPlan: z.record(PlanTierSchema, z.number().int()),
  }),
  /** From subscriptions that pay now (ACTIVE or PAST_DUE, paid tiers); annual plans count a twelfth a month. */
  revenue: z.object({ mrrCents: z.number().int(), arrCents: z.number().int(), currency: z.literal('EUR') }),
  numbers: z.object({
    total: z.number().int(),
    byCountry: z.record(z.string(), z.number().int()),
    byStatus: z.record(z.string(), z.number().int()),
  }),
  /** The current calendar month (UTC), the period the dashboard calls "this period". */
  period: z.object({ start: z.iso.datetime(), end: z.iso.datetime() }),
  traffic: z.object({
    messagesOutbound: z.number().int(),
    messagesInbound: z.number().int(),
    messagesFailed: z.number().int(),
    calls: z.number().int(),
    minutes: z.number().int(),
  }),
  /** The webhook log over the last 24 hours, per source. */
  webhooks: z.array(
    z.object({
      source: z.string(),
      total: z.number().int(),
      failed: z.number().int(),
      /** failed / total, 0 when there were none. */
      errorRate: z.number(),
    }),
  ),
  health: z.object({ database: DependencyStatus, redis: DependencyStatus, carrier: DependencyStatus }),
  carrier: z.enum(['sandbox', 'twilio']),
});
export type AdminOverview = z.infer<typeof AdminOverview>;

export const AdminChartsQuery = z.object({ days: z.coerce.number().int().min(7).max(90).default(30) });

/** Per UTC day, oldest first, every day present (zeros included). */
export const AdminCharts = z.object({
  days: z.array(
    z.object({
      date: z.iso.date(),
      signups: z.number().int(),
      messages: z.number().int(),
      minutes: z.number().int(),
    }),
  ),
});
export type AdminCharts = z.infer<typeof AdminCharts>;

export const AdminUserStatus = z.enum(['ACTIVE', 'SUSPENDED']);

export const AdminUsersQuery = Pagination.extend({
  /** Matches email, first/last name, company or phone number, case- and accent-insensitive. */
  q: z.string().trim().max(200).optional(),
  plan: PlanTierSchema.optional(),
  status: AdminUserStatus.optional(),
});
export type AdminUsersQuery = z.input<typeof AdminUsersQuery>;

export const AdminUserRow = z.object({
  id: z.uuid(),
  email: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  companyName: z.string().nullable(),
  role: User.shape.role,
  plan: PlanTierSchema,
  status: AdminUserStatus,
  numbers: z.number().int(),
  lastLogin: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});
export type AdminUserRow = z.infer<typeof AdminUserRow>;

export const AdminUserList = z.object({ users: z.array(AdminUserRow), total: z.number().int() });
export type AdminUserList = z.infer<typeof AdminUserList>;

export const AdminUserDetail = z.object({
  user: User,
  status: AdminUserStatus,
  suspendedAt: z.iso.datetime().nullable(),
  suspendedReason: z.string().nullable(),
  subscription: z.object({
    plan: PlanTierSchema,
    status: SubscriptionStatus,
    interval: z.enum(['MONTHLY', 'ANNUAL']),
    currentPeriodStart: z.iso.datetime(),
    currentPeriodEnd: z.iso.datetime(),
    cancelAtPeriodEnd: z.boolean(),
  }),
  numbers: z.array(PhoneNumber),
  /** This period's usage against the plan's allowance. */
  usage: z.object({
    sms: z.number().int(),
    mms: z.number().int(),
    minutes: z.number().int(),
    numbers: z.number().int(),
  }),
  sessions: z.array(Session.omit({ current: true })),
});
export type AdminUserDetail = z.infer<typeof AdminUserDetail>;

/** Why an operator acts: written to the audit log (and for a suspension, kept on the account). */
export const AdminReasonBody = z.object({ reason: z.string().trim().min(3).max(500) });
export type AdminReasonBody = z.infer<typeof AdminReasonBody>;

export const AdminNumbersQuery = Pagination.extend({
  q: z.string().trim().max(200).optional(),
  status: NumberStatus.optional(),
  country: CountryCode.optional(),
});
export type AdminNumbersQuery = z.input<typeof AdminNumbersQuery>;

export const AdminNumberRow = PhoneNumber.extend({
  owner: z.object({ id: z.uuid(), email: z.string(), name: z.string().nullable() }),
});
export type AdminNumberRow = z.infer<typeof AdminNumberRow>;

export const AdminNumberList = z.object({ numbers: z.array(AdminNumberRow), total: z.number().int() });
export type AdminNumberList = z.infer<typeof AdminNumberList>;

export const WebhookOutcome = z.enum(['processed', 'failed', 'pending']);

export const AdminWebhooksQuery = Pagination.extend({
  source: z.string().trim().max(50).optional(),
  type: z.string().trim().max(100).optional(),
  /** processed: handled; failed: an error was recorded; pending: neither yet. */
  outcome: WebhookOutcome.optional(),
});
export type AdminWebhooksQuery = z.input<typeof AdminWebhooksQuery>;

/** A webhook log row as operators see it: never the payload (it may hold message text or secrets). */
export const AdminWebhookRow = z.object({
  id: z.uuid(),
  source: z.string(),
  eventType: z.string().nullable(),
  externalId: z.string().nullable(),
  outcome: WebhookOutcome,
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  /** Whether the replay action applies (a failed event whose handler can run it again). */
  replayable: z.boolean(),
  createdAt: z.iso.datetime(),
  processedAt: z.iso.datetime().nullable(),
});
export type AdminWebhookRow = z.infer<typeof AdminWebhookRow>;

export const AdminWebhookList = z.object({
  webhooks: z.array(AdminWebhookRow),
  total: z.number().int(),
  /** The sources and types seen, for the filters. */
  sources: z.array(z.string()),
  types: z.array(z.string()),
});
export type AdminWebhookList = z.infer<typeof AdminWebhookList>;

export const AuditEntry = z.object({
  id: z.uuid(),
  actor: z.object({ id: z.uuid().nullable(), email: z.string().nullable() }),
  /** e.g. user.suspend, user.reactivate, user.reset_2fa, user.plan, number.suspend, number.release, webhook.replay. */
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  ipAddress: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditQuery = Pagination.extend({
  targetId: z.string().max(100).optional(),
  action: z.string().max(100).optional(),
});

export const AuditList = z.object({ entries: z.array(AuditEntry), total: z.number().int() });
export type AuditList = z.infer<typeof AuditList>;

/** Deleting one's own account: the password, and a 2FA code when 2FA is on. */
export const DeleteAccountBody = z.object({
  password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
  code: TwoFactorCode.optional(),
});
export type DeleteAccountBody = z.infer<typeof DeleteAccountBody>;
