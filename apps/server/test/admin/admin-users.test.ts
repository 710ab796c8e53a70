import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twoFaBackupCodes, users } from '../../src/modules/auth/auth.table.js';
import {
  call,
  emailsTo,
  enable2fa,
  expectError,
  loginRequest,
  loginUser,
  registerUser,
  sessionIdOf,
} from '../helpers/auth-flows.js';
import { buyNumber, setPlan } from '../helpers/numbers-flows.js';
import { createTestApp, type TestApp, uniqueEmail } from '../helpers/test-app.js';
import { asOperator, expectOneAudit, type Operator, operator } from './admin-flows.js';

let t: TestApp;
let op: Operator;
beforeAll(async () => {
  t = await createTestApp();
  op = await operator(t);
});
afterAll(async () => {
  await t.close();
});

const reason = { reason: 'Asked by the customer on the phone' };

describe('the admin API', () => {
  const id = randomUUID();
  it.each([
    ['GET', '/api/admin/users', undefined],
    ['GET', `/api/admin/users/${id}`, undefined],
    ['POST', `/api/admin/users/${id}/suspend`, reason],
    ['POST', `/api/admin/users/${id}/reactivate`, undefined],
    ['POST', `/api/admin/users/${id}/reset-2fa`, reason],
    ['PUT', `/api/admin/users/${id}/plan`, { tier: 'STARTER' }],
    ['GET', '/api/admin/numbers', undefined],
    ['POST', `/api/admin/numbers/${id}/suspend`, reason],
    ['POST', `/api/admin/numbers/${id}/release`, reason],
    ['GET', '/api/admin/audit', undefined],
  ] as const)(
    '%s %s is for administrators only: 401 without a token, 403 for a customer',
    async (method, url, payload) => {
      const customer = await registerUser(t);
      expectError(await call(t, method, url, { payload }), 401, 'UNAUTHORIZED');
      expectError(await call(t, method, url, { token: customer.accessToken, payload }), 403, 'FORBIDDEN');
    },
  );
});

