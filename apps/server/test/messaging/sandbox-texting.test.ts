import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, registerUser } from '../helpers/auth-flows.js';
import { buyNumber } from '../helpers/numbers-flows.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { SANDBOX_STEP_DELAY_MS: '0' } });
});
afterAll(async () => {
  await t.close();
});

/** Runs the send jobs and waits for the sandbox network's callbacks, until nothing is left. */
async function settle() {
  do await t.app.carrierIdle();
  while ((await t.app.jobs.runDue()) > 0);
  await t.app.carrierIdle();
}

describe('texting between two CommPro numbers in the sandbox', () => {
  it('delivers for real: A sends, B receives it in the conversation, A sees DELIVERED', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const aliceLine = await buyNumber(t, alice.accessToken);
    const bobLine = await buyNumber(t, bob.accessToken);

    const sent = await call(t, 'POST', '/api/messages/send', {
      token: alice.accessToken,
      payload: { from: aliceLine.phoneNumber, to: bobLine.phoneNumber, body: 'Bonjour Bob, ça va ?' },
    });
    expect(sent.statusCode, sent.body).toBe(202);
    expect(sent.json()).toMatchObject({ status: 'QUEUED', direction: 'OUTBOUND', encoding: 'UCS-2', segments: 1 });

    await settle();

    const inbox = await call(t, 'GET', '/api/messages/conversations', { token: bob.accessToken });
    expect(inbox.statusCode).toBe(200);
    expect(inbox.json().total).toBe(1);
    const [conversation] = inbox.json().conversations;
    expect(conversation).toMatchObject({
      phoneNumber: aliceLine.phoneNumber,
      myNumber: bobLine.phoneNumber,
      unreadCount: 1,
    });
    expect(conversation.lastMessage).toMatchObject({
      body: 'Bonjour Bob, ça va ?',
      direction: 'INBOUND',
      status: 'RECEIVED',
    });

    const thread = await call(t, 'GET', `/api/messages/conversation/${encodeURIComponent(bobLine.phoneNumber)}`, {
      token: alice.accessToken,
    });
    expect(thread.json().messages[0]).toMatchObject({ status: 'DELIVERED', body: 'Bonjour Bob, ça va ?' });
    expect(thread.json().messages[0].statusHistory.map((s: { status: string }) => s.status)).toEqual([
      'QUEUED',
      'SENDING',
      'SENT',
      'DELIVERED',
    ]);

    // Nothing readable at rest.
    const result = await t.database.handle.db.execute(sql`select body from messages where body is not null`);
    for (const row of (result as { rows: { body: string }[] }).rows) expect(row.body).not.toContain('Bonjour');
  });
});
