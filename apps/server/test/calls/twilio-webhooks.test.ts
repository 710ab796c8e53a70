import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageRecords } from '../../src/modules/billing/billing.table.js';
import { calls } from '../../src/modules/calls/calls.table.js';
import { notifications } from '../../src/modules/notifications/notifications.table.js';
import { phoneNumbers } from '../../src/modules/numbers/numbers.table.js';
import { webhookLogs } from '../../src/platform/webhooks/webhook-logs.table.js';
import { createTwilioCarrier, signTwilioRequest } from '../../src/providers/carrier/twilio/twilio-carrier.js';
import { type Account, call, expectError, registerUser } from '../helpers/auth-flows.js';
import { callAction, getCall, initiateRequest, newCallSid, postWebhook } from '../helpers/calls-flows.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { readableNumber } from '../../src/modules/notifications/notification-text.js';

/*
 * The calls module's carrier webhooks with the real Twilio adapter: Twilio's
 * callbacks signed with the account's Auth Token, the TwiML we answer, what
 * the calls, notifications, usage and webhook log tables keep, and the REST
 * calls the adapter makes — served by a local stand-in for api.twilio.com
 * that records every request (REFERENCE.md §1, §3).
 */

const PUBLIC_URL = 'http://commpro.test';
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const ACCOUNT_SID = `AC${hex(16)}`;
const AUTH_TOKEN = `twilio-webhooks-auth-token-${hex(8)}`;
const API_KEY_SID = `SK${hex(16)}`;
const API_KEY_SECRET = `twilio-webhooks-api-key-secret-${hex(8)}`;
const TWIML_APP_SID = `AP${hex(16)}`;
/** The conference our stand-in reports in progress for any name asked. */
const CONFERENCE_SID = `CF${hex(16)}`;
const RING_TIMEOUT_SECONDS = 25;
const ACCOUNT_PATH = `/2010-04-01/Accounts/${ACCOUNT_SID}`;

const OUTSIDE = '+14155550142';

const VOICE = '/api/calls/webhooks/voice';
const STATUS = '/api/calls/webhooks/status';
const dialPath = (callId: string) => `/api/calls/webhooks/dial?callId=${callId}`;
const recordingPath = (callId: string) => `/api/calls/webhooks/recording?callId=${callId}`;
const voicemailPath = (callId: string) => `/api/calls/webhooks/voicemail?callId=${callId}`;

// --- A stand-in for api.twilio.com -------------------------------------------------------------

interface SeenRequest {
  method: string;
  /** Path relative to the account (`/Conferences.json`), without the query. */
  path: string;
  query: URLSearchParams;
  form: URLSearchParams;
  authorization: string | undefined;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}
function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Answers the requests the Twilio adapter makes, in Twilio's JSON shape, and
 * keeps them. `nextCallSids` chooses the sid the next participant gets;
 * `holdParticipants` keeps the next Participants.json answer back until
 * released (a slow Twilio); `liveConference=false` lists no conference.
 */
async function startFakeTwilio() {
  const seen: SeenRequest[] = [];
  const state = {
    liveConference: true,
    nextCallSids: [] as string[],
    gate: undefined as { arrived: Deferred; release: Deferred } | undefined,
  };

  async function answer(req: SeenRequest): Promise<{ status: number; body: unknown }> {
    if (req.method === 'GET' && req.path === '.json') {
      return { status: 200, body: { sid: ACCOUNT_SID, status: 'active' } };
    }
    if (req.method === 'POST' && /^\/Conferences\/[^/]+\/Participants\.json$/.test(req.path)) {
      const gate = state.gate;
      if (gate) {
        state.gate = undefined;
        gate.arrived.resolve();
        await gate.release.promise;
      }
      const sid = state.nextCallSids.shift() ?? newCallSid();
      return {
        status: 201,
        body: { account_sid: ACCOUNT_SID, call_sid: sid, conference_sid: CONFERENCE_SID, label: 'remote' },
      };
    }
    if (req.method === 'GET' && req.path === '/Conferences.json') {
      const conferences = state.liveConference
        ? [{ sid: CONFERENCE_SID, friendly_name: req.query.get('FriendlyName'), status: 'in-progress' }]
        : [];
      return {
        status: 200,
        body: {
          conferences,
          start: 0,
          end: conferences.length,
          page: 0,
          page_size: 1,
          first_page_uri: `${ACCOUNT_PATH}/Conferences.json`,
          next_page_uri: null,
          previous_page_uri: null,
          uri: `${ACCOUNT_PATH}/Conferences.json`,
        },
      };
    }
    const participant = /^\/Conferences\/(CF\w+)\/Participants\/(CA\w+)\.json$/.exec(req.path);
    if (req.method === 'POST' && participant) {
      return {
        status: 200,
        body: {
          account_sid: ACCOUNT_SID,
          conference_sid: participant[1],
          call_sid: participant[2],
          muted: req.form.get('Muted') === 'true',
          hold: req.form.get('Hold') === 'true',
        },
      };
    }
    const callUpdate = /^\/Calls\/(CA\w+)\.json$/.exec(req.path);
    if (req.method === 'POST' && callUpdate) {
      return { status: 200, body: { sid: callUpdate[1], status: 'completed' } };
    }
    return { status: 404, body: { code: 20404, message: 'The requested resource was not found', status: 404 } };
  }

  const server = http.createServer((incoming, res) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://fake-twilio');
      const req: SeenRequest = {
        method: incoming.method ?? 'GET',
        path: url.pathname.startsWith(ACCOUNT_PATH) ? url.pathname.slice(ACCOUNT_PATH.length) : url.pathname,
        query: url.searchParams,
        form: new URLSearchParams(Buffer.concat(chunks).toString('utf8')),
        authorization: incoming.headers.authorization,
      };
      seen.push(req);
      void answer(req).then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    state,
    /** The next Participants.json request waits: resolves `arrived` when it comes, answers on `release()`. */
    holdParticipants() {
      const gate = { arrived: deferred(), release: deferred() };
      state.gate = gate;
      return { arrived: gate.arrived.promise, release: gate.release.resolve };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// --- The app, on the Twilio carrier --------------------------------------------------------------

let t: TestApp;
let twilio: Awaited<ReturnType<typeof startFakeTwilio>>;

beforeAll(async () => {
  twilio = await startFakeTwilio();
  const carrier = createTwilioCarrier({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    apiKeySid: API_KEY_SID,
    apiKeySecret: API_KEY_SECRET,
    twimlAppSid: TWIML_APP_SID,
    apiBaseUrl: twilio.url,
  });
  t = await createTestApp({
    carrier,
    env: { CALL_RING_TIMEOUT_SECONDS: String(RING_TIMEOUT_SECONDS), CALLS_PER_MINUTE: '1000' },
  });
});
afterAll(async () => {
  await t?.close();
  await twilio?.close();
});

/** The Voice SDK identity Twilio knows a user by (written out here, not borrowed from the server). */
const identityOf = (userId: string) => `u_${userId.replaceAll('-', '')}`;

let lineCounter = 0;
/** An ACTIVE line held by the user, as a purchase through Twilio leaves it. */
async function addLine(userId: string, status: 'ACTIVE' | 'SUSPENDED' = 'ACTIVE'): Promise<string> {
  lineCounter += 1;
  // French mobiles, unique within this file's database.
  const number = `+336100${String(lineCounter).padStart(5, '0')}`;
  await t.database.handle.db.insert(phoneNumbers).values({
    userId,
    phoneNumber: number,
    countryCode: 'FR',
    numberType: 'MOBILE',
    carrierSid: `PN${hex(16)}`,
    capabilities: { voice: true, sms: true, mms: true },
    status,
    monthlyCost: 1,
  });
  return number;
}

async function userWithLine(): Promise<{ user: Account; line: string }> {
  const user = await registerUser(t);
  return { user, line: await addLine(user.id) };
}

/** Minutes the user already spent this month (by the app's clock). */
async function useMinutes(userId: string, minutes: number) {
  const now = t.clock.now;
  await t.database.handle.db.insert(usageRecords).values({
    userId,
    type: 'CALL_MINUTES',
    quantity: minutes,
    unitCost: 0,
    totalCost: 0,
    periodStart: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
    periodEnd: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)),
  });
}

/** A webhook signed as Twilio signs it: over PUBLIC_URL + path (with its query) and the form parameters. */
function signed(path: string, params: Record<string, string>) {
  return postWebhook(t, path, params, signTwilioRequest(AUTH_TOKEN, `${PUBLIC_URL}${path}`, params));
}

const callRowsOf = (userId: string) =>
  t.database.handle.db.select().from(calls).where(eq(calls.userId, userId)).orderBy(calls.createdAt);
const callRowBySid = (sid: string) =>
  t.database.handle.db
    .select()
    .from(calls)
    .where(eq(calls.carrierCallSid, sid))
    .then((rows) => rows[0]);
const callRowById = (id: string) =>
  t.database.handle.db
    .select()
    .from(calls)
    .where(eq(calls.id, id))
    .then((rows) => rows[0]!);
const notificationsOf = (userId: string, type: 'CALL_MISSED' | 'VOICEMAIL') =>
  t.database.handle.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.type, type)));
