import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCipher, parseKeyring } from '../../src/platform/crypto.js';
import { call, expectError, registerUser } from '../helpers/auth-flows.js';
import {
  buyNumber,
  createNumbersTestApp,
  DAY_MS,
  type NumbersTestApp,
  portRequestRowsOf,
} from '../helpers/numbers-flows.js';

let t: NumbersTestApp;
beforeAll(async () => {
  t = await createNumbersTestApp();
});
afterAll(async () => {
  await t.close();
});

const portRequest = (token: string | undefined, payload: unknown) =>
  call(t, 'POST', '/api/numbers/port-request', { token, payload });

const request = (phoneNumber: string, extra: Record<string, string> = {}) => ({
  phoneNumber,
  currentProvider: 'Orange',
  accountNumber: 'ACC-778899-FR',
  ...extra,
});

describe('POST /api/numbers/port-request', () => {
  it('records the request: 201 with its id, SUBMITTED and an estimated date in the future', async () => {
    const user = await registerUser(t);
    const res = await portRequest(user.accessToken, request('+33 1 40 20 50 50'));
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.portRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.status).toBe('SUBMITTED');
    const estimate = new Date(body.estimatedCompletionDate).getTime();
    expect(estimate).toBeGreaterThan(t.clock.now.getTime() + DAY_MS);

    const [row] = await portRequestRowsOf(t, user.id);
    expect(row).toMatchObject({
      id: body.portRequestId,
      phoneNumber: '+33140205050',
      currentProvider: 'Orange',
      status: 'SUBMITTED',
    });
  });

  it.each([
    ['national form, France by default', { phoneNumber: '01 40 20 50 51' }, '+33140205051'],
    ['national form with countryCode UK', { phoneNumber: '020 7946 0123', countryCode: 'UK' }, '+442079460123'],
    ['00 international prefix', { phoneNumber: '0049 30 1234567' }, '+49301234567'],
    ['US national form', { phoneNumber: '(212) 555-0142', countryCode: 'US' }, '+12125550142'],
  ])('normalises the %s to E.164', async (_label, input, e164) => {
    const user = await registerUser(t);
    const res = await portRequest(user.accessToken, { ...request(''), ...input });
    expect(res.statusCode, res.body).toBe(201);
    expect((await portRequestRowsOf(t, user.id)).map((r) => r.phoneNumber)).toEqual([e164]);
  });

  it.each([['not a number'], ['12'], ['+33 1 40']])(
    'refuses phoneNumber %j, naming phoneNumber',
    async (phoneNumber) => {
      const user = await registerUser(t);
      expectError(await portRequest(user.accessToken, request(phoneNumber)), 400, 'VALIDATION_FAILED', 'phoneNumber');
      expect(await portRequestRowsOf(t, user.id)).toEqual([]);
    },
  );

  it.each([['currentProvider'], ['accountNumber']])('requires %s and names it', async (field) => {
    const user = await registerUser(t);
    const body: Record<string, string> = request('+33 1 40 20 50 52');
    delete body[field];
    expectError(await portRequest(user.accessToken, body), 400, 'VALIDATION_FAILED', field);
  });

  it('answers 401 without a token', async () => {
    expectError(await portRequest(undefined, request('+33 1 40 20 50 53')), 401, 'UNAUTHORIZED');
  });

  it('answers 409 for a number already on my account, however it is written', async () => {
    const user = await registerUser(t);
    const mine = await buyNumber(t, user.accessToken);
    const national = `0${mine.phoneNumber.slice(3)}`;
    for (const phoneNumber of [mine.phoneNumber, national]) {
      expectError(await portRequest(user.accessToken, request(phoneNumber)), 409, 'CONFLICT', 'phoneNumber');
    }
    expect(await portRequestRowsOf(t, user.id)).toEqual([]);
  });

  it('refuses a number another account holds on CommPro, without saying whose it is', async () => {
    const owner = await registerUser(t);
    const other = await registerUser(t);
    const held = await buyNumber(t, owner.accessToken);
    const body = expectError(
      await portRequest(other.accessToken, request(held.phoneNumber)),
      409,
      'CONFLICT',
      'phoneNumber',
    );
    expect(body.error).not.toContain(owner.email);
    expect(await portRequestRowsOf(t, other.id)).toEqual([]);
  });

  it('refuses a number from a country we do not serve with 400 naming phoneNumber', async () => {
    const user = await registerUser(t);
    const body = expectError(
      await portRequest(user.accessToken, request('+32 2 555 12 12')),
      400,
      'VALIDATION_FAILED',
      'phoneNumber',
    );
    expect(body.details![0]!.code).toBe('COUNTRY_NOT_SERVED');
    expect(await portRequestRowsOf(t, user.id)).toEqual([]);
  });

  it('answers 409 to a second open request for the same number', async () => {
    const user = await registerUser(t);
    expect((await portRequest(user.accessToken, request('+33 1 40 20 50 54'))).statusCode).toBe(201);
    expectError(await portRequest(user.accessToken, request('01 40 20 50 54')), 409, 'CONFLICT', 'phoneNumber');
    expect(await portRequestRowsOf(t, user.id)).toHaveLength(1);
    // A different number is a different request.
    expect((await portRequest(user.accessToken, request('+33 1 40 20 50 55'))).statusCode).toBe(201);
  });

  it('stores the account number and PIN encrypted, not as sent', async () => {
    const user = await registerUser(t);
    const res = await portRequest(user.accessToken, request('+33 1 40 20 50 56', { pin: '4321' }));
    expect(res.statusCode, res.body).toBe(201);
    const [row] = await portRequestRowsOf(t, user.id);
    expect(row!.accountNumber).not.toContain('ACC-778899-FR');
    expect(row!.accountNumber).not.toContain('778899');
    expect(row!.pin).not.toBeNull();
    expect(row!.pin).not.toContain('4321');
    // Still readable by the app, so the transfer can be carried out.
    const cipher = createCipher(parseKeyring(t.encryptionKeys));
    expect(cipher.decrypt(row!.accountNumber)).toBe('ACC-778899-FR');
    expect(cipher.decrypt(row!.pin!)).toBe('4321');
  });
});
