import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../src/modules/messaging/messaging.table.js';
import { jobs } from '../../src/platform/jobs/jobs.table.js';
import { signTwilioRequest } from '../../src/providers/carrier/twilio-signature.js';
import { type Account, expectError, registerUser } from '../helpers/auth-flows.js';
import {
  conversations,
  createMessagingTestApp,
  INCOMING_PATH,
  inboundParams,
  type MessagingTestApp,
  messageRow,
  messageRowsOf,
  newMessageSid,
  notificationRowsOf,
  postWebhook,
  PUBLIC_URL,
  send,
  signedWebhook,
  STATUS_PATH,
  statusParams,
  thread,
  webhookLogRows,
} from '../helpers/messaging-flows.js';
import { buyNumber, setPlan } from '../helpers/numbers-flows.js';

let t: MessagingTestApp;
beforeAll(async () => {
  t = await createMessagingTestApp();
});
afterAll(async () => {
  await t.close();
});

const OUTSIDE = '+33612345678';

async function userWithLine(): Promise<{ user: Account; line: string }> {
  const user = await registerUser(t);
  await setPlan(t, user.id, 'STARTER');
  const number = await buyNumber(t, user.accessToken);
  return { user, line: number.phoneNumber };
}

async function logsFor(sid: string) {
  return (await webhookLogRows(t)).filter((row) => row.externalId === sid);
}

