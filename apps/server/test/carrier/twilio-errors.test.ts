import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CarrierError,
  type CarrierErrorReason,
  type E164,
  type NumbersCarrier,
} from '../../src/providers/carrier/carrier.port.js';
import { createTwilioCarrier } from '../../src/providers/carrier/twilio/twilio-carrier.js';
import {
  startFakeTwilio,
  TEST_ACCOUNT_SID,
  TEST_AUTH_TOKEN,
  TEST_VOICE_CREDENTIALS,
  type Answer,
  type RecordingServer,
} from '../helpers/prism.js';

/*
 * Twilio's error answers, served by a local endpoint in Twilio's shape
 * ({code, message, more_info, status}), and what the adapter makes of them:
 * a CarrierError with our reason and our words, Twilio's error kept as `cause`.
 */

const PN = `PN${'b'.repeat(32)}`;
const WEBHOOKS = {
  smsUrl: 'https://commpro.example/webhooks/twilio/sms',
  voiceUrl: 'https://commpro.example/webhooks/twilio/voice',
  statusCallbackUrl: 'https://commpro.example/webhooks/twilio/number-status',
};
/** A marker in every fake Twilio message, to prove none of it reaches our message. */
const TWILIO_WORDS = 'TWILIO-OWN-WORDS';

function twilioError(code: number, status: number): Answer {
  return {
    status,
    body: {
      code,
      message: `${TWILIO_WORDS} for ${code}`,
      more_info: `https://www.twilio.com/docs/errors/${code}`,
      status,
    },
  };
}

let respond: (req: { method: string; path: string }) => Answer;
let fake: RecordingServer;
let carrier: NumbersCarrier;

beforeAll(async () => {
  fake = await startFakeTwilio((req) => respond(req));
  carrier = createTwilioCarrier({
    accountSid: TEST_ACCOUNT_SID,
    authToken: TEST_AUTH_TOKEN,
    ...TEST_VOICE_CREDENTIALS,
    apiBaseUrl: fake.url,
  });
});

afterAll(async () => {
  await fake?.close();
});

beforeEach(() => {
  fake.requests.length = 0;
  respond = () => ({ status: 500, body: { message: 'no answer set' } });
});

async function failureOf(promise: Promise<unknown>): Promise<CarrierError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CarrierError);
  return error as CarrierError;
}

function purchase() {
  return carrier.purchaseNumber({ phoneNumber: '+4930123456' as E164, webhooks: WEBHOOKS });
}

