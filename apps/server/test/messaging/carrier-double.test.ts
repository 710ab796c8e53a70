import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../src/modules/messaging/messaging.table.js';
import { jobs } from '../../src/platform/jobs/jobs.table.js';
import type { Carrier, OutboundMessage } from '../../src/providers/carrier/carrier.port.js';
import { CarrierError } from '../../src/providers/carrier/carrier.port.js';
import { createSandboxMessaging } from '../../src/providers/carrier/sandbox/sandbox-messaging.js';
import { signTwilioRequest } from '../../src/providers/carrier/twilio-signature.js';
import { type Account, registerUser } from '../helpers/auth-flows.js';
import {
  messageRow,
  newMessageSid,
  PUBLIC_URL,
  send,
  sendJobFor,
  settle,
  statusParams,
  thread,
} from '../helpers/messaging-flows.js';
import { buyNumber, createNumbersTestApp, type NumbersTestApp, setPlan } from '../helpers/numbers-flows.js';

/**
 * The sandbox carrier behind a test double: every sendMessage is recorded and
 * can be scripted (refuse, or have the network's status callback land before
 * the carrier's answer does, as a fast network can).
 */
const TOKEN = 'carrier-double-webhook-token';
const sends: OutboundMessage[] = [];
let script: ((message: OutboundMessage) => Promise<{ carrierMessageId: string } | undefined>) | undefined;
const appRef: { app?: FastifyInstance } = {};

async function postSigned(url: string, params: Record<string, string>) {
  const target = new URL(url);
  const res = await appRef.app!.inject({
    method: 'POST',
    url: target.pathname,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signTwilioRequest(TOKEN, url, params),
    },
    payload: new URLSearchParams(params).toString(),
  });
  expect(res.statusCode, res.body).toBeLessThan(400);
}

