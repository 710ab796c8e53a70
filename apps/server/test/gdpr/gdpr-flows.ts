import { unzipSync } from 'fflate';
import { expect } from 'vitest';
import { call, registerUser, type Account, type Response } from '../helpers/auth-flows.js';
import { subscribe } from '../helpers/billing-flows.js';
import { createContact } from '../helpers/contacts-flows.js';
import { buyNumber } from '../helpers/numbers-flows.js';
import type { TestApp } from '../helpers/test-app.js';

export interface Person extends Account {
  firstName: string;
  lastName: string;
  number: string;
}

/** A user with a name, a company and a line. */
export async function person(t: TestApp, firstName: string, lastName: string): Promise<Person> {
  const account = await registerUser(t, { firstName, lastName, companyName: `${lastName} SARL` });
  const line = await buyNumber(t, account.accessToken);
  return { ...account, firstName, lastName, number: line.phoneNumber };
}

/** Runs due jobs and waits for the sandbox network's callbacks, until nothing is left. */
export async function settle(t: TestApp): Promise<void> {
  do await t.app.carrierIdle();
  while ((await t.app.jobs.runDue()) > 0);
  await t.app.carrierIdle();
}

export const ALICE_TEXT = 'Alice writes: the gate code is 4711, see you at Quai Branly';
export const BOB_TEXT = '=HYPERLINK("http://evil.example","click") Bob answers, merci';

/**
 * Two people who know each other: each saved the other as a contact, texted
 * once, and Alice called Bob; Alice pays for a plan (so she has an invoice).
 */
export async function twoAcquaintances(t: TestApp): Promise<{ alice: Person; bob: Person }> {
  const alice = await person(t, 'Alicia', 'Vandermeer');
  const bob = await person(t, 'Roberto', 'Quintanilla');
  await subscribe(t, alice.accessToken, 'STARTER');
  await createContact(t, alice.accessToken, {
    firstName: bob.firstName,
    lastName: bob.lastName,
    phoneNumber: bob.number,
    tags: ['supplier', 'vip'],
    notes: 'Met at the Lyon fair, "prefers" texts\nCall after 10:00',
  });
  await createContact(t, bob.accessToken, {
    firstName: alice.firstName,
    lastName: alice.lastName,
    phoneNumber: alice.number,
  });
  await sendText(t, alice, bob.number, ALICE_TEXT);
  t.clock.advance(60_000);
  await sendText(t, bob, alice.number, BOB_TEXT);
  const dialled = await call(t, 'POST', '/api/calls/initiate', {
    token: alice.accessToken,
    payload: { from: alice.number, to: bob.number },
  });
  expect(dialled.statusCode, dialled.body).toBe(201);
  await settle(t);
  return { alice, bob };
}

async function sendText(t: TestApp, from: Person, to: string, body: string): Promise<void> {
  const res = await call(t, 'POST', '/api/messages/send', {
    token: from.accessToken,
    payload: { from: from.number, to, body },
  });
  expect(res.statusCode, res.body).toBe(202);
  await settle(t);
}

export function exportRequest(t: TestApp, token: string): Promise<Response> {
  return call(t, 'GET', '/api/auth/me/export', { token });
}

// Keeps the byte order mark, which the export writes on purpose.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** The export's files, by name, as text. */
export async function exportOf(t: TestApp, token: string): Promise<Record<string, string>> {
  const res = await exportRequest(t, token);
  expect(res.statusCode, res.body).toBe(200);
  const files = unzipSync(new Uint8Array(res.rawPayload));
  return Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, utf8.decode(bytes)]));
}

export function deleteRequest(t: TestApp, token: string, payload: object): Promise<Response> {
  return call(t, 'DELETE', '/api/auth/me', { token, payload });
}