describe('the OpenAPI document', () => {
  it('describes the account, number and audit routes under admin, behind a bearer token', async () => {
    const doc = (await call(t, 'GET', '/api/openapi.json')).json();
    const routes: [string, string][] = [
      ['/api/admin/users', 'get'],
      ['/api/admin/users/{userId}', 'get'],
      ['/api/admin/users/{userId}/suspend', 'post'],
      ['/api/admin/users/{userId}/reactivate', 'post'],
      ['/api/admin/users/{userId}/reset-2fa', 'post'],
      ['/api/admin/users/{userId}/plan', 'put'],
      ['/api/admin/numbers', 'get'],
      ['/api/admin/numbers/{numberId}/suspend', 'post'],
      ['/api/admin/numbers/{numberId}/release', 'post'],
      ['/api/admin/audit', 'get'],
    ];
    for (const [path, method] of routes) {
      const route = doc.paths[path]?.[method];
      expect(route, `${method} ${path}`).toBeDefined();
      expect(route.tags).toEqual(['admin']);
      expect(route.security).toEqual([{ bearerAuth: [] }]);
      expect(Object.keys(route.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404']));
      if (method !== 'get') expect(Object.keys(route.responses)).toContain('409');
    }
  });
});

describe('GET /api/admin/users', () => {
  const search = async (query: string) => {
    const res = await asOperator(t, op, 'GET', `/api/admin/users?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { total: number; users: { id: string; email: string; plan: string; status: string }[] };
  };
  const idsFor = async (query: string) => (await search(query)).users.map((u) => u.id);

  it('finds by part of the email, name or company, whatever the case and accents', async () => {
    const tag = randomUUID().slice(0, 8);
    const eloise = await registerUser(t, {
      email: uniqueEmail(`eloise-${tag}`),
      firstName: 'Éloïse',
      lastName: `Müller${tag}`,
      companyName: `Crème Brûlée ${tag}`,
    });
    const other = await registerUser(t, { email: uniqueEmail(`other-${tag}`), lastName: `Martin${tag}` });

    expect(await idsFor(`q=eloise-${tag}`)).toEqual([eloise.id]);
    expect(await idsFor(`q=${encodeURIComponent(`MULLER${tag}`)}`)).toEqual([eloise.id]);
    expect(await idsFor(`q=${encodeURIComponent(`müller${tag}`)}`)).toEqual([eloise.id]);
    expect(await idsFor(`q=${encodeURIComponent(`creme brulee ${tag}`)}`)).toEqual([eloise.id]);
    expect(await idsFor(`q=${encodeURIComponent(`eloise muller${tag}`)}`)).toEqual([eloise.id]);
    // Newest first, with the total.
    const both = await search(`q=${tag}`);
    expect(both.total).toBe(2);
    expect(both.users.map((u) => u.id)).toEqual([other.id, eloise.id]);
    // % and _ are letters here, not wildcards.
    expect(await idsFor(`q=${encodeURIComponent(`%${tag}`)}`)).toEqual([]);
  });

  it("finds by the account's phone numbers", async () => {
    const customer = await registerUser(t);
    const number = await buyNumber(t, customer.accessToken);
    const digits = number.phoneNumber.slice(-7);
    expect(await idsFor(`q=${encodeURIComponent(number.phoneNumber)}`)).toEqual([customer.id]);
    expect(await idsFor(`q=${digits}`)).toContain(customer.id);
  });

  it('filters by plan and status, leaves deleted accounts out, and describes each row', async () => {
    const tag = randomUUID().slice(0, 8);
    const starter = await registerUser(t, { companyName: `Filter ${tag}` });
    const suspended = await registerUser(t, { companyName: `Filter ${tag}` });
    const deleted = await registerUser(t, { companyName: `Filter ${tag}` });
    await setPlan(t, starter.id, 'STARTER');
    await buyNumber(t, starter.accessToken);
    expect((await asOperator(t, op, 'POST', `/api/admin/users/${suspended.id}/suspend`, reason)).statusCode).toBe(200);
    await t.database.handle.db.update(users).set({ deletedAt: t.clock.now }).where(eq(users.id, deleted.id));

    expect(await idsFor(`q=${tag}`)).toEqual([suspended.id, starter.id]);
    expect(await idsFor(`q=${tag}&plan=STARTER`)).toEqual([starter.id]);
    expect(await idsFor(`q=${tag}&status=SUSPENDED`)).toEqual([suspended.id]);
    expect(await idsFor(`q=${tag}&status=ACTIVE`)).toEqual([starter.id]);
    const [row] = (await search(`q=${tag}&plan=STARTER`)).users;
    expect(row).toMatchObject({
      id: starter.id,
      email: starter.email,
      companyName: `Filter ${tag}`,
      role: 'USER',
      plan: 'STARTER',
      status: 'ACTIVE',
      numbers: 1,
    });
    expectError(await asOperator(t, op, 'GET', `/api/admin/users/${deleted.id}`), 404, 'NOT_FOUND');
  });

  it('pages, and refuses bad filters with 400', async () => {
    const page = await search('limit=1&offset=0');
    expect(page.users).toHaveLength(1);
    expect(page.total).toBeGreaterThan(1);
    expectError(await asOperator(t, op, 'GET', '/api/admin/users?plan=GOLD'), 400, 'VALIDATION_FAILED', 'plan');
    expectError(await asOperator(t, op, 'GET', '/api/admin/users?status=GONE'), 400, 'VALIDATION_FAILED', 'status');
    expectError(await asOperator(t, op, 'GET', '/api/admin/users?limit=0'), 400, 'VALIDATION_FAILED', 'limit');
  });
});

describe('GET /api/admin/users/:userId', () => {
  it('shows profile, plan, numbers, usage and signed-in devices, never a token', async () => {
    const customer = await registerUser(t, { firstName: 'Nora', companyName: 'Nora SARL' });
    await setPlan(t, customer.id, 'BUSINESS');
    const number = await buyNumber(t, customer.accessToken);
    const phone = await loginUser(t, customer, { deviceName: 'Nora phone' });

    const res = await asOperator(t, op, 'GET', `/api/admin/users/${customer.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const detail = res.json();
    expect(detail).toMatchObject({
      user: { id: customer.id, email: customer.email, firstName: 'Nora', companyName: 'Nora SARL', role: 'USER' },
      status: 'ACTIVE',
      suspendedAt: null,
      suspendedReason: null,
      subscription: { plan: 'BUSINESS', status: 'ACTIVE', cancelAtPeriodEnd: false },
      usage: { sms: 0, mms: 0, minutes: 0, numbers: 1 },
    });
    expect(detail.numbers.map((n: { id: string }) => n.id)).toEqual([number.id]);
    expect(detail.sessions.map((s: { id: string }) => s.id).sort()).toEqual(
      [sessionIdOf(customer.accessToken), sessionIdOf(phone.accessToken)].sort(),
    );
    expect(detail.sessions.find((s: { deviceName: string }) => s.deviceName === 'Nora phone')).toBeDefined();
    expect(res.body).not.toContain(customer.refreshToken);
    expect(res.body).not.toContain(phone.refreshToken);
    expect(res.body).not.toMatch(/passwordHash|twoFaSecret|tokenHash/);
  });

  it('answers 404 for an unknown account and 400 for an id that is not one', async () => {
    expectError(await asOperator(t, op, 'GET', `/api/admin/users/${randomUUID()}`), 404, 'NOT_FOUND');
    expectError(await asOperator(t, op, 'GET', '/api/admin/users/42'), 400, 'VALIDATION_FAILED', 'userId');
  });
});

describe('POST /api/admin/users/:userId/reset-2fa', () => {
  it('turns 2FA off so the password alone signs in, tells the person, and is audited', async () => {
    const customer = await registerUser(t);
    await enable2fa(t, customer.accessToken);
    expect((await loginRequest(t, customer.email, customer.password)).json().requires2FA).toBe(true);

    const res = await asOperator(t, op, 'POST', `/api/admin/users/${customer.id}/reset-2fa`, reason);
    expect(res.statusCode, res.body).toBe(200);

    const login = await loginRequest(t, customer.email, customer.password);
    expect(login.statusCode, login.body).toBe(200);
    expect(login.json()).toMatchObject({ requires2FA: false });
    const [row] = await t.database.handle.db.select().from(users).where(eq(users.id, customer.id));
    expect(row).toMatchObject({ twoFaEnabled: false, twoFaSecret: null, twoFaLastStep: null });
    const codes = await t.database.handle.db
      .select()
      .from(twoFaBackupCodes)
      .where(eq(twoFaBackupCodes.userId, customer.id));
    expect(codes).toEqual([]);
    expect(emailsTo(t, customer.email).map((e) => e.subject)).toContain('Two-factor authentication was turned off');
    await expectOneAudit(t, op, customer.id, { action: 'user.reset_2fa', targetType: 'user', details: reason });
  });

  it('answers 409 when 2FA is not on, 404 for an unknown account, 400 without a reason', async () => {
    const customer = await registerUser(t);
    expectError(
      await asOperator(t, op, 'POST', `/api/admin/users/${customer.id}/reset-2fa`, reason),
      409,
      'TWO_FACTOR_NOT_ENABLED',
    );
    expectError(
      await asOperator(t, op, 'POST', `/api/admin/users/${randomUUID()}/reset-2fa`, reason),
      404,
      'NOT_FOUND',
    );
    expectError(
      await asOperator(t, op, 'POST', `/api/admin/users/${customer.id}/reset-2fa`, {}),
      400,
      'VALIDATION_FAILED',
      'reason',
    );
  });
});

describe('PUT /api/admin/users/:userId/plan', () => {
  it('records the change from one plan to the other', async () => {
    const customer = await registerUser(t);
    const res = await asOperator(t, op, 'PUT', `/api/admin/users/${customer.id}/plan`, { tier: 'ENTERPRISE' });
    expect(res.statusCode, res.body).toBe(200);
    await expectOneAudit(t, op, customer.id, {
      action: 'user.plan',
      targetType: 'user',
      details: { from: 'FREE', to: 'ENTERPRISE' },
    });
  });
});

describe('GET /api/admin/audit', () => {
  it('lists actions newest first, filtered by target or action', async () => {
    const customer = await registerUser(t);
    await asOperator(t, op, 'PUT', `/api/admin/users/${customer.id}/plan`, { tier: 'STARTER' });
    await asOperator(t, op, 'POST', `/api/admin/users/${customer.id}/suspend`, reason);
    const res = await asOperator(t, op, 'GET', `/api/admin/audit?targetId=${customer.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const { entries, total } = res.json();
    expect(total).toBe(2);
    expect(entries.map((e: { action: string }) => e.action)).toEqual(['user.suspend', 'user.plan']);
    const byAction = await asOperator(t, op, 'GET', '/api/admin/audit?action=user.suspend&limit=200');
    expect(byAction.json().entries.every((e: { action: string }) => e.action === 'user.suspend')).toBe(true);
    expectError(await asOperator(t, op, 'GET', '/api/admin/audit?limit=500'), 400, 'VALIDATION_FAILED', 'limit');
  });
});