const minuteUsageOf = (userId: string) =>
  t.database.handle.db
    .select()
    .from(usageRecords)
    .where(and(eq(usageRecords.userId, userId), eq(usageRecords.type, 'CALL_MINUTES')))
    // Calls' own charges only, not the minutes a test spent beforehand.
    .then((rows) => rows.filter((row) => row.callId !== null));
const logsFor = (externalId: string) =>
  t.database.handle.db
    .select()
    .from(webhookLogs)
    .where(eq(webhookLogs.externalId, externalId))
    .orderBy(webhookLogs.createdAt);

/** The attributes of the first `<tag …>` in a TwiML document (xmlbuilder escapes `&`, `"`, `<`). */
function attributesOf(xml: string, tag: string): Record<string, string> | undefined {
  const match = new RegExp(`<${tag}(\\s[^>]*?)?/?>`).exec(xml);
  if (!match) return undefined;
  const attributes: Record<string, string> = {};
  for (const [, name, value] of (match[1] ?? '').matchAll(/([\w:-]+)="([^"]*)"/g)) {
    attributes[name!] = value!.replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&amp;', '&');
  }
  return attributes;
}
const textOf = (xml: string, tag: string) => new RegExp(`<${tag}[^>]*>([^<]*)</${tag}>`).exec(xml)?.[1];

/** An outside caller's call to one of our lines, as Twilio posts it to the number's Voice URL. */
function inboundParams(sid: string, to: string, from = OUTSIDE): Record<string, string> {
  return {
    AccountSid: ACCOUNT_SID,
    ApiVersion: '2010-04-01',
    CallSid: sid,
    CallStatus: 'ringing',
    Direction: 'inbound',
    From: from,
    To: to,
  };
}

/** A call placed from the user's app (Voice SDK): Twilio posts it to the TwiML app's Voice URL. */
function appParams(userId: string, extra: Record<string, string>): Record<string, string> {
  return {
    AccountSid: ACCOUNT_SID,
    ApplicationSid: TWIML_APP_SID,
    ApiVersion: '2010-04-01',
    CallSid: newCallSid(),
    CallStatus: 'ringing',
    Direction: 'inbound',
    From: `client:${identityOf(userId)}`,
    Caller: `client:${identityOf(userId)}`,
    ...extra,
  };
}

function statusParams(sid: string, status: string, extra: Record<string, string> = {}): Record<string, string> {
  return { AccountSid: ACCOUNT_SID, ApiVersion: '2010-04-01', CallSid: sid, CallStatus: status, ...extra };
}

/** An inbound call ringing the owner's apps. */
async function ringingInbound() {
  const { user, line } = await userWithLine();
  const sid = newCallSid();
  const res = await signed(VOICE, inboundParams(sid, line));
  expect(res.statusCode, res.body).toBe(200);
  const row = await callRowBySid(sid);
  expect(row?.status).toBe('RINGING');
  return { user, line, sid, callId: row!.id };
}

