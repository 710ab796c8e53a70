import type { Call, Message } from '@commpro/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/auth-flows.js';
import {
  type Caller,
  type CallsTestApp,
  callAction,
  createCallsTestApp,
  initiate,
  listCalls,
  userWithLine,
} from '../helpers/calls-flows.js';
import {
  callContactIds,
  createContact,
  history,
  importVcf,
  linkedContactIds,
  messageContactIds,
  sync,
  updateContact,
} from '../helpers/contacts-flows.js';
import {
  conversations,
  INCOMING_PATH,
  inboundParams,
  send,
  settle,
  signedWebhook,
  thread,
} from '../helpers/messaging-flows.js';

/*
 * Messages and calls carry the contact saved for the other party's number:
 * set when they are stored, and kept right as contacts are created, changed,
 * imported and deleted. What the user sees is asserted through the API
 * (conversations, calls, history); the stored link through the rows.
 */

let t: CallsTestApp;
beforeAll(async () => {
  t = await createCallsTestApp();
});
afterAll(async () => {
  await t.close();
});

/** Numbers outside CommPro, in E.164 and as a French user writes them. */
const OUTSIDE = { e164: '+33612345678', written: '06 12 34 56 78' };
const ELSEWHERE = { e164: '+33698765432', written: '06 98 76 54 32' };

/** A text the user receives from `from` on their line, as the carrier posts it. */
async function receive(user: Caller, from: string, body: string): Promise<void> {
  const res = await signedWebhook(t, INCOMING_PATH, inboundParams(from, user.number, body));
  expect(res.statusCode, res.body).toBe(200);
}

/** A call the user places to `to`, hung up at once so no call stays live between tests. */
async function callOut(user: Caller, to: string): Promise<Call> {
  const placed = await initiate(t, user.accessToken, user.number, to);
  await callAction(t, user.accessToken, placed.id, 'hangup');
  await settle(t);
  return placed;
}

/** A text out, a text in and a call out with `party`: one of each way the user meets a number. */
async function exchangeWith(user: Caller, party: string): Promise<void> {
  await send(t, user.accessToken, { from: user.number, to: party, body: 'Bonjour' });
  await receive(user, party, 'Bonjour à vous');
  await callOut(user, party);
  await settle(t);
}

const conversationWith = async (user: Caller, party: string) =>
  (await conversations(t, user.accessToken)).conversations.find((c) => c.phoneNumber === party) as
    { contact: { id: string; displayName: string } | null } | undefined;

const callsWith = async (user: Caller, party: string): Promise<Call[]> =>
  (await listCalls(t, user.accessToken)).calls.filter((c) => c.to === party || c.from === party);

describe('a message or call stored while a contact has the number', () => {
  it('is linked when stored, and lists show the contact’s name', async () => {
    const alice = await userWithLine(t);
    const jean = await createContact(t, alice.accessToken, { firstName: 'Jean', phoneNumber: OUTSIDE.written });
    const sent = await send(t, alice.accessToken, { from: alice.number, to: OUTSIDE.e164, body: 'Bonjour' });
    expect(sent.contactId).toBe(jean.id);
    await receive(alice, OUTSIDE.e164, 'Bonjour à vous');
    const placed = await callOut(alice, OUTSIDE.e164);
    expect(placed.contactId).toBe(jean.id);
    expect(placed.contact).toEqual({ id: jean.id, displayName: 'Jean' });

    expect((await thread(t, alice.accessToken, OUTSIDE.e164)).messages.map((m) => m.contactId)).toEqual([
      jean.id,
      jean.id,
    ]);
    expect((await conversationWith(alice, OUTSIDE.e164))?.contact).toEqual({ id: jean.id, displayName: 'Jean' });
    expect((await callsWith(alice, OUTSIDE.e164)).map((c) => c.contact)).toEqual([
      { id: jean.id, displayName: 'Jean' },
    ]);
  });

  it('is not linked to a contact with another number', async () => {
    const alice = await userWithLine(t);
    await createContact(t, alice.accessToken, { firstName: 'Jean', phoneNumber: ELSEWHERE.written });
    await exchangeWith(alice, OUTSIDE.e164);
    expect(await linkedContactIds(t, alice.id)).toEqual([null]);
    expect((await conversationWith(alice, OUTSIDE.e164))?.contact).toBeNull();
    expect((await callsWith(alice, OUTSIDE.e164)).map((c) => c.contact)).toEqual([null]);
  });

  it('links each side of a call between two CommPro users to that user’s own contact', async () => {
    const alice = await userWithLine(t);
    const bob = await userWithLine(t);
    const bobForAlice = await createContact(t, alice.accessToken, { firstName: 'Bob', phoneNumber: bob.number });
    const placed = await callOut(alice, bob.number);
    expect(placed.contactId).toBe(bobForAlice.id);
    // Bob has no contact for Alice: his side shows her number.
    expect([...(await callContactIds(t, bob.id)).values()]).toEqual([null]);
  });
});

