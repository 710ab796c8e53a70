import { CarrierError, type CarrierErrorReason } from '../carrier.port.js';

/**
 * Twilio error codes (https://www.twilio.com/docs/api/errors/{code}) we turn
 * into a reason of our own. Anything not listed falls back on the HTTP status.
 */
const CODE_REASONS: ReadonlyMap<number, CarrierErrorReason> = new Map([
  [21422, 'NUMBER_UNAVAILABLE'], // PhoneNumber requested is not available
  [21452, 'NUMBER_UNAVAILABLE'], // No phone numbers found in the area code
  [21421, 'INVALID_NUMBER'], // PhoneNumber is invalid
  [21613, 'REGULATORY_REQUIREMENT'], // PhoneNumber requires certification / an address on file
  [21615, 'REGULATORY_REQUIREMENT'], // PhoneNumber requires a local address
  [21631, 'REGULATORY_REQUIREMENT'], // Phone Number requires an Address (AddressSid)
  [21649, 'REGULATORY_REQUIREMENT'], // Regulated number needs a twilio-approved Bundle
  [20404, 'NOT_FOUND'], // The requested resource was not found
  [20003, 'AUTHENTICATION'], // Authenticate: bad Account SID or Auth Token
  [20005, 'AUTHENTICATION'], // Account not active
]);

const ADDRESS_CODES = new Set([21613, 21615, 21631]);

/** Our words for each case; Twilio's own message only ever travels in `cause`. */
function messageFor(reason: CarrierErrorReason, code: number | undefined): string {
  switch (reason) {
    case 'NUMBER_UNAVAILABLE':
      return 'This number is no longer available from the carrier';
    case 'INVALID_NUMBER':
      return 'The carrier does not accept this phone number';
    case 'REGULATORY_REQUIREMENT':
      return code !== undefined && ADDRESS_CODES.has(code)
        ? 'The regulator requires an address for this number before it can be bought'
        : 'The regulator requires identity documents (a regulatory bundle) for this number before it can be bought';
    case 'NOT_FOUND':
      return 'The carrier has no such number on this account';
    case 'AUTHENTICATION':
      return 'The carrier rejected the account credentials';
    case 'UNAVAILABLE':
      return 'The carrier could not be reached or answered unexpectedly';
  }
}

interface HttpFailure {
  status: number;
  code: number | undefined;
}

/** A RestException / TwilioServiceException: the SDK's shape for an HTTP error answer. */
function httpFailure(error: unknown): HttpFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, code } = error as { status?: unknown; code?: unknown };
  if (typeof status !== 'number') return undefined;
  return { status, code: typeof code === 'number' && code !== 0 ? code : undefined };
}

export function twilioErrorReason(error: unknown): CarrierErrorReason {
  const failure = httpFailure(error);
  // No HTTP status: refused connection, DNS, timeout, reset — the carrier is out of reach.
  if (!failure) return 'UNAVAILABLE';
  const byCode = failure.code === undefined ? undefined : CODE_REASONS.get(failure.code);
  if (byCode) return byCode;
  if (failure.status === 401 || failure.status === 403) return 'AUTHENTICATION';
  if (failure.status === 404) return 'NOT_FOUND';
  return 'UNAVAILABLE';
}

/** The CarrierError for anything the SDK threw; Twilio's error stays as `cause`. */
export function toCarrierError(error: unknown): CarrierError {
  if (error instanceof CarrierError) return error;
  const reason = twilioErrorReason(error);
  return new CarrierError(reason, messageFor(reason, httpFailure(error)?.code), { cause: error });
}

/** True when Twilio answered 404: for a search, the country does not offer that kind of number. */
export function isNotFound(error: unknown): boolean {
  return httpFailure(error)?.status === 404;
}
