import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectError, registerUser } from '../helpers/auth-flows.js';
import { parseCsv } from '../helpers/contacts-flows.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE_TEXT, BOB_TEXT, exportOf, exportRequest, type Person, twoAcquaintances } from './gdpr-flows.js';

const SECTIONS = [
  'profile',
  'numbers',
  'port-requests',
  'contacts',
  'messages',
  'calls',
  'invoices',
  'subscription',
  'usage',
  'notifications',
  'notification-preferences',
  'devices',
  'sessions',
];

let t: TestApp;
let alice: Person;
let bob: Person;
let files: Record<string, string>;
beforeAll(async () => {
  t = await createTestApp({ env: { SANDBOX_STEP_DELAY_MS: '0' } });
  ({ alice, bob } = await twoAcquaintances(t));
  files = await exportOf(t, alice.accessToken);
});
afterAll(async () => {
  await t.close();
});

const json = (name: string) => JSON.parse(files[`${name}.json`]!) as Record<string, unknown>[];
const csv = (name: string) => {
  const text = files[`${name}.csv`]!;
  expect(text.startsWith('\uFEFF'), `${name}.csv starts with a byte order mark`).toBe(true);
  const [header, ...rows] = parseCsv(text.slice(1));
  return rows.map((row) => Object.fromEntries(header!.map((column, i) => [column, row[i]])));
};

describe('GET /api/auth/me/export', () => {
  it('answers a ZIP offered as a dated download', async () => {
    const res = await exportRequest(t, alice.accessToken);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="commpro-export-\d{4}-\d{2}-\d{2}\.zip"$/,
    );
    expect(res.rawPayload.subarray(0, 4).toString('hex')).toBe('504b0304');
  });

  it('holds every section as JSON and CSV, and a README naming them', () => {
    expect(Object.keys(files).sort()).toEqual(
      ['README.txt', ...SECTIONS.flatMap((s) => [`${s}.json`, `${s}.csv`])].sort(),
    );
    for (const section of SECTIONS) expect(files['README.txt']).toContain(`${section}.json / ${section}.csv`);
  });

  it('gives the messages decrypted, both ways, in JSON and CSV', () => {
    const bodies = json('messages').map((m) => m.body);
    expect(bodies).toEqual([ALICE_TEXT, BOB_TEXT]);
    expect(json('messages').map((m) => m.direction)).toEqual(['OUTBOUND', 'INBOUND']);
    expect(csv('messages').map((m) => m.body)).toEqual([ALICE_TEXT, `'${BOB_TEXT}`]);
    expect(files['messages.json']).not.toContain('encryptionKeyId');
  });

  it('gives the profile, numbers, contacts with tags and notes, calls, invoices, plan, usage and sessions', () => {
    expect(json('profile')).toEqual([
      expect.objectContaining({ id: alice.id, email: alice.email, firstName: 'Alicia', lastName: 'Vandermeer' }),
    ]);
    expect(json('numbers').map((n) => n.phoneNumber)).toEqual([alice.number]);
    expect(json('contacts')).toEqual([
      expect.objectContaining({
        firstName: 'Roberto',
        phoneNumber: bob.number,
        tags: ['supplier', 'vip'],
        notes: 'Met at the Lyon fair, "prefers" texts\nCall after 10:00',
      }),
    ]);
    expect(csv('contacts')[0]).toMatchObject({
      phoneNumber: bob.number,
      tags: '["supplier","vip"]',
      notes: 'Met at the Lyon fair, "prefers" texts\nCall after 10:00',
    });
    expect(json('calls')).toEqual([expect.objectContaining({ fromNumber: alice.number, toNumber: bob.number })]);
    const [invoice] = json('invoices');
    expect(invoice).toMatchObject({ buyer: expect.objectContaining({ email: alice.email }) });
    expect(invoice!.lines).toEqual([expect.objectContaining({ kind: 'PLAN' })]);
    expect(json('subscription')).toEqual([expect.objectContaining({ tier: 'STARTER' })]);
    expect(json('usage').length).toBeGreaterThan(0);
    expect(json('sessions').length).toBeGreaterThan(0);
  });

  it('never gives a secret: no password hash, 2FA secret or push token', () => {
    const all = Object.values(files).join('\n');
    for (const secret of ['passwordHash', 'twoFaSecret', 'accountNumber', 'webPushKeys', '$argon2']) {
      expect(all).not.toContain(secret);
    }
  });

  it('holds nothing of another user: not their email, their contact of Alice, nor their copy of the texts', () => {
    const all = Object.values(files).join('\n');
    expect(all).not.toContain(bob.email);
    expect(all).not.toContain(bob.id);
    expect(json('contacts')).toHaveLength(1);
    expect(json('messages')).toHaveLength(2);
    expect(json('messages').every((m) => m.userId === alice.id)).toBe(true);
    expect(json('calls').every((c) => c.userId === alice.id)).toBe(true);
  });

  it('gives a new account its empty sections with their headers', async () => {
    const newcomer = await registerUser(t);
    const own = await exportOf(t, newcomer.accessToken);
    expect(JSON.parse(own['messages.json']!)).toEqual([]);
    expect(parseCsv(own['messages.csv']!.slice(1))[0]).toContain('body');
  });

  it('asks for a signed-in user', async () => {
    expectError(await call(t, 'GET', '/api/auth/me/export'), 401, 'UNAUTHORIZED');
  });

  it('is limited to a few exports per hour per account', async () => {
    const busy = await registerUser(t);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await exportRequest(t, busy.accessToken)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect((await exportRequest(t, alice.accessToken)).statusCode).toBe(200);
  });
});
