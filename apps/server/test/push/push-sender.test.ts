import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { createPushSender, PushError, type PushMessage } from '../../src/providers/push/index.js';
import { resolveVapidKeys } from '../../src/providers/push/vapid-keys.js';

/*
 * The push sender as the server builds it from its configuration: which
 * channels it offers, and what sending on one it lacks does. Building it
 * never reaches a push service.
 */

let dataDir: string;
const warnings: { obj: object; msg: string }[] = [];
const log = { warn: (obj: object, msg: string) => void warnings.push({ obj, msg }) };

const message: PushMessage = {
  id: 'n-1',
  type: 'CALL_INCOMING',
  title: 'Incoming call',
  body: '',
  url: '/calls/1',
  ttlSeconds: 30,
  urgency: 'high',
};

function serviceAccount(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return JSON.stringify({
    type: 'service_account',
    project_id: 'commpro-test',
    client_email: 'push@commpro-test.iam.gserviceaccount.com',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  });
}

function apnsKeyFile(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const file = path.join(dataDir, 'AuthKey_ABC123DEFG.p8');
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return file;
}

async function failure(run: Promise<unknown>): Promise<PushError> {
  const error = await run.then(
    () => {
      throw new Error('the send succeeded');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PushError);
  return error as PushError;
}

beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'commpro-push-'));
  warnings.length = 0;
});

afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('createPushSender', () => {
  it('offers Web Push alone by default, with the VAPID public key kept under DATA_DIR', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    const push = createPushSender(config, log);
    expect([...push.channels]).toEqual(['WEB']);
    expect(push.vapidPublicKey).toBe(resolveVapidKeys(config).publicKey);
  });

  it('throws NOT_CONFIGURED on a channel without credentials, naming the settings it needs', async () => {
    const push = createPushSender(loadConfig({ DATA_DIR: dataDir }), log);
    const fcm = await failure(push.send({ channel: 'FCM', token: 't' }, message));
    expect(fcm.reason).toBe('NOT_CONFIGURED');
    expect(fcm.message).toContain('FCM_SERVICE_ACCOUNT_JSON');
    const apns = await failure(push.send({ channel: 'APNS_VOIP', token: 'ab'.repeat(32) }, message));
    expect(apns.reason).toBe('NOT_CONFIGURED');
    expect(apns.message).toContain('APNS_KEY');
  });

  it('offers FCM and APNs VoIP once their credentials are set', () => {
    const push = createPushSender(
      loadConfig({
        DATA_DIR: dataDir,
        FCM_SERVICE_ACCOUNT_JSON: serviceAccount(),
        APNS_KEY: apnsKeyFile(),
        APNS_KEY_ID: 'ABC123DEFG',
        APNS_TEAM_ID: 'TEAM123456',
        APNS_BUNDLE_ID: 'com.example.commpro',
      }),
      log,
    );
    expect([...push.channels].sort()).toEqual(['APNS_VOIP', 'FCM', 'WEB']);
  });

  it("warns at start when Apple's push service would refuse the VAPID subject, and says what to set", () => {
    createPushSender(loadConfig({ DATA_DIR: dataDir }), log);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.obj).toEqual({ vapidSubject: 'mailto:admin@localhost' });
    expect(warnings[0]!.msg).toContain('VAPID_SUBJECT');
  });

  it('does not warn about a real contact', () => {
    createPushSender(loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'https://phone.example.com' }), log);
    createPushSender(loadConfig({ DATA_DIR: dataDir, INVOICE_SELLER_EMAIL: 'billing@example.com' }), log);
    expect(warnings).toEqual([]);
  });
});
