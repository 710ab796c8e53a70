import { desc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { auditLogs } from '../../src/modules/admin/audit.table.js';
import { users } from '../../src/modules/auth/auth.table.js';
import { call, registerUser, type Response } from '../helpers/auth-flows.js';
import { STRONG_PASSWORD, type TestApp } from '../helpers/test-app.js';

/** Where the operator's requests come from in these tests, as the audit log must record it. */
export const OPERATOR_AGENT = 'OperatorConsole/1.0 (test)';

export interface Operator {
  id: string;
  email: string;
  token: string;
}

/** An administrator (a new account given the role, then logged in: the role travels in the token). */
export async function operator(t: TestApp): Promise<Operator> {
  const account = await registerUser(t, { firstName: 'Ops' });
  await t.database.handle.db.update(users).set({ role: 'ADMIN' }).where(eq(users.id, account.id));
  const login = await call(t, 'POST', '/api/auth/login', {
    payload: { email: account.email, password: STRONG_PASSWORD },
  });
  expect(login.statusCode, login.body).toBe(200);
  return { id: account.id, email: account.email, token: login.json().accessToken };
}

/** A call as the operator, from a known browser. */
export function asOperator(
  t: TestApp,
  op: Operator,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  payload?: unknown,
): Promise<Response> {
  return call(t, method, url, { token: op.token, payload, headers: { 'user-agent': OPERATOR_AGENT } });
}

export function auditRowsFor(t: TestApp, targetId: string) {
  return t.database.handle.db
    .select()
    .from(auditLogs)
    .where(eq(auditLogs.targetId, targetId))
    .orderBy(desc(auditLogs.createdAt));
}

/** Exactly one audit row for the target, written by the operator from where they called. */
export async function expectOneAudit(
  t: TestApp,
  op: Operator,
  targetId: string,
  expected: { action: string; targetType: string; details?: Record<string, unknown> },
) {
  const rows = await auditRowsFor(t, targetId);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({
    actorId: op.id,
    actorEmail: op.email,
    action: expected.action,
    targetType: expected.targetType,
    targetId,
    ipAddress: '127.0.0.1',
    userAgent: OPERATOR_AGENT,
  });
  if (expected.details) expect(rows[0]!.details).toMatchObject(expected.details);
  return rows[0]!;
}