describe('creating a contact', () => {
  it('links the past messages and calls with its number, both directions', async () => {
    const alice = await userWithLine(t);
    await exchangeWith(alice, OUTSIDE.e164);
    await exchangeWith(alice, ELSEWHERE.e164);
    expect(await linkedContactIds(t, alice.id)).toEqual([null]);

    // Written in national form: the link is on the number, not on how it was typed.
    const jean = await createContact(t, alice.accessToken, { firstName: 'Jean', phoneNumber: OUTSIDE.written });
    const messages = (await thread(t, alice.accessToken, OUTSIDE.e164)).messages;
    expect(messages.map((m) => [m.direction, m.contactId]).sort()).toEqual([
      ['INBOUND', jean.id],
      ['OUTBOUND', jean.id],
    ]);
    expect((await callsWith(alice, OUTSIDE.e164)).map((c) => c.contactId)).toEqual([jean.id]);
    expect((await conversationWith(alice, OUTSIDE.e164))?.contact).toEqual({ id: jean.id, displayName: 'Jean' });
    // The other number's exchanges stay unlinked.
    expect((await thread(t, alice.accessToken, ELSEWHERE.e164)).messages.map((m) => m.contactId)).toEqual([null, null]);
    expect((await callsWith(alice, ELSEWHERE.e164)).map((c) => c.contactId)).toEqual([null]);
  });

  it('links a received call from another CommPro user', async () => {
    const alice = await userWithLine(t);
    const bob = await userWithLine(t);
    await callOut(bob, alice.number);
    expect([...(await callContactIds(t, alice.id)).values()]).toEqual([null]);
    const bobForAlice = await createContact(t, alice.accessToken, { firstName: 'Bob', phoneNumber: bob.number });
    const [received] = await callsWith(alice, bob.number);
    expect(received).toMatchObject({ direction: 'INBOUND', contactId: bobForAlice.id });
    expect(received?.contact).toEqual({ id: bobForAlice.id, displayName: 'Bob' });
  });

  it('never links another user’s messages and calls with the same number', async () => {
    const alice = await userWithLine(t);
    const carol = await userWithLine(t);
    await exchangeWith(alice, OUTSIDE.e164);
    await exchangeWith(carol, OUTSIDE.e164);
    const jean = await createContact(t, alice.accessToken, { firstName: 'Jean', phoneNumber: OUTSIDE.e164 });
    expect(await linkedContactIds(t, alice.id)).toEqual([jean.id]);
    expect(await linkedContactIds(t, carol.id)).toEqual([null]);
    expect((await conversationWith(carol, OUTSIDE.e164))?.contact).toBeNull();

    // Nor by a bulk import, nor for what Carol sends after Alice saved the number.
    await sync(t, alice.accessToken, [{ phoneNumber: OUTSIDE.written, firstName: 'Jean' }]);
    await send(t, carol.accessToken, { from: carol.number, to: OUTSIDE.e164, body: 'Encore moi' });
    expect(await linkedContactIds(t, carol.id)).toEqual([null]);
  });

  it('links only the owner’s side of texts between two CommPro users', async () => {
    const alice = await userWithLine(t);
    const bob = await userWithLine(t);
    await send(t, alice.accessToken, { from: alice.number, to: bob.number, body: 'Salut Bob' });
    await settle(t);
    const bobForAlice = await createContact(t, alice.accessToken, { firstName: 'Bob', phoneNumber: bob.number });
    expect(await linkedContactIds(t, alice.id)).toEqual([bobForAlice.id]);
    // Bob received the text from Alice's number; Alice's contact says nothing to him.
    expect(await linkedContactIds(t, bob.id)).toEqual([null]);
  });
});

