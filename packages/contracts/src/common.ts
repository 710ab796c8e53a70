import { z } from 'zod';
import { ContactRef } from './contact-ref.js';

/** Every failure the API returns has this body (DESIGN.md, Contracts). */
export const ErrorDetail = z.object({
  field: z.string().optional(),
  message: z.string(),
  /** Why the field was refused, stable for clients to translate (e.g. PASSWORD_COMMON). */
  code: z.string().optional(),
});
export type ErrorDetail = z.infer<typeof ErrorDetail>;

/** With a 402: which allowance ran out, on which plan, and the plan that lifts it. */
export const PlanLimitInfo = z.object({
  resource: z.enum(['numbers', 'sms', 'mms', 'minutes']),
  allowed: z.number(),
  plan: z.string(),
  upgradeTo: z.string().nullable(),
});
export type PlanLimitInfo = z.infer<typeof PlanLimitInfo>;

export const ErrorBody = z.object({
  error: z.string(),
  code: z.string(),
  details: z.array(ErrorDetail).optional(),
  limit: PlanLimitInfo.optional(),
  /** With a 409 on a contact: the contact that already has that number. */
  existing: ContactRef.optional(),
  requestId: z.string().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const SuccessResponse = z.object({ success: z.boolean() });
export type SuccessResponse = z.infer<typeof SuccessResponse>;

export const Pagination = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type Pagination = z.infer<typeof Pagination>;

export const IdParams = z.object({ id: z.uuid() });

export const HealthStatus = z.enum(['OK', 'ERROR', 'DISABLED']);
export const HealthResponse = z.object({
  status: z.enum(['OK', 'DEGRADED']),
  uptime: z.number(),
  timestamp: z.number(),
  services: z.object({
    database: HealthStatus,
    redis: HealthStatus,
    carrier: HealthStatus,
  }),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

/** GET /health/live: the process answers; nothing else is asked. */
export const LivenessResponse = z.object({
  status: z.literal('OK'),
  uptime: z.number(),
});
export type LivenessResponse = z.infer<typeof LivenessResponse>;

/**
 * GET /health/ready: whether this node should receive traffic. Only what every
 * request needs counts (the database, Redis when configured); the carrier does not.
 */
export const ReadinessResponse = z.object({
  status: z.enum(['READY', 'NOT_READY']),
  services: z.object({
    database: HealthStatus,
    redis: HealthStatus,
  }),
});
export type ReadinessResponse = z.infer<typeof ReadinessResponse>;
