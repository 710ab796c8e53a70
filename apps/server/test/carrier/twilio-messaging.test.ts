import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CarrierError,
  isRetryable,
  type CarrierErrorReason,
  type E164,
  type NumbersCarrier,
  type OutboundMessage,
} from '../../src/providers/carrier/carrier.port.js';
import {
  createTwilioCarrier,
  describeDeliveryError,
  type TwilioCarrier,
} from '../../src/providers/carrier/twilio/twilio-carrier.js';
import { DESCRIBED_DELIVERY_ERROR_CODES } from '../../src/providers/carrier/twilio/delivery-errors.js';
import {
  requestViolations,
  startFakeTwilio,
  startPrism,
  TEST_ACCOUNT_SID,
  TEST_AUTH_TOKEN,
  TEST_VOICE_CREDENTIALS,
  type Answer,
  type PrismMock,
  type RecordingServer,
} from '../helpers/prism.js';

/*
 * Sending through the Twilio adapter: the request `messages.create` makes,
 * checked by Prism against Twilio's OpenAPI document (REFERENCE.md §10);
 * Twilio's send errors, served by a local endpoint in Twilio's shape, mapped
 * to our reasons and to retry-or-not; the plain-language delivery failures.
 */

const MESSAGES_PATH = `/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Messages.json`;
const BASIC = `Basic ${Buffer.from(`${TEST_ACCOUNT_SID}:${TEST_AUTH_TOKEN}`).toString('base64')}`;
const STATUS_CALLBACK = 'https://commpro.example/api/messages/webhooks/status';

const SMS: OutboundMessage = {
  from: '+14155552345' as E164,
  to: '+33612345678' as E164,
  body: 'Hello! 👍 Your order is ready.',
  statusCallbackUrl: STATUS_CALLBACK,
};

const MMS: OutboundMessage = {
  ...SMS,
  body: 'Two pictures',
  mediaUrls: [
    'https://commpro.example/media/m1.jpg?expires=1800000000&signature=abc',
    'https://commpro.example/media/m2.png?expires=1800000000&signature=def',
  ],
};

// The widened factory result is still a NumbersCarrier, so `Carrier` can stay as it is for now.
const asNumbersCarrier: (carrier: TwilioCarrier) => NumbersCarrier = (carrier) => carrier;

describe('sendMessage against Twilio’s OpenAPI document (Prism)', () => {
  let prism: PrismMock;
  let carrier: TwilioCarrier;

  beforeAll(async () => {
    prism = await startPrism();
    console.info(`Prism listening after ${prism.startupMs} ms`);
    carrier = createTwilioCarrier({
      accountSid: TEST_ACCOUNT_SID,
      authToken: TEST_AUTH_TOKEN,
      ...TEST_VOICE_CREDENTIALS,
      apiBaseUrl: prism.url,
    });
    expect(asNumbersCarrier(carrier).name).toBe('twilio');
  }, 30_000);

  afterAll(async () => {
    await prism?.close();
  });

  beforeEach(() => {
    prism.requests.length = 0;
  });

  function onlyRequest() {
    expect(prism.requests).toHaveLength(1);
    const request = prism.requests[0]!;
    expect(requestViolations(request)).toEqual([]);
    expect(request.status).toBe(201);
    expect(request.method).toBe('POST');
    expect(request.path).toBe(MESSAGES_PATH);
    expect(request.headers.authorization).toBe(BASIC);
    expect(request.headers['content-type']).toContain('application/x-www-form-urlencoded');
    return request;
  }

  it('sends an SMS with From, To, Body and StatusCallback, and returns the message sid', async () => {
    const sent = await carrier.sendMessage(SMS);
    expect(sent).toEqual({ carrierMessageId: `SM${'a'.repeat(32)}` });
    const { form } = onlyRequest();
    expect([...form.keys()].sort()).toEqual(['Body', 'From', 'StatusCallback', 'To']);
    expect(form.get('From')).toBe(SMS.from);
    expect(form.get('To')).toBe(SMS.to);
    expect(form.get('Body')).toBe(SMS.body);
    expect(form.get('StatusCallback')).toBe(STATUS_CALLBACK);
  });

  it('sends an MMS with one MediaUrl field per picture, in order', async () => {
    await carrier.sendMessage(MMS);
    const { form } = onlyRequest();
    expect(form.getAll('MediaUrl')).toEqual(MMS.mediaUrls);
    expect(form.get('Body')).toBe('Two pictures');
    expect(form.get('StatusCallback')).toBe(STATUS_CALLBACK);
  });

  it('sends a picture without text: no Body field at all', async () => {
    await carrier.sendMessage({ ...MMS, body: undefined, mediaUrls: [MMS.mediaUrls![0]!] });
    const { form } = onlyRequest();
    expect(form.has('Body')).toBe(false);
    expect(form.getAll('MediaUrl')).toEqual([MMS.mediaUrls![0]]);
  });

  it('Prism still refuses a send that breaks the contract (no To)', async () => {
    const response = await fetch(`${prism.url}${MESSAGES_PATH}`, {
      method: 'POST',
      headers: { authorization: BASIC, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ From: SMS.from, Body: 'x', MediaUrl: 'https://m.example/1.jpg' }).toString(),
    });
    expect(response.status).toBe(422);
    expect(requestViolations(prism.requests[0]!).map((v) => v.location.join('.'))).toEqual(['body']);
  });

  it('sends no MediaUrl for an empty list', async () => {
    await carrier.sendMessage({ ...SMS, mediaUrls: [] });
    const { form } = onlyRequest();
    expect(form.has('MediaUrl')).toBe(false);
  });
});

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

