import path from 'node:path';
import webpush from 'web-push';
import { type Config, vapidKeyPairProblem } from '../../config/env.js';
import { loadOrCreate } from '../../platform/secrets.js';

export interface VapidKeys {
  /** base64url, 65 bytes: the browsers' `applicationServerKey`. */
  publicKey: string;
  /** base64url, 32 bytes. */
  privateKey: string;
}

const FILE = 'vapid-keys.json';

/**
 * The server's VAPID key pair: VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY when given,
 * otherwise a pair generated once and kept in DATA_DIR/secrets. Browsers'
 * subscriptions are bound to the public key, so it must outlive restarts;
 * several nodes must be given the keys explicitly.
 */
export function resolveVapidKeys(config: Pick<Config, 'dataDir' | 'push'>): VapidKeys {
  if (config.push.vapidKeys) return config.push.vapidKeys;
  const stored = loadOrCreate(config.dataDir, FILE, () => JSON.stringify(webpush.generateVAPIDKeys()));
  const file = path.join(config.dataDir, 'secrets', FILE);
  let keys: Partial<VapidKeys>;
  try {
    keys = JSON.parse(stored) as Partial<VapidKeys>;
  } catch {
    throw new Error(`${file} is not JSON; restore it from a backup (a new key pair unsubscribes every browser)`);
  }
  const problem =
    typeof keys.publicKey === 'string' && typeof keys.privateKey === 'string'
      ? vapidKeyPairProblem(keys.publicKey, keys.privateKey)
      : 'publicKey or privateKey is missing';
  if (problem) {
    throw new Error(`${file} holds no usable VAPID key pair (${problem}); restore it from a backup`);
  }
  return { publicKey: keys.publicKey!, privateKey: keys.privateKey! };
}

/**
 * Whether Apple's push service (Safari, iOS home-screen apps) would refuse
 * this subject: it answers 403 BadJwtToken for localhost and `.local` hosts,
 * in https: URLs and mailto: addresses alike. Other push services accept them.
 */
export function appleRefusesSubject(subject: string): boolean {
  const host = subject.startsWith('mailto:') ? subject.slice(subject.lastIndexOf('@') + 1) : new URL(subject).hostname;
  const name = host.toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || name.endsWith('.local');
}