/** An outbound call placed through the API; the callee's carrier sid is the one Twilio's stand-in gave. */
async function placedOutbound(user: Account, line: string, to = OUTSIDE) {
  const res = await initiateRequest(t, user.accessToken, { from: line, to });
  expect(res.statusCode, res.body).toBe(201);
  const { callId, twilioCallSid } = res.json() as { callId: string; twilioCallSid: string };
  expect(twilioCallSid).toMatch(/^CA[0-9a-f]{32}$/);
  return { callId, carrierSid: twilioCallSid };
}

/** An outbound call the user's app sits in (its leg `appSid`), with the callee answered. */
async function connectedOutbound() {
  const { user, line } = await userWithLine();
  const { callId, carrierSid } = await placedOutbound(user, line);
  const appSid = newCallSid();
  const joined = await signed(VOICE, appParams(user.id, { CallSid: appSid, callId }));
  expect(joined.body).toContain('<Conference');
  await signed(STATUS, statusParams(carrierSid, 'in-progress'));
  expect((await getCall(t, user.accessToken, callId)).status).toBe('IN_PROGRESS');
  return { user, line, callId, carrierSid, appSid };
}

// --- 1. Inbound calls ---------------------------------------------------------------------------

describe('an outside call to a user’s line (POST /webhooks/voice)', () => {
  it('rings the owner’s apps through <Dial><Client>, the outcome going to the dial action; stored INBOUND RINGING', async () => {
    const { user, line } = await userWithLine();
    const sid = newCallSid();
    const res = await signed(VOICE, inboundParams(sid, line));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);

    const [row] = await callRowsOf(user.id);
    expect(row).toMatchObject({
      direction: 'INBOUND',
      status: 'RINGING',
      audio: 'CARRIER',
      carrierCallSid: sid,
      fromNumber: OUTSIDE,
      toNumber: line,
    });
    expect(attributesOf(res.body, 'Dial')).toEqual({
      action: `${PUBLIC_URL}/api/calls/webhooks/dial?callId=${row!.id}`,
      method: 'POST',
      timeout: String(RING_TIMEOUT_SECONDS),
      answerOnBridge: 'true',
      // The user's app shows who is calling.
      callerId: OUTSIDE,
    });
    // The app's leg reports its answer to the status route (see "the <Client> leg" below).
    expect(attributesOf(res.body, 'Client')).toEqual({
      statusCallbackEvent: 'initiated ringing answered completed',
      statusCallback: `${PUBLIC_URL}${STATUS}`,
    });
    expect(textOf(res.body, 'Identity')).toBe(identityOf(user.id));
    expect(res.body).not.toContain('<Reject');

    expect(await getCall(t, user.accessToken, row!.id)).toMatchObject({
      direction: 'INBOUND',
      status: 'RINGING',
      from: OUTSIDE,
      to: line,
      missed: null,
    });
    const [log] = await logsFor(sid);
    expect(log).toMatchObject({ source: 'twilio', eventType: 'call.voice', statusCode: 200, processed: true });
  });

  it('the same webhook retried by Twilio, one after another or at once: one call, the same <Dial> every time', async () => {
    const { user, line } = await userWithLine();
    const params = inboundParams(newCallSid(), line);
    const first = await signed(VOICE, params);
    const retries = [await signed(VOICE, params), ...(await Promise.all([1, 2].map(() => signed(VOICE, params))))];

    const rows = await callRowsOf(user.id);
    expect(rows).toHaveLength(1);
    for (const retry of retries) {
      expect(retry.statusCode).toBe(200);
      expect(attributesOf(retry.body, 'Dial')?.action).toBe(attributesOf(first.body, 'Dial')?.action);
      expect(attributesOf(retry.body, 'Dial')?.action).toContain(rows[0]!.id);
    }
    // Each delivery is still logged, for debugging.
    expect(await logsFor(params.CallSid!)).toHaveLength(4);
  });

  it('a call to a number that is no active line here is rejected unanswered, and nothing is stored', async () => {
    const holder = await registerUser(t);
    const suspended = await addLine(holder.id, 'SUSPENDED');
    for (const to of ['+33699999999', suspended]) {
      const sid = newCallSid();
      const res = await signed(VOICE, inboundParams(sid, to));
      expect(res.statusCode, res.body).toBe(200);
      // <Reject> rather than an answered "not in service": Twilio bills nothing for it.
      expect(attributesOf(res.body, 'Reject')).toEqual({ reason: 'rejected' });
      expect(res.body).not.toContain('<Dial');
      expect(await callRowBySid(sid)).toBeUndefined();
    }
    expect(await callRowsOf(holder.id)).toEqual([]);
  });

  it('a FREE owner whose 50 minutes are spent: busy, and a missed call saying why', async () => {
    const { user, line } = await userWithLine();
    await useMinutes(user.id, 50);
    const sid = newCallSid();
    const res = await signed(VOICE, inboundParams(sid, line));
    expect(res.statusCode, res.body).toBe(200);
    expect(attributesOf(res.body, 'Reject')).toEqual({ reason: 'busy' });
    expect(res.body).not.toContain('<Dial');

    const row = await callRowBySid(sid);
    expect(await getCall(t, user.accessToken, row!.id)).toMatchObject({
      direction: 'INBOUND',
      status: 'BUSY',
      missed: { reason: 'PLAN_LIMIT', message: expect.stringMatching(/minutes/) },
      durationSeconds: 0,
    });
    expect(await notificationsOf(user.id, 'CALL_MISSED')).toHaveLength(1);
    // A retry of the same webhook is still busy, and adds no second missed call.
    const retry = await signed(VOICE, inboundParams(sid, line));
    expect(attributesOf(retry.body, 'Reject')).toEqual({ reason: 'busy' });
    expect(await notificationsOf(user.id, 'CALL_MISSED')).toHaveLength(1);
  });

  it('a FREE owner with one minute left still gets the call (an outbound call is allowed at the same point)', async () => {
    const { user, line } = await userWithLine();
    await useMinutes(user.id, 49);
    const sid = newCallSid();
    const res = await signed(VOICE, inboundParams(sid, line));
    expect(res.statusCode, res.body).toBe(200);
    // The call being received is the 50th minute; it must not count twice against the allowance.
    expect(res.body).toContain('<Dial');
    expect((await callRowBySid(sid))?.status).toBe('RINGING');
  });
});

