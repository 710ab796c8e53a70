import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CarrierError, type E164, type NumbersCarrier } from '../../src/providers/carrier/carrier.port.js';
import { createTwilioCarrier } from '../../src/providers/carrier/twilio/twilio-carrier.js';
import {
  requestViolations,
  startPrism,
  TEST_ACCOUNT_SID,
  TEST_AUTH_TOKEN,
  TEST_VOICE_CREDENTIALS,
  type PrismMock,
  type RecordedRequest,
} from '../helpers/prism.js';

/*
 * The adapter through the real `twilio` SDK against Prism serving Twilio's own
 * OpenAPI document: every request the adapter makes must satisfy Twilio's
 * contract (Prism answers 401/422 otherwise), and the document's example
 * responses must map to our shapes.
 */

const ACCOUNT = `/2010-04-01/Accounts/${TEST_ACCOUNT_SID}`;
const EXAMPLE_PN = `PN${'a'.repeat(32)}`;
const BASIC = `Basic ${Buffer.from(`${TEST_ACCOUNT_SID}:${TEST_AUTH_TOKEN}`).toString('base64')}`;
const WEBHOOKS = {
  smsUrl: 'https://commpro.example/webhooks/twilio/sms',
  voiceUrl: 'https://commpro.example/webhooks/twilio/voice',
  statusCallbackUrl: 'https://commpro.example/webhooks/twilio/number-status',
};

let prism: PrismMock;
let carrier: NumbersCarrier;

beforeAll(async () => {
  prism = await startPrism();
  console.info(`Prism listening after ${prism.startupMs} ms`);
  carrier = createTwilioCarrier({
    accountSid: TEST_ACCOUNT_SID,
    authToken: TEST_AUTH_TOKEN,
    ...TEST_VOICE_CREDENTIALS,
    apiBaseUrl: prism.url,
  });
}, 30_000);

afterAll(async () => {
  await prism?.close();
});

beforeEach(() => {
  prism.requests.length = 0;
});

/** Each request was accepted by Prism with no finding against Twilio's contract, with our credentials. */
function expectContractKept(requests: RecordedRequest[]) {
  expect(requests.length).toBeGreaterThan(0);
  for (const request of requests) {
    expect(requestViolations(request), `${request.method} ${request.path}`).toEqual([]);
    expect(request.status, `${request.method} ${request.path}`).toBeLessThan(300);
    expect(request.headers.authorization).toBe(BASIC);
  }
}

function paths(requests: RecordedRequest[]) {
  return requests.map((r) => `${r.method} ${r.path}`);
}

