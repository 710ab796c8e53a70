import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Carrier } from '../../src/providers/carrier/carrier.port.js';
import { expectError, registerUser } from '../helpers/auth-flows.js';
import {
  buyNumber,
  createNumbersTestApp,
  myNumbers,
  numberRowsOf,
  type NumbersTestApp,
  setPlan,
} from '../helpers/numbers-flows.js';
import { asOperator, expectOneAudit, type Operator, operator } from './admin-flows.js';

/** The sandbox, remembering which numbers the app released at the carrier. */
const released: string[] = [];
function recordingCarrier({ sandbox }: { sandbox: Carrier }): Carrier {
  return {
    ...sandbox,
    async releaseNumber(sid) {
      released.push(sid);
      return sandbox.releaseNumber(sid);
    },
  };
}

let t: NumbersTestApp;
let op: Operator;
beforeAll(async () => {
  t = await createNumbersTestApp({ carrier: recordingCarrier });
  op = await operator(t);
});
afterAll(async () => {
  await t.close();
});

const reason = { reason: 'Reported for fraud' };
const suspend = (numberId: string, body: unknown = reason) =>
  asOperator(t, op, 'POST', `/api/admin/numbers/${numberId}/suspend`, body);
const release = (numberId: string, body: unknown = reason) =>
  asOperator(t, op, 'POST', `/api/admin/numbers/${numberId}/release`, body);

async function owned(query?: Record<string, string>) {
  const owner = await registerUser(t, { firstName: 'Paul', lastName: 'Owner' });
  await setPlan(t, owner.id, 'BUSINESS');
  const number = await buyNumber(t, owner.accessToken, query);
  return { owner, number };
}

describe('GET /api/admin/numbers', () => {
  const list = async (query: string) => {
    const res = await asOperator(t, op, 'GET', `/api/admin/numbers?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { total: number; numbers: { id: string; status: string; owner: unknown }[] };
  };

  it('lists numbers of every account with their owner, found by number or owner email', async () => {
    const { owner, number } = await owned();
    const byNumber = await list(`q=${encodeURIComponent(number.phoneNumber)}`);
    expect(byNumber.total).toBe(1);
    expect(byNumber.numbers[0]).toMatchObject({
      id: number.id,
      phoneNumber: number.phoneNumber,
      status: 'ACTIVE',
      countryCode: 'FR',
      owner: { id: owner.id, email: owner.email, name: 'Paul Owner' },
    });
    expect((await list(`q=${encodeURIComponent(owner.email.toUpperCase())}`)).numbers.map((n) => n.id)).toEqual([
      number.id,
    ]);
  });

  it('filters by status and country', async () => {
    const { owner, number } = await owned({ countryCode: 'GB', type: 'MOBILE' });
    expect((await suspend(number.id)).statusCode).toBe(200);
    const q = `q=${encodeURIComponent(owner.email)}`;
    expect((await list(`${q}&status=SUSPENDED`)).numbers.map((n) => n.id)).toEqual([number.id]);
    expect((await list(`${q}&status=ACTIVE`)).total).toBe(0);
    expect((await list(`${q}&country=GB`)).total).toBe(1);
    expect((await list(`${q}&country=FR`)).total).toBe(0);
    expectError(await asOperator(t, op, 'GET', '/api/admin/numbers?status=LOST'), 400, 'VALIDATION_FAILED', 'status');
    expectError(await asOperator(t, op, 'GET', '/api/admin/numbers?country=XX'), 400, 'VALIDATION_FAILED', 'country');
  });
});

describe('POST /api/admin/numbers/:numberId/suspend', () => {
  it('suspends an active number, audited; a second time is a 409', async () => {
    const { owner, number } = await owned();
    const res = await suspend(number.id);
    expect(res.statusCode, res.body).toBe(200);
    expect((await numberRowsOf(t, owner.id))[0]).toMatchObject({ id: number.id, status: 'SUSPENDED' });
    expect((await myNumbers(t, owner.accessToken))[0]).toMatchObject({ id: number.id, status: 'SUSPENDED' });
    await expectOneAudit(t, op, number.id, {
      action: 'number.suspend',
      targetType: 'number',
      details: { reason: reason.reason, ownerId: owner.id },
    });

    const again = expectError(await suspend(number.id), 409, 'CONFLICT');
    expect(again.details?.[0]?.code).toBe('NUMBER_SUSPENDED');
    await expectOneAudit(t, op, number.id, { action: 'number.suspend', targetType: 'number' });
  });

  it('answers 404 for an unknown number, 400 for a bad id or reason', async () => {
    const { number } = await owned();
    expectError(await suspend(randomUUID()), 404, 'NOT_FOUND');
    expectError(await suspend('nope'), 400, 'VALIDATION_FAILED', 'numberId');
    expectError(await suspend(number.id, { reason: '' }), 400, 'VALIDATION_FAILED', 'reason');
  });
});

describe('POST /api/admin/numbers/:numberId/release', () => {
  it('releases at the carrier as the owner would, audited; a released number is a 409', async () => {
    const { owner, number } = await owned();
    const [before] = await numberRowsOf(t, owner.id);
    const res = await release(number.id);
    expect(res.statusCode, res.body).toBe(200);

    expect(released).toContain(before!.carrierSid);
    const [row] = await numberRowsOf(t, owner.id);
    expect(row).toMatchObject({ status: 'CANCELLED' });
    expect(row!.releasedAt?.toISOString()).toBe(t.clock.now.toISOString());
    expect(await myNumbers(t, owner.accessToken)).toEqual([]);
    await expectOneAudit(t, op, number.id, {
      action: 'number.release',
      targetType: 'number',
      details: { reason: reason.reason, phoneNumber: number.phoneNumber },
    });

    const again = expectError(await release(number.id), 409, 'CONFLICT');
    expect(again.details?.[0]?.code).toBe('NUMBER_CANCELLED');
    expectError(await suspend(number.id), 409, 'CONFLICT');
  });

  it('releases a suspended number too', async () => {
    const { owner, number } = await owned();
    expect((await suspend(number.id)).statusCode).toBe(200);
    expect((await release(number.id)).statusCode).toBe(200);
    expect((await numberRowsOf(t, owner.id))[0]).toMatchObject({ status: 'CANCELLED' });
  });

  it('answers 404 for an unknown number, 400 for a bad id or missing reason', async () => {
    const { number } = await owned();
    expectError(await release(randomUUID()), 404, 'NOT_FOUND');
    expectError(await release('1'), 400, 'VALIDATION_FAILED', 'numberId');
    expectError(await release(number.id, {}), 400, 'VALIDATION_FAILED', 'reason');
  });
});
