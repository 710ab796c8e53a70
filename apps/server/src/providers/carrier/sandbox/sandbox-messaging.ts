import { createHmac, randomBytes } from 'node:crypto';
import { countSegments } from '@commpro/contracts';
import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../../platform/db/client.js';
import type { MessagingCarrier, OutboundMessage, WebhookVerifier } from '../carrier.port.js';
import { signTwilioRequest, verifyTwilioSignature } from '../twilio-signature.js';
import { sandboxNumbers } from './sandbox.table.js';

/** Posts a signed carrier callback to one of our own webhook URLs; the sandbox never calls outside. */
export type SandboxPost = (url: string, params: Record<string, string>, signature: string) => Promise<void>;

export interface SandboxMessagingDeps {
  db: Database;
  /** The secret the sandbox signs its callbacks with (Twilio's algorithm, our key). */
  webhookToken: string;
  publicUrl: string;
  post: SandboxPost;
  /** Pause between the steps of a delivery (sent → delivered), like a real network's. */
  stepDelayMs: number;
  onError: (error: unknown) => void;
}

const ACCOUNT_SID = 'ACsandbox00000000000000000000000000';

/**
 * Outside numbers whose last four digits pick a failure, so every outcome
 * can be tried in the sandbox; any other outside number is delivered.
 */
const OFF_NET_OUTCOMES: Record<string, { status: 'undelivered' | 'failed'; errorCode: string }> = {
  '0003': { status: 'undelivered', errorCode: '30003' },
  '0005': { status: 'undelivered', errorCode: '30005' },
  '0006': { status: 'failed', errorCode: '30006' },
  '0007': { status: 'undelivered', errorCode: '30007' },
};

/** The sandbox's webhook secret, derived from the instance's JWT secret so every node agrees. */
export function sandboxWebhookToken(jwtSecret: string): string {
  return createHmac('sha256', jwtSecret).update('commpro sandbox carrier webhooks').digest('base64url');
}

/** What only the sandbox can do: play the outside world. */
export interface SandboxControls {
  /** A text from any number to a line of this instance, through the signed inbound webhook. */
  simulateInbound(message: { from: string; to: string; body: string }): Promise<{ messageSid: string }>;
  /** Resolves once every delivery in flight has finished (tests, graceful shutdown). */
  idle(): Promise<void>;
}

const messageSid = () => `SM${randomBytes(16).toString('hex')}`;
const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Messaging in the sandbox: a message to another number of this instance is
 * delivered for real (the recipient's inbound webhook runs); a message to an
 * outside number gets the status callbacks a real network would send. Both go
 * through the same signed webhook routes as Twilio's.
 */
export function createSandboxMessaging(
  deps: SandboxMessagingDeps,
): MessagingCarrier & WebhookVerifier & SandboxControls {
  const pending = new Set<Promise<void>>();

  async function post(url: string, params: Record<string, string>): Promise<void> {
    await deps.post(url, params, signTwilioRequest(deps.webhookToken, url, params));
  }

  async function isOnNet(number: string): Promise<boolean> {
    const [row] = await deps.db
      .select({ phoneNumber: sandboxNumbers.phoneNumber })
      .from(sandboxNumbers)
      .where(and(eq(sandboxNumbers.phoneNumber, number), isNull(sandboxNumbers.releasedAt)))
      .limit(1);
    return row !== undefined;
  }

  async function deliver(message: OutboundMessage, sid: string): Promise<void> {
    const base = {
      MessageSid: sid,
      SmsSid: sid,
      AccountSid: ACCOUNT_SID,
      From: message.from,
      To: message.to,
      ApiVersion: '2010-04-01',
    };
    await wait(deps.stepDelayMs);
    await post(message.statusCallbackUrl, { ...base, MessageStatus: 'sent', SmsStatus: 'sent' });
    await wait(deps.stepDelayMs);
    if (await isOnNet(message.to)) {
      const media = message.mediaUrls ?? [];
      const inbound: Record<string, string> = {
        MessageSid: messageSid(),
        AccountSid: ACCOUNT_SID,
        From: message.from,
        To: message.to,
        Body: message.body ?? '',
        NumMedia: String(media.length),
        NumSegments: String(Math.max(1, countSegments(message.body ?? '').segments)),
        SmsStatus: 'received',
        ApiVersion: '2010-04-01',
      };
      media.forEach((url, i) => {
        inbound[`MediaUrl${i}`] = url;
      });
      await post(`${deps.publicUrl}/api/messages/webhooks/incoming`, inbound);
      await post(message.statusCallbackUrl, { ...base, MessageStatus: 'delivered', SmsStatus: 'delivered' });
      return;
    }
    const outcome = OFF_NET_OUTCOMES[message.to.slice(-4)];
    await post(
      message.statusCallbackUrl,
      outcome
        ? { ...base, MessageStatus: outcome.status, SmsStatus: outcome.status, ErrorCode: outcome.errorCode }
        : { ...base, MessageStatus: 'delivered', SmsStatus: 'delivered' },
    );
  }

  return {
    async sendMessage(message) {
      const sid = messageSid();
      // Answers at once, as Twilio does; the network's callbacks follow.
      const run = deliver(message, sid).catch(deps.onError);
      pending.add(run);
      void run.finally(() => pending.delete(run));
      return { carrierMessageId: sid };
    },

    verifyWebhook(request) {
      const signature = request.headers['x-twilio-signature'];
      return (
        typeof signature === 'string' &&
        verifyTwilioSignature({ authToken: deps.webhookToken, url: request.url, params: request.params, signature })
      );
    },

    async simulateInbound({ from, to, body }) {
      const sid = messageSid();
      await post(`${deps.publicUrl}/api/messages/webhooks/incoming`, {
        MessageSid: sid,
        AccountSid: ACCOUNT_SID,
        From: from,
        To: to,
        Body: body,
        NumMedia: '0',
        NumSegments: String(Math.max(1, countSegments(body).segments)),
        SmsStatus: 'received',
        ApiVersion: '2010-04-01',
      });
      return { messageSid: sid };
    },

    async idle() {
      while (pending.size) await Promise.allSettled([...pending]);
    },
  };
}
