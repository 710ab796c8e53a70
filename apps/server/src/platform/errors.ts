import type { ContactRef, ErrorDetail, PlanLimitInfo } from '@commpro/contracts';

/**
 * Every error code the API can answer, with its HTTP status. Modules add
 * their codes here so the whole table stays reviewable in one place.
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  INVALID_LINK: 400,
  UNAUTHORIZED: 401,
  TOKEN_EXPIRED: 401,
  INVALID_TOKEN: 401,
  INVALID_CREDENTIALS: 401,
  INVALID_2FA_CODE: 401,
  CHALLENGE_EXPIRED: 401,
  REFRESH_TOKEN_REUSED: 401,
  SESSION_REVOKED: 401,
  PLAN_LIMIT_REACHED: 402,
  PAYMENT_METHOD_REQUIRED: 402,
  PAYMENT_FAILED: 402,
  FORBIDDEN: 403,
  ACCOUNT_DISABLED: 403,
  ACCOUNT_SUSPENDED: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  CONFLICT: 409,
  TWO_FACTOR_ALREADY_ENABLED: 409,
  TWO_FACTOR_NOT_ENABLED: 409,
  NUMBER_UNAVAILABLE: 409,
  CALL_NOT_ACTIVE: 409,
  CALL_CONTROL_UNAVAILABLE: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  REGULATORY_REQUIREMENT: 422,
  TOO_MANY_ATTEMPTS: 429,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  PROVIDER_UNAVAILABLE: 502,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[] | undefined;
  /** Seconds, sent as Retry-After with 429 and 503. */
  readonly retryAfter: number | undefined;
  readonly limit: PlanLimitInfo | undefined;
  readonly existing: ContactRef | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: {
      details?: ErrorDetail[];
      retryAfter?: number;
      limit?: PlanLimitInfo;
      existing?: ContactRef;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
    this.retryAfter = options.retryAfter;
    this.limit = options.limit;
    this.existing = options.existing;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string): AppError => new AppError('NOT_FOUND', `${what} not found`);

export const validationError = (field: string, message: string, code?: string): AppError =>
  new AppError('VALIDATION_FAILED', message, { details: [{ field, message, ...(code ? { code } : {}) }] });