describe('changing a contact’s number', () => {
  it('unlinks the old number’s messages and calls and links the new number’s', async () => {
    const alice = await userWithLine(t);
    await exchangeWith(alice, OUTSIDE.e164);
    await exchangeWith(alice, ELSEWHERE.e164);
    const jean = await createContact(t, alice.accessToken, { firstName: 'Jean', phoneNumber: OUTSIDE.written });

    await updateContact(t, alice.accessToken, jean.id, { phoneNumber: ELSEWHERE.written });
    expect((await thread(t, alice.accessToken, OUTSIDE.e164)).messages.map((m) => m.contactId)).toEqual([null, null]);
    expect((await callsWith(alice, OUTSIDE.e164)).map((c) => c.contact)).toEqual([null]);
    expect((await thread(t, alice.accessToken, ELSEWHERE.e164)).messages.map((m) => m.contactId)).toEqual([
      jean.id,
      jean.id,
    ]);
    expect((await callsWith(alice, ELSEWHERE.e164)).map((c) => c.contact)).toEqual([
      { id: jean.id, displayName: 'Jean' },
    ]);
  });

  it('keeps the links when other fields change, and lists show the new name', async () => {
    const alice = await userWithLine(t);
    await exchangeWith(alice, OUTSIDE.e164);
    const jean = await createContact(t, alice.accessToken, { firstName: 'Jean', phoneNumber: OUTSIDE.written });
    await updateContact(t, alice.accessToken, jean.id, { firstName: 'Jean-Pierre', notes: 'Rappeler lundi' });
    expect(await linkedContactIds(t, alice.id)).toEqual([jean.id]);
    expect((await conversationWith(alice, OUTSIDE.e164))?.contact?.displayName).toBe('Jean-Pierre');
    expect((await callsWith(alice, OUTSIDE.e164))[0]?.contact?.displayName).toBe('Jean-Pierre');
  });
});

describe('deleting a contact', () => {
  it('keeps its messages and calls, under the number, with no contact', async () => {
    const alice = await userWithLine(t);
    await exchangeWith(alice, OUTSIDE.e164);
    const jean = await createContact(t, alice.accessToken, { firstName: 'Jean', phoneNumber: OUTSIDE.written });
    const res = await call(t, 'DELETE', `/api/contacts/${jean.id}`, { token: alice.accessToken });
    expect(res.statusCode, res.body).toBe(200);

    const messages = await messageContactIds(t, alice.id);
    const calls = await callContactIds(t, alice.id);
    expect([messages.size, calls.size]).toEqual([2, 1]);
    expect(await linkedContactIds(t, alice.id)).toEqual([null]);
    expect((await conversationWith(alice, OUTSIDE.e164))?.contact).toBeNull();
    expect((await callsWith(alice, OUTSIDE.e164)).map((c) => c.contact)).toEqual([null]);
  });
});

