import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../src/modules/messaging/messaging.table.js';
import { jobs } from '../../src/platform/jobs/jobs.table.js';
import { type Account, call, registerUser } from '../helpers/auth-flows.js';
import {
  createMessagingTestApp,
  type MessagingTestApp,
  messageRow,
  messageRowsOf,
  send,
  sendJobFor,
  settle,
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

/**
 * How many times the carrier was asked to send: in the sandbox every hand-off
 * to the carrier delivers a copy to the on-net recipient (with a MessageSid of
 * its own), so the recipient's inbound rows count the carrier calls.
 */
async function carrierCallsSeenBy(recipientId: string): Promise<number> {
  return (await messageRowsOf(t, recipientId)).filter((m) => m.direction === 'INBOUND').length;
}

describe('the send job: a crash between the API and the carrier loses nothing and sends nothing twice', () => {
  it('the API answers QUEUED with its send job stored, and nothing reaches the carrier before the worker runs', async () => {
    const alice = await userWithLine();
    const bob = await userWithLine();
    const sent = await send(t, alice.user.accessToken, { from: alice.line, to: bob.line, body: 'queued first' });
    const job = await sendJobFor(t, sent.id);
    expect(job).toMatchObject({ doneAt: null, failedAt: null, attempts: 0 });
    expect((await messageRow(t, sent.id)).carrierMessageId).toBeNull();
    await t.app.carrierIdle();
    expect(await carrierCallsSeenBy(bob.user.id)).toBe(0);

    await settle(t);
    expect(await carrierCallsSeenBy(bob.user.id)).toBe(1);
    expect((await sendJobFor(t, sent.id)).doneAt).not.toBeNull();
  });

  it('a worker that died after claiming (message SENDING, lease expired): the retry sends exactly once', async () => {
    const alice = await userWithLine();
    const bob = await userWithLine();
    const sent = await send(t, alice.user.accessToken, { from: alice.line, to: bob.line, body: 'survives a crash' });
    const job = await sendJobFor(t, sent.id);

    // The dead worker's traces: it claimed the job (attempt 1, lease now over) and moved the message
    // to SENDING, then died before the carrier answered.
    await t.database.handle.db
      .update(messages)
      .set({
        status: 'SENDING',
        statusHistory: [
          { status: 'QUEUED', at: t.clock.now.toISOString() },
          { status: 'SENDING', at: t.clock.now.toISOString() },
        ],
      })
      .where(eq(messages.id, sent.id));
    await t.database.handle.db
      .update(jobs)
      .set({ attempts: 1, lockedUntil: new Date(t.clock.now.getTime() - 1000) })
      .where(eq(jobs.id, job.id));

    await settle(t);
    expect(await carrierCallsSeenBy(bob.user.id)).toBe(1);
    const row = await messageRow(t, sent.id);
    expect(row.status).toBe('DELIVERED');
    expect(row.carrierMessageId).toMatch(/^SM/);
    expect(await sendJobFor(t, sent.id)).toMatchObject({ attempts: 2, failedAt: null });
    expect((await sendJobFor(t, sent.id)).doneAt).not.toBeNull();

    // Running the queue again changes nothing.
    await settle(t);
    expect(await carrierCallsSeenBy(bob.user.id)).toBe(1);
  });

  it('a worker still inside its lease is not overtaken: the job waits for the lease to end', async () => {
    const alice = await userWithLine();
    const bob = await userWithLine();
    const sent = await send(t, alice.user.accessToken, { from: alice.line, to: bob.line, body: 'leased' });
    const job = await sendJobFor(t, sent.id);
    await t.database.handle.db
      .update(jobs)
      .set({ attempts: 1, lockedUntil: new Date(t.clock.now.getTime() + 60_000) })
      .where(eq(jobs.id, job.id));
    await settle(t);
    expect(await carrierCallsSeenBy(bob.user.id)).toBe(0);
    expect((await messageRow(t, sent.id)).status).toBe('QUEUED');

    t.clock.advance(61_000);
    await settle(t);
    expect(await carrierCallsSeenBy(bob.user.id)).toBe(1);
  });

  it('a message the carrier already took (SENDING with its carrier id) is not sent again by a retry', async () => {
    const alice = await userWithLine();
    const bob = await userWithLine();
    const sent = await send(t, alice.user.accessToken, { from: alice.line, to: bob.line, body: 'already handed over' });
    const job = await sendJobFor(t, sent.id);
    await t.database.handle.db
      .update(messages)
      .set({ status: 'SENDING', carrierMessageId: 'SMalreadyhandedover000000000000000' })
      .where(eq(messages.id, sent.id));
    await t.database.handle.db
      .update(jobs)
      .set({ attempts: 1, lockedUntil: new Date(t.clock.now.getTime() - 1000) })
      .where(eq(jobs.id, job.id));
    await settle(t);
    expect(await carrierCallsSeenBy(bob.user.id)).toBe(0);
    expect((await messageRow(t, sent.id)).carrierMessageId).toBe('SMalreadyhandedover000000000000000');
  });

  it('a job run twice sends once: a duplicate job for a delivered message does nothing', async () => {
    const alice = await userWithLine();
    const bob = await userWithLine();
    const sent = await send(t, alice.user.accessToken, { from: alice.line, to: bob.line, body: 'just once' });
    await settle(t);
    expect(await carrierCallsSeenBy(bob.user.id)).toBe(1);
    const sid = (await messageRow(t, sent.id)).carrierMessageId;

    // The same job made due again, and a second copy of it (as a duplicated enqueue would leave).
    const job = await sendJobFor(t, sent.id);
    await t.database.handle.db
      .update(jobs)
      .set({ doneAt: null, lockedUntil: null, runAt: t.clock.now })
      .where(eq(jobs.id, job.id));
    await t.database.handle.db
      .insert(jobs)
      .values({ kind: 'messaging.send', payload: { messageId: sent.id }, runAt: t.clock.now });
    await settle(t);

    expect(await carrierCallsSeenBy(bob.user.id)).toBe(1);
    const row = await messageRow(t, sent.id);
    expect(row).toMatchObject({ status: 'DELIVERED', carrierMessageId: sid });
    expect(row.statusHistory.filter((s) => s.status === 'SENDING')).toHaveLength(1);
  });

  it('two workers running the same due job at once: one carrier call', async () => {
    const alice = await userWithLine();
    const bob = await userWithLine();
    await send(t, alice.user.accessToken, { from: alice.line, to: bob.line, body: 'two workers' });
    await Promise.all([t.app.jobs.runDue(), t.app.jobs.runDue(), t.app.jobs.runDue()]);
    await settle(t);
    expect(await carrierCallsSeenBy(bob.user.id)).toBe(1);
  });

  it('a message deleted while still queued is never sent', async () => {
    const alice = await userWithLine();
    const bob = await userWithLine();
    const sent = await send(t, alice.user.accessToken, { from: alice.line, to: bob.line, body: 'oops, wrong person' });
    const res = await call(t, 'DELETE', `/api/messages/${sent.id}`, { token: alice.user.accessToken });
    expect(res.statusCode, res.body).toBe(200);
    await settle(t);
    expect(await carrierCallsSeenBy(bob.user.id)).toBe(0);
    expect((await messageRow(t, sent.id)).carrierMessageId).toBeNull();
  });
});
