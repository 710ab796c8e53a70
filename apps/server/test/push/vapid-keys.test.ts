import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import webpush from 'web-push';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, vapidKeyPairProblem } from '../../src/config/env.js';
import { appleRefusesSubject, resolveVapidKeys } from '../../src/providers/push/vapid-keys.js';

let dataDir: string;
const keyFile = () => path.join(dataDir, 'secrets', 'vapid-keys.json');

beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'commpro-vapid-'));
});

afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('VAPID keys', () => {
  it('are generated once under DATA_DIR/secrets (0600) and the same pair is read back on the next start', () => {
    const first = resolveVapidKeys(loadConfig({ DATA_DIR: dataDir }));
    const second = resolveVapidKeys(loadConfig({ DATA_DIR: dataDir }));

    expect(second).toEqual(first);
    expect(vapidKeyPairProblem(first.publicKey, first.privateKey)).toBeUndefined();
    expect(Buffer.from(first.publicKey, 'base64url')).toHaveLength(65);
    expect(statSync(keyFile()).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(keyFile())).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(keyFile(), 'utf8'))).toEqual(first);
  });

  it('are a new pair in another DATA_DIR', () => {
    const other = mkdtempSync(path.join(os.tmpdir(), 'commpro-vapid-'));
    try {
      expect(resolveVapidKeys(loadConfig({ DATA_DIR: other })).publicKey).not.toBe(
        resolveVapidKeys(loadConfig({ DATA_DIR: dataDir })).publicKey,
      );
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('come from VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY when given, and nothing is written', () => {
    const given = webpush.generateVAPIDKeys();
    resolveVapidKeys(loadConfig({ DATA_DIR: dataDir }));
    const config = loadConfig({
      DATA_DIR: dataDir,
      VAPID_PUBLIC_KEY: given.publicKey,
      VAPID_PRIVATE_KEY: given.privateKey,
    });
    expect(resolveVapidKeys(config)).toEqual(given);
    expect(JSON.parse(readFileSync(keyFile(), 'utf8'))).not.toEqual(given);
  });

  it('refuses a damaged key file with a message naming it, rather than silently making a new pair', async () => {
    await mkdir(path.dirname(keyFile()), { recursive: true });
    const config = loadConfig({ DATA_DIR: dataDir });
    writeFileSync(keyFile(), '{"publicKey":"abc"', { mode: 0o600 });
    expect(() => resolveVapidKeys(config)).toThrow(`${keyFile()} is not JSON`);
    const { publicKey } = webpush.generateVAPIDKeys();
    const { privateKey } = webpush.generateVAPIDKeys();
    writeFileSync(keyFile(), JSON.stringify({ publicKey, privateKey }));
    expect(() => resolveVapidKeys(config)).toThrow(/holds no usable VAPID key pair \(the private key does not belong/);
  });
});

describe('VAPID subjects Apple refuses', () => {
  it.each([
    ['mailto:admin@localhost', true],
    ['mailto:relay@herdr.local', true],
    ['https://localhost:3000', true],
    ['https://app.localhost', true],
    ['mailto:ops@commpro.example', false],
    ['https://commpro.example', false],
  ])('%s: %s', (subject, refused) => {
    expect(appleRefusesSubject(subject)).toBe(refused);
  });
});
