import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** URL-safe random token with `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Tokens we hand out are high-entropy, so a plain SHA-256 is the right way to store them. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export interface Keyring {
  activeKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

/** Parses `id:base64,id:base64`; the first key encrypts, every key decrypts (rotation). */
export function parseKeyring(spec: string): Keyring {
  const entries = spec.split(',').map((entry) => {
    const [id, key] = entry.split(':');
    if (!id || !key) throw new Error('malformed encryption key entry');
    return [id, Buffer.from(key, 'base64')] as const;
  });
  const first = entries[0];
  if (!first) throw new Error('no encryption key');
  return { activeKeyId: first[0], keys: new Map(entries) };
}

export interface Cipher {
  encrypt(plaintext: string): string;
  decrypt(sealed: string): string;
}

/** AES-256-GCM; the sealed form names its key so old rows stay readable after a rotation. */
export function createCipher(keyring: Keyring): Cipher {
  return {
    encrypt(plaintext) {
      const key = keyring.keys.get(keyring.activeKeyId)!;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [
        'v1',
        keyring.activeKeyId,
        iv.toString('base64url'),
        tag.toString('base64url'),
        body.toString('base64url'),
      ].join('.');
    },
    decrypt(sealed) {
      const [version, keyId, iv, tag, body] = sealed.split('.');
      const key = keyId ? keyring.keys.get(keyId) : undefined;
      if (version !== 'v1' || !key || !iv || !tag || body === undefined) {
        throw new Error('cannot decrypt: unknown format or key');
      }
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