describe('inbound webhook: only the carrier’s signed calls are trusted', () => {
  it('a forged signature: 403, nothing stored, the call logged with status 403', async () => {
    const { user, line } = await userWithLine();
    const params = inboundParams(OUTSIDE, line, 'forged hello');
    const forged = signTwilioRequest('not-the-sandbox-token', `${PUBLIC_URL}${INCOMING_PATH}`, params);
    expectError(await postWebhook(t, INCOMING_PATH, params, forged), 403, 'FORBIDDEN');

    expect(await messageRowsOf(t, user.id)).toEqual([]);
    expect(await notificationRowsOf(t, user.id)).toEqual([]);
    const [log] = await logsFor(params.MessageSid!);
    expect(log).toMatchObject({ statusCode: 403, processed: false, eventType: 'message.incoming' });
  });

  it('no signature at all: 403, nothing stored', async () => {
    const { user, line } = await userWithLine();
    const params = inboundParams(OUTSIDE, line, 'unsigned hello');
    expectError(await postWebhook(t, INCOMING_PATH, params, undefined), 403, 'FORBIDDEN');
    expect(await messageRowsOf(t, user.id)).toEqual([]);
    expect((await logsFor(params.MessageSid!))[0]).toMatchObject({ statusCode: 403 });
  });

  it('a genuine signature over other parameters (body changed in transit): 403', async () => {
    const { user, line } = await userWithLine();
    const params = inboundParams(OUTSIDE, line, 'original');
    const signature = signTwilioRequest(t.webhookToken, `${PUBLIC_URL}${INCOMING_PATH}`, params);
    const tampered = { ...params, Body: 'tampered' };
    expectError(await postWebhook(t, INCOMING_PATH, tampered, signature), 403, 'FORBIDDEN');
    expect(await messageRowsOf(t, user.id)).toEqual([]);
  });

  it('a genuine signature for another URL (the status route): 403', async () => {
    const { user, line } = await userWithLine();
    const params = inboundParams(OUTSIDE, line, 'wrong url');
    const signature = signTwilioRequest(t.webhookToken, `${PUBLIC_URL}${STATUS_PATH}`, params);
    expectError(await postWebhook(t, INCOMING_PATH, params, signature), 403, 'FORBIDDEN');
    expect(await messageRowsOf(t, user.id)).toEqual([]);
  });

  it('a correctly signed inbound SMS: empty TwiML, stored once in the line owner’s conversation', async () => {
    const { user, line } = await userWithLine();
    const params = inboundParams(OUTSIDE, line, 'Hello from outside 👋');
    const res = await signedWebhook(t, INCOMING_PATH, params);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(res.body).toContain('<Response></Response>');

    const rows = await messageRowsOf(t, user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      direction: 'INBOUND',
      status: 'RECEIVED',
      fromNumber: OUTSIDE,
      toNumber: line,
      carrierMessageId: params.MessageSid,
    });
    expect(rows[0]!.body).not.toContain('Hello');
    const list = await conversations(t, user.accessToken);
    expect(list.conversations[0]).toMatchObject({
      phoneNumber: OUTSIDE,
      myNumber: line,
      unreadCount: 1,
      lastMessage: { body: 'Hello from outside 👋', encoding: 'UCS-2' },
    });
    expect((await logsFor(params.MessageSid!))[0]).toMatchObject({ statusCode: 200, processed: true });
  });

  it('the same webhook delivered 3 more times: still one message and one notification', async () => {
    const { user, line } = await userWithLine();
    const params = inboundParams(OUTSIDE, line, 'only once please');
    for (let i = 0; i < 4; i += 1) {
      const res = await signedWebhook(t, INCOMING_PATH, params);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).toContain('<Response></Response>');
    }
    expect(await messageRowsOf(t, user.id)).toHaveLength(1);
    expect(await notificationRowsOf(t, user.id)).toHaveLength(1);
    expect((await conversations(t, user.accessToken)).conversations[0]!.unreadCount).toBe(1);
    // Every call is still logged.
    expect(await logsFor(params.MessageSid!)).toHaveLength(4);
  });

  it('the same webhook replayed concurrently: one message, one notification', async () => {
    const { user, line } = await userWithLine();
    const params = inboundParams(OUTSIDE, line, 'racing retries');
    const results = await Promise.all([1, 2, 3].map(() => signedWebhook(t, INCOMING_PATH, params)));
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(await messageRowsOf(t, user.id)).toHaveLength(1);
    expect(await notificationRowsOf(t, user.id)).toHaveLength(1);
  });

  it('an inbound SMS to a number that is no line here: 200 empty TwiML, nothing stored', async () => {
    const before = await t.database.handle.db.select({ id: messages.id }).from(messages);
    const params = inboundParams(OUTSIDE, '+33799999999', 'who is this?');
    const res = await signedWebhook(t, INCOMING_PATH, params);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(res.body).toContain('<Response></Response>');
    const after = await t.database.handle.db.select({ id: messages.id }).from(messages);
    expect(after).toHaveLength(before.length);
    expect(
      await t.database.handle.db.select().from(messages).where(eq(messages.carrierMessageId, params.MessageSid!)),
    ).toEqual([]);
  });

  it('an inbound SMS to a line its owner released: nothing stored', async () => {
    const user = await registerUser(t);
    const number = await buyNumber(t, user.accessToken);
    const released = await t.app.inject({
      method: 'DELETE',
      url: `/api/numbers/${number.id}`,
      headers: { authorization: `Bearer ${user.accessToken}` },
    });
    expect(released.statusCode, released.body).toBe(200);
    const res = await signedWebhook(t, INCOMING_PATH, inboundParams(OUTSIDE, number.phoneNumber, 'still there?'));
    expect(res.statusCode).toBe(200);
    expect(await messageRowsOf(t, user.id)).toEqual([]);
  });

  it('an inbound MMS: stored as MMS with its media, media references redacted from the log and sealed at rest', async () => {
    const { user, line } = await userWithLine();
    const media = 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME-secret-photo';
    const params: Record<string, string> = {
      ...inboundParams(OUTSIDE, line, ''),
      NumMedia: '1',
      MediaUrl0: media,
      MediaContentType0: 'image/jpeg',
    };
    const res = await signedWebhook(t, INCOMING_PATH, params);
    expect(res.statusCode, res.body).toBe(200);
    const [message] = (await thread(t, user.accessToken, OUTSIDE)).messages;
    expect(message).toMatchObject({ type: 'MMS', mediaUrls: [media], direction: 'INBOUND' });
    const [row] = await messageRowsOf(t, user.id);
    expect(row!.mediaUrls).not.toContain('secret-photo');
    const [log] = await logsFor(params.MessageSid!);
    expect(JSON.stringify(log)).not.toContain('secret-photo');
  });

  it('accepts the form content type with a charset parameter', async () => {
    const { user, line } = await userWithLine();
    const params = inboundParams(OUTSIDE, line, 'charset');
    const res = await t.app.inject({
      method: 'POST',
      url: INCOMING_PATH,
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        'x-twilio-signature': signTwilioRequest(t.webhookToken, `${PUBLIC_URL}${INCOMING_PATH}`, params),
      },
      payload: new URLSearchParams(params).toString(),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await messageRowsOf(t, user.id)).toHaveLength(1);
  });

  it('webhook_logs never keep the message text (Body redacted), whatever the outcome', async () => {
    const { line } = await userWithLine();
    const text = 'my PIN is 8841-CONFIDENTIAL';
    const accepted = inboundParams(OUTSIDE, line, text);
    await signedWebhook(t, INCOMING_PATH, accepted);
    const forged = inboundParams(OUTSIDE, line, text);
    await postWebhook(t, INCOMING_PATH, forged, 'bogus');
    const unknown = inboundParams(OUTSIDE, '+33799999998', text);
    await signedWebhook(t, INCOMING_PATH, unknown);

    const rows = (await webhookLogRows(t)).filter((row) =>
      [accepted.MessageSid, forged.MessageSid, unknown.MessageSid].includes(row.externalId ?? ''),
    );
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(JSON.stringify(row)).not.toContain('8841');
      expect(JSON.stringify(row)).not.toContain('CONFIDENTIAL');
      expect((row.body as Record<string, string>).From).toBe(OUTSIDE); // the rest is kept for debugging
    }
  });
});

