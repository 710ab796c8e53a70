import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../src/modules/messaging/messaging.table.js';
import { type Account, registerUser } from '../helpers/auth-flows.js';
import {
  conversations,
  createMessagingTestApp,
  type MessagingTestApp,
  messageRow,
  messageRowsOf,
  notificationRowsOf,
  send,
  settle,
  thread,
} from '../helpers/messaging-flows.js';
import { buyNumber, setPlan } from '../helpers/numbers-flows.js';

let t: MessagingTestApp;
beforeAll(async () => {
  t = await createMessagingTestApp();
});
afterAll(async () => {
  await t.close();
});

async function userWithLine(): Promise<{ user: Account; line: string }> {
  const user = await registerUser(t);
  await setPlan(t, user.id, 'STARTER');
  const number = await buyNumber(t, user.accessToken);
  return { user, line: number.phoneNumber };
}

const statuses = (m: { statusHistory: { status: string }[] }) => m.statusHistory.map((s) => s.status);

describe('delivery between two CommPro lines (sandbox on-net)', () => {
  it('A → B: B has the conversation, an unread count and a MESSAGE_RECEIVED notification; A sees DELIVERED', async () => {
    const alice = await userWithLine();
    const bob = await userWithLine();
    const sent = await send(t, alice.user.accessToken, { from: alice.line, to: bob.line, body: 'Dinner at 8?' });
    await settle(t);

    const inbox = await conversations(t, bob.user.accessToken);
    expect(inbox.total).toBe(1);
    expect(inbox.conversations[0]).toMatchObject({
      phoneNumber: alice.line,
      myNumber: bob.line,
      unreadCount: 1,
      lastMessage: { body: 'Dinner at 8?', direction: 'INBOUND', status: 'RECEIVED', from: alice.line, to: bob.line },
    });

    const notes = await notificationRowsOf(t, bob.user.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ type: 'MESSAGE_RECEIVED', read: false });
    const inbound = (await messageRowsOf(t, bob.user.id))[0]!;
    expect(notes[0]!.data).toMatchObject({ messageId: inbound.id, conversationId: inbound.conversationId });
    // The notification row is not encrypted: it must not carry the message text.
    expect(JSON.stringify(notes[0])).not.toContain('Dinner');
    expect(await notificationRowsOf(t, alice.user.id)).toEqual([]);

    const [mine] = (await thread(t, alice.user.accessToken, bob.line)).messages;
    expect(mine).toMatchObject({ id: sent.id, status: 'DELIVERED', failure: null, direction: 'OUTBOUND' });
    expect(statuses(mine!)).toEqual(['QUEUED', 'SENDING', 'SENT', 'DELIVERED']);
    expect(mine!.sentAt).not.toBeNull();
    expect(mine!.deliveredAt).not.toBeNull();
    // A's own conversation list has it, nothing unread (it is outbound).
    expect((await conversations(t, alice.user.accessToken)).conversations[0]).toMatchObject({
      phoneNumber: bob.line,
      unreadCount: 0,
    });
  });

  it('B replies: the reply lands in A’s same conversation', async () => {
    const alice = await userWithLine();
    const bob = await userWithLine();
    await send(t, alice.user.accessToken, { from: alice.line, to: bob.line, body: 'ping' });
    await settle(t);
    t.clock.advance(60_000); // the reply comes a minute later
    await send(t, bob.user.accessToken, { from: bob.line, to: alice.line, body: 'pong' });
    await settle(t);

    const list = await conversations(t, alice.user.accessToken);
    expect(list.total).toBe(1);
    expect(list.conversations[0]).toMatchObject({ unreadCount: 1, lastMessage: { body: 'pong' } });
    const messagesOfA = (await thread(t, alice.user.accessToken, bob.line)).messages;
    expect(messagesOfA.map((m) => [m.direction, m.body])).toEqual([
      ['INBOUND', 'pong'],
      ['OUTBOUND', 'ping'],
    ]);
    expect(new Set(messagesOfA.map((m) => m.conversationId)).size).toBe(1);
  });
});

