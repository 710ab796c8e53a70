import type { ErrorBody } from '@commpro/contracts';
import type { LightMyRequestResponse } from 'fastify';
import { generate } from 'otplib';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { users } from '../../src/modules/auth/auth.table.js';
import { STRONG_PASSWORD, type TestApp, uniqueEmail } from './test-app.js';

export type Response = LightMyRequestResponse;

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

export interface Account extends Tokens {
  id: string;
  email: string;
  password: string;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One API call as a client makes it: JSON body, optional Bearer token, optional extra headers. */
export function call(
  t: TestApp,
  method: Method,
  url: string,
  options: { token?: string; payload?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  return t.app.inject({
    method,
    url,
    headers,
    ...(options.payload === undefined ? {} : { payload: options.payload as object }),
  });
}

/**
 * Asserts the error model every failure shares (DESIGN.md "Errors"): a readable
 * `error`, a machine `code`, the `requestId`, and for validation failures the
 * offending field. (Whether every other 400 names a field too is asserted once,
 * in error-model.test.ts, so that gap does not hide the behaviour tested here.)
 */
export function expectError(res: Response, status: number, code: string, field?: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json();
  expect(body.code).toBe(code);
  expect(typeof body.error).toBe('string');
  expect(body.error.length).toBeGreaterThan(0);
  expect(typeof body.requestId).toBe('string');
  expect(body.requestId).toBe(res.headers['x-request-id']);
  expect(JSON.stringify(body)).not.toMatch(/\bat .+\.(ts|js):\d+/); // never a stack trace
  if (code === 'VALIDATION_FAILED') {
    expect(Array.isArray(body.details)).toBe(true);
    expect(body.details.length).toBeGreaterThan(0);
    for (const detail of body.details) expect(typeof detail.field).toBe('string');
  }
  if (field !== undefined) {
    const fields = (body.details ?? []).map((d: { field: string }) => d.field);
    expect(fields, `details should name ${field}: ${res.body}`).toContain(field);
  }
  // The error model of the contract, with the requestId just checked to be there.
  return body as ErrorBody & { requestId: string };
}

export async function registerUser(
  t: TestApp,
  overrides: { email?: string; password?: string; firstName?: string; lastName?: string; companyName?: string } = {},
): Promise<Account> {
  const email = overrides.email ?? uniqueEmail();
  const password = overrides.password ?? STRONG_PASSWORD;
  const res = await call(t, 'POST', '/api/auth/register', { payload: { ...overrides, email, password } });
  expect(res.statusCode, res.body).toBe(201);
  const body = res.json();
  return { id: body.user.id, email, password, accessToken: body.accessToken, refreshToken: body.refreshToken };
}

export function loginRequest(
  t: TestApp,
  email: string,
  password: string,
  extra: { deviceId?: string; deviceName?: string; userAgent?: string } = {},
): Promise<Response> {
  const { userAgent, ...device } = extra;
  return call(t, 'POST', '/api/auth/login', {
    payload: { email, password, ...device },
    headers: userAgent ? { 'user-agent': userAgent } : {},
  });
}

/** A successful password login without 2FA: a new session of its own. */
export async function loginUser(
  t: TestApp,
  account: Pick<Account, 'email' | 'password'>,
  extra: { deviceId?: string; deviceName?: string; userAgent?: string } = {},
): Promise<Tokens> {
  const res = await loginRequest(t, account.email, account.password, extra);
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json();
  expect(body.requires2FA).toBe(false);
  return { accessToken: body.accessToken, refreshToken: body.refreshToken };
}

export function refreshRequest(t: TestApp, refreshToken: string): Promise<Response> {
  return call(t, 'POST', '/api/auth/refresh', { payload: { refreshToken } });
}

/** The authenticator code shown `offsetSeconds` from the test clock's now. */
export function totp(t: TestApp, secret: string, offsetSeconds = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(t.clock.now.getTime() / 1000) + offsetSeconds });
}

export interface TwoFactorSetup {
  secret: string;
  otpauthUrl: string;
  qrCode: string;
  backupCodes: string[];
}

export async function startTwoFactor(t: TestApp, accessToken: string): Promise<TwoFactorSetup> {
  const res = await call(t, 'POST', '/api/auth/2fa/enable', { token: accessToken });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/**
 * Turns 2FA on with a code from the authenticator, then lets one time step pass
 * so the next code the test computes has not been spent yet.
 */
export async function enable2fa(t: TestApp, accessToken: string): Promise<TwoFactorSetup> {
  const setup = await startTwoFactor(t, accessToken);
  const res = await call(t, 'POST', '/api/auth/2fa/confirm', {
    token: accessToken,
    payload: { code: await totp(t, setup.secret) },
  });
  expect(res.statusCode, res.body).toBe(200);
  t.clock.advance(30_000);
  return setup;
}

/** Password step of a 2FA login: the challenge token. */
export async function loginChallenge(t: TestApp, account: Pick<Account, 'email' | 'password'>): Promise<string> {
  const res = await loginRequest(t, account.email, account.password);
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json();
  expect(body.requires2FA).toBe(true);
  return body.challengeToken;
}

export function verify2faRequest(t: TestApp, email: string, challengeToken: string, code: string): Promise<Response> {
  return call(t, 'POST', '/api/auth/verify-2fa', { payload: { email, challengeToken, code } });
}

export async function getMe(t: TestApp, accessToken: string) {
  const res = await call(t, 'GET', '/api/auth/me', { token: accessToken });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export async function listSessions(t: TestApp, accessToken: string) {
  const res = await call(t, 'GET', '/api/auth/sessions', { token: accessToken });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    total: number;
    sessions: {
      id: string;
      deviceId: string | null;
      deviceName: string | null;
      ipAddress: string | null;
      userAgent: string | null;
      createdAt: string;
      lastUsedAt: string;
      expiresAt: string;
      current: boolean;
    }[];
  };
}

/** The token at the end of an emailed link (verification path or reset query). */
export function tokenFromLink(link: string | undefined): string {
  expect(link).toBeDefined();
  const url = new URL(link!);
  const token = url.searchParams.get('token') ?? url.pathname.split('/').at(-1);
  expect(token).toBeTruthy();
  return token!;
}

export function emailsTo(t: TestApp, email: string) {
  return t.mailer.sent.filter((e) => e.to === email);
}

/** The session (refresh-token family) id an access token was issued for. */
export function sessionIdOf(accessToken: string): string {
  const payload = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString('utf8'));
  return payload.sid;
}

/** An administrator's access token: a new account given the ADMIN role, then logged in (the role travels in the token). */
export async function adminToken(t: TestApp): Promise<string> {
  const admin = await registerUser(t);
  await t.database.handle.db.update(users).set({ role: 'ADMIN' }).where(eq(users.id, admin.id));
  const login = await call(t, 'POST', '/api/auth/login', {
    payload: { email: admin.email, password: STRONG_PASSWORD },
  });
  expect(login.statusCode, login.body).toBe(200);
  return login.json().accessToken;
}
