import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CarrierError,
  isRetryable,
  type Carrier,
  type CarrierErrorReason,
  type E164,
} from '../../src/providers/carrier/carrier.port.js';
import {
  createTwilioCarrier,
  type TwilioCarrier,
  type TwilioCarrierOptions,
} from '../../src/providers/carrier/twilio/twilio-carrier.js';
import {
  requestViolations,
  startFakeTwilio,
  startPrism,
  TEST_ACCOUNT_SID,
  TEST_AUTH_TOKEN,
  type Answer,
  type PrismMock,
  type RecordedRequest,
  type RecordingServer,
} from '../helpers/prism.js';

/*
 * Calls through the Twilio adapter: the requests startCall, endCall and
 * updateParticipant make, checked by Prism against Twilio's OpenAPI document
 * (REFERENCE.md §10); Twilio's call errors, served by a local endpoint in
 * Twilio's shape, mapped to our reasons; the Voice SDK token, decoded and
 * verified with the API key secret.
 */

const ACCOUNT = `/2010-04-01/Accounts/${TEST_ACCOUNT_SID}`;
const BASIC = `Basic ${Buffer.from(`${TEST_ACCOUNT_SID}:${TEST_AUTH_TOKEN}`).toString('base64')}`;
const API_KEY_SID = `SK${'1'.repeat(32)}`;
const API_KEY_SECRET = 'voice-api-key-secret-not-a-secret';
const TWIML_APP_SID = `AP${'2'.repeat(32)}`;
const CALL_SID = `CA${'3'.repeat(32)}`;
/** The first conference in progress in the document's `readNext` example (its other examples start with CFaaa…, the participant examples' conference). */
const EXAMPLE_CONFERENCE_SID = `CF${'d'.repeat(32)}`;
const CONFERENCE = 'call_0d9f6a1c2b3e4f5a';
const STATUS_CALLBACK = 'https://commpro.example/api/calls/webhooks/status?call=7';

const OUTBOUND = {
  from: '+14155552345' as E164,
  to: '+33612345678' as E164,
  conference: CONFERENCE,
  statusCallbackUrl: STATUS_CALLBACK,
  ringTimeoutSeconds: 30,
};

function options(apiBaseUrl: string): TwilioCarrierOptions {
  return {
    accountSid: TEST_ACCOUNT_SID,
    authToken: TEST_AUTH_TOKEN,
    apiKeySid: API_KEY_SID,
    apiKeySecret: API_KEY_SECRET,
    twimlAppSid: TWIML_APP_SID,
    apiBaseUrl,
  };
}

// The Twilio adapter is the whole carrier the app holds.
const asCarrier: (carrier: TwilioCarrier) => Carrier = (carrier) => carrier;

/**
 * Sits in front of Prism and asks it for the named example of a response:
 * Prism serves the first example (an empty list of conferences) otherwise.
 */