describe('sendMessage error mapping (Twilio-shaped error answers)', () => {
  let respond: () => Answer;
  let fake: RecordingServer;
  let carrier: TwilioCarrier;

  beforeAll(async () => {
    fake = await startFakeTwilio(() => respond());
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
  });

  async function sendFailure(answer: Answer): Promise<CarrierError> {
    respond = () => answer;
    const error = await carrier.sendMessage(SMS).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CarrierError);
    return error as CarrierError;
  }

  const cases: Array<[code: number, status: number, reason: CarrierErrorReason, retryable: boolean]> = [
    [21211, 400, 'RECIPIENT_UNREACHABLE', false],
    [21612, 400, 'RECIPIENT_UNREACHABLE', false],
    [21614, 400, 'RECIPIENT_UNREACHABLE', false],
    [21408, 400, 'RECIPIENT_UNREACHABLE', false],
    [21610, 400, 'RECIPIENT_OPTED_OUT', false],
    [21606, 400, 'SENDER_NOT_CAPABLE', false],
    [21212, 400, 'SENDER_NOT_CAPABLE', false],
    [21611, 400, 'RATE_LIMITED', true],
    [20429, 429, 'RATE_LIMITED', true],
    [21617, 400, 'MESSAGE_REJECTED', false],
    [21620, 400, 'MESSAGE_REJECTED', false],
    [20003, 401, 'AUTHENTICATION', false],
    [20404, 404, 'NOT_FOUND', false],
    [20500, 500, 'UNAVAILABLE', true],
    [20503, 503, 'UNAVAILABLE', true],
    [99999, 400, 'UNAVAILABLE', true],
  ];

  for (const [code, status, reason, retryable] of cases) {
    it(`${code} (HTTP ${status}) → ${reason}, ${retryable ? 'retried' : 'final'}`, async () => {
      const error = await sendFailure(twilioError(code, status));
      expect(fake.requests).toHaveLength(1);
      expect(fake.requests[0]!.path).toBe(MESSAGES_PATH);
      expect(error.reason).toBe(reason);
      expect(isRetryable(error)).toBe(retryable);
      expect(error.carrierCode).toBe(code);
      expect(error.message).not.toContain(TWILIO_WORDS);
      expect(error.message).not.toMatch(/twilio/i);
      expect(error.message.length).toBeGreaterThan(10);
      // Twilio's error stays for the logs.
      expect(String((error.cause as { message?: unknown }).message)).toContain(TWILIO_WORDS);
    });
  }

  it('an HTTP 429 without a code is RATE_LIMITED', async () => {
    const error = await sendFailure({ status: 429, body: { message: TWILIO_WORDS, status: 429 } });
    expect(error.reason).toBe('RATE_LIMITED');
    expect(isRetryable(error)).toBe(true);
    expect(error.carrierCode).toBeUndefined();
  });

  it('a non-JSON 502 from a proxy is UNAVAILABLE and retried', async () => {
    respond = () => ({ status: 502, headers: { 'content-type': 'text/html' } });
    const error = await carrier.sendMessage(SMS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CarrierError);
    expect((error as CarrierError).reason).toBe('UNAVAILABLE');
    expect(isRetryable(error as CarrierError)).toBe(true);
  });

  it('a carrier out of reach (connection refused) is UNAVAILABLE and retried', async () => {
    const closed = await startFakeTwilio(() => ({ status: 500 }));
    const url = closed.url;
    await closed.close();
    const unreachable = createTwilioCarrier({
      accountSid: TEST_ACCOUNT_SID,
      authToken: TEST_AUTH_TOKEN,
      ...TEST_VOICE_CREDENTIALS,
      apiBaseUrl: url,
    });
    const error = await unreachable.sendMessage(SMS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CarrierError);
    expect((error as CarrierError).reason).toBe('UNAVAILABLE');
    expect(isRetryable(error as CarrierError)).toBe(true);
  });

  it('malformed credentials fail every send with AUTHENTICATION, before any request', async () => {
    const broken = createTwilioCarrier({
      accountSid: 'not-a-sid',
      authToken: TEST_AUTH_TOKEN,
      ...TEST_VOICE_CREDENTIALS,
      apiBaseUrl: fake.url,
    });
    const error = await broken.sendMessage(SMS).catch((e: unknown) => e);
    expect((error as CarrierError).reason).toBe('AUTHENTICATION');
    expect(isRetryable(error as CarrierError)).toBe(false);
    expect(fake.requests).toHaveLength(0);
  });

  it('a send error code has a plain-language failure reason too', async () => {
    const error = await sendFailure(twilioError(21610, 400));
    expect(describeDeliveryError(error.carrierCode!)).toEqual({
      code: 'RECIPIENT_OPTED_OUT',
      reason: expect.stringContaining('replied STOP') as string,
    });
  });
});

