import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCipher, parseKeyring, randomToken, safeEqual, sha256Hex } from './crypto.js';

const keyA = `a:${randomBytes(32).toString('base64')}`;
const keyB = `b:${randomBytes(32).toString('base64')}`;

/** Flips one bit of the base64url segment `index` of a sealed value. */
function tamper(sealed: string, index: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index]!, 'base64url');
  bytes[0] = bytes[0]! ^ 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('cipher (AES-256-GCM at rest)', () => {
  const cipher = createCipher(parseKeyring(keyA));

  it('round-trips text, including unicode and the empty string', () => {
    for (const plaintext of ['JBSWY3DPEHPK3PXP', 'Frédéric — 📞 +33 6 12 34 56 78', '']) {
      const sealed = cipher.encrypt(plaintext);
      if (plaintext) expect(sealed).not.toContain(plaintext);
      expect(cipher.decrypt(sealed)).toBe(plaintext);
    }
  });

  it('never produces the same ciphertext twice for the same plaintext (random IV)', () => {
    expect(cipher.encrypt('same secret')).not.toBe(cipher.encrypt('same secret'));
  });

  it('names the key that sealed the value', () => {
    expect(cipher.encrypt('x').split('.').slice(0, 2)).toEqual(['v1', 'a']);
  });

  it('rejects a value whose ciphertext, tag or IV was altered', () => {
    const sealed = cipher.encrypt('top secret 2FA seed');
    for (const index of [2, 3, 4]) {
      expect(() => cipher.decrypt(tamper(sealed, index))).toThrow();
    }
  });

  it('rejects a value sealed by another key with the same id', () => {
    const other = createCipher(parseKeyring(`a:${randomBytes(32).toString('base64')}`));
    expect(() => cipher.decrypt(other.encrypt('hello'))).toThrow();
  });

  it('rejects an unknown key id, an unknown version and garbage', () => {
    const sealed = cipher.encrypt('hello');
    expect(() => cipher.decrypt(sealed.replace(/^v1\.a\./, 'v1.zz.'))).toThrow(/unknown format or key/);
    expect(() => cipher.decrypt(sealed.replace(/^v1\./, 'v2.'))).toThrow(/unknown format or key/);
    expect(() => cipher.decrypt('not-encrypted')).toThrow();
    expect(() => cipher.decrypt('')).toThrow();
  });

  it('keeps old values readable after a key rotation and seals new ones under the new key', () => {
    const before = createCipher(parseKeyring(keyA));
    const oldSealed = before.encrypt('sealed before rotation');

    const rotated = createCipher(parseKeyring(`${keyB},${keyA}`));
    expect(rotated.decrypt(oldSealed)).toBe('sealed before rotation');

    const newSealed = rotated.encrypt('sealed after rotation');
    expect(newSealed.split('.')[1]).toBe('b');
    expect(rotated.decrypt(newSealed)).toBe('sealed after rotation');
    // A node that only knows the old key cannot read it: B really is in use.
    expect(() => before.decrypt(newSealed)).toThrow();
  });
});

describe('parseKeyring', () => {
  it('makes the first key the active one and keeps all of them', () => {
    const ring = parseKeyring(`${keyB},${keyA}`);
    expect(ring.activeKeyId).toBe('b');
    expect([...ring.keys.keys()]).toEqual(['b', 'a']);
    expect(ring.keys.get('a')).toHaveLength(32);
  });

  it('rejects a malformed entry', () => {
    expect(() => parseKeyring('no-colon')).toThrow();
    expect(() => parseKeyring(`${keyA},`)).toThrow();
  });
});

describe('tokens and hashes', () => {
  it('randomToken is URL-safe, 32 bytes by default and never repeats', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => randomToken()));
    expect(tokens.size).toBe(1000);
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    }
    expect(Buffer.from(randomToken(16), 'base64url')).toHaveLength(16);
  });

  it('sha256Hex is the standard SHA-256 digest', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('safeEqual compares exactly, including different lengths', () => {
    expect(safeEqual('token-1', 'token-1')).toBe(true);
    expect(safeEqual('token-1', 'token-2')).toBe(false);
    expect(safeEqual('token', 'token-1')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
  });
});
