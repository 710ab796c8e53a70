/**
 * Why a message failed, for the person who sent it: Twilio's `ErrorCode` from
 * a status callback (30xxx), or the code of a refused send (21xxx), as an
 * English sentence shown in the app and a stable code of ours the app and the
 * stored message can rely on. Twilio's own wording never reaches users.
 * Codes: https://www.twilio.com/docs/api/errors/{code}.
 */
export interface DeliveryFailure {
  /** A sentence a person understands, without jargon. */
  reason: string;
  /** Stable machine code (FILTERED_AS_SPAM…); never renamed once shipped. */
  code: string;
}

const DELIVERY_ERRORS: ReadonlyMap<number, DeliveryFailure> = new Map([
  // Delivery (status callback) errors.
  [
    30001,
    {
      code: 'CARRIER_QUEUE_FULL',
      reason: 'The carrier had too many messages waiting and dropped this one. Try again in a few minutes.',
    },
  ],
  [
    30002,
    {
      code: 'ACCOUNT_SUSPENDED',
      reason: 'The messaging account is suspended, so the message was not sent. Contact support.',
    },
  ],
  [
    30003,
    {
      code: 'RECIPIENT_UNREACHABLE',
      reason: 'The recipient’s phone could not be reached. It may be switched off or out of coverage.',
    },
  ],
  [
    30004,
    {
      code: 'BLOCKED',
      reason: 'The message was blocked, either by the recipient or by their carrier.',
    },
  ],
  [
    30005,
    {
      code: 'UNKNOWN_DESTINATION',
      reason: 'The recipient’s number does not exist or is no longer in service.',
    },
  ],
  [
    30006,
    {
      code: 'LANDLINE_OR_UNREACHABLE_CARRIER',
      reason: 'The recipient’s number is a landline, or its carrier cannot receive text messages.',
    },
  ],
  [
    30007,
    {
      code: 'FILTERED_AS_SPAM',
      reason: 'The message was filtered by the recipient’s carrier as spam.',
    },
  ],
  [
    30008,
    {
      code: 'UNKNOWN_CARRIER_ERROR',
      reason: 'The recipient’s carrier could not deliver the message and did not say why. Try again later.',
    },
  ],
  [
    30009,
    {
      code: 'MISSING_SEGMENT',
      reason: 'Part of this long message was lost on the way, so it could not be delivered whole.',
    },
  ],
  [
    30010,
    {
      code: 'PRICE_LIMIT_EXCEEDED',
      reason: 'Delivering this message would have cost more than the allowed maximum price.',
    },
  ],
  [
    30011,
    {
      code: 'MMS_NOT_SUPPORTED',
      reason: 'The recipient’s number cannot receive pictures. Send the message as text only.',
    },
  ],
  [
    30017,
    {
      code: 'CARRIER_CONGESTION',
      reason: 'The recipient’s carrier network was congested and did not accept the message. Try again later.',
    },
  ],
  [
    30019,
    {
      code: 'CONTENT_TOO_LARGE',
      reason: 'The message or its attachment is larger than the recipient’s carrier accepts.',
    },
  ],
  [
    30022,
    {
      code: 'SENDING_RATE_EXCEEDED',
      reason: 'This number sent more messages than US carriers allow in a short time. Try again later.',
    },
  ],
  [
    30023,
    {
      code: 'DAILY_LIMIT_REACHED',
      reason: 'This number reached the daily message limit US carriers set for it. Try again tomorrow.',
    },
  ],
  [
    30032,
    {
      code: 'TOLL_FREE_NOT_VERIFIED',
      reason: 'This toll-free number is not verified for texting yet, so carriers refuse its messages.',
    },
  ],
  [
    30034,
    {
      code: 'SENDER_NOT_REGISTERED',
      reason:
        'US carriers refuse texts from this number because it is not registered for business messaging (A2P 10DLC).',
    },
  ],
  // Send-time (REST) errors that also end a message.
  [
    21211,
    {
      code: 'INVALID_RECIPIENT',
      reason: 'The recipient’s number is not a valid phone number.',
    },
  ],
  [
    21408,
    {
      code: 'COUNTRY_NOT_ENABLED',
      reason: 'Texting the recipient’s country is not enabled for this account.',
    },
  ],
  [
    21606,
    {
      code: 'SENDER_NOT_CAPABLE',
      reason: 'This number cannot send text messages.',
    },
  ],
  [
    21610,
    {
      code: 'RECIPIENT_OPTED_OUT',
      reason: 'The recipient replied STOP, so this number can no longer text them until they reply START.',
    },
  ],
  [
    21612,
    {
      code: 'RECIPIENT_UNREACHABLE',
      reason: 'The recipient’s number cannot be reached by text message from this number.',
    },
  ],
  [
    21614,
    {
      code: 'NOT_A_MOBILE_NUMBER',
      reason: 'The recipient’s number is not a mobile number, so it cannot receive text messages.',
    },
  ],
  [
    21617,
    {
      code: 'MESSAGE_TOO_LONG',
      reason: 'The message is longer than the 1,600 characters a text can carry.',
    },
  ],
]);

/** The plain-language reason for a carrier error code; a code we do not know gets a generic one. */
export function describeDeliveryError(code: number): DeliveryFailure {
  const known = DELIVERY_ERRORS.get(code);
  if (known) return known;
  return {
    code: 'DELIVERY_FAILED',
    reason: Number.isInteger(code)
      ? `The message could not be delivered (carrier error ${code}).`
      : 'The message could not be delivered.',
  };
}

/** Every code with its own sentence, for tests and for documentation. */
export const DESCRIBED_DELIVERY_ERROR_CODES: readonly number[] = [...DELIVERY_ERRORS.keys()];
