import { randomBytes } from 'node:crypto';
import type { AvailableNumber, PhoneNumber, PlanTier } from '@commpro/contracts';
import { and, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/env.js';
import { users } from '../../src/modules/auth/auth.table.js';
import { subscriptions, usageRecords } from '../../src/modules/billing/billing.table.js';
import { phoneNumbers, portRequests } from '../../src/modules/numbers/numbers.table.js';
import type { Database } from '../../src/platform/db/client.js';
import { jobs } from '../../src/platform/jobs/jobs.table.js';
import type { Carrier, NumbersCarrier } from '../../src/providers/carrier/carrier.port.js';
import { createSandboxCarrier } from '../../src/providers/carrier/sandbox/sandbox-carrier.js';
import { call, type Response } from './auth-flows.js';
import { createRecordingMailer, type TestApp } from './test-app.js';
import { createTestDatabase } from './test-database.js';

export const DAY_MS = 24 * 3600_000;
export const QUARANTINE_DAYS = 30;

export interface NumbersTestApp extends TestApp {
  /** The key the app encrypts with, so a test can check what was stored. */
  encryptionKeys: string;
}

/**
 * createTestApp for the numbers module: the same app on a database of its own
 * with a controllable clock, plus a carrier built from the test's database
 * (the sandbox by default, or a double wrapping it), a carrier-call limit high
 * enough not to interfere unless `env` lowers it, and known encryption keys.
 */
export async function createNumbersTestApp(
  options: {
    env?: Record<string, string>;
    carrier?: (deps: { db: Database; clock: () => Date; sandbox: Carrier }) => Carrier;
  } = {},
): Promise<NumbersTestApp> {
  const database = await createTestDatabase();
  const mailer = createRecordingMailer();
  // Mid-month, so "one month later" means the same thing under every convention;
  // tests about month ends set the clock themselves.
  const start = new Date();
  start.setUTCDate(15);
  const clock = {
    now: start,
    advance(ms: number) {
      this.now = new Date(this.now.getTime() + ms);
    },
  };
  const now = () => clock.now;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'http://commpro.test',
    RATE_LIMIT_MAX: '10000',
    EMAIL_SEND_LIMIT_PER_HOUR: '10000',
    CARRIER_CALLS_PER_MINUTE: '10000',
    ...options.env,
  });
  const encryptionKeys = `t1:${randomBytes(32).toString('base64')}`;
  let carrier: Carrier | undefined;
  if (options.carrier) {
    const sandbox = withoutMessagingOrCalls(
      createSandboxCarrier({
        db: database.handle.db,
        clock: now,
        quarantineMs: QUARANTINE_DAYS * DAY_MS,
      }),
    );
    carrier = options.carrier({ db: database.handle.db, clock: now, sandbox });
  }
  const app = await buildApp(config, {
    database: database.handle,
    secrets: { jwtSecret: randomBytes(32).toString('hex'), encryptionKeys },
    mailer,
    clock: now,
    ...(carrier ? { carrier } : {}),
  });
  await app.ready();
  return {
    app,
    database,
    mailer,
    clock,
    encryptionKeys,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

/**
 * The sandbox's numbers as a whole carrier for a double to wrap: its other
 * halves refuse, loudly, since nothing the numbers tests run sends a message or
 * places a call, and no webhook is taken as signed. A double that needs one of
 * them (carrier-double.test.ts brings the sandbox's messaging) supplies it.
 */
function withoutMessagingOrCalls(numbers: NumbersCarrier): Carrier {
  const refuse = (what: string) => () => Promise.reject(new Error(`this numbers-test carrier does not ${what}`));
  return {
    ...numbers,
    sendMessage: refuse('send messages'),
    clientAudio: 'webrtc',
    startCall: refuse('place calls'),
    endCall: refuse('place calls'),
    updateParticipant: refuse('place calls'),
    createVoiceToken: refuse('place calls'),
    verifyWebhook: () => false,
  };
}

export const E164 = /^\+[1-9]\d{7,14}$/;

export const CALLING_CODES = { FR: '33', US: '1', GB: '44', DE: '49', ES: '34', IT: '39' } as const;

export type SearchQuery = Record<string, string | number | undefined>;

export function searchRequest(t: TestApp, token: string | undefined, query: SearchQuery): Promise<Response> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  return call(t, 'GET', `/api/numbers/available?${params.toString()}`, { token });
}

