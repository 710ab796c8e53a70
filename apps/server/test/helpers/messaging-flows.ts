import { randomBytes } from 'node:crypto';
import type { Message } from '@commpro/contracts';
import { and, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { usageRecords } from '../../src/modules/billing/billing.table.js';
import { messages } from '../../src/modules/messaging/messaging.table.js';
import { notifications } from '../../src/modules/notifications/notifications.table.js';
import { jobs } from '../../src/platform/jobs/jobs.table.js';
import { webhookLogs } from '../../src/platform/webhooks/webhook-logs.table.js';
import { sandboxWebhookToken } from '../../src/providers/carrier/sandbox/sandbox-messaging.js';
import { signTwilioRequest } from '../../src/providers/carrier/twilio-signature.js';
import { call, type Response } from './auth-flows.js';
import { createTestApp, type TestApp } from './test-app.js';

export const PUBLIC_URL = 'http://commpro.test';
export const INCOMING_PATH = '/api/messages/webhooks/incoming';
export const STATUS_PATH = '/api/messages/webhooks/status';

export interface MessagingTestApp extends TestApp {
  /** The key the sandbox carrier signs its webhooks with (derived from the app's JWT secret). */
  webhookToken: string;
}

/**
 * createTestApp for messaging: sandbox deliveries without pauses and a known
 * JWT secret, so a test can sign carrier webhooks exactly as the sandbox does.
 */
export async function createMessagingTestApp(env: Record<string, string> = {}): Promise<MessagingTestApp> {
  const jwtSecret = randomBytes(32).toString('hex');
  const t = await createTestApp({ env: { SANDBOX_STEP_DELAY_MS: '0', ...env }, secrets: { jwtSecret } });
  return { ...t, webhookToken: sandboxWebhookToken(jwtSecret) };
}

/** Runs the send jobs and waits for the sandbox network's callbacks, until nothing is left. */
export async function settle(t: TestApp): Promise<void> {
  do await t.app.carrierIdle();
  while ((await t.app.jobs.runDue()) > 0);
  await t.app.carrierIdle();
}

export interface SendInput {
  from: string;
  to: string;
  body?: string;
  mediaUrls?: string[];
  clientMessageId?: string;
}

export function sendRequest(t: TestApp, token: string | undefined, payload: SendInput | object): Promise<Response> {
  return call(t, 'POST', '/api/messages/send', { token, payload });
}

/** A send the API accepts: 202 with the message QUEUED. */
export async function send(t: TestApp, token: string, payload: SendInput): Promise<Message> {
  const res = await sendRequest(t, token, payload);
  expect(res.statusCode, res.body).toBe(202);
  const message = res.json() as Message;
  expect(message.status).toBe('QUEUED');
  return message;
}

export async function thread(
  t: TestApp,
  token: string,
  theirNumber: string,
  from?: string,
): Promise<{ messages: Message[]; total: number }> {
  const query = from === undefined ? '' : `?from=${encodeURIComponent(from)}`;
  const res = await call(t, 'GET', `/api/messages/conversation/${encodeURIComponent(theirNumber)}${query}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export interface ConversationSummaryDto {
  conversationId: string;
  phoneNumber: string;
  myNumber: string;
  unreadCount: number;
  lastMessage: Message;
}

export async function conversations(
  t: TestApp,
  token: string,
  from?: string,
): Promise<{ conversations: ConversationSummaryDto[]; total: number }> {
  const query = from === undefined ? '' : `?from=${encodeURIComponent(from)}`;
  const res = await call(t, 'GET', `/api/messages/conversations${query}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** A Twilio-shaped webhook call, signed (or not) as the carrier would sign it for PUBLIC_URL + path. */
export function postWebhook(
  t: TestApp,
  path: string,
  params: Record<string, string>,
  signature: string | undefined,
): Promise<Response> {
  return t.app.inject({
    method: 'POST',
    url: path,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signature === undefined ? {} : { 'x-twilio-signature': signature }),
    },
    payload: new URLSearchParams(params).toString(),
  });
}

export function signedWebhook(t: MessagingTestApp, path: string, params: Record<string, string>): Promise<Response> {
  return postWebhook(t, path, params, signTwilioRequest(t.webhookToken, `${PUBLIC_URL}${path}`, params));
}

export const newMessageSid = () => `SM${randomBytes(16).toString('hex')}`;

/** Inbound SMS parameters as Twilio posts them. */
export function inboundParams(from: string, to: string, body: string, sid = newMessageSid()): Record<string, string> {
  return {
    MessageSid: sid,
    SmsSid: sid,
    AccountSid: 'ACsandbox00000000000000000000000000',
    From: from,
    To: to,
    Body: body,
    NumMedia: '0',
    NumSegments: '1',
    SmsStatus: 'received',
    ApiVersion: '2010-04-01',
  };
}

export function statusParams(sid: string, status: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    MessageSid: sid,
    SmsSid: sid,
    AccountSid: 'ACsandbox00000000000000000000000000',
    MessageStatus: status,
    SmsStatus: status,
    ApiVersion: '2010-04-01',
    ...extra,
  };
}

export function messageRowsOf(t: TestApp, userId: string) {
  return t.database.handle.db.select().from(messages).where(eq(messages.userId, userId)).orderBy(messages.createdAt);
}

export async function messageRow(t: TestApp, id: string) {
  const [row] = await t.database.handle.db.select().from(messages).where(eq(messages.id, id));
  expect(row, `message ${id}`).toBeDefined();
  return row!;
}

export function notificationRowsOf(t: TestApp, userId: string) {
  return t.database.handle.db.select().from(notifications).where(eq(notifications.userId, userId));
}

export function usageRowsOf(t: TestApp, userId: string, type: 'SMS_SENT' | 'MMS_SENT') {
  return t.database.handle.db
    .select()
    .from(usageRecords)
    .where(and(eq(usageRecords.userId, userId), eq(usageRecords.type, type)))
    .orderBy(usageRecords.createdAt);
}

export function webhookLogRows(t: TestApp) {
  return t.database.handle.db.select().from(webhookLogs).orderBy(webhookLogs.createdAt);
}

export async function sendJobFor(t: TestApp, messageId: string) {
  const rows = await t.database.handle.db.select().from(jobs).where(eq(jobs.kind, 'messaging.send'));
  const found = rows.filter((row) => row.payload.messageId === messageId);
  expect(found, `send jobs of ${messageId}`).toHaveLength(1);
  return found[0]!;
}
