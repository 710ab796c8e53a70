import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, call, expectError, registerUser } from '../helpers/auth-flows.js';
import {
  conversations,
  createMessagingTestApp,
  type MessagingTestApp,
  messageRow,
  messageRowsOf,
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

const OUTSIDE = '+33612345678';

async function userWithLine(): Promise<{ user: Account; line: string }> {
  const user = await registerUser(t);
  await setPlan(t, user.id, 'STARTER');
  const number = await buyNumber(t, user.accessToken);
  return { user, line: number.phoneNumber };
}

/** "+33639980001" as a French person writes it: "06 39 98 00 01". */
function frenchNational(e164: string): string {
  expect(e164.startsWith('+33')).toBe(true);
  return `0${e164.slice(3)}`.replace(/(\d{2})(?=\d)/g, '$1 ');
}

const markRead = (token: string, id: string) => call(t, 'PUT', `/api/messages/${id}/read`, { token });
const remove = (token: string, id: string) => call(t, 'DELETE', `/api/messages/${id}`, { token });

/** A has texted B (delivered on-net): A's outbound copy and B's inbound copy. */
async function aliceTextedBob() {
  const alice = await userWithLine();
  const bob = await userWithLine();
  const sent = await send(t, alice.user.accessToken, { from: alice.line, to: bob.line, body: 'for Bob only' });
  await settle(t);
  const [received] = await messageRowsOf(t, bob.user.id);
  expect(received).toBeDefined();
  return { alice, bob, sentId: sent.id, receivedId: received!.id };
}

describe('ownership: a user only ever reaches their own messages', () => {
  it('B cannot mark or delete A’s message: 404, and A’s message is untouched', async () => {
    const { alice, bob, sentId } = await aliceTextedBob();
    expectError(await markRead(bob.user.accessToken, sentId), 404, 'NOT_FOUND');
    expectError(await remove(bob.user.accessToken, sentId), 404, 'NOT_FOUND');

    const row = await messageRow(t, sentId);
    expect(row.readAt).toBeNull();
    expect(row.deletedAt).toBeNull();
    expect(row.body).not.toBeNull();
    const [mine] = (await thread(t, alice.user.accessToken, bob.line)).messages;
    expect(mine).toMatchObject({ id: sentId, body: 'for Bob only' });
  });

  it('the answer for someone else’s message is the same as for one that does not exist', async () => {
    const { bob, sentId } = await aliceTextedBob();
    const foreign = expectError(await markRead(bob.user.accessToken, sentId), 404, 'NOT_FOUND');
    const missing = expectError(await markRead(bob.user.accessToken, randomUUID()), 404, 'NOT_FOUND');
    expect(foreign.error).toBe(missing.error);
    expectError(await markRead(bob.user.accessToken, 'not-a-uuid'), 400, 'VALIDATION_FAILED', 'messageId');
    expectError(await remove(bob.user.accessToken, 'not-a-uuid'), 400, 'VALIDATION_FAILED', 'messageId');
  });

  it('a third user sees none of A’s conversations or threads', async () => {
    const { alice, bob } = await aliceTextedBob();
    const carol = await userWithLine();
    expect(await conversations(t, carol.user.accessToken)).toEqual({ conversations: [], total: 0 });
    expect(await thread(t, carol.user.accessToken, bob.line)).toEqual({ messages: [], total: 0 });
    expect(await thread(t, carol.user.accessToken, alice.line)).toEqual({ messages: [], total: 0 });
    // Carol naming A's line as her `from` does not reveal A's traffic either.
    expect(await conversations(t, carol.user.accessToken, alice.line)).toEqual({ conversations: [], total: 0 });
    expect(await thread(t, carol.user.accessToken, bob.line, alice.line)).toEqual({ messages: [], total: 0 });
  });

  it('B’s thread with A holds B’s own copy only, never A’s row', async () => {
    const { alice, bob, sentId, receivedId } = await aliceTextedBob();
    const bobs = await thread(t, bob.user.accessToken, alice.line);
    expect(bobs.messages.map((m) => m.id)).toEqual([receivedId]);
    expect(bobs.messages[0]).toMatchObject({ direction: 'INBOUND' });
    expect(bobs.messages.map((m) => m.id)).not.toContain(sentId);
  });

  it('every messages route needs a token: 401', async () => {
    const id = randomUUID();
    for (const [method, url] of [
      ['GET', '/api/messages/conversations'],
      ['GET', `/api/messages/conversation/${encodeURIComponent(OUTSIDE)}`],
      ['PUT', `/api/messages/${id}/read`],
      ['DELETE', `/api/messages/${id}`],
    ] as const) {
      const res = await call(t, method, url);
      expect(res.statusCode, `${method} ${url}`).toBe(401);
    }
  });
});

describe('reading conversations', () => {
  it('GET /conversation/:phoneNumber accepts the number as people write it', async () => {
    const { alice, bob, receivedId } = await aliceTextedBob();
    const e164 = (await thread(t, bob.user.accessToken, alice.line)).messages;
    expect(e164.map((m) => m.id)).toEqual([receivedId]);
    for (const written of [frenchNational(alice.line), alice.line.replace('+', '00'), `+33 ${alice.line.slice(3)}`]) {
      const res = await thread(t, bob.user.accessToken, written);
      expect(
        res.messages.map((m) => m.id),
        written,
      ).toEqual([receivedId]);
    }
    expectError(
      await call(t, 'GET', `/api/messages/conversation/${encodeURIComponent('not a number')}`, {
        token: bob.user.accessToken,
      }),
      400,
      'VALIDATION_FAILED',
      'phoneNumber',
    );
  });

  it('`from` picks one line when a BUSINESS user has two', async () => {
    const boss = await registerUser(t);
    await setPlan(t, boss.id, 'BUSINESS');
    const first = (await buyNumber(t, boss.accessToken)).phoneNumber;
    const second = (await buyNumber(t, boss.accessToken)).phoneNumber;
    const viaFirst = await send(t, boss.accessToken, { from: first, to: OUTSIDE, body: 'from the first line' });
    t.clock.advance(1000);
    const viaSecond = await send(t, boss.accessToken, { from: second, to: OUTSIDE, body: 'from the second line' });
    await settle(t);

    const all = await conversations(t, boss.accessToken);
    expect(all.total).toBe(2);
    expect(all.conversations.map((c) => c.myNumber).sort()).toEqual([first, second].sort());

    const onFirst = await conversations(t, boss.accessToken, first);
    expect(onFirst.total).toBe(1);
    expect(onFirst.conversations[0]).toMatchObject({ myNumber: first, phoneNumber: OUTSIDE });
    const onSecondNational = await conversations(t, boss.accessToken, frenchNational(second));
    expect(onSecondNational.conversations.map((c) => c.myNumber)).toEqual([second]);

    expect((await thread(t, boss.accessToken, OUTSIDE)).messages.map((m) => m.id)).toEqual([viaSecond.id, viaFirst.id]);
    expect((await thread(t, boss.accessToken, OUTSIDE, first)).messages.map((m) => m.id)).toEqual([viaFirst.id]);
    expect((await thread(t, boss.accessToken, OUTSIDE, second)).messages.map((m) => m.id)).toEqual([viaSecond.id]);
  });

  it('pages conversations and threads with limit and offset, totals unchanged', async () => {
    const { user, line } = await userWithLine();
    const others = ['+33612000201', '+33612000202', '+33612000203'];
    for (const other of others) {
      await send(t, user.accessToken, { from: line, to: other, body: `to ${other}` });
      t.clock.advance(1000);
    }
    await send(t, user.accessToken, { from: line, to: others[0]!, body: 'again' });
    const page = await call(t, 'GET', '/api/messages/conversations?limit=2&offset=0', { token: user.accessToken });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.json().total).toBe(3);
    expect(page.json().conversations.map((c: { phoneNumber: string }) => c.phoneNumber)).toEqual([
      others[0],
      others[2],
    ]);
    const next = await call(t, 'GET', '/api/messages/conversations?limit=2&offset=2', { token: user.accessToken });
    expect(next.json().conversations.map((c: { phoneNumber: string }) => c.phoneNumber)).toEqual([others[1]]);

    const res = await call(t, 'GET', `/api/messages/conversation/${encodeURIComponent(others[0]!)}?limit=1`, {
      token: user.accessToken,
    });
    expect(res.json().total).toBe(2);
    expect(res.json().messages.map((m: { body: string }) => m.body)).toEqual(['again']);
  });

  it('PUT /:id/read sets readAt and the unread count drops; reading again keeps the first time', async () => {
    const { bob, alice, receivedId } = await aliceTextedBob();
    expect((await conversations(t, bob.user.accessToken)).conversations[0]!.unreadCount).toBe(1);

    const res = await markRead(bob.user.accessToken, receivedId);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: receivedId, readAt: t.clock.now.toISOString() });
    const firstReadAt = res.json().readAt;

    expect((await conversations(t, bob.user.accessToken)).conversations[0]!.unreadCount).toBe(0);
    expect((await thread(t, bob.user.accessToken, alice.line)).messages[0]!.readAt).toBe(firstReadAt);

    t.clock.advance(60_000);
    const again = await markRead(bob.user.accessToken, receivedId);
    expect(again.statusCode).toBe(200);
    expect(again.json().readAt).toBe(firstReadAt);
  });

  it('DELETE /:id: gone from the thread and the list, its content erased at rest; a second delete is 404', async () => {
    const { alice, bob, sentId } = await aliceTextedBob();
    const res = await remove(alice.user.accessToken, sentId);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ success: true });

    expect(await thread(t, alice.user.accessToken, bob.line)).toEqual({ messages: [], total: 0 });
    expect(await conversations(t, alice.user.accessToken)).toEqual({ conversations: [], total: 0 });
    const row = await messageRow(t, sentId);
    expect(row.body).toBeNull();
    expect(row.mediaUrls).toBeNull();
    expect(row.deletedAt).not.toBeNull();

    expectError(await remove(alice.user.accessToken, sentId), 404, 'NOT_FOUND');
    expectError(await markRead(alice.user.accessToken, sentId), 404, 'NOT_FOUND');
    // Bob's copy is his: A deleting hers leaves it.
    expect((await thread(t, bob.user.accessToken, alice.line)).messages[0]!.body).toBe('for Bob only');
  });
});