describe('status webhook: statuses only move forward', () => {
  /** A message handed to the carrier (SENDING, with its carrier id), whose send job is done. */
  async function handedToCarrier() {
    const { user, line } = await userWithLine();
    const sent = await send(t, user.accessToken, { from: line, to: OUTSIDE, body: 'status test' });
    const sid = newMessageSid();
    await t.database.handle.db
      .update(messages)
      .set({ status: 'SENDING', carrierMessageId: sid })
      .where(eq(messages.id, sent.id));
    await t.database.handle.db
      .update(jobs)
      .set({ doneAt: t.clock.now })
      .where(eq(jobs.dedupeKey, `messaging.send:${sent.id}`));
    return { user, line, id: sent.id, sid };
  }

  it('delivered, then a late sent: stays DELIVERED, the late callback adds nothing to the timeline', async () => {
    const { id, sid } = await handedToCarrier();
    const delivered = await signedWebhook(t, STATUS_PATH, statusParams(sid, 'delivered'));
    expect(delivered.statusCode, delivered.body).toBe(200);
    const late = await signedWebhook(t, STATUS_PATH, statusParams(sid, 'sent'));
    expect(late.statusCode, late.body).toBe(200);
    const lateFailure = await signedWebhook(t, STATUS_PATH, statusParams(sid, 'undelivered', { ErrorCode: '30003' }));
    expect(lateFailure.statusCode).toBe(200);
    const again = await signedWebhook(t, STATUS_PATH, statusParams(sid, 'delivered'));
    expect(again.statusCode).toBe(200);

    const row = await messageRow(t, id);
    expect(row.status).toBe('DELIVERED');
    expect(row.deliveredAt).not.toBeNull();
    expect(row.errorCode).toBeNull();
    expect(row.statusHistory.map((s) => s.status)).toEqual(['QUEUED', 'DELIVERED']);
  });

  it('sent then delivered in order: both recorded with their times', async () => {
    const { user, id, sid } = await handedToCarrier();
    await signedWebhook(t, STATUS_PATH, statusParams(sid, 'sent'));
    t.clock.advance(2000);
    await signedWebhook(t, STATUS_PATH, statusParams(sid, 'delivered'));
    const [message] = (await thread(t, user.accessToken, OUTSIDE)).messages;
    expect(message).toMatchObject({ id, status: 'DELIVERED' });
    expect(message!.statusHistory.map((s) => s.status)).toEqual(['QUEUED', 'SENT', 'DELIVERED']);
    expect(new Date(message!.deliveredAt!).getTime() - new Date(message!.sentAt!).getTime()).toBe(2000);
  });

  it('sent and delivered arriving at the same moment: the message ends DELIVERED', async () => {
    // Twilio posts callbacks in quick succession; behind several nodes they are handled concurrently.
    const handed = await Promise.all([1, 2, 3, 4, 5].map(() => handedToCarrier()));
    await Promise.all(
      handed.flatMap(({ sid }) => [
        signedWebhook(t, STATUS_PATH, statusParams(sid, 'sent')),
        signedWebhook(t, STATUS_PATH, statusParams(sid, 'delivered')),
      ]),
    );
    for (const { id } of handed) expect((await messageRow(t, id)).status).toBe('DELIVERED');
  });

  it('a status for an unknown MessageSid: 200, nothing changes', async () => {
    const { id } = await handedToCarrier();
    const before = await messageRow(t, id);
    const res = await signedWebhook(t, STATUS_PATH, statusParams(newMessageSid(), 'delivered'));
    expect(res.statusCode, res.body).toBe(200);
    expect(await messageRow(t, id)).toEqual(before);
  });

  it('a forged status callback: 403 and the message is untouched', async () => {
    const { id, sid } = await handedToCarrier();
    const params = statusParams(sid, 'failed', { ErrorCode: '30007' });
    expectError(await postWebhook(t, STATUS_PATH, params, 'forged'), 403, 'FORBIDDEN');
    expect((await messageRow(t, id)).status).toBe('SENDING');
    expect((await logsFor(sid))[0]).toMatchObject({ statusCode: 403, eventType: 'message.status' });
  });

  it('a status callback naming an inbound message changes nothing', async () => {
    const { user, line } = await userWithLine();
    const params = inboundParams(OUTSIDE, line, 'inbound');
    await signedWebhook(t, INCOMING_PATH, params);
    const res = await signedWebhook(t, STATUS_PATH, statusParams(params.MessageSid!, 'failed'));
    expect(res.statusCode).toBe(200);
    expect((await messageRowsOf(t, user.id))[0]!.status).toBe('RECEIVED');
  });
});