export async function search(t: TestApp, token: string, query: SearchQuery): Promise<AvailableNumber[]> {
  const res = await searchRequest(t, token, query);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { numbers: AvailableNumber[] }).numbers;
}

/** The offer for one exact number, if the carrier offers it now (searched by all its digits). */
export async function offerOf(t: TestApp, token: string, e164: string): Promise<AvailableNumber | undefined> {
  const country = (Object.keys(CALLING_CODES) as (keyof typeof CALLING_CODES)[]).find((c) =>
    e164.startsWith(`+${CALLING_CODES[c]}`),
  )!;
  const national = e164.slice(1 + CALLING_CODES[country].length);
  const found = await search(t, token, { countryCode: country, contains: national, limit: 50 });
  return found.find((n) => n.phoneNumber === e164);
}

export async function firstOffer(t: TestApp, token: string, query: SearchQuery): Promise<AvailableNumber> {
  const found = await search(t, token, query);
  expect(found.length, `no offer for ${JSON.stringify(query)}`).toBeGreaterThan(0);
  return found[0]!;
}

export function purchaseRequest(
  t: TestApp,
  token: string | undefined,
  payload: { phoneNumber: string; friendlyName?: string; countryCode?: string },
): Promise<Response> {
  return call(t, 'POST', '/api/numbers/purchase', { token, payload });
}

/** Buys the first number offered for the query (FR mobile by default). */
export async function buyNumber(
  t: TestApp,
  token: string,
  query: SearchQuery = { countryCode: 'FR', type: 'MOBILE' },
  friendlyName?: string,
): Promise<PhoneNumber> {
  const offer = await firstOffer(t, token, query);
  const res = await purchaseRequest(t, token, {
    phoneNumber: offer.phoneNumber,
    ...(friendlyName ? { friendlyName } : {}),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

export async function myNumbers(t: TestApp, token: string): Promise<PhoneNumber[]> {
  const res = await call(t, 'GET', '/api/numbers/my-numbers', { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** Puts the user on a paid plan, as billing will once it exists. */
export async function setPlan(t: TestApp, userId: string, tier: PlanTier): Promise<string> {
  const [row] = await t.database.handle.db
    .insert(subscriptions)
    .values({ userId, tier, status: 'ACTIVE' })
    .onConflictDoUpdate({ target: subscriptions.userId, set: { tier, status: 'ACTIVE' } })
    .returning({ id: subscriptions.id });
  return row!.id;
}

/** Back to FREE: an account without a subscription row. */
export async function dropSubscription(t: TestApp, userId: string): Promise<void> {
  await t.database.handle.db.delete(subscriptions).where(eq(subscriptions.userId, userId));
}

export async function disableAccount(t: TestApp, userId: string): Promise<void> {
  await t.database.handle.db.update(users).set({ isActive: false }).where(eq(users.id, userId));
}

export function numberUsageOf(t: TestApp, userId: string) {
  return t.database.handle.db
    .select()
    .from(usageRecords)
    .where(and(eq(usageRecords.userId, userId), eq(usageRecords.type, 'PHONE_NUMBER')))
    .orderBy(usageRecords.periodStart);
}

export function numberRowsOf(t: TestApp, userId: string) {
  return t.database.handle.db.select().from(phoneNumbers).where(eq(phoneNumbers.userId, userId));
}

export function numberRowsFor(t: TestApp, e164: string) {
  return t.database.handle.db.select().from(phoneNumbers).where(eq(phoneNumbers.phoneNumber, e164));
}

export function portRequestRowsOf(t: TestApp, userId: string) {
  return t.database.handle.db.select().from(portRequests).where(eq(portRequests.userId, userId));
}

export async function renewalJobsFor(t: TestApp, numberId: string) {
  const rows = await t.database.handle.db.select().from(jobs).where(eq(jobs.kind, 'numbers.renew'));
  return rows.filter((row) => row.payload.numberId === numberId);
}

/** Runs every job that is due now, until none is left. */
export async function drainJobs(t: TestApp): Promise<number> {
  let total = 0;
  for (let ran = await t.app.jobs.runDue(); ran > 0; ran = await t.app.jobs.runDue()) total += ran;
  return total;
}

/** One calendar month later, kept on the same day (clamped to the month's last day). */
export function oneMonthAfter(date: Date): Date {
  const day = date.getUTCDate();
  const next = new Date(date);
  next.setUTCDate(1);
  next.setUTCMonth(next.getUTCMonth() + 1);
  const lastDay = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
  next.setUTCDate(Math.min(day, lastDay));
  return next;
}
