import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/env.js';
import { createCipher, parseKeyring } from './crypto.js';
import { resolveSecrets } from './secrets.js';

const dirs: string[] = [];
function tempDataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'commpro-secrets-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('resolveSecrets', () => {
  it('generates the JWT secret and encryption key once under DATA_DIR/secrets, readable by the owner only', () => {
    const dataDir = tempDataDir();
    const secrets = resolveSecrets(loadConfig({ DATA_DIR: dataDir }));

    expect(secrets.jwtSecret.length).toBeGreaterThanOrEqual(32);
    // The generated keyring is one the app can actually use.
    const cipher = createCipher(parseKeyring(secrets.encryptionKeys));
    expect(cipher.decrypt(cipher.encrypt('ok'))).toBe('ok');
    // ...and one the config schema would accept if an operator copied it into ENCRYPTION_KEYS.
    expect(loadConfig({ ENCRYPTION_KEYS: secrets.encryptionKeys, JWT_SECRET: secrets.jwtSecret }).jwtSecret).toBe(
      secrets.jwtSecret,
    );

    for (const name of ['jwt-secret', 'encryption-keys']) {
      const file = path.join(dataDir, 'secrets', name);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    }
    expect(statSync(path.join(dataDir, 'secrets')).mode & 0o077).toBe(0);
    expect(readFileSync(path.join(dataDir, 'secrets', 'jwt-secret'), 'utf8')).toBe(secrets.jwtSecret);
  });

  it('returns the same secrets on the next start, so sessions and encrypted data survive a restart', () => {
    const dataDir = tempDataDir();
    const first = resolveSecrets(loadConfig({ DATA_DIR: dataDir }));
    const second = resolveSecrets(loadConfig({ DATA_DIR: dataDir }));
    expect(second).toEqual(first);
  });

  it('gives each data directory its own secrets', () => {
    const one = resolveSecrets(loadConfig({ DATA_DIR: tempDataDir() }));
    const two = resolveSecrets(loadConfig({ DATA_DIR: tempDataDir() }));
    expect(one.jwtSecret).not.toBe(two.jwtSecret);
    expect(one.encryptionKeys).not.toBe(two.encryptionKeys);
  });

  it('uses JWT_SECRET and ENCRYPTION_KEYS from the environment and writes nothing', () => {
    const dataDir = tempDataDir();
    const env = {
      DATA_DIR: dataDir,
      JWT_SECRET: randomBytes(32).toString('hex'),
      ENCRYPTION_KEYS: `prod1:${randomBytes(32).toString('base64')}`,
    };
    const secrets = resolveSecrets(loadConfig(env));
    expect(secrets).toEqual({ jwtSecret: env.JWT_SECRET, encryptionKeys: env.ENCRYPTION_KEYS });
    expect(() => statSync(path.join(dataDir, 'secrets'))).toThrow();
  });
});
