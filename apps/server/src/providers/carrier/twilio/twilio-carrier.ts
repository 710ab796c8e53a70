import type { Capabilities, CountryCode, NumberType } from '@commpro/contracts';
import { COUNTRIES } from '@commpro/contracts';
import { getCountryCallingCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import twilio from 'twilio';
import {
  type Carrier,
  CarrierError,
  type E164,
  type NumberOffer,
  type NumberSearch,
  type NumberWebhooks,
  type OutboundMessage,
  type PurchasedNumber,
  type WebhookRequest,
} from '../carrier.port.js';
import { verifyTwilioSignature } from '../twilio-signature.js';
import { twilioRequirements } from './requirements.js';
import { isNotFound, toCarrierError, toSendError } from './twilio-errors.js';
import { createTwilioVoice } from './twilio-voice.js';

export { signTwilioRequest, verifyTwilioSignature } from '../twilio-signature.js';
export { describeDeliveryError, type DeliveryFailure } from './delivery-errors.js';
export { isRetryable } from '../carrier.port.js';

/**
 * What the Twilio adapter offers: numbers, messaging, calls whose audio the
 * apps carry through Twilio's Voice SDK, and checking Twilio's webhook signatures.
 */
export type TwilioCarrier = Carrier & { readonly clientAudio: 'twilio' };

/** The header Twilio signs its webhooks with (Node lower-cases header names). */
export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

export interface TwilioCarrierOptions {
  accountSid: string;
  authToken: string;
  /** An API key (SK…) and its secret, which sign the apps' Voice SDK tokens. */
  apiKeySid: string;
  apiKeySecret: string;
  /** The TwiML app (AP…) whose Voice URL answers the calls the apps place. */
  twimlAppSid: string;
  /** Where the SDK sends REST calls instead of https://api.twilio.com (tests point it at Prism). */
  apiBaseUrl?: string | undefined;
  /** Per-request timeout; the SDK's default is 30 s. */
  timeoutMs?: number | undefined;
}

type TwilioClient = ReturnType<typeof twilio>;

/**
 * The kinds of number Twilio sells in each of our countries, searched (and
 * merged) when the caller names no type. Twilio has no "mobile" numbers in the
 * US. A kind asked for explicitly is always queried: when Twilio answers 404
 * the country has none, which is an empty result, not an error.
 */
export const TWILIO_NUMBER_KINDS: Readonly<Record<CountryCode, readonly NumberType[]>> = {
  US: ['LOCAL', 'TOLL_FREE'],
  FR: ['LOCAL', 'MOBILE', 'TOLL_FREE'],
  GB: ['LOCAL', 'MOBILE', 'TOLL_FREE'],
  DE: ['LOCAL', 'MOBILE', 'TOLL_FREE'],
  ES: ['LOCAL', 'MOBILE', 'TOLL_FREE'],
  IT: ['LOCAL', 'MOBILE', 'TOLL_FREE'],
};

/** Twilio's `AreaCode` filter only works in the North American Numbering Plan. */
const AREA_CODE_COUNTRIES: ReadonlySet<CountryCode> = new Set(['US']);

/** Twilio's FriendlyName holds at most 64 characters; ours (kept in our table) may be longer. */
const TWILIO_FRIENDLY_NAME_MAX = 64;

/** Twilio caps PageSize at 1000. */
const MAX_PAGE_SIZE = 1000;

/** What a search result or an IncomingPhoneNumber carries as `capabilities`, in either casing. */
type RawCapabilities = Partial<Record<'voice' | 'sms' | 'SMS' | 'mms' | 'MMS', unknown>> | null | undefined;

/**
 * AvailablePhoneNumbers answers `SMS`/`MMS` in upper case while
 * IncomingPhoneNumbers uses `sms`/`mms` (twilio-node #553, #833, #1143); the
 * SDK passes the JSON through, so read both.
 */
export function readCapabilities(raw: RawCapabilities): Capabilities {
  const caps = raw ?? {};
  return {
    voice: caps.voice === true,
    sms: caps.sms === true || caps.SMS === true,
    mms: caps.mms === true || caps.MMS === true,
  };
}

/**
 * How an area code is asked of Twilio. US: its `AreaCode` filter. Elsewhere
 * Twilio ignores AreaCode, so the area code becomes a `Contains` pattern
 * anchored at the start of the E.164 number (`+` anchors, REFERENCE.md §4):
 * FR 1 or 01 → `+331`, GB 20 → `+4420`, DE 30 → `+4930`. The national trunk
 * `0` is dropped except in Italy, where it is part of the international number
 * (+39 02… Milan).
 */
export function areaCodePattern(countryCode: CountryCode, areaCode: string): string {
  const digits = countryCode === 'IT' ? areaCode : areaCode.replace(/^0+/, '');
  return `+${getCountryCallingCode(countryCode)}${digits}`;
}

/** Our `contains` (digits, `*` = any one digit) as a test on a number's digits. */
function containsMatcher(contains: string): (phoneNumber: string) => boolean {
  const pattern = new RegExp(contains.replace(/\*/g, '\\d'));
  return (phoneNumber) => pattern.test(phoneNumber.replace(/\D/g, ''));
}

/** The filters for one Twilio search, plus a local check when Twilio can take only one `Contains`. */
export function searchFilters(search: NumberSearch): {
  params: { areaCode?: number; contains?: string; limit: number; pageSize: number };
  keep?: (phoneNumber: string) => boolean;
} {
  const limit = search.limit;
  if (search.areaCode && AREA_CODE_COUNTRIES.has(search.countryCode)) {
    return {
      params: {
        areaCode: Number(search.areaCode),
        ...(search.contains ? { contains: search.contains } : {}),
        limit,
        pageSize: limit,
      },
    };
  }
  if (search.areaCode) {
    const prefix = areaCodePattern(search.countryCode, search.areaCode);
    if (!search.contains) return { params: { contains: prefix, limit, pageSize: limit } };
    // Twilio takes one Contains: ask for the area code and check the digits here,
    // on a larger page so enough of them survive.
    const pageSize = Math.min(limit * 10, MAX_PAGE_SIZE);
    return { params: { contains: prefix, limit: pageSize, pageSize }, keep: containsMatcher(search.contains) };
  }
  return { params: { ...(search.contains ? { contains: search.contains } : {}), limit, pageSize: limit } };
}

/** First of each list, then second of each…, so a search without a type shows every kind. */
function interleave<T>(lists: T[][], limit: number): T[] {
  const merged: T[] = [];
  for (let i = 0; merged.length < limit && lists.some((list) => i < list.length); i++) {
    for (const list of lists) {
      const item = list[i];
      if (item !== undefined && merged.length < limit) merged.push(item);
    }
  }
  return merged;
}

const NUMBER_TYPE_BY_LIB: Partial<Record<string, NumberType>> = {
  MOBILE: 'MOBILE',
  TOLL_FREE: 'TOLL_FREE',
  FIXED_LINE: 'LOCAL',
  FIXED_LINE_OR_MOBILE: 'LOCAL',
};

function isOurCountry(code: string | undefined): code is CountryCode {
  return code !== undefined && (COUNTRIES as readonly string[]).includes(code);
}

/**
 * Country and type of a bought number, from libphonenumber's metadata. The
 * country falls back on the number we asked for when Twilio's answer is in a
 * country we do not serve; a type libphonenumber cannot tell is LOCAL.
 */
export function describeNumber(
  phoneNumber: string,
  requested: E164,
): { phoneNumber: E164; countryCode: CountryCode; type: NumberType } {
  const bought = parsePhoneNumberFromString(phoneNumber);
  const asked = parsePhoneNumberFromString(requested);
  const parsed = isOurCountry(bought?.country) ? bought : asked;
  const countryCode = parsed?.country;
  if (!parsed || !isOurCountry(countryCode)) {
    throw new CarrierError('INVALID_NUMBER', 'The carrier returned a number outside the supported countries');
  }
  return {
    phoneNumber: parsed.number as E164,
    countryCode,
    type: NUMBER_TYPE_BY_LIB[parsed.getType() ?? ''] ?? 'LOCAL',
  };
}

export function createTwilioCarrier(options: TwilioCarrierOptions): TwilioCarrier {
  // The SDK throws at construction on a malformed Account SID; that must not stop
  // the server, so it becomes an AUTHENTICATION failure on every call instead.
  let client: TwilioClient | undefined;
  let constructionError: unknown;
  try {
    client = twilio(options.accountSid, options.authToken, {
      accountSid: options.accountSid,
      ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
    });
    if (options.apiBaseUrl) client.api.baseUrl = options.apiBaseUrl;
  } catch (error) {
    constructionError = error;
  }

  function sdk(): TwilioClient {
    if (client) return client;
    throw new CarrierError('AUTHENTICATION', 'The carrier account credentials are malformed', {
      cause: constructionError,
    });
  }

  /** Runs one SDK call and turns whatever it throws into a CarrierError. */
  async function call<T>(run: (twilioClient: TwilioClient) => Promise<T>): Promise<T> {
    try {
      return await run(sdk());
    } catch (error) {
      throw toCarrierError(error);
    }
  }

  async function searchKind(search: NumberSearch, type: NumberType): Promise<NumberOffer[]> {
    const { params, keep } = searchFilters(search);
    const country = sdk().availablePhoneNumbers(search.countryCode);
    let found;
    try {
      found =
        type === 'LOCAL'
          ? await country.local.list(params)
          : type === 'MOBILE'
            ? await country.mobile.list(params)
            : await country.tollFree.list(params);
    } catch (error) {
      if (isNotFound(error)) return [];
      throw toCarrierError(error);
    }
    return found
      .filter((number) => !keep || keep(number.phoneNumber))
      .slice(0, search.limit)
      .map((number) => ({
        phoneNumber: number.phoneNumber,
        friendlyName: number.friendlyName || number.phoneNumber,
        countryCode: search.countryCode,
        type,
        capabilities: readCapabilities(number.capabilities as RawCapabilities),
        requirements: twilioRequirements(search.countryCode, type, number.addressRequirements),
      }));
  }

  return {
    name: 'twilio',

    async checkCredentials() {
      const account = await call((c) => c.api.v2010.accounts(options.accountSid).fetch());
      if (account.status !== 'active') {
        throw new CarrierError('AUTHENTICATION', `The carrier account is ${account.status}`);
      }
    },

    async searchAvailableNumbers(search) {
      try {
        const kinds = search.type ? [search.type] : TWILIO_NUMBER_KINDS[search.countryCode];
        const lists = await Promise.all(kinds.map((type) => searchKind(search, type)));
        return interleave(lists, search.limit);
      } catch (error) {
        throw toCarrierError(error);
      }
    },

    async purchaseNumber({ phoneNumber, friendlyName, webhooks }) {
      const bought = await call((c) =>
        c.incomingPhoneNumbers.create({
          phoneNumber,
          ...(friendlyName ? { friendlyName: friendlyName.slice(0, TWILIO_FRIENDLY_NAME_MAX) } : {}),
          ...webhookParams(webhooks),
        }),
      );
      return {
        carrierSid: bought.sid,
        ...describeNumber(bought.phoneNumber || phoneNumber, phoneNumber),
        capabilities: readCapabilities(bought.capabilities as RawCapabilities),
      } satisfies PurchasedNumber;
    },

    async updateNumber(carrierSid, changes) {
      if (changes.friendlyName === undefined) return;
      const name = changes.friendlyName;
      await call(async (c) => {
        const number = c.incomingPhoneNumbers(carrierSid);
        // Cleared on our side: give it back Twilio's default label, the number itself.
        const label = name === null ? (await number.fetch()).phoneNumber : name.slice(0, TWILIO_FRIENDLY_NAME_MAX);
        await number.update({ friendlyName: label });
      });
    },

    async releaseNumber(carrierSid) {
      await call((c) => c.incomingPhoneNumbers(carrierSid).remove());
    },

    async sendMessage(message: OutboundMessage) {
      let created;
      try {
        created = await sdk().messages.create(messageParams(message));
      } catch (error) {
        throw toSendError(error);
      }
      return { carrierMessageId: created.sid };
    },

    ...createTwilioVoice({
      accountSid: options.accountSid,
      apiKeySid: options.apiKeySid,
      apiKeySecret: options.apiKeySecret,
      twimlAppSid: options.twimlAppSid,
      client: sdk,
    }),

    verifyWebhook(request: WebhookRequest) {
      return verifyTwilioSignature({
        authToken: options.authToken,
        url: request.url,
        params: request.params,
        signature: headerValue(request.headers, TWILIO_SIGNATURE_HEADER),
      });
    },
  };
}

/** The `messages.create` parameters: From, To, Body, one MediaUrl per item, StatusCallback. */
export function messageParams(message: OutboundMessage) {
  return {
    from: message.from,
    to: message.to,
    ...(message.body ? { body: message.body } : {}),
    ...(message.mediaUrls && message.mediaUrls.length > 0 ? { mediaUrl: [...message.mediaUrls] } : {}),
    statusCallback: message.statusCallbackUrl,
  };
}

/** A header by name whatever its casing; a repeated header stays an array (and fails verification). */
function headerValue(headers: WebhookRequest['headers'], name: string): string | string[] | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

function webhookParams(webhooks: NumberWebhooks) {
  return {
    smsUrl: webhooks.smsUrl,
    smsMethod: 'POST',
    voiceUrl: webhooks.voiceUrl,
    voiceMethod: 'POST',
    statusCallback: webhooks.statusCallbackUrl,
    statusCallbackMethod: 'POST',
  } as const;
}
