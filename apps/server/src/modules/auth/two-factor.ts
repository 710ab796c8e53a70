import { randomInt } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

const ISSUER = 'CommPro';
/** ±1 time step of 30 s, for clock drift and typing time. */
const TOLERANCE_SECONDS = 30;
const BACKUP_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const BACKUP_CODE_COUNT = 10;

export interface TotpSetup {
  secret: string;
  otpauthUrl: string;
  qrCode: string;
}

export async function createTotpSetup(accountLabel: string): Promise<TotpSetup> {
  const secret = generateSecret();
  const otpauthUrl = generateURI({ issuer: ISSUER, label: accountLabel, secret });
  const qrCode = await QRCode.toDataURL(otpauthUrl, { margin: 1, width: 240 });
  return { secret, otpauthUrl, qrCode };
}

/**
 * Returns the time step the code belongs to, or undefined. Codes at or before
 * `lastUsedStep` are refused: a code works once.
 */
export async function verifyTotp(options: {
  secret: string;
  code: string;
  lastUsedStep: number | null;
  now: Date;
}): Promise<number | undefined> {
  const result = await verify({
    secret: options.secret,
    token: options.code,
    epoch: Math.floor(options.now.getTime() / 1000),
    epochTolerance: TOLERANCE_SECONDS,
    ...(options.lastUsedStep === null ? {} : { afterTimeStep: options.lastUsedStep }),
  }).catch(() => ({ valid: false as const }));
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}

export const isBackupCodeFormat = (code: string): boolean => /^[a-z0-9]{5}-?[a-z0-9]{5}$/i.test(code);

/** Backup codes are compared without case or dash, as people retype them. */
export const normalizeBackupCode = (code: string): string => code.toLowerCase().replace('-', '');

export function generateBackupCodes(): string[] {
  return Array.from({ length: BACKUP_CODE_COUNT }, () => {
    const chars = Array.from({ length: 10 }, () => BACKUP_ALPHABET[randomInt(BACKUP_ALPHABET.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}