describe('describeDeliveryError', () => {
  const required: Array<[code: number, machineCode: string, words: RegExp]> = [
    [30001, 'CARRIER_QUEUE_FULL', /too many messages/],
    [30002, 'ACCOUNT_SUSPENDED', /suspended/],
    [30003, 'RECIPIENT_UNREACHABLE', /could not be reached/],
    [30004, 'BLOCKED', /blocked/],
    [30005, 'UNKNOWN_DESTINATION', /does not exist|no longer in service/],
    [30006, 'LANDLINE_OR_UNREACHABLE_CARRIER', /landline/],
    [30007, 'FILTERED_AS_SPAM', /filtered by the recipient’s carrier as spam/],
    [30008, 'UNKNOWN_CARRIER_ERROR', /did not say why/],
    [30034, 'SENDER_NOT_REGISTERED', /not registered/],
    [21610, 'RECIPIENT_OPTED_OUT', /replied STOP/],
    [21614, 'NOT_A_MOBILE_NUMBER', /not a mobile number/],
  ];

  for (const [code, machineCode, words] of required) {
    it(`${code} → ${machineCode}`, () => {
      const failure = describeDeliveryError(code);
      expect(failure.code).toBe(machineCode);
      expect(failure.reason).toMatch(words);
    });
  }

  it('every described code reads as a sentence, with a stable upper-case machine code', () => {
    expect(DESCRIBED_DELIVERY_ERROR_CODES.length).toBeGreaterThanOrEqual(20);
    for (const code of DESCRIBED_DELIVERY_ERROR_CODES) {
      const { reason, code: machineCode } = describeDeliveryError(code);
      expect(machineCode).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(reason).toMatch(/^[A-Z].*\.$/);
      expect(reason).not.toMatch(/twilio|handset|10DLC error|undefined/i);
    }
  });

  it('an unknown code gets a generic reason naming the code', () => {
    expect(describeDeliveryError(12345)).toEqual({
      code: 'DELIVERY_FAILED',
      reason: 'The message could not be delivered (carrier error 12345).',
    });
    expect(describeDeliveryError(Number.NaN)).toEqual({
      code: 'DELIVERY_FAILED',
      reason: 'The message could not be delivered.',
    });
  });
});
