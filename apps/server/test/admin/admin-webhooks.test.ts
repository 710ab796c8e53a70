import type { AdminWebhookList, AdminWebhookRow } from '@commpro/contracts';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLogs } from '../../src/modules/admin/audit.table.js';
import { calls } from '../../src/modules/calls/calls.table.js';
import { signTwilioRequest } from '../../src/providers/carrier/twilio-signature.js';
import { type Account, adminToken, call, expectError, registerUser } from '../helpers/auth-flows.js';
import {
  createMessagingTestApp,
  INCOMING_PATH,
  inboundParams,
  type MessagingTestApp,
  messageRow,
  newMessageSid,
  postWebhook,
  PUBLIC_URL,
  send,
  settle,
  signedWebhook,
  STATUS_PATH,
  statusParams,
  webhookLogRows,
} from '../helpers/messaging-flows.js';
import { buyNumber, setPlan } from '../helpers/numbers-flows.js';

let t: MessagingTestApp;
let token: string;
let sender: Account;
let line: string;
beforeAll(async () => {
  t = await createMessagingTestApp();
  token = await adminToken(t);
  sender = await registerUser(t);
  await setPlan(t, sender.id, 'STARTER');
  line = (await buyNumber(t, sender.accessToken)).phoneNumber;
});
afterAll(async () => {
  await t.close();
});

const OUTSIDE = '+33698765432';
const CALL_STATUS_PATH = '/api/calls/webhooks/status';
const ROW_KEYS = [
  'createdAt',
  'error',
  'eventType',
  'externalId',
  'id',
  'outcome',
  'processedAt',
  'replayable',
  'source',
  'statusCode',
];