describe('Twilio error mapping', () => {
  const purchaseCases: Array<[code: number, status: number, reason: CarrierErrorReason, words: RegExp]> = [
    [21422, 400, 'NUMBER_UNAVAILABLE', /no longer available/],
    [21452, 400, 'NUMBER_UNAVAILABLE', /no longer available/],
    [21421, 400, 'INVALID_NUMBER', /does not accept this phone number/],
    [21649, 400, 'REGULATORY_REQUIREMENT', /identity documents/],
    [21631, 400, 'REGULATORY_REQUIREMENT', /requires an address/],
    [21615, 400, 'REGULATORY_REQUIREMENT', /requires an address/],
    [21613, 400, 'REGULATORY_REQUIREMENT', /requires an address/],
    [20003, 401, 'AUTHENTICATION', /rejected the account credentials/],
    [20500, 500, 'UNAVAILABLE', /could not be reached or answered unexpectedly/],
    [20429, 429, 'UNAVAILABLE', /could not be reached or answered unexpectedly/],
    [21999, 400, 'UNAVAILABLE', /could not be reached or answered unexpectedly/],
  ];

  it.each(purchaseCases)('purchase: Twilio %i (HTTP %i) → %s', async (code, status, reason, words) => {
    respond = () => twilioError(code, status);
    const error = await failureOf(purchase());
    expect(error.reason).toBe(reason);
    expect(error.message).toMatch(words);
    expect(error.message).not.toContain(TWILIO_WORDS);
    expect(error.cause).toMatchObject({ code, status, message: `${TWILIO_WORDS} for ${code}` });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /2010-04-01/Accounts/${TEST_ACCOUNT_SID}/IncomingPhoneNumbers.json`,
    ]);
  });

  it('a 5xx without a JSON body → UNAVAILABLE', async () => {
    respond = () => ({ status: 503, headers: { 'content-type': 'text/html' } });
    expect((await failureOf(purchase())).reason).toBe('UNAVAILABLE');
  });

  it('release and rename of an unknown number: 20404 → NOT_FOUND', async () => {
    respond = () => twilioError(20404, 404);
    const released = await failureOf(carrier.releaseNumber(PN));
    expect(released.reason).toBe('NOT_FOUND');
    expect(released.message).not.toContain(TWILIO_WORDS);
    expect((await failureOf(carrier.updateNumber(PN, { friendlyName: 'x' }))).reason).toBe('NOT_FOUND');
    expect(fake.requests.map((r) => r.method)).toEqual(['DELETE', 'POST']);
  });

  it('credentials: 20003/401 → AUTHENTICATION; a suspended account → AUTHENTICATION', async () => {
    respond = () => twilioError(20003, 401);
    const error = await failureOf(carrier.checkCredentials());
    expect(error.reason).toBe('AUTHENTICATION');
    expect(error.message).not.toContain(TWILIO_WORDS);

    respond = () => ({ status: 200, body: { sid: TEST_ACCOUNT_SID, status: 'suspended' } });
    expect((await failureOf(carrier.checkCredentials())).reason).toBe('AUTHENTICATION');
  });

  it('test credentials on a resource they may not use (403) → AUTHENTICATION', async () => {
    respond = () => twilioError(20008, 403);
    expect((await failureOf(carrier.checkCredentials())).reason).toBe('AUTHENTICATION');
  });

  it('a malformed Account SID fails the calls, not the start-up', async () => {
    const broken = createTwilioCarrier({
      accountSid: 'not-a-sid',
      authToken: 'x',
      ...TEST_VOICE_CREDENTIALS,
      apiBaseUrl: fake.url,
    });
    expect((await failureOf(broken.checkCredentials())).reason).toBe('AUTHENTICATION');
    expect(fake.requests).toEqual([]);
  });

  it('search: a kind the country lacks (404) is no numbers; other failures are errors', async () => {
    respond = () => twilioError(20404, 404);
    await expect(carrier.searchAvailableNumbers({ countryCode: 'US', type: 'MOBILE', limit: 5 })).resolves.toEqual([]);
    respond = () => twilioError(20003, 401);
    expect((await failureOf(carrier.searchAvailableNumbers({ countryCode: 'FR', limit: 5 }))).reason).toBe(
      'AUTHENTICATION',
    );
  });
});

describe('Twilio unreachable', () => {
  let refusedUrl: string;

  beforeAll(async () => {
    // A port that was just open and is now closed: connection refused.
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    refusedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await new Promise((resolve) => server.close(resolve));
  });

  it('connection refused → UNAVAILABLE for every method', async () => {
    const down = createTwilioCarrier({
      accountSid: TEST_ACCOUNT_SID,
      authToken: TEST_AUTH_TOKEN,
      ...TEST_VOICE_CREDENTIALS,
      apiBaseUrl: refusedUrl,
    });
    for (const run of [
      () => down.checkCredentials(),
      () => down.searchAvailableNumbers({ countryCode: 'GB', type: 'MOBILE', limit: 5 }),
      () => down.purchaseNumber({ phoneNumber: '+447700900123' as E164, webhooks: WEBHOOKS }),
      () => down.updateNumber(PN, { friendlyName: 'x' }),
      () => down.releaseNumber(PN),
    ]) {
      const error = await failureOf(run());
      expect(error.reason).toBe('UNAVAILABLE');
      expect(error.message).not.toMatch(/ECONNREFUSED/);
      expect(error.cause).toMatchObject({ code: 'ECONNREFUSED' });
    }
  });
});

describe('Twilio answers as the live API sends them', () => {
  it('AvailablePhoneNumbers: upper-case SMS/MMS and address_requirements are read', async () => {
    respond = (req) => ({
      status: 200,
      body: {
        available_phone_numbers: req.path.endsWith('/Local.json')
          ? [
              {
                friendly_name: '(415) 555-0142',
                phone_number: '+14155550142',
                iso_country: 'US',
                address_requirements: 'any',
                beta: false,
                capabilities: { voice: true, SMS: true, MMS: false },
              },
            ]
          : [
              {
                friendly_name: '(888) 555-0199',
                phone_number: '+18885550199',
                iso_country: 'US',
                address_requirements: 'none',
                beta: false,
                capabilities: { voice: true, SMS: false, MMS: true },
              },
            ],
        uri: req.path,
      },
    });
    const numbers = await carrier.searchAvailableNumbers({ countryCode: 'US', limit: 5 });
    expect(numbers).toEqual([
      {
        phoneNumber: '+14155550142',
        friendlyName: '(415) 555-0142',
        countryCode: 'US',
        type: 'LOCAL',
        capabilities: { voice: true, sms: true, mms: false },
        requirements: 'ADDRESS',
      },
      {
        phoneNumber: '+18885550199',
        friendlyName: '(888) 555-0199',
        countryCode: 'US',
        type: 'TOLL_FREE',
        capabilities: { voice: true, sms: false, mms: true },
        requirements: 'NONE',
      },
    ]);
  });

  it('IncomingPhoneNumbers: the bought number’s country and type come from the number itself', async () => {
    respond = () => ({
      status: 201,
      body: {
        sid: PN,
        phone_number: '+33612345678',
        friendly_name: '+33612345678',
        capabilities: { voice: true, sms: true, mms: false, fax: false },
      },
    });
    await expect(carrier.purchaseNumber({ phoneNumber: '+33612345678' as E164, webhooks: WEBHOOKS })).resolves.toEqual({
      carrierSid: PN,
      phoneNumber: '+33612345678',
      countryCode: 'FR',
      type: 'MOBILE',
      capabilities: { voice: true, sms: true, mms: false },
    });
    expect(fake.requests[0]!.form.has('FriendlyName')).toBe(false);
  });
});