// --- 2. Answered ----------------------------------------------------------------------------------

describe('the <Client> leg answers, then the dial action ends the call', () => {
  it('the app’s answer makes the call IN_PROGRESS; the dial action completes it, billed per started minute', async () => {
    const { user, sid, callId } = await ringingInbound();
    const appLeg = newCallSid();
    // The app's leg is a child of the inbound call: its callbacks name the parent.
    for (const status of ['initiated', 'ringing']) {
      await signed(STATUS, statusParams(appLeg, status, { ParentCallSid: sid, Direction: 'outbound-dial' }));
    }
    expect((await getCall(t, user.accessToken, callId)).status).toBe('RINGING');

    t.clock.advance(4_000);
    const answered = await signed(
      STATUS,
      statusParams(appLeg, 'in-progress', { ParentCallSid: sid, Direction: 'outbound-dial' }),
    );
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json()).toEqual({ success: true });
    expect(await getCall(t, user.accessToken, callId)).toMatchObject({
      status: 'IN_PROGRESS',
      answeredAt: t.clock.now.toISOString(),
    });
    expect((await callRowById(callId)).clientCallSid).toBe(appLeg);

    t.clock.advance(75_000);
    const res = await signed(dialPath(callId), {
      AccountSid: ACCOUNT_SID,
      CallSid: sid,
      DialCallSid: appLeg,
      DialCallStatus: 'completed',
      DialCallDuration: '75',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    // Nothing more to do: Twilio hangs up.
    expect(res.body).toMatch(/<Response\/>$/);

    expect(await getCall(t, user.accessToken, callId)).toMatchObject({
      status: 'COMPLETED',
      durationSeconds: 75,
      billableDurationSeconds: 120,
      missed: null,
      endedAt: t.clock.now.toISOString(),
    });
    const usage = await minuteUsageOf(user.id);
    expect(usage.map((u) => [u.quantity, u.callId])).toEqual([[2, callId]]);
    expect(await notificationsOf(user.id, 'CALL_MISSED')).toEqual([]);

    // The parent's own "completed" comes last; the call is over already and is charged once.
    await signed(STATUS, statusParams(sid, 'completed', { CallDuration: '80' }));
    await signed(STATUS, statusParams(appLeg, 'completed', { ParentCallSid: sid, CallDuration: '75' }));
    expect((await getCall(t, user.accessToken, callId)).durationSeconds).toBe(75);
    expect(await minuteUsageOf(user.id)).toHaveLength(1);
  });
});

// --- 3. Unanswered: voicemail ------------------------------------------------------------------

describe('an inbound call nobody answers goes to voicemail', () => {
  function dialEnded(callId: string, sid: string, status: string) {
    return signed(dialPath(callId), { AccountSid: ACCOUNT_SID, CallSid: sid, DialCallStatus: status });
  }

  it('no answer: NO_ANSWER missed as not answered, a notification, and the voicemail TwiML', async () => {
    const { user, sid, callId } = await ringingInbound();
    const res = await dialEnded(callId, sid, 'no-answer');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);

    expect(textOf(res.body, 'Say')).toMatch(/leave a message/i);
    expect(attributesOf(res.body, 'Record')).toMatchObject({
      action: `${PUBLIC_URL}${voicemailPath(callId)}`,
      recordingStatusCallback: `${PUBLIC_URL}${recordingPath(callId)}`,
      maxLength: '120',
      playBeep: 'true',
    });
    // The greeting comes before the recording.
    expect(res.body.indexOf('<Say')).toBeLessThan(res.body.indexOf('<Record'));

    expect(await getCall(t, user.accessToken, callId)).toMatchObject({
      status: 'NO_ANSWER',
      missed: { reason: 'NOT_ANSWERED' },
      durationSeconds: 0,
    });
    const [notification] = await notificationsOf(user.id, 'CALL_MISSED');
    expect(notification).toMatchObject({ title: `Missed call from ${readableNumber(OUTSIDE)}` });
    expect(notification!.data).toMatchObject({ callId, from: OUTSIDE, reason: 'NOT_ANSWERED' });
    // Nothing was connected: nothing charged.
    expect(await minuteUsageOf(user.id)).toEqual([]);
  });

  it('declined in the app (busy): BUSY missed as declined, and voicemail all the same', async () => {
    const { user, sid, callId } = await ringingInbound();
    const res = await dialEnded(callId, sid, 'busy');
    expect(res.body).toContain('<Record');
    expect(await getCall(t, user.accessToken, callId)).toMatchObject({
      status: 'BUSY',
      missed: { reason: 'DECLINED' },
    });
    expect(await notificationsOf(user.id, 'CALL_MISSED')).toHaveLength(1);
  });

  it('the recording: kept on the call and the owner told once; the <Record> action then says goodbye', async () => {
    const { user, sid, callId } = await ringingInbound();
    await dialEnded(callId, sid, 'no-answer');
    const recordingUrl = `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/RE${hex(16)}`;
    const params = {
      AccountSid: ACCOUNT_SID,
      CallSid: sid,
      RecordingSid: `RE${hex(16)}`,
      RecordingUrl: recordingUrl,
      RecordingStatus: 'completed',
      RecordingDuration: '12',
    };
    const res = await signed(recordingPath(callId), params);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ success: true });

    expect((await getCall(t, user.accessToken, callId)).recordingUrl).toBe(recordingUrl);
    const [voicemail] = await notificationsOf(user.id, 'VOICEMAIL');
    expect(voicemail).toMatchObject({ title: `Voicemail from ${readableNumber(OUTSIDE)}` });
    expect(voicemail!.data).toMatchObject({ callId, from: OUTSIDE, durationSeconds: 12 });

    // Twilio retries: still one voicemail.
    await signed(recordingPath(callId), params);
    expect(await notificationsOf(user.id, 'VOICEMAIL')).toHaveLength(1);

    const done = await signed(voicemailPath(callId), {
      AccountSid: ACCOUNT_SID,
      CallSid: sid,
      RecordingUrl: recordingUrl,
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(textOf(done.body, 'Say')).toMatch(/goodbye/i);
    expect(done.body).toContain('<Hangup/>');
  });

  it('a recording URL that is not https is ignored: the app would fetch it in clear or from anywhere', async () => {
    const { user, sid, callId } = await ringingInbound();
    await dialEnded(callId, sid, 'no-answer');
    for (const url of ['http://api.twilio.com/Recordings/RE1', 'javascript:alert(1)', '']) {
      const res = await signed(recordingPath(callId), {
        AccountSid: ACCOUNT_SID,
        CallSid: sid,
        RecordingUrl: url,
        RecordingDuration: '5',
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    expect((await getCall(t, user.accessToken, callId)).recordingUrl).toBeNull();
    expect(await notificationsOf(user.id, 'VOICEMAIL')).toEqual([]);
  });
});

// --- 4. The caller gives up ------------------------------------------------------------------------

describe('the caller hangs up while it rings', () => {
  it('the inbound call’s own completed callback, never answered: CANCELLED, missed as the caller hung up', async () => {
    const { user, sid, callId } = await ringingInbound();
    const res = await signed(STATUS, statusParams(sid, 'completed', { CallDuration: '9', Direction: 'inbound' }));
    expect(res.statusCode, res.body).toBe(200);
    expect(await getCall(t, user.accessToken, callId)).toMatchObject({
      status: 'CANCELLED',
      missed: { reason: 'CALLER_HUNG_UP' },
      durationSeconds: 0,
    });
    const [notification] = await notificationsOf(user.id, 'CALL_MISSED');
    expect(notification!.data).toMatchObject({ callId, reason: 'CALLER_HUNG_UP' });
    expect(await minuteUsageOf(user.id)).toEqual([]);

    // The dial action that follows changes nothing and tells the owner nothing new.
    await signed(dialPath(callId), { AccountSid: ACCOUNT_SID, CallSid: sid, DialCallStatus: 'no-answer' });
    expect((await getCall(t, user.accessToken, callId)).missed?.reason).toBe('CALLER_HUNG_UP');
    expect(await notificationsOf(user.id, 'CALL_MISSED')).toHaveLength(1);
  });
});

// --- 5. Calls placed from the app ------------------------------------------------------------------

describe('a call placed from the app (TwiML app Voice URL)', () => {
  it('from the user’s own line: stored OUTBOUND, the app joins the call’s conference, and Twilio is asked to add the callee', async () => {
    const { user, line } = await userWithLine();
    const mark = twilio.seen.length;
    const params = appParams(user.id, { To: OUTSIDE, CallerId: line });
    const res = await signed(VOICE, params);
    expect(res.statusCode, res.body).toBe(200);

    const [row] = await callRowsOf(user.id);
    expect(row).toMatchObject({
      direction: 'OUTBOUND',
      audio: 'CARRIER',
      fromNumber: line,
      toNumber: OUTSIDE,
      clientCallSid: params.CallSid,
    });
    expect(row!.carrierCallSid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(row!.carrierCallSid).not.toBe(params.CallSid);

    expect(textOf(res.body, 'Conference')).toBe(`call-${row!.id}`);
    expect(res.body).toMatch(/<Dial><Conference /);
    expect(attributesOf(res.body, 'Conference')).toMatchObject({
      startConferenceOnEnter: 'true',
      endConferenceOnExit: 'true',
      statusCallback: `${PUBLIC_URL}${STATUS}`,
    });

    const added = twilio.seen.slice(mark).filter((r) => r.method === 'POST' && r.path.endsWith('/Participants.json'));
    expect(added).toHaveLength(1);
    expect(added[0]!.path).toBe(`/Conferences/call-${row!.id}/Participants.json`);
    expect(added[0]!.form.get('From')).toBe(line);
    expect(added[0]!.form.get('To')).toBe(OUTSIDE);
    expect(added[0]!.form.get('StatusCallback')).toBe(`${PUBLIC_URL}${STATUS}`);
    expect(added[0]!.form.get('Timeout')).toBe(String(RING_TIMEOUT_SECONDS));
    expect(added[0]!.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`);
  });

  it('the same webhook retried by Twilio places the call once (one call stored, the callee dialled once)', async () => {
    const { user, line } = await userWithLine();
    const params = appParams(user.id, { To: OUTSIDE, CallerId: line });
    const mark = twilio.seen.length;
    const first = await signed(VOICE, params);
    const retry = await signed(VOICE, params);
    expect(retry.statusCode, retry.body).toBe(200);
    expect(textOf(retry.body, 'Conference')).toBe(textOf(first.body, 'Conference'));
    expect(await callRowsOf(user.id)).toHaveLength(1);
    expect(twilio.seen.slice(mark).filter((r) => r.path.endsWith('/Participants.json'))).toHaveLength(1);
  });

  it('refuses a caller ID that is not one of the user’s lines: an announcement, a hang-up, nothing placed', async () => {
    const { user } = await userWithLine();
    const other = await userWithLine();
    for (const callerId of [other.line, 'not a number', '']) {
      const mark = twilio.seen.length;
      const res = await signed(VOICE, appParams(user.id, { To: OUTSIDE, CallerId: callerId }));
      expect(res.statusCode, res.body).toBe(200);
      expect(textOf(res.body, 'Say')?.length).toBeGreaterThan(0);
      expect(res.body).toContain('<Hangup/>');
      expect(res.body).not.toContain('<Dial');
      expect(twilio.seen.slice(mark)).toEqual([]);
    }
    expect(await callRowsOf(user.id)).toEqual([]);
    expect(await callRowsOf(other.user.id)).toEqual([]);
  });

  it('refuses an app identity that is not one of our users', async () => {
    const { line } = await userWithLine();
    const mark = twilio.seen.length;
    // Not our identity format at all: Twilio would only send it for a token we did not sign.
    const foreign = await signed(VOICE, {
      ...appParams(crypto.randomUUID(), { To: OUTSIDE, CallerId: line }),
      From: 'client:alice',
    });
    expect(attributesOf(foreign.body, 'Reject')).toEqual({ reason: 'rejected' });
    // Our format, but no such user (an account deleted while its token lives on).
    const ghost = await signed(VOICE, appParams(crypto.randomUUID(), { To: OUTSIDE, CallerId: line }));
    expect(ghost.statusCode, ghost.body).toBe(200);
    expect(ghost.body).not.toContain('<Dial');
    expect(ghost.body).toMatch(/<Reject|<Hangup\/>/);
    expect(twilio.seen.slice(mark)).toEqual([]);
  });

  it('the app joining a call it placed through the API gets that call’s conference; nobody else’s', async () => {
    const { user, line } = await userWithLine();
    const { callId } = await placedOutbound(user, line);
    const mark = twilio.seen.length;
    const appSid = newCallSid();
    const res = await signed(VOICE, appParams(user.id, { CallSid: appSid, callId }));
    expect(res.statusCode, res.body).toBe(200);
    expect(textOf(res.body, 'Conference')).toBe(`call-${callId}`);
    expect((await callRowById(callId)).clientCallSid).toBe(appSid);
    // The callee was added when the call was placed; joining adds nobody.
    expect(twilio.seen.slice(mark)).toEqual([]);
    expect(await callRowsOf(user.id)).toHaveLength(1);

    const intruder = await userWithLine();
    const stolen = await signed(VOICE, appParams(intruder.user.id, { callId }));
    expect(attributesOf(stolen.body, 'Reject')).toEqual({ reason: 'rejected' });
    expect((await callRowById(callId)).clientCallSid).toBe(appSid);
    for (const bogus of ['not-a-uuid', crypto.randomUUID()]) {
      const res2 = await signed(VOICE, appParams(user.id, { callId: bogus }));
      expect(attributesOf(res2.body, 'Reject')).toEqual({ reason: 'rejected' });
    }
  });

  it('the app cannot rejoin a call that is over', async () => {
    const { user, line } = await userWithLine();
    const { callId } = await placedOutbound(user, line);
    expect((await callAction(t, user.accessToken, callId, 'hangup')).statusCode).toBe(200);
    const res = await signed(VOICE, appParams(user.id, { callId }));
    expect(attributesOf(res.body, 'Reject')).toEqual({ reason: 'rejected' });
  });
});

// --- 6. Status callbacks on an outbound call ------------------------------------------------------

describe('status callbacks on an outbound call only move it forward', () => {
  it('ringing, in-progress, completed apply; a late ringing and a repeated completed change and charge nothing', async () => {
    const { user, line } = await userWithLine();
    const { callId, carrierSid } = await placedOutbound(user, line);

    await signed(STATUS, statusParams(carrierSid, 'ringing'));
    expect((await getCall(t, user.accessToken, callId)).status).toBe('RINGING');
    t.clock.advance(3_000);
    await signed(STATUS, statusParams(carrierSid, 'in-progress'));
    const answeredAt = t.clock.now.toISOString();
    expect(await getCall(t, user.accessToken, callId)).toMatchObject({ status: 'IN_PROGRESS', answeredAt });
    t.clock.advance(30_000);
    await signed(STATUS, statusParams(carrierSid, 'completed', { CallDuration: '30' }));
    const completed = await getCall(t, user.accessToken, callId);
    expect(completed).toMatchObject({
      status: 'COMPLETED',
      answeredAt,
      durationSeconds: 30,
      billableDurationSeconds: 60,
      missed: null,
    });

    t.clock.advance(1_000);
    for (const late of ['ringing', 'in-progress']) {
      const res = await signed(STATUS, statusParams(carrierSid, late));
      expect(res.statusCode).toBe(200);
    }
    await signed(STATUS, statusParams(carrierSid, 'completed', { CallDuration: '30' }));
    expect(await getCall(t, user.accessToken, callId)).toEqual(completed);
    expect((await minuteUsageOf(user.id)).map((u) => u.quantity)).toEqual([1]);
    // Every callback was accepted and is done with.
    const logs = await logsFor(carrierSid);
    expect(logs).toHaveLength(6);
    expect(logs.every((l) => l.statusCode === 200 && l.processed)).toBe(true);
  });

  it('callbacks that arrive before Twilio has answered with the call’s sid are kept, then applied in order', async () => {
    const { user, line } = await userWithLine();
    const sid = newCallSid();
    twilio.state.nextCallSids.push(sid);
    const slow = twilio.holdParticipants();
    const placing = initiateRequest(t, user.accessToken, { from: line, to: OUTSIDE });
    await slow.arrived;

    // Twilio is already ringing the callee and reporting it while our request still waits for its answer.
    expect((await signed(STATUS, statusParams(sid, 'ringing'))).statusCode).toBe(200);
    t.clock.advance(2_000);
    expect((await signed(STATUS, statusParams(sid, 'in-progress'))).statusCode).toBe(200);
    const waiting = await logsFor(sid);
    expect(waiting.map((l) => [l.statusCode, l.processed])).toEqual([
      [200, false],
      [200, false],
    ]);
    expect(await callRowBySid(sid)).toBeUndefined();

    slow.release();
    const res = await placing;
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ twilioCallSid: sid, status: 'IN_PROGRESS' });
    expect(await getCall(t, user.accessToken, res.json().callId)).toMatchObject({
      status: 'IN_PROGRESS',
      answeredAt: t.clock.now.toISOString(),
    });
    expect((await logsFor(sid)).every((l) => l.processed)).toBe(true);
  });

  it('a callback for a call sid we do not know: 200 to Twilio, logged unprocessed for later', async () => {
    const sid = newCallSid();
    const res = await signed(STATUS, statusParams(sid, 'completed', { CallDuration: '12' }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ success: true });
    const [log] = await logsFor(sid);
    expect(log).toMatchObject({ eventType: 'call.status', statusCode: 200, processed: false });
    expect(await callRowBySid(sid)).toBeUndefined();
  });
});

// --- 7. Forged webhooks ----------------------------------------------------------------------------

describe('only Twilio’s signed webhooks are trusted', () => {
  it('every route refuses an unsigned or forged call: 403 in the error model, one log row, nothing changed', async () => {
    const { user, line, callId } = await ringingInbound();
    const before = await callRowById(callId);
    const cases: { path: string; eventType: string; params: Record<string, string> }[] = [
      { path: VOICE, eventType: 'call.voice', params: inboundParams(newCallSid(), line) },
      { path: STATUS, eventType: 'call.status', params: statusParams(newCallSid(), 'completed') },
      {
        path: dialPath(callId),
        eventType: 'call.dial',
        params: { CallSid: newCallSid(), DialCallStatus: 'no-answer' },
      },
      {
        path: recordingPath(callId),
        eventType: 'call.recording',
        params: { CallSid: newCallSid(), RecordingUrl: 'https://api.twilio.com/forged', RecordingDuration: '3' },
      },
      { path: voicemailPath(callId), eventType: 'call.voicemail', params: { CallSid: newCallSid() } },
    ];
    for (const { path, eventType, params } of cases) {
      const wrongKey = signTwilioRequest('not-our-auth-token', `${PUBLIC_URL}${path}`, params);
      for (const signature of [undefined, wrongKey, '']) {
        const res = await postWebhook(t, path, params, signature);
        expect(res.statusCode, `${path} ${signature}`).toBe(403);
        expect(res.json()).toEqual({ error: expect.any(String), code: 'FORBIDDEN', requestId: expect.any(String) });
        expectError(res, 403, 'FORBIDDEN');
      }
      const logs = await logsFor(params.CallSid!);
      expect(logs.map((l) => [l.eventType, l.statusCode, l.processed])).toEqual([
        [eventType, 403, false],
        [eventType, 403, false],
        [eventType, 403, false],
      ]);
    }
    // The forged hang-up, no-answer and voicemail did nothing: the call rings on.
    expect(await callRowById(callId)).toEqual(before);
    expect(await callRowsOf(user.id)).toHaveLength(1);
    expect(await notificationsOf(user.id, 'CALL_MISSED')).toEqual([]);
    expect(await notificationsOf(user.id, 'VOICEMAIL')).toEqual([]);
    expect(await callRowBySid(cases[0]!.params.CallSid!)).toBeUndefined();
  });

  it('a genuine signature for another URL or other parameters is refused', async () => {
    const { user, sid, callId } = await ringingInbound();
    const other = await ringingInbound();
    const params = { AccountSid: ACCOUNT_SID, CallSid: sid, DialCallStatus: 'no-answer' };
    const attempts = [
      // Signed without the query string, which names the call.
      signTwilioRequest(AUTH_TOKEN, `${PUBLIC_URL}/api/calls/webhooks/dial`, params),
      // Signed for another call's dial action, replayed against this one.
      signTwilioRequest(AUTH_TOKEN, `${PUBLIC_URL}${dialPath(other.callId)}`, params),
      // Signed for another host.
      signTwilioRequest(AUTH_TOKEN, `https://elsewhere.example${dialPath(callId)}`, params),
      // Signed over other parameters (the status changed in transit).
      signTwilioRequest(AUTH_TOKEN, `${PUBLIC_URL}${dialPath(callId)}`, { ...params, DialCallStatus: 'completed' }),
    ];
    for (const signature of attempts) {
      expectError(await postWebhook(t, dialPath(callId), params, signature), 403, 'FORBIDDEN');
    }
    expect((await getCall(t, user.accessToken, callId)).status).toBe('RINGING');
    expect((await getCall(t, other.user.accessToken, other.callId)).status).toBe('RINGING');
  });

  it('the log keeps what helps debugging (the recording URL) but no token, secret or signature', async () => {
    const { sid, callId } = await ringingInbound();
    const recordingUrl = `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/RE${hex(16)}`;
    const secret = `tok-${hex(8)}`;
    const params = {
      AccountSid: ACCOUNT_SID,
      CallSid: sid,
      RecordingUrl: recordingUrl,
      RecordingDuration: '4',
      // Custom parameters an app may pass along; Twilio forwards them as they are.
      AccessToken: secret,
      ClientSecret: secret,
    };
    const signature = signTwilioRequest(AUTH_TOKEN, `${PUBLIC_URL}${recordingPath(callId)}`, params);
    expect((await postWebhook(t, recordingPath(callId), params, signature)).statusCode).toBe(200);
    await postWebhook(t, recordingPath(callId), params, 'forged');

    const logs = (await logsFor(sid)).filter((l) => l.eventType === 'call.recording');
    expect(logs.map((l) => l.statusCode)).toEqual([200, 403]);
    for (const log of logs) {
      const body = log.body as Record<string, string>;
      expect(body.RecordingUrl).toBe(recordingUrl);
      expect(body.AccessToken).toBe('[redacted]');
      expect(body.ClientSecret).toBe('[redacted]');
      expect(JSON.stringify(log)).not.toContain(secret);
      expect(JSON.stringify(log)).not.toContain(signature);
      expect(JSON.stringify(log)).not.toContain(AUTH_TOKEN);
    }
  });
});

// --- 8. The Voice SDK token -------------------------------------------------------------------------

describe('GET /api/calls/token with Twilio', () => {
  it('gives the app a Voice SDK token for its identity, signed with the API key, allowing calls through our TwiML app', async () => {
    const user = await registerUser(t);
    const res = await call(t, 'GET', '/api/calls/token', { token: user.accessToken });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { provider: string; identity: string; token: string; expiresAt: string };
    expect(body).toMatchObject({ provider: 'twilio', identity: identityOf(user.id) });

    // Verifying with the secret proves Twilio will accept it; a token signed with anything else fails here.
    const { payload } = await jwtVerify(body.token, new TextEncoder().encode(API_KEY_SECRET));
    expect(payload).toMatchObject({ iss: API_KEY_SID, sub: ACCOUNT_SID });
    const grants = payload.grants as {
      identity: string;
      voice: { incoming: { allow: boolean }; outgoing: { application_sid: string } };
    };
    expect(grants.identity).toBe(identityOf(user.id));
    expect(grants.voice.outgoing.application_sid).toBe(TWIML_APP_SID);
    expect(grants.voice.incoming.allow).toBe(true);
    expect(new Date(body.expiresAt).getTime()).toBe(payload.exp! * 1000);
    // An hour, by the real clock (the SDK reads it, not ours).
    expect(payload.exp! - Date.now() / 1000).toBeGreaterThan(3500);
    expect(payload.exp! - Date.now() / 1000).toBeLessThanOrEqual(3600);
  });

  it('401 without a Bearer token', async () => {
    expectError(await call(t, 'GET', '/api/calls/token'), 401, 'UNAUTHORIZED');
    expectError(
      await call(t, 'GET', '/api/calls/token', { headers: { authorization: 'Bearer nope' } }),
      401,
      'INVALID_TOKEN',
    );
  });
});

// --- 9. Mute and hold through the conference --------------------------------------------------------

describe('mute and hold on a Twilio call', () => {
  it('mute updates the app’s participant in the live conference; hold updates the callee’s', async () => {
    const { user, callId, carrierSid, appSid } = await connectedOutbound();

    let mark = twilio.seen.length;
    expect((await callAction(t, user.accessToken, callId, 'mute', { muted: true })).statusCode).toBe(200);
    // The participant path takes the conference's CF sid, so it is looked up by name first.
    expect(twilio.seen.slice(mark)).toHaveLength(2);
    let [lookup, update] = twilio.seen.slice(mark);
    expect(lookup).toMatchObject({ method: 'GET', path: '/Conferences.json' });
    expect(lookup!.query.get('FriendlyName')).toBe(`call-${callId}`);
    expect(lookup!.query.get('Status')).toBe('in-progress');
    expect(update).toMatchObject({
      method: 'POST',
      path: `/Conferences/${CONFERENCE_SID}/Participants/${appSid}.json`,
    });
    expect(Object.fromEntries(update!.form)).toEqual({ Muted: 'true' });
    expect((await getCall(t, user.accessToken, callId)).muted).toBe(true);

    mark = twilio.seen.length;
    expect((await callAction(t, user.accessToken, callId, 'mute', { muted: false })).statusCode).toBe(200);
    expect(Object.fromEntries(twilio.seen.slice(mark)[1]!.form)).toEqual({ Muted: 'false' });
    expect((await getCall(t, user.accessToken, callId)).muted).toBe(false);

    mark = twilio.seen.length;
    expect((await callAction(t, user.accessToken, callId, 'hold', { onHold: true })).statusCode).toBe(200);
    expect(twilio.seen.slice(mark)).toHaveLength(2);
    [lookup, update] = twilio.seen.slice(mark);
    expect(lookup!.query.get('FriendlyName')).toBe(`call-${callId}`);
    expect(update).toMatchObject({
      method: 'POST',
      path: `/Conferences/${CONFERENCE_SID}/Participants/${carrierSid}.json`,
    });
    expect(Object.fromEntries(update!.form)).toEqual({ Hold: 'true' });
    expect((await getCall(t, user.accessToken, callId)).onHold).toBe(true);
  });

  it('an inbound Twilio call cannot be muted or held from the server: 409, Twilio not asked', async () => {
    const { user, sid, callId } = await ringingInbound();
    await signed(STATUS, statusParams(newCallSid(), 'in-progress', { ParentCallSid: sid }));
    expect((await getCall(t, user.accessToken, callId)).status).toBe('IN_PROGRESS');
    const mark = twilio.seen.length;
    expectError(
      await callAction(t, user.accessToken, callId, 'mute', { muted: true }),
      409,
      'CALL_CONTROL_UNAVAILABLE',
    );
    expectError(
      await callAction(t, user.accessToken, callId, 'hold', { onHold: true }),
      409,
      'CALL_CONTROL_UNAVAILABLE',
    );
    expect(twilio.seen.slice(mark)).toEqual([]);
    expect(await getCall(t, user.accessToken, callId)).toMatchObject({ muted: false, onHold: false });
  });

  it('a call not connected yet: 409 CALL_NOT_ACTIVE; someone else’s call: 404', async () => {
    const { user, line } = await userWithLine();
    const { callId } = await placedOutbound(user, line);
    const mark = twilio.seen.length;
    expectError(await callAction(t, user.accessToken, callId, 'mute', { muted: true }), 409, 'CALL_NOT_ACTIVE');
    expectError(await callAction(t, user.accessToken, callId, 'hold', { onHold: true }), 409, 'CALL_NOT_ACTIVE');

    const connected = await connectedOutbound();
    const stranger = await registerUser(t);
    expectError(await callAction(t, stranger.accessToken, connected.callId, 'mute', { muted: true }), 404, 'NOT_FOUND');
    expectError(
      await callAction(t, stranger.accessToken, connected.callId, 'hold', { onHold: true }),
      404,
      'NOT_FOUND',
    );
    expect((await getCall(t, connected.user.accessToken, connected.callId)).muted).toBe(false);
    expect(
      twilio.seen.slice(mark).filter((r) => r.path.includes('/Participants/') || r.path === '/Conferences.json'),
    ).toEqual([]);
  });

  it('an outbound call whose app never joined has no leg of the user’s to mute: 409', async () => {
    const { user, line } = await userWithLine();
    const { callId, carrierSid } = await placedOutbound(user, line);
    await signed(STATUS, statusParams(carrierSid, 'in-progress'));
    expectError(
      await callAction(t, user.accessToken, callId, 'mute', { muted: true }),
      409,
      'CALL_CONTROL_UNAVAILABLE',
    );
  });

  it('Twilio has no conference in progress for the call: an error the app can show, and the call is not marked muted', async () => {
    const { user, callId } = await connectedOutbound();
    twilio.state.liveConference = false;
    try {
      const res = await callAction(t, user.accessToken, callId, 'mute', { muted: true });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      // A carrier refusal is reported in our words, not as an internal crash.
      expect(res.statusCode, res.body).not.toBe(500);
      expect(res.json().code).not.toBe('INTERNAL');
    } finally {
      twilio.state.liveConference = true;
    }
    expect((await getCall(t, user.accessToken, callId)).muted).toBe(false);
  });
});
