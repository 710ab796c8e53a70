import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptions } from '../../src/modules/billing/billing.table.js';
import { adminToken, call, expectError, registerUser } from '../helpers/auth-flows.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const tierOf = async (userId: string) =>
  (await t.database.handle.db.select().from(subscriptions).where(eq(subscriptions.userId, userId)))[0]?.tier;

describe('PUT /api/admin/users/:userId/plan', () => {
  it('puts an account on a plan at once, and again on another', async () => {
    const token = await adminToken(t);
    const customer = await registerUser(t);
    const res = await call(t, 'PUT', `/api/admin/users/${customer.id}/plan`, { token, payload: { tier: 'STARTER' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(await tierOf(customer.id)).toBe('STARTER');
    await call(t, 'PUT', `/api/admin/users/${customer.id}/plan`, { token, payload: { tier: 'BUSINESS' } });
    expect(await tierOf(customer.id)).toBe('BUSINESS');
  });

  it('is for administrators only, and checks its input', async () => {
    const customer = await registerUser(t);
    const payload = { tier: 'ENTERPRISE' };
    expectError(
      await call(t, 'PUT', `/api/admin/users/${customer.id}/plan`, { token: customer.accessToken, payload }),
      403,
      'FORBIDDEN',
    );
    expectError(await call(t, 'PUT', `/api/admin/users/${customer.id}/plan`, { payload }), 401, 'UNAUTHORIZED');
    // Unchanged: still the FREE plan every account starts on.
    expect(await tierOf(customer.id)).toBe('FREE');
    const token = await adminToken(t);
    expectError(
      await call(t, 'PUT', `/api/admin/users/${customer.id}/plan`, { token, payload: { tier: 'GOLD' } }),
      400,
      'VALIDATION_FAILED',
      'tier',
    );
    expectError(
      await call(t, 'PUT', '/api/admin/users/not-a-uuid/plan', { token, payload }),
      400,
      'VALIDATION_FAILED',
      'userId',
    );
    expectError(
      await call(t, 'PUT', `/api/admin/users/${crypto.randomUUID()}/plan`, { token, payload }),
      404,
      'NOT_FOUND',
    );
  });
});
