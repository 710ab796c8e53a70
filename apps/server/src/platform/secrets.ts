import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/env.js';

export interface Secrets {
  jwtSecret: string;
  encryptionKeys: string;
}

/**
 * Secrets not given in the environment are generated once and kept under
 * DATA_DIR, so a single node restarts with the same keys. Several nodes must
 * be given JWT_SECRET and ENCRYPTION_KEYS explicitly.
 */
export function resolveSecrets(config: Config): Secrets {
  return {
    jwtSecret:
      config.jwtSecret ?? loadOrCreate(config.dataDir, 'jwt-secret', () => randomBytes(48).toString('base64url')),
    encryptionKeys:
      config.encryptionKeys ??
      loadOrCreate(config.dataDir, 'encryption-keys', () => `local1:${randomBytes(32).toString('base64')}`),
  };
}

function loadOrCreate(dataDir: string, name: string, generate: () => string): string {
  const dir = path.join(dataDir, 'secrets');
  const file = path.join(dir, name);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const value = generate();
  // 'wx' so two processes starting together cannot overwrite each other's key.
  try {
    writeFileSync(file, value, { mode: 0o600, flag: 'wx' });
    return value;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw error;
  }
}
