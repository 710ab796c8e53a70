import type { AvailableNumber, Capabilities, CountryCode, NumberType } from '@commpro/contracts';

/** A phone number in E.164 form (+33612345678), checked before it reaches a carrier. */
export type E164 = string & { readonly __brand: 'E164' };

export interface NumberSearch {
  countryCode: CountryCode;
  type?: NumberType | undefined;
  areaCode?: string | undefined;
  /** Digits to find in the number; `*` matches any one digit. */
  contains?: string | undefined;
  limit: number;
}

/** Where the carrier must call us back for a number, built from PUBLIC_URL. */
/** A number a carrier can sell, in our terms; what we charge for it is the numbers module's business. */
export type NumberOffer = Omit<AvailableNumber, 'monthlyCost' | 'setupCost'>;

export interface NumberWebhooks {
  smsUrl: string;
  voiceUrl: string;
  statusCallbackUrl: string;
}

export interface PurchasedNumber {
  /** The carrier's id for the number (Twilio's PN… sid); kept to update and release it. */
  carrierSid: string;
  phoneNumber: E164;
  countryCode: CountryCode;
  type: NumberType;
  capabilities: Capabilities;
}

export type CarrierErrorReason =
  /** Someone else has it now, or it was never offered. */
  | 'NUMBER_UNAVAILABLE'
  /** The regulator asks for an address or identity documents before this purchase. */
  | 'REGULATORY_REQUIREMENT'
  | 'INVALID_NUMBER'
  | 'NOT_FOUND'
  | 'AUTHENTICATION'
  /** The carrier is down or answered something we cannot use. */
  | 'UNAVAILABLE'
  /** Sending: the recipient's number cannot receive this message (invalid, not mobile, region closed). */
  | 'RECIPIENT_UNREACHABLE'
  /** Sending: the recipient replied STOP to this sender; the carrier refuses until they send START. */
  | 'RECIPIENT_OPTED_OUT'
  /** Sending: our `from` number cannot send this (not SMS/MMS-capable, not ours at the carrier). */
  | 'SENDER_NOT_CAPABLE'
  /** Sending: the carrier's queue or rate limit is full; the same message may go through later. */
  | 'RATE_LIMITED'
  /** Sending: the carrier refuses the message itself (body too long, bad media URL…); resending it changes nothing. */
  | 'MESSAGE_REJECTED';

/** Reasons where the same request may succeed later; every other reason fails the same way again. */
const RETRYABLE_REASONS: ReadonlySet<CarrierErrorReason> = new Set<CarrierErrorReason>(['UNAVAILABLE', 'RATE_LIMITED']);

/**
 * What an adapter throws: a reason in our words, never the vendor's text, which
 * stays in `cause` for the logs.
 */
export class CarrierError extends Error {
  readonly reason: CarrierErrorReason;
  /**
   * The carrier's own error code when it gave one (Twilio 21610…), for the
   * logs and for a plain-language failure reason on a message.
   */
  readonly carrierCode: number | undefined;
  constructor(
    reason: CarrierErrorReason,
    message: string,
    options: { cause?: unknown; carrierCode?: number | undefined } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'CarrierError';
    this.reason = reason;
    this.carrierCode = options.carrierCode;
  }
}

/**
 * Whether a job queue should try the same carrier call again (with backoff).
 * UNAVAILABLE covers timeouts and 5xx answers, after which the carrier may in
 * rare cases have accepted the message anyway.
 */
export function isRetryable(error: CarrierError): boolean {
  return RETRYABLE_REASONS.has(error.reason);
}

/**
 * The numbers part of a carrier. Adapters translate and verify; they hold no
 * business rules and never write to our tables (the sandbox keeps its own
 * allocation state, which is the carrier's side of the world).
 */
export interface NumbersCarrier {
  readonly name: 'sandbox' | 'twilio';
  /** Resolves when the carrier accepts our credentials; /health and start-up use it. */
  checkCredentials(): Promise<void>;
  searchAvailableNumbers(search: NumberSearch): Promise<NumberOffer[]>;
  purchaseNumber(request: {
    phoneNumber: E164;
    friendlyName?: string | undefined;
    webhooks: NumberWebhooks;
  }): Promise<PurchasedNumber>;
  updateNumber(carrierSid: string, changes: { friendlyName?: string | null | undefined }): Promise<void>;
  releaseNumber(carrierSid: string): Promise<void>;
}

/* Messaging and voice: what the messaging and calls modules ask of a carrier. */

export interface OutboundMessage {
  from: E164;
  to: E164;
  body?: string | undefined;
  mediaUrls?: string[] | undefined;
  statusCallbackUrl: string;
}

export interface MessagingCarrier {
  sendMessage(message: OutboundMessage): Promise<{ carrierMessageId: string }>;
}

/** A Voice SDK access token for one app identity. */
export interface VoiceAccessToken {
  token: string;
  expiresAt: Date;
}

export interface VoiceCarrier {
  /**
   * How apps carry call audio with this carrier: `webrtc`, app to app through
   * our own Socket.io signalling (the sandbox); `twilio`, through Twilio's
   * Voice SDK with a token from `createVoiceToken`.
   */
  readonly clientAudio: 'webrtc' | 'twilio';
  /**
   * Calls `to` from our line `from` and, once answered, puts that party into
   * the conference named `conference`, where the user's app joins it (hold and
   * mute act on conference participants). Progress arrives on
   * `statusCallbackUrl` (initiated, ringing, answered, completed), Twilio-shaped.
   */
  startCall(call: {
    from: E164;
    to: E164;
    conference: string;
    statusCallbackUrl: string;
    ringTimeoutSeconds: number;
  }): Promise<{ carrierCallId: string }>;
  /** Hangs up a carrier leg, whatever state it is in; a leg already over is not an error. */
  endCall(carrierCallId: string): Promise<void>;
  /** Holds or mutes one participant (a carrier leg) of the conference named `conference`. */
  updateParticipant(
    conference: string,
    carrierCallId: string,
    changes: { hold?: boolean | undefined; muted?: boolean | undefined },
  ): Promise<void>;
  /** An access token for the app identity, valid `ttlSeconds` (at most 24 h); only for `clientAudio: 'twilio'`. */
  createVoiceToken(identity: string, ttlSeconds: number): Promise<VoiceAccessToken>;
}

/** An inbound carrier request as our routes see it; verification needs the exact public URL. */
export interface WebhookRequest {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** Every form parameter received; a repeated name (as body parsers give it) is an array. */
  params: Record<string, string | string[]>;
}

export interface WebhookVerifier {
  /** True only when the request carries the carrier's valid signature for that URL and body. */
  verifyWebhook(request: WebhookRequest): boolean;
}

/** The carrier as the app holds it. */
export type Carrier = NumbersCarrier & MessagingCarrier & VoiceCarrier & WebhookVerifier;
