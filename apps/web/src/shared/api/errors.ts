import type { ContactRef, ErrorDetail, PlanLimitInfo } from '@commpro/contracts';
import { isMessageKey, type Translate } from '../i18n/i18n';

/** A failed API call, carrying the server's `{ error, code, details }` body. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];
  /** With a 402: the allowance that ran out and the plan that lifts it. */
  readonly limit: PlanLimitInfo | undefined;
  /** With a 409 on a contact: the contact that already has that number. */
  readonly existing: ContactRef | undefined;
  readonly requestId: string | undefined;
  /** Seconds to wait, from a 429's Retry-After header. */
  readonly retryAfter: number | undefined;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    details?: ErrorDetail[] | undefined;
    limit?: PlanLimitInfo | undefined;
    existing?: ContactRef | undefined;
    requestId?: string | undefined;
    retryAfter?: number | undefined;
  }) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.details = init.details ?? [];
    this.limit = init.limit;
    this.existing = init.existing;
    this.requestId = init.requestId;
    this.retryAfter = init.retryAfter;
  }
}

export const NETWORK_ERROR = 'NETWORK_ERROR';

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

/**
 * The server's per-field messages, keyed by field name (first message wins),
 * in the user's language when the detail carries a reason code we know.
 */
export function fieldErrorsOf(error: unknown, t?: Translate): Record<string, string> {
  const result: Record<string, string> = {};
  if (!(error instanceof ApiError)) return result;
  for (const detail of error.details) {
    if (!detail.field || detail.field in result) continue;
    const key = `errors.detail.${detail.code ?? ''}`;
    result[detail.field] = t && detail.code && isMessageKey(key) ? t(key) : detail.message;
  }
  return result;
}

/**
 * True when the error names one of the form's visible fields, so the message is
 * shown there; otherwise the form shows it as a banner (e.g. a bad link token).
 */
export function isShownOnField(error: unknown, fields: readonly string[]): boolean {
  const byField = fieldErrorsOf(error);
  return fields.some((field) => field in byField);
}

export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
