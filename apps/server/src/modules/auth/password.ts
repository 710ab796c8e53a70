import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

/** OWASP's argon2id baseline (19 MiB, 2 passes); the library's default algorithm is argon2id. */
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, ARGON2_OPTIONS);

export const verifyPassword = (passwordHash: string, password: string): Promise<boolean> =>
  verify(passwordHash, password).catch(() => false);

/**
 * Compared against when the account does not exist, so a login for an unknown
 * email costs the same time as one for a real account.
 */
let decoyHash: Promise<string> | undefined;
export function verifyAgainstDecoy(password: string): Promise<boolean> {
  decoyHash ??= hashPassword('decoy password that never matches anything');
  return decoyHash.then((h) => verifyPassword(h, password)).then(() => false);
}

let commonPasswords: Set<string> | undefined;

/**
 * Length is checked by the request schema; this adds what a schema cannot
 * know. Returns why the password is refused, or undefined when it is fine.
 */
export function passwordWeakness(
  password: string,
  context: { email: string },
): { code: string; message: string } | undefined {
  commonPasswords ??= new Set(dictionary['passwords-common']);
  const lowered = password.toLowerCase();
  if (commonPasswords.has(lowered)) {
    return { code: 'PASSWORD_COMMON', message: 'This password is one of the most commonly used; choose another' };
  }
  if (/^(.)\1*$/.test(password)) {
    return { code: 'PASSWORD_REPEATED', message: 'Use more than one repeated character' };
  }
  const local = context.email.split('@')[0] ?? '';
  if (lowered.includes(context.email) || (local.length >= 4 && lowered.includes(local))) {
    return { code: 'PASSWORD_CONTAINS_EMAIL', message: 'Your password must not contain your email address' };
  }
  return undefined;
}