async function startExamplePicker(target: string, pick: (method: string, path: string) => string | undefined) {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const example = pick(req.method ?? 'GET', new URL(req.url ?? '/', 'http://picker').pathname);
      const headers: Record<string, string> = {};
      for (const name of ['authorization', 'content-type', 'accept']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      if (example) headers.prefer = `example=${example}`;
      const body = Buffer.concat(chunks);
      void fetch(`${target}${req.url}`, { method: req.method, headers, ...(body.length ? { body } : {}) })
        .then(async (upstream) => {
          res
            .writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' })
            .end(Buffer.from(await upstream.arrayBuffer()));
        })
        .catch((error: unknown) => res.writeHead(502).end(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('calls against Twilio’s OpenAPI document (Prism)', () => {
  let prism: PrismMock;
  let picker: { url: string; close(): Promise<void> };
  let carrier: TwilioCarrier;

  beforeAll(async () => {
    prism = await startPrism();
    console.info(`Prism listening after ${prism.startupMs} ms`);
    picker = await startExamplePicker(prism.url, (method, path) =>
      method === 'GET' && path === `${ACCOUNT}/Conferences.json` ? 'readNext' : undefined,
    );
    carrier = createTwilioCarrier(options(picker.url));
    expect(asCarrier(carrier).clientAudio).toBe('twilio');
  }, 30_000);

  afterAll(async () => {
    await picker?.close();
    await prism?.close();
  });

  beforeEach(() => {
    prism.requests.length = 0;
  });

  /** Accepted by Prism with no finding against Twilio's contract, with our credentials. */
  function expectContractKept(request: RecordedRequest, method: string, path: string) {
    expect(requestViolations(request), `${request.method} ${request.path}`).toEqual([]);
    expect(request.status).toBeLessThan(300);
    expect(`${request.method} ${request.path}`).toBe(`${method} ${path}`);
    expect(request.headers.authorization).toBe(BASIC);
  }

  it('startCall adds the callee to the conference by its name, and returns the callee’s call sid', async () => {
    const started = await carrier.startCall(OUTBOUND);
    expect(started).toEqual({ carrierCallId: `CA${'a'.repeat(32)}` });
    expect(prism.requests).toHaveLength(1);
    const request = prism.requests[0]!;
    expectContractKept(request, 'POST', `${ACCOUNT}/Conferences/${CONFERENCE}/Participants.json`);
    const { form } = request;
    expect(Object.fromEntries(form)).toMatchObject({
      From: OUTBOUND.from,
      To: OUTBOUND.to,
      Label: 'remote',
      Timeout: '30',
      StatusCallback: STATUS_CALLBACK,
      StatusCallbackMethod: 'POST',
      EndConferenceOnExit: 'true',
      EarlyMedia: 'true',
      Beep: 'false',
    });
    // Prism keeps only the last of repeated fields, so the events are checked here.
    expect(form.getAll('StatusCallbackEvent')).toEqual(['initiated', 'ringing', 'answered', 'completed']);
  });

  it('endCall completes the call by its sid', async () => {
    await expect(carrier.endCall(CALL_SID)).resolves.toBeUndefined();
    expect(prism.requests).toHaveLength(1);
    const request = prism.requests[0]!;
    expectContractKept(request, 'POST', `${ACCOUNT}/Calls/${CALL_SID}.json`);
    expect(Object.fromEntries(request.form)).toEqual({ Status: 'completed' });
  });

  it('updateParticipant finds the conference in progress by name, then holds the participant on its CF… path', async () => {
    await carrier.updateParticipant(CONFERENCE, CALL_SID, { hold: true });
    expect(prism.requests).toHaveLength(2);
    const [lookup, update] = prism.requests as [RecordedRequest, RecordedRequest];
    expectContractKept(lookup, 'GET', `${ACCOUNT}/Conferences.json`);
    expect(Object.fromEntries(lookup.query)).toEqual({
      FriendlyName: CONFERENCE,
      Status: 'in-progress',
      PageSize: '1',
    });
    expectContractKept(
      update,
      'POST',
      `${ACCOUNT}/Conferences/${EXAMPLE_CONFERENCE_SID}/Participants/${CALL_SID}.json`,
    );
    expect(Object.fromEntries(update.form)).toEqual({ Hold: 'true' });
  });

  it('updateParticipant sends only the changes given, false included', async () => {
    await carrier.updateParticipant(CONFERENCE, CALL_SID, { muted: false });
    expect(Object.fromEntries(prism.requests[1]!.form)).toEqual({ Muted: 'false' });
    prism.requests.length = 0;
    await carrier.updateParticipant(CONFERENCE, CALL_SID, { hold: false, muted: true });
    expectContractKept(
      prism.requests[1]!,
      'POST',
      `${ACCOUNT}/Conferences/${EXAMPLE_CONFERENCE_SID}/Participants/${CALL_SID}.json`,
    );
    expect(Object.fromEntries(prism.requests[1]!.form)).toEqual({ Hold: 'false', Muted: 'true' });
  });

  it('updateParticipant with no change asks nothing of Twilio', async () => {
    await carrier.updateParticipant(CONFERENCE, CALL_SID, { hold: undefined });
    expect(prism.requests).toHaveLength(0);
  });

  it('Prism refuses a participant update addressed by the conference’s name, which is why the adapter looks up its sid', async () => {
    const response = await fetch(`${prism.url}${ACCOUNT}/Conferences/${CONFERENCE}/Participants/${CALL_SID}.json`, {
      method: 'POST',
      headers: { authorization: BASIC, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Hold=true',
    });
    expect(response.status).toBe(422);
    const locations = requestViolations(prism.requests[0]!).map((v) => v.location.join('.'));
    expect(locations.length).toBeGreaterThan(0);
    expect(new Set(locations)).toEqual(new Set(['path.conferencesid']));
  });

  it('Prism refuses a participant without To, so the accepted requests above prove their shape', async () => {
    const response = await fetch(`${prism.url}${ACCOUNT}/Conferences/${CONFERENCE}/Participants.json`, {
      method: 'POST',
      headers: { authorization: BASIC, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ From: OUTBOUND.from, Label: 'remote' }).toString(),
    });
    expect(response.status).toBe(422);
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

/** A page of Conferences as the 2010 API lists it. */
function conferencePage(conferences: Array<{ sid: string; status: string }>): Answer {
  return {
    status: 200,
    body: {
      conferences: conferences.map((c) => ({ ...c, friendly_name: CONFERENCE, account_sid: TEST_ACCOUNT_SID })),
      first_page_uri: `${ACCOUNT}/Conferences.json?PageSize=1&Page=0`,
      next_page_uri: null,
      previous_page_uri: null,
      uri: `${ACCOUNT}/Conferences.json?PageSize=1&Page=0`,
      page: 0,
      page_size: 1,
      start: 0,
      end: conferences.length,
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<CarrierError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CarrierError);
  return error as CarrierError;
}

describe('call errors (Twilio-shaped error answers)', () => {
  let respond: (req: { method: string; path: string }) => Answer;
  let fake: RecordingServer;
  let carrier: TwilioCarrier;

  beforeAll(async () => {
    fake = await startFakeTwilio((req) => respond(req));
    carrier = createTwilioCarrier(options(fake.url));
  });

  afterAll(async () => {
    await fake?.close();
  });

  beforeEach(() => {
    fake.requests.length = 0;
  });

  const startCases: Array<[code: number, status: number, reason: CarrierErrorReason, retryable: boolean]> = [
    [21217, 400, 'INVALID_NUMBER', false],
    [21214, 400, 'RECIPIENT_UNREACHABLE', false],
    [21215, 400, 'RECIPIENT_UNREACHABLE', false],
    [21216, 400, 'RECIPIENT_UNREACHABLE', false],
    [21210, 400, 'SENDER_NOT_CAPABLE', false],
    [21212, 400, 'SENDER_NOT_CAPABLE', false],
    [20003, 401, 'AUTHENTICATION', false],
    [20429, 429, 'RATE_LIMITED', true],
    [20500, 500, 'UNAVAILABLE', true],
    [20503, 503, 'UNAVAILABLE', true],
    [99999, 400, 'UNAVAILABLE', true],
  ];

  for (const [code, status, reason, retryable] of startCases) {
    it(`startCall: ${code} (HTTP ${status}) → ${reason}, ${retryable ? 'worth retrying' : 'final'}`, async () => {
      respond = () => twilioError(code, status);
      const error = await failure(carrier.startCall(OUTBOUND));
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        `POST ${ACCOUNT}/Conferences/${CONFERENCE}/Participants.json`,
      ]);
      expect(error.reason).toBe(reason);
      expect(isRetryable(error)).toBe(retryable);
      expect(error.carrierCode).toBe(code);
      expect(error.message).not.toContain(TWILIO_WORDS);
      expect(error.message).not.toMatch(/twilio|text message/i);
      expect(String((error.cause as { message?: unknown }).message)).toContain(TWILIO_WORDS);
    });
  }

  it('startCall: a geo-permission refusal says calling that country is not enabled', async () => {
    respond = () => twilioError(21215, 400);
    expect((await failure(carrier.startCall(OUTBOUND))).message).toMatch(/country is not enabled/);
    respond = () => twilioError(21214, 400);
    expect((await failure(carrier.startCall(OUTBOUND))).message).not.toMatch(/country/);
  });

  it('startCall: an HTTP 429 without a code is RATE_LIMITED', async () => {
    respond = () => ({ status: 429, body: { message: TWILIO_WORDS, status: 429 } });
    const error = await failure(carrier.startCall(OUTBOUND));
    expect(error.reason).toBe('RATE_LIMITED');
    expect(error.carrierCode).toBeUndefined();
  });

  it('startCall: a non-JSON 502 from a proxy is UNAVAILABLE', async () => {
    respond = () => ({ status: 502, headers: { 'content-type': 'text/html' } });
    expect((await failure(carrier.startCall(OUTBOUND))).reason).toBe('UNAVAILABLE');
  });

  it('a carrier out of reach (connection refused) is UNAVAILABLE for every call request', async () => {
    const closed = await startFakeTwilio(() => ({ status: 500 }));
    const url = closed.url;
    await closed.close();
    const unreachable = createTwilioCarrier(options(url));
    expect((await failure(unreachable.startCall(OUTBOUND))).reason).toBe('UNAVAILABLE');
    expect((await failure(unreachable.endCall(CALL_SID))).reason).toBe('UNAVAILABLE');
    expect((await failure(unreachable.updateParticipant(CONFERENCE, CALL_SID, { hold: true }))).reason).toBe(
      'UNAVAILABLE',
    );
  });

  it('malformed account credentials fail call requests with AUTHENTICATION, before any request', async () => {
    const broken = createTwilioCarrier({ ...options(fake.url), accountSid: 'not-a-sid' });
    expect((await failure(broken.startCall(OUTBOUND))).reason).toBe('AUTHENTICATION');
    expect((await failure(broken.endCall(CALL_SID))).reason).toBe('AUTHENTICATION');
    expect((await failure(broken.updateParticipant(CONFERENCE, CALL_SID, { muted: true }))).reason).toBe(
      'AUTHENTICATION',
    );
    expect(fake.requests).toHaveLength(0);
  });

  it('endCall: a call Twilio does not know (404) is already over, not an error', async () => {
    respond = () => twilioError(20404, 404);
    await expect(carrier.endCall(CALL_SID)).resolves.toBeUndefined();
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${ACCOUNT}/Calls/${CALL_SID}.json`]);
  });

  it('endCall: a call no longer in progress (21220) is already over, not an error', async () => {
    respond = () => twilioError(21220, 400);
    await expect(carrier.endCall(CALL_SID)).resolves.toBeUndefined();
    expect(fake.requests).toHaveLength(1);
  });

  it.each([
    [20003, 401, 'AUTHENTICATION'],
    [20500, 500, 'UNAVAILABLE'],
    [20429, 429, 'RATE_LIMITED'],
  ] as const)('endCall: %s (HTTP %s) is still an error: %s', async (code, status, reason) => {
    respond = () => twilioError(code, status);
    const error = await failure(carrier.endCall(CALL_SID));
    expect(error.reason).toBe(reason);
    expect(error.carrierCode).toBe(code);
  });

  it('updateParticipant: no conference in progress under that name is NOT_FOUND, and nothing is updated', async () => {
    respond = () => conferencePage([]);
    const error = await failure(carrier.updateParticipant(CONFERENCE, CALL_SID, { hold: true }));
    expect(error.reason).toBe('NOT_FOUND');
    expect(isRetryable(error)).toBe(false);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${ACCOUNT}/Conferences.json`]);
    expect(fake.requests[0]!.query.get('FriendlyName')).toBe(CONFERENCE);
    expect(fake.requests[0]!.query.get('Status')).toBe('in-progress');
  });

  it('updateParticipant: a participant who already left (404) is NOT_FOUND', async () => {
    const sid = `CF${'e'.repeat(32)}`;
    respond = (req) =>
      req.method === 'GET' ? conferencePage([{ sid, status: 'in-progress' }]) : twilioError(20404, 404);
    const error = await failure(carrier.updateParticipant(CONFERENCE, CALL_SID, { muted: true }));
    expect(error.reason).toBe('NOT_FOUND');
    expect(error.carrierCode).toBe(20404);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${ACCOUNT}/Conferences.json`,
      `POST ${ACCOUNT}/Conferences/${sid}/Participants/${CALL_SID}.json`,
    ]);
  });

  it('updateParticipant: a failed lookup is UNAVAILABLE', async () => {
    respond = () => twilioError(20500, 500);
    const error = await failure(carrier.updateParticipant(CONFERENCE, CALL_SID, { hold: false }));
    expect(error.reason).toBe('UNAVAILABLE');
    expect(fake.requests).toHaveLength(1);
  });
});

describe('createVoiceToken', () => {
  let fake: RecordingServer;
  let carrier: TwilioCarrier;
  const key = new TextEncoder().encode(API_KEY_SECRET);

  beforeAll(async () => {
    fake = await startFakeTwilio(() => ({ status: 500 }));
    carrier = createTwilioCarrier(options(fake.url));
  });

  afterAll(async () => {
    await fake?.close();
  });

  it('signs an access token for the identity with the API key, allowing incoming calls and placing calls through the TwiML app', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { token, expiresAt } = await carrier.createVoiceToken('user_42', 3600);
    const { payload, protectedHeader } = await jwtVerify(token, key, { algorithms: ['HS256'] });
    expect(protectedHeader).toMatchObject({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' });
    expect(payload.iss).toBe(API_KEY_SID);
    expect(payload.sub).toBe(TEST_ACCOUNT_SID);
    expect(payload.grants).toEqual({
      identity: 'user_42',
      voice: { incoming: { allow: true }, outgoing: { application_sid: TWIML_APP_SID } },
    });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(expiresAt.getTime()).toBe(payload.exp! * 1000);
    // Only signing: Twilio is not asked anything.
    expect(fake.requests).toHaveLength(0);
  });

  it('does not verify with another secret', async () => {
    const { token } = await carrier.createVoiceToken('user_42', 600);
    await expect(
      jwtVerify(token, new TextEncoder().encode('some-other-secret'), { algorithms: ['HS256'] }),
    ).rejects.toThrow();
  });

  it('caps the lifetime at 24 hours, Twilio’s maximum', async () => {
    const { token, expiresAt } = await carrier.createVoiceToken('user_42', 7 * 86_400);
    const { payload } = await jwtVerify(token, key);
    expect(payload.exp! - payload.iat!).toBe(86_400);
    expect(expiresAt.getTime()).toBe(payload.exp! * 1000);
    expect(decodeProtectedHeader(token).alg).toBe('HS256');
  });

  it('keeps a 24-hour lifetime as asked, and drops a fraction of a second', async () => {
    const full = await jwtVerify((await carrier.createVoiceToken('u', 86_400)).token, key);
    expect(full.payload.exp! - full.payload.iat!).toBe(86_400);
    const fractional = await jwtVerify((await carrier.createVoiceToken('u', 90.7)).token, key);
    expect(fractional.payload.exp! - fractional.payload.iat!).toBe(90);
  });

  it.each([0, -5, 0.5, Number.NaN])(
    'refuses a lifetime of %s rather than let the SDK default to an hour',
    async (ttl) => {
      await expect(carrier.createVoiceToken('user_42', ttl)).rejects.toThrow(RangeError);
    },
  );
});