describe('delivery to outside numbers (sandbox off-net outcomes)', () => {
  it('an ordinary outside number: DELIVERED', async () => {
    const alice = await userWithLine();
    const sent = await send(t, alice.user.accessToken, { from: alice.line, to: '+33612345678', body: 'hi' });
    await settle(t);
    const row = await messageRow(t, sent.id);
    expect(row.status).toBe('DELIVERED');
    expect(row.carrierMessageId).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it('a number ending 0007: UNDELIVERED, filtered as spam, in words a person understands', async () => {
    const alice = await userWithLine();
    const sent = await send(t, alice.user.accessToken, { from: alice.line, to: '+33612340007', body: 'promo!!!' });
    await settle(t);
    const [message] = (await thread(t, alice.user.accessToken, '+33612340007')).messages;
    expect(message).toMatchObject({ id: sent.id, status: 'UNDELIVERED', deliveredAt: null });
    expect(message!.failure?.code).toBe('FILTERED_AS_SPAM');
    expect(message!.failure?.reason).toMatch(/spam/i);
    expect(statuses(message!)).toEqual(['QUEUED', 'SENDING', 'SENT', 'UNDELIVERED']);
  });

  it('a number ending 0006: FAILED with a reason', async () => {
    const alice = await userWithLine();
    const sent = await send(t, alice.user.accessToken, { from: alice.line, to: '+33612340006', body: 'hello?' });
    await settle(t);
    const [message] = (await thread(t, alice.user.accessToken, '+33612340006')).messages;
    expect(message).toMatchObject({ id: sent.id, status: 'FAILED' });
    expect(message!.failure).toMatchObject({ code: 'LANDLINE_OR_UNREACHABLE_CARRIER' });
    expect(message!.failure!.reason.length).toBeGreaterThan(0);
    expect(statuses(message!).at(-1)).toBe('FAILED');
  });
});

describe('encryption at rest', () => {
  it('stores no plaintext body or media reference; both directions carry an encryption key id', async () => {
    const alice = await userWithLine();
    const bob = await userWithLine();
    const secret = 'The vault code is 4921-SECRET';
    const media = 'https://media.example.com/private-photo-7f3a.jpg';
    const sms = await send(t, alice.user.accessToken, { from: alice.line, to: bob.line, body: secret });
    const mms = await send(t, alice.user.accessToken, {
      from: alice.line,
      to: '+33612345678',
      body: `${secret} (photo)`,
      mediaUrls: [media],
    });
    await settle(t);

    const result = await t.database.handle.db.execute(
      sql`select user_id, body, media_urls, encryption_key_id from messages where user_id in (${alice.user.id}, ${bob.user.id})`,
    );
    // node-postgres and PGlite both answer { rows }.
    const stored = (
      result as {
        rows: { user_id: string; body: string | null; media_urls: string | null; encryption_key_id: string | null }[];
      }
    ).rows;
    expect(stored).toHaveLength(3); // two sent by A, one received by B
    for (const row of stored) {
      expect(row.body).not.toBeNull();
      expect(row.body).not.toContain('vault');
      expect(row.body).not.toContain('4921');
      expect(row.media_urls ?? '').not.toContain('private-photo');
      expect(row.media_urls ?? '').not.toContain('example.com');
      expect(row.encryption_key_id).toBeTruthy();
    }
    // A whole-table dump does not show it either (any column, any row).
    const dump = await t.database.handle.db.execute(sql`select m::text as line from messages m`);
    for (const { line } of (dump as { rows: { line: string }[] }).rows) {
      expect(line).not.toContain('4921-SECRET');
      expect(line).not.toContain('private-photo');
    }
    // …while the API still reads it back to its owner.
    const [mmsRow] = await t.database.handle.db.select().from(messages).where(eq(messages.id, mms.id));
    expect(mmsRow!.mediaUrls).not.toBeNull();
    const mine = (await thread(t, alice.user.accessToken, '+33612345678')).messages;
    expect(mine[0]).toMatchObject({ body: `${secret} (photo)`, mediaUrls: [media] });
    expect((await thread(t, bob.user.accessToken, alice.line)).messages[0]!.body).toBe(secret);
    expect(sms.body).toBe(secret);
  });
});
