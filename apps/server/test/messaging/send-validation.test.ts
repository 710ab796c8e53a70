import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phoneNumbers } from '../../src/modules/numbers/numbers.table.js';
import { type Account, call, expectError, registerUser } from '../helpers/auth-flows.js';
import { messageRowsOf, sendRequest } from '../helpers/messaging-flows.js';
import { buyNumber, setPlan } from '../helpers/numbers-flows.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { SANDBOX_STEP_DELAY_MS: '0' } });
});
afterAll(async () => {
  await t.close();
});

const OUTSIDE = '+33612345678';

/** A user with one SMS-capable line (FR mobile). */
async function userWithLine(): Promise<{ user: Account; line: string; lineId: string }> {
  const user = await registerUser(t);
  const number = await buyNumber(t, user.accessToken);
  return { user, line: number.phoneNumber, lineId: number.id };
}

/** Nothing was stored for the user: a refused send leaves no message behind. */
async function expectNothingStored(userId: string) {
  expect(await messageRowsOf(t, userId)).toEqual([]);
}

describe('POST /api/messages/send refuses what cannot be sent', () => {
  it('needs a signed-in user: 401 without a token', async () => {
    const res = await sendRequest(t, undefined, { from: '+33639980001', to: OUTSIDE, body: 'hello' });
    expect(res.statusCode).toBe(401);
  });

  it('refuses a `from` that is not one of my numbers: 400 naming from', async () => {
    const { user } = await userWithLine();
    const other = await userWithLine();
    const body = expectError(
      await sendRequest(t, user.accessToken, { from: other.line, to: OUTSIDE, body: 'hi' }),
      400,
      'VALIDATION_FAILED',
      'from',
    );
    expect(body.details?.find((d) => d.field === 'from')).toMatchObject({ code: 'NOT_YOUR_LINE' });
    await expectNothingStored(user.id);
  });

  it('refuses a `from` line I released (CANCELLED): 400 naming from', async () => {
    const { user, line, lineId } = await userWithLine();
    const released = await call(t, 'DELETE', `/api/numbers/${lineId}`, { token: user.accessToken });
    expect(released.statusCode, released.body).toBe(200);
    const [row] = await t.database.handle.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, lineId));
    expect(row!.status).toBe('CANCELLED');

    expectError(
      await sendRequest(t, user.accessToken, { from: line, to: OUTSIDE, body: 'still mine?' }),
      400,
      'VALIDATION_FAILED',
      'from',
    );
    await expectNothingStored(user.id);
  });

  it('refuses SMS from a voice-only line (FR landline): 400 LINE_NOT_CAPABLE naming from', async () => {
    const user = await registerUser(t);
    const landline = await buyNumber(t, user.accessToken, { countryCode: 'FR', type: 'LOCAL' });
    expect(landline.capabilities).toMatchObject({ voice: true, sms: false });
    const body = expectError(
      await sendRequest(t, user.accessToken, { from: landline.phoneNumber, to: OUTSIDE, body: 'hello' }),
      400,
      'VALIDATION_FAILED',
      'from',
    );
    expect(body.details?.find((d) => d.field === 'from')).toMatchObject({ code: 'LINE_NOT_CAPABLE' });
    await expectNothingStored(user.id);
  });

  it('refuses MMS from a line that carries SMS but not MMS: 400 LINE_NOT_CAPABLE', async () => {
    const { user, line, lineId } = await userWithLine();
    await setPlan(t, user.id, 'STARTER'); // MMS allowed by the plan: only the line says no
    await t.database.handle.db
      .update(phoneNumbers)
      .set({ capabilities: { voice: true, sms: true, mms: false } })
      .where(eq(phoneNumbers.id, lineId));

    const body = expectError(
      await sendRequest(t, user.accessToken, {
        from: line,
        to: OUTSIDE,
        body: 'a photo',
        mediaUrls: ['https://example.com/cat.jpg'],
      }),
      400,
      'VALIDATION_FAILED',
      'from',
    );
    expect(body.details?.find((d) => d.field === 'from')).toMatchObject({ code: 'LINE_NOT_CAPABLE' });
    // The same line still texts.
    const sms = await sendRequest(t, user.accessToken, { from: line, to: OUTSIDE, body: 'no photo then' });
    expect(sms.statusCode, sms.body).toBe(202);
  });

  it.each([['not a number'], ['12'], ['+33 6 12']])('refuses an invalid `to` (%j): 400 naming to', async (to) => {
    const { user, line } = await userWithLine();
    expectError(await sendRequest(t, user.accessToken, { from: line, to, body: 'hi' }), 400, 'VALIDATION_FAILED', 'to');
    await expectNothingStored(user.id);
  });

  it('refuses a message to my own sending number: 400 naming to', async () => {
    const { user, line } = await userWithLine();
    expectError(
      await sendRequest(t, user.accessToken, { from: line, to: line, body: 'me, myself' }),
      400,
      'VALIDATION_FAILED',
      'to',
    );
  });

  it.each([
    ['no body and no media', {}],
    ['an empty body', { body: '' }],
    ['a body of blanks', { body: '   \n ' }],
    ['an empty media list', { body: ' ', mediaUrls: [] }],
  ])('refuses %s: 400 naming body', async (_what, content) => {
    const { user, line } = await userWithLine();
    expectError(
      await sendRequest(t, user.accessToken, { from: line, to: OUTSIDE, ...content }),
      400,
      'VALIDATION_FAILED',
      'body',
    );
    await expectNothingStored(user.id);
  });

  it('accepts a body of exactly 1600 characters and refuses 1601: 400 naming body', async () => {
    const { user, line } = await userWithLine();
    await setPlan(t, user.id, 'STARTER');
    expectError(
      await sendRequest(t, user.accessToken, { from: line, to: OUTSIDE, body: 'a'.repeat(1601) }),
      400,
      'VALIDATION_FAILED',
      'body',
    );
    await expectNothingStored(user.id);
    const longest = await sendRequest(t, user.accessToken, { from: line, to: OUTSIDE, body: 'a'.repeat(1600) });
    expect(longest.statusCode, longest.body).toBe(202);
    expect(longest.json()).toMatchObject({ segments: 11, encoding: 'GSM-7' });
  });

  it('refuses a media reference that is not a URL: 400 naming mediaUrls', async () => {
    const { user, line } = await userWithLine();
    await setPlan(t, user.id, 'STARTER');
    expectError(
      await sendRequest(t, user.accessToken, { from: line, to: OUTSIDE, mediaUrls: ['not a url'] }),
      400,
      'VALIDATION_FAILED',
      'mediaUrls.0',
    );
  });

  it('normalises `to` to E.164 whatever way it is written', async () => {
    const { user, line } = await userWithLine();
    const res = await sendRequest(t, user.accessToken, { from: line, to: '06 12 34 56 78', body: 'national form' });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ from: line, to: OUTSIDE, direction: 'OUTBOUND', type: 'SMS' });
  });
});