let t: NumbersTestApp;
beforeAll(async () => {
  t = await createNumbersTestApp({
    env: { SANDBOX_STEP_DELAY_MS: '0' },
    carrier: ({ db, sandbox }) => {
      const messaging = createSandboxMessaging({
        db,
        webhookToken: TOKEN,
        publicUrl: PUBLIC_URL,
        post: (url, params) => postSigned(url, params),
        stepDelayMs: 0,
        onError: (error) => {
          throw error;
        },
      });
      const carrier: Carrier & { idle(): Promise<void> } = {
        ...sandbox,
        ...messaging,
        async sendMessage(message) {
          sends.push(message);
          const scripted = await script?.(message);
          return scripted ?? messaging.sendMessage(message);
        },
      };
      return carrier;
    },
  });
  appRef.app = t.app;
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

const sendsTo = (to: string) => sends.filter((m) => m.to === to);

describe('the send job against a carrier double', () => {
  it('hands the message to the carrier once, with its text, media and our status callback URL', async () => {
    script = undefined;
    const { user, line } = await userWithLine();
    const to = '+33612000101';
    await send(t, user.accessToken, {
      from: line,
      to,
      body: 'with a picture',
      mediaUrls: ['https://example.com/pic.jpg'],
    });
    await settle(t);
    expect(sendsTo(to)).toEqual([
      {
        from: line,
        to,
        body: 'with a picture',
        mediaUrls: ['https://example.com/pic.jpg'],
        statusCallbackUrl: `${PUBLIC_URL}/api/messages/webhooks/status`,
      },
    ]);
  });

  it('a retryable refusal is retried with backoff, then sent once', async () => {
    const { user, line } = await userWithLine();
    const to = '+33612000102';
    let refusals = 1;
    script = async (message) => {
      if (message.to !== to || refusals === 0) return undefined;
      refusals -= 1;
      throw new CarrierError('UNAVAILABLE', 'carrier down');
    };
    const sent = await send(t, user.accessToken, { from: line, to, body: 'try again' });
    await settle(t);
    expect(sendsTo(to)).toHaveLength(1);
    expect((await messageRow(t, sent.id)).status).toBe('QUEUED');
    const job = await sendJobFor(t, sent.id);
    expect(job.runAt.getTime()).toBeGreaterThan(t.clock.now.getTime());

    t.clock.advance(job.runAt.getTime() - t.clock.now.getTime());
    await settle(t);
    expect(sendsTo(to)).toHaveLength(2);
    expect((await messageRow(t, sent.id)).status).toBe('DELIVERED');
    script = undefined;
  });

  it('a refusal that will not pass later fails the message at once, with a reason, and is not retried', async () => {
    const { user, line } = await userWithLine();
    const to = '+33612000103';
    script = async (message) => {
      if (message.to === to) throw new CarrierError('RECIPIENT_OPTED_OUT', 'opted out', { carrierCode: 21610 });
      return undefined;
    };
    const sent = await send(t, user.accessToken, { from: line, to, body: 'hello again' });
    await settle(t);
    const [message] = (await thread(t, user.accessToken, to)).messages;
    t.clock.advance(3600_000);
    await settle(t);
    expect(sendsTo(to)).toHaveLength(1);
    expect((await messageRow(t, sent.id)).status).toBe('FAILED');
    expect(message).toMatchObject({ id: sent.id, status: 'FAILED' });
    expect(message!.failure?.code).toBe('RECIPIENT_OPTED_OUT');
    expect(message!.failure?.reason).toMatch(/STOP/);
    script = undefined;
  });

  it('a worker that died after claiming: after its lease, the carrier is called exactly once', async () => {
    script = undefined;
    const { user, line } = await userWithLine();
    const to = '+33612000105';
    const sent = await send(t, user.accessToken, { from: line, to, body: 'after a crash' });
    const job = await sendJobFor(t, sent.id);
    await t.database.handle.db.update(messages).set({ status: 'SENDING' }).where(eq(messages.id, sent.id));
    await t.database.handle.db
      .update(jobs)
      .set({ attempts: 1, lockedUntil: new Date(t.clock.now.getTime() - 1) })
      .where(eq(jobs.id, job.id));
    await settle(t);
    await settle(t);
    expect(sendsTo(to)).toHaveLength(1);
    expect((await messageRow(t, sent.id)).status).toBe('DELIVERED');
  });

  it('a carrier that stays down: after the last attempt the message is FAILED with a reason, not stuck', async () => {
    const { user, line } = await userWithLine();
    const to = '+33612000106';
    script = async (message) => {
      if (message.to === to) throw new CarrierError('UNAVAILABLE', 'carrier down');
      return undefined;
    };
    const sent = await send(t, user.accessToken, { from: line, to, body: 'never reaches' });
    const job = await sendJobFor(t, sent.id);
    await t.database.handle.db.update(jobs).set({ maxAttempts: 2 }).where(eq(jobs.id, job.id));
    await settle(t);
    t.clock.advance(3600_000);
    await settle(t);
    expect(sendsTo(to)).toHaveLength(2);
    const row = await messageRow(t, sent.id);
    expect(row.status).toBe('FAILED');
    expect(row.errorMessage).toBe('UNAVAILABLE');
    script = undefined;
  });

  it('a status callback that lands before the carrier’s answer is not lost', async () => {
    const { user, line } = await userWithLine();
    const to = '+33612000104';
    script = async (message) => {
      if (message.to !== to) return undefined;
      const sid = newMessageSid();
      // The network reports the failure while our request to the carrier is still on its way back.
      await postSigned(message.statusCallbackUrl, statusParams(sid, 'failed', { ErrorCode: '30006' }));
      return { carrierMessageId: sid };
    };
    const sent = await send(t, user.accessToken, { from: line, to, body: 'fast network' });
    await settle(t);
    const row = await messageRow(t, sent.id);
    expect(row.status).toBe('FAILED');
    expect(row.errorCode).toBe(30006);
    script = undefined;
  });
});
