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

/**
 * What `messages.create` can answer beyond the account-level codes above
 * (https://www.twilio.com/docs/api/errors). Consulted for sends only: the
 * same code never means something else on a numbers call, but keeping the
 * tables apart keeps each one readable.
 */
const SEND_CODE_REASONS: ReadonlyMap<number, CarrierErrorReason> = new Map([
  [21211, 'RECIPIENT_UNREACHABLE'], // Invalid 'To' phone number
  [21408, 'RECIPIENT_UNREACHABLE'], // Permission to send to this region is not enabled
  [21612, 'RECIPIENT_UNREACHABLE'], // 'To' number is not currently reachable by SMS from this 'From'
  [21614, 'RECIPIENT_UNREACHABLE'], // 'To' number is not a valid mobile number
  [21610, 'RECIPIENT_OPTED_OUT'], // Attempt to send to an unsubscribed recipient (replied STOP)
  [21212, 'SENDER_NOT_CAPABLE'], // Invalid 'From' number
  [21606, 'SENDER_NOT_CAPABLE'], // 'From' is not a valid, message-capable number of this account
  [21611, 'RATE_LIMITED'], // 'From' number has too many messages queued
  [20429, 'RATE_LIMITED'], // Too many requests
  [21602, 'MESSAGE_REJECTED'], // Message body is required
  [21617, 'MESSAGE_REJECTED'], // Concatenated body exceeds 1600 characters
  [21619, 'MESSAGE_REJECTED'], // A body or media URL must be given
  [21620, 'MESSAGE_REJECTED'], // Invalid media URL
  [21623, 'MESSAGE_REJECTED'], // Too many media files
  [20003, 'AUTHENTICATION'],
  [20005, 'AUTHENTICATION'],
  [20404, 'NOT_FOUND'],
]);

/**
 * What `participants.create` answers when it cannot ring the callee: the call
 * codes of Twilio's test credentials (REFERENCE.md §4), the ones a real
 * account meets for the same causes.
 */
const CALL_CODE_REASONS: ReadonlyMap<number, CarrierErrorReason> = new Map([
  [21217, 'INVALID_NUMBER'], // Phone number does not appear to be valid
  [21214, 'RECIPIENT_UNREACHABLE'], // 'To' phone number cannot be reached
  [21215, 'RECIPIENT_UNREACHABLE'], // Geo permissions do not allow calling this region
  [21216, 'RECIPIENT_UNREACHABLE'], // Account not allowed to call this number (blocked)
  [21210, 'SENDER_NOT_CAPABLE'], // 'From' phone number not verified for this account
  [21212, 'SENDER_NOT_CAPABLE'], // Invalid 'From' number (caller ID)
  [20429, 'RATE_LIMITED'], // Too many requests
  [20003, 'AUTHENTICATION'],
  [20005, 'AUTHENTICATION'],
  [20404, 'NOT_FOUND'],
]);

/** "Call is not in-progress, cannot redirect or hang up": the leg ended before we did. */
const CALL_ALREADY_OVER_CODE = 21220;

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
    case 'RECIPIENT_UNREACHABLE':
      return code === 21408
        ? 'Texting this country is not enabled on the carrier account'
        : 'The recipient’s number cannot receive text messages';
    case 'RECIPIENT_OPTED_OUT':
      return 'The recipient has opted out of messages from this number (they replied STOP)';
    case 'SENDER_NOT_CAPABLE':
      return 'This number cannot send text messages through the carrier';
    case 'RATE_LIMITED':
      return 'The carrier is busy with too many messages from this account; the message will be retried';
    case 'MESSAGE_REJECTED':
      return 'The carrier refused the message content (too long, or a media file it cannot fetch)';
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
  const code = httpFailure(error)?.code;
  return new CarrierError(reason, messageFor(reason, code), { cause: error, carrierCode: code });
}

/** The reason for a failed `messages.create`; RATE_LIMITED and UNAVAILABLE are worth retrying. */
export function twilioSendErrorReason(error: unknown): CarrierErrorReason {
  const failure = httpFailure(error);
  if (!failure) return 'UNAVAILABLE';
  const byCode = failure.code === undefined ? undefined : SEND_CODE_REASONS.get(failure.code);
  if (byCode) return byCode;
  if (failure.status === 429) return 'RATE_LIMITED';
  if (failure.status === 401 || failure.status === 403) return 'AUTHENTICATION';
  return 'UNAVAILABLE';
}

/** The CarrierError for a failed send, with Twilio's code kept for the logs and the failure reason table. */
export function toSendError(error: unknown): CarrierError {
  if (error instanceof CarrierError) return error;
  const reason = twilioSendErrorReason(error);
  const code = httpFailure(error)?.code;
  return new CarrierError(reason, messageFor(reason, code), { cause: error, carrierCode: code });
}

/** True when Twilio answered 404: for a search, the country does not offer that kind of number. */
export function isNotFound(error: unknown): boolean {
  return httpFailure(error)?.status === 404;
}

/** The reason for a failed call request (ring, hang up, hold, mute). */
export function twilioCallErrorReason(error: unknown): CarrierErrorReason {
  const failure = httpFailure(error);
  if (!failure) return 'UNAVAILABLE';
  const byCode = failure.code === undefined ? undefined : CALL_CODE_REASONS.get(failure.code);
  if (byCode) return byCode;
  if (failure.status === 429) return 'RATE_LIMITED';
  if (failure.status === 401 || failure.status === 403) return 'AUTHENTICATION';
  if (failure.status === 404) return 'NOT_FOUND';
  return 'UNAVAILABLE';
}

/** The shared words speak of numbers and texts; a call needs its own for the reasons it meets. */
function callMessageFor(reason: CarrierErrorReason, code: number | undefined): string {
  switch (reason) {
    case 'INVALID_NUMBER':
      return 'The carrier does not accept the number called';
    case 'RECIPIENT_UNREACHABLE':
      return code === 21215
        ? 'Calling this country is not enabled on the carrier account'
        : 'The number called cannot be reached';
    case 'SENDER_NOT_CAPABLE':
      return 'This number cannot place calls through the carrier';
    case 'RATE_LIMITED':
      return 'The carrier is busy with too many calls from this account; try again shortly';
    case 'NOT_FOUND':
      return 'The carrier has no such call in progress';
    default:
      return messageFor(reason, code);
  }
}

/** The CarrierError for a failed call request, with Twilio's code kept. */
export function toCallError(error: unknown): CarrierError {
  if (error instanceof CarrierError) return error;
  const reason = twilioCallErrorReason(error);
  const code = httpFailure(error)?.code;
  return new CarrierError(reason, callMessageFor(reason, code), { cause: error, carrierCode: code });
}

/** True when hanging up found no leg to end: an unknown call (404) or one already over (21220). */
export function isCallAlreadyOver(error: unknown): boolean {
  const failure = httpFailure(error);
  return failure?.status === 404 || failure?.code === CALL_ALREADY_OVER_CODE;
}