describe('Twilio carrier against Twilio’s OpenAPI document (Prism)', () => {
  it('checks the credentials by fetching the account', async () => {
    await expect(carrier.checkCredentials()).resolves.toBeUndefined();
    expectContractKept(prism.requests);
    expect(paths(prism.requests)).toEqual([`GET ${ACCOUNT}.json`]);
  });

  it('searches one kind with Contains and PageSize, and maps the example', async () => {
    const numbers = await carrier.searchAvailableNumbers({
      countryCode: 'FR',
      type: 'MOBILE',
      contains: '6*12',
      limit: 5,
    });
    expectContractKept(prism.requests);
    expect(paths(prism.requests)).toEqual([`GET ${ACCOUNT}/AvailablePhoneNumbers/FR/Mobile.json`]);
    const query = prism.requests[0]!.query;
    expect(query.get('Contains')).toBe('6*12');
    expect(query.get('PageSize')).toBe('5');
    expect(query.has('AreaCode')).toBe(false);
    // Twilio's Mobile example: +4759440374, sms only, address_requirements none.
    expect(numbers).toEqual([
      {
        phoneNumber: '+4759440374',
        friendlyName: '+4759440374',
        countryCode: 'FR',
        type: 'MOBILE',
        capabilities: { voice: false, sms: true, mms: false },
        // France needs a regulatory bundle for mobile numbers, whatever address_requirements says.
        requirements: 'IDENTITY',
      },
    ]);
  });

  it('passes a US area code as AreaCode', async () => {
    const numbers = await carrier.searchAvailableNumbers({
      countryCode: 'US',
      type: 'LOCAL',
      areaCode: '808',
      contains: '925',
      limit: 3,
    });
    expectContractKept(prism.requests);
    expect(paths(prism.requests)).toEqual([`GET ${ACCOUNT}/AvailablePhoneNumbers/US/Local.json`]);
    expect(prism.requests[0]!.query.get('AreaCode')).toBe('808');
    expect(prism.requests[0]!.query.get('Contains')).toBe('925');
    expect(numbers).toEqual([
      {
        phoneNumber: '+18089251571',
        friendlyName: '(808) 925-1571',
        countryCode: 'US',
        type: 'LOCAL',
        capabilities: { voice: true, sms: false, mms: true },
        requirements: 'NONE',
      },
    ]);
  });

  it('without a type, searches every kind the country has and interleaves them', async () => {
    const numbers = await carrier.searchAvailableNumbers({ countryCode: 'US', limit: 10 });
    expectContractKept(prism.requests);
    expect(paths(prism.requests).sort()).toEqual([
      `GET ${ACCOUNT}/AvailablePhoneNumbers/US/Local.json`,
      `GET ${ACCOUNT}/AvailablePhoneNumbers/US/TollFree.json`,
    ]);
    expect(numbers.map((n) => [n.type, n.phoneNumber])).toEqual([
      ['LOCAL', '+18089251571'],
      ['TOLL_FREE', '+18001000052'],
    ]);
    expect(numbers[1]!.capabilities).toEqual({ voice: true, sms: true, mms: true });
  });

  it('outside the US, sends the area code as an anchored Contains and filters `contains` itself', async () => {
    const numbers = await carrier.searchAvailableNumbers({
      countryCode: 'GB',
      areaCode: '020',
      contains: '7*',
      limit: 5,
    });
    expectContractKept(prism.requests);
    expect(paths(prism.requests).sort()).toEqual([
      `GET ${ACCOUNT}/AvailablePhoneNumbers/GB/Local.json`,
      `GET ${ACCOUNT}/AvailablePhoneNumbers/GB/Mobile.json`,
      `GET ${ACCOUNT}/AvailablePhoneNumbers/GB/TollFree.json`,
    ]);
    for (const request of prism.requests) {
      expect(request.query.get('Contains')).toBe('+4420');
      expect(request.query.has('AreaCode')).toBe(false);
      expect(request.query.get('PageSize')).toBe('50');
    }
    // Of the three examples only +18089251571 and +4759440374 hold a 7 followed by a digit.
    expect(numbers.map((n) => [n.type, n.phoneNumber, n.requirements])).toEqual([
      ['LOCAL', '+18089251571', 'IDENTITY'],
      ['MOBILE', '+4759440374', 'IDENTITY'],
    ]);
  });

  it('buys a number with our webhooks, all POST, and maps the created resource', async () => {
    const bought = await carrier.purchaseNumber({
      phoneNumber: '+33612345678' as E164,
      friendlyName: 'Support line',
      webhooks: WEBHOOKS,
    });
    expectContractKept(prism.requests);
    expect(paths(prism.requests)).toEqual([`POST ${ACCOUNT}/IncomingPhoneNumbers.json`]);
    const request = prism.requests[0]!;
    expect(request.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(request.form)).toEqual({
      PhoneNumber: '+33612345678',
      FriendlyName: 'Support line',
      SmsUrl: WEBHOOKS.smsUrl,
      SmsMethod: 'POST',
      VoiceUrl: WEBHOOKS.voiceUrl,
      VoiceMethod: 'POST',
      StatusCallback: WEBHOOKS.statusCallbackUrl,
      StatusCallbackMethod: 'POST',
    });
    // Twilio's example answer: PNaaa…, +18089255327 (Hawaii), voice + mms.
    expect(bought).toEqual({
      carrierSid: EXAMPLE_PN,
      phoneNumber: '+18089255327',
      countryCode: 'US',
      type: 'LOCAL',
      capabilities: { voice: true, sms: false, mms: true },
    });
  });

  it('is really checked: Prism refuses a webhook that is not a URI, and the adapter reports it as a CarrierError', async () => {
    const failure = await carrier
      .purchaseNumber({
        phoneNumber: '+33612345678' as E164,
        webhooks: { ...WEBHOOKS, smsUrl: 'not a url' },
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CarrierError);
    expect(prism.requests).toHaveLength(1);
    expect(prism.requests[0]!.status).toBe(422);
    expect(requestViolations(prism.requests[0]!).map((v) => v.location.join('.'))).toEqual(['body.SmsUrl']);
  });

  it('renames a number', async () => {
    await carrier.updateNumber(EXAMPLE_PN, { friendlyName: 'Sales' });
    expectContractKept(prism.requests);
    expect(paths(prism.requests)).toEqual([`POST ${ACCOUNT}/IncomingPhoneNumbers/${EXAMPLE_PN}.json`]);
    expect(Object.fromEntries(prism.requests[0]!.form)).toEqual({ FriendlyName: 'Sales' });
  });

  it('clearing the name gives the number back its own label; no change makes no call', async () => {
    await carrier.updateNumber(EXAMPLE_PN, { friendlyName: null });
    await carrier.updateNumber(EXAMPLE_PN, {});
    expectContractKept(prism.requests);
    expect(paths(prism.requests)).toEqual([
      `GET ${ACCOUNT}/IncomingPhoneNumbers/${EXAMPLE_PN}.json`,
      `POST ${ACCOUNT}/IncomingPhoneNumbers/${EXAMPLE_PN}.json`,
    ]);
    expect(prism.requests[1]!.form.get('FriendlyName')).toMatch(/^\+\d+$/);
  });

  it('releases a number', async () => {
    await carrier.releaseNumber(EXAMPLE_PN);
    expectContractKept(prism.requests);
    expect(paths(prism.requests)).toEqual([`DELETE ${ACCOUNT}/IncomingPhoneNumbers/${EXAMPLE_PN}.json`]);
    expect(prism.requests[0]!.status).toBe(204);
  });
});