async function list(query = ''): Promise<AdminWebhookList> {
  const res = await call(t, 'GET', `/api/admin/webhooks${query}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json() as AdminWebhookList;
  // Only what the contract shows: never the payload or the headers.
  for (const row of body.webhooks) expect(Object.keys(row).sort()).toEqual(ROW_KEYS);
  return body;
}

const replay = (id: string, as = token) => call(t, 'POST', `/api/admin/webhooks/${id}/replay`, { token: as });

async function logOf(externalId: string, eventType: string): Promise<AdminWebhookRow[]> {
  return (await list(`?type=${eventType}&limit=200`)).webhooks.filter((row) => row.externalId === externalId);
}

/** A database fault while rows of `table` take that status: a webhook's processing throws for real until it is lifted. */
async function refuse(
  table: 'messages' | 'calls',
  when: 'INSERT' | 'UPDATE',
  status: string,
): Promise<() => Promise<void>> {
  const db = t.database.handle.db;
  await db.execute(
    sql.raw(`create or replace function admin_test_fault() returns trigger language plpgsql as $$
      begin raise exception '${table} storage unavailable'; end $$`),
  );
  await db.execute(
    sql.raw(
      `create trigger admin_test_fault before ${when} on ${table} for each row ` +
        `when (new.status = '${status}') execute function admin_test_fault()`,
    ),
  );
  return async () => {
    await db.execute(sql.raw(`drop trigger admin_test_fault on ${table}`));
  };
}

describe('the webhook log for operators', () => {
  it('is for administrators only', async () => {
    const customer = await registerUser(t);
    const id = crypto.randomUUID();
    expectError(await call(t, 'GET', '/api/admin/webhooks', { token: customer.accessToken }), 403, 'FORBIDDEN');
    expectError(await call(t, 'GET', '/api/admin/webhooks'), 401, 'UNAUTHORIZED');
    expectError(await replay(id, customer.accessToken), 403, 'FORBIDDEN');
    expectError(await call(t, 'POST', `/api/admin/webhooks/${id}/replay`), 401, 'UNAUTHORIZED');
    expectError(await replay('not-a-uuid'), 400, 'VALIDATION_FAILED', 'id');
    expectError(await replay(id), 404, 'NOT_FOUND');
    expectError(
      await call(t, 'GET', '/api/admin/webhooks?outcome=lost', { token }),
      400,
      'VALIDATION_FAILED',
      'outcome',
    );
  });

  it('offers replay only for status callbacks: the other types answer a live call or lost their text', () => {
    const registry = t.app.webhookReplay;
    for (const type of ['message.status', 'call.status'])
      expect(registry.handlerFor('sandbox', type), type).toBeDefined();
    for (const type of ['message.incoming', 'call.voice', 'call.dial', 'call.voicemail', 'call.recording'])
      expect(registry.handlerFor('sandbox', type), type).toBeUndefined();
    expect(registry.handlerFor('twilio', 'message.status')).toBeUndefined();
  });

  it('filters by source, type and outcome, newest first, and never shows a payload', async () => {
    const inbound = inboundParams(OUTSIDE, line, 'Bonjour, secret text');
    expect((await signedWebhook(t, INCOMING_PATH, inbound)).statusCode).toBe(200);
    const early = newMessageSid();
    // A status for a message the carrier id is not yet known of: kept pending.
    expect((await signedWebhook(t, STATUS_PATH, statusParams(early, 'delivered'))).statusCode).toBe(200);
    const forged = inboundParams(OUTSIDE, line, 'forged');
    const signature = signTwilioRequest('not-the-token', `${PUBLIC_URL}${INCOMING_PATH}`, forged);
    expect((await postWebhook(t, INCOMING_PATH, forged, signature)).statusCode).toBe(403);

    const all = await list('?limit=200');
    const rows = await webhookLogRows(t);
    expect(all.total).toBe(rows.length);
    expect(all.webhooks.map((row) => row.id)).toEqual(
      [...rows]
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
        .map((r) => r.id),
    );
    expect(all.sources).toEqual(['sandbox']);
    expect(all.types).toEqual(['message.incoming', 'message.status']);
    const text = JSON.stringify(all);
    for (const secret of ['secret text', 'forged', OUTSIDE, 'x-twilio-signature', '[present]'])
      expect(text).not.toContain(secret);

    const failed = await list('?outcome=failed');
    expect(failed.webhooks).toEqual([
      expect.objectContaining({
        externalId: forged.MessageSid,
        eventType: 'message.incoming',
        outcome: 'failed',
        statusCode: 403,
        error: 'invalid signature',
        // Its signature was refused: never replayable.
        replayable: false,
      }),
    ]);
    expect(failed.total).toBe(1);
    const pending = await list('?outcome=pending&type=message.status');
    expect(pending.webhooks.map((row) => [row.externalId, row.outcome, row.replayable])).toEqual([
      [early, 'pending', false],
    ]);
    const processed = await list('?outcome=processed&source=sandbox&type=message.incoming');
    expect(processed.webhooks.map((row) => row.externalId)).toEqual([inbound.MessageSid]);
    expect(processed.webhooks[0]).toMatchObject({ outcome: 'processed', statusCode: 200, replayable: false });
    expect((await list('?source=twilio')).total).toBe(0);

    const page = await list('?limit=1&offset=1');
    expect(page.webhooks.map((row) => row.id)).toEqual([all.webhooks[1]!.id]);
    expect(page.total).toBe(all.total);
    expectError(await replay(failed.webhooks[0]!.id), 409, 'CONFLICT');
    expectError(await replay(processed.webhooks[0]!.id), 409, 'CONFLICT');
  });

  it('replays a status callback whose processing failed, once the fault is gone: applied once, audited', async () => {
    const lift = await refuse('messages', 'UPDATE', 'DELIVERED');
    let sid: string;
    let messageId: string;
    try {
      messageId = (await send(t, sender.accessToken, { from: line, to: '+33612345678', body: 'hello' })).id;
      await settle(t);
      const row = await messageRow(t, messageId);
      // The carrier said delivered; the database refused to record it.
      expect(row.status).toBe('SENT');
      sid = row.carrierMessageId!;
      const [failed, ...others] = (await logOf(sid, 'message.status')).filter((r) => r.outcome === 'failed');
      expect(others).toEqual([]);
      expect(failed).toMatchObject({ statusCode: 500, replayable: true, processedAt: null });
      // The database's own words, not the query and its parameters (phone numbers).
      expect(failed!.error).toBe('messages storage unavailable');
      // Replayed while the fault is still there: failed again, still replayable, the message unchanged.
      const again = await replay(failed!.id);
      expect(again.statusCode, again.body).toBe(200);
      expect(again.json()).toMatchObject({ id: failed!.id, outcome: 'failed', statusCode: 500, replayable: true });
      expect((await messageRow(t, messageId)).status).toBe('SENT');
    } finally {
      await lift();
    }

    const [failed] = (await logOf(sid, 'message.status')).filter((r) => r.outcome === 'failed');
    const res = await replay(failed!.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      id: failed!.id,
      outcome: 'processed',
      statusCode: 200,
      error: null,
      replayable: false,
    });
    expect(res.json().processedAt).not.toBeNull();
    const delivered = await messageRow(t, messageId);
    expect(delivered.status).toBe('DELIVERED');
    expect(delivered.statusHistory.filter((entry) => entry.status === 'DELIVERED')).toHaveLength(1);

    // Done with: a second replay is refused and changes nothing.
    expectError(await replay(failed!.id), 409, 'CONFLICT');
    expect((await messageRow(t, messageId)).statusHistory).toEqual(delivered.statusHistory);

    const audit = await t.database.handle.db.select().from(auditLogs).where(eq(auditLogs.targetId, failed!.id));
    expect(audit.map((row) => [row.action, row.targetType, row.details])).toEqual([
      [
        'webhook.replay',
        'webhook',
        {
          source: 'sandbox',
          eventType: 'message.status',
          outcome: 'failed',
          error: 'messages storage unavailable',
        },
      ],
      ['webhook.replay', 'webhook', { source: 'sandbox', eventType: 'message.status', outcome: 'processed' }],
    ]);
  });

  it('replays a call status callback the same way', async () => {
    const sid = `CA${crypto.randomUUID().replaceAll('-', '')}`;
    const [leg] = await t.database.handle.db
      .insert(calls)
      .values({
        userId: sender.id,
        fromNumber: line,
        toNumber: OUTSIDE,
        direction: 'OUTBOUND',
        status: 'RINGING',
        audio: 'CARRIER',
        carrierCallSid: sid,
      })
      .returning();
    const params = { AccountSid: 'ACsandbox00000000000000000000000000', CallSid: sid, CallStatus: 'in-progress' };
    const lift = await refuse('calls', 'UPDATE', 'IN_PROGRESS');
    try {
      expect((await signedWebhook(t, CALL_STATUS_PATH, params)).statusCode).toBe(500);
    } finally {
      await lift();
    }
    const callStatus = async () =>
      (await t.database.handle.db.select().from(calls).where(eq(calls.id, leg!.id)))[0]!.status;
    expect(await callStatus()).toBe('RINGING');
    const [failed] = await logOf(sid, 'call.status');
    expect(failed).toMatchObject({
      outcome: 'failed',
      statusCode: 500,
      replayable: true,
      error: 'calls storage unavailable',
    });

    const res = await replay(failed!.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ outcome: 'processed', replayable: false });
    expect(await callStatus()).toBe('IN_PROGRESS');
    expectError(await replay(failed!.id), 409, 'CONFLICT');
  });

  it('an inbound message whose processing failed is not replayable: the log keeps no text to deliver', async () => {
    const lift = await refuse('messages', 'INSERT', 'RECEIVED');
    const inbound = inboundParams(OUTSIDE, line, 'lost words');
    try {
      expect((await signedWebhook(t, INCOMING_PATH, inbound)).statusCode).toBe(500);
    } finally {
      await lift();
    }
    const [row] = await logOf(inbound.MessageSid!, 'message.incoming');
    expect(row).toMatchObject({ outcome: 'failed', statusCode: 500, replayable: false });
    expectError(await replay(row!.id), 409, 'CONFLICT');
    expect((await list('?outcome=failed&type=message.incoming')).webhooks.map((r) => r.id)).toContain(row!.id);
  });
});