describe('bulk imports', () => {
  it('link the messages and calls of every contact they add', async () => {
    const alice = await userWithLine(t);
    await exchangeWith(alice, OUTSIDE.e164);
    await exchangeWith(alice, ELSEWHERE.e164);
    await sync(t, alice.accessToken, [{ phoneNumber: OUTSIDE.written, firstName: 'Jean' }]);
    await importVcf(
      t,
      alice.accessToken,
      'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Paul\r\nTEL:06 98 76 54 32\r\nEND:VCARD\r\n',
    );

    const names = async (party: string) => [
      ...(await thread(t, alice.accessToken, party)).messages.map((m: Message) => m.contactId),
      ...(await callsWith(alice, party)).map((c) => c.contact?.displayName),
    ];
    const [jeanId] = (await thread(t, alice.accessToken, OUTSIDE.e164)).messages.map((m) => m.contactId);
    const [paulId] = (await thread(t, alice.accessToken, ELSEWHERE.e164)).messages.map((m) => m.contactId);
    expect(jeanId).toEqual(expect.any(String));
    expect(paulId).toEqual(expect.any(String));
    expect(await names(OUTSIDE.e164)).toEqual([jeanId, jeanId, 'Jean']);
    expect(await names(ELSEWHERE.e164)).toEqual([paulId, paulId, 'Paul']);
  });
});

describe('GET /api/contacts/:id/history', () => {
  it('returns calls and messages together, newest first, paged, with readable bodies', async () => {
    const alice = await userWithLine(t);
    const jean = await createContact(t, alice.accessToken, { firstName: 'Jean', phoneNumber: OUTSIDE.written });
    // One minute apart, so "newest first" has one right order.
    await send(t, alice.accessToken, { from: alice.number, to: OUTSIDE.e164, body: 'Premier, « accentué »' });
    t.clock.advance(60_000);
    await callOut(alice, OUTSIDE.e164);
    t.clock.advance(60_000);
    await receive(alice, OUTSIDE.e164, 'Réponse');
    t.clock.advance(60_000);
    await send(t, alice.accessToken, { from: alice.number, to: OUTSIDE.e164, body: 'Dernier' });
    await settle(t);
    // Someone else's exchange does not belong in Jean's history.
    await exchangeWith(alice, ELSEWHERE.e164);

    const summary = (item: { kind: string; message?: Message; call?: Call }) =>
      item.kind === 'message' ? `message:${item.message?.body}` : `call:${item.call?.to}`;
    const all = await history(t, alice.accessToken, jean.id);
    expect(all.total).toBe(4);
    expect(all.items.map(summary)).toEqual([
      'message:Dernier',
      'message:Réponse',
      `call:${OUTSIDE.e164}`,
      'message:Premier, « accentué »',
    ]);
    expect(all.items.map((i) => i.at)).toEqual([...all.items.map((i) => i.at)].sort().reverse());

    const firstPage = await history(t, alice.accessToken, jean.id, '?limit=2');
    const secondPage = await history(t, alice.accessToken, jean.id, '?limit=2&offset=2');
    const beyond = await history(t, alice.accessToken, jean.id, '?limit=2&offset=4');
    expect(firstPage.items.map(summary)).toEqual(all.items.slice(0, 2).map(summary));
    expect(secondPage.items.map(summary)).toEqual(all.items.slice(2, 4).map(summary));
    expect([firstPage.total, secondPage.total, beyond.total]).toEqual([4, 4, 4]);
    expect(beyond.items).toEqual([]);
    const bad = await call(t, 'GET', `/api/contacts/${jean.id}/history?limit=0`, { token: alice.accessToken });
    expect(bad.statusCode).toBe(400);
  });

  it('follows the contact when its number changes', async () => {
    const alice = await userWithLine(t);
    await exchangeWith(alice, OUTSIDE.e164);
    const jean = await createContact(t, alice.accessToken, { firstName: 'Jean', phoneNumber: ELSEWHERE.written });
    expect((await history(t, alice.accessToken, jean.id)).total).toBe(0);
    await updateContact(t, alice.accessToken, jean.id, { phoneNumber: OUTSIDE.written });
    expect((await history(t, alice.accessToken, jean.id)).total).toBe(3);
  });
});
