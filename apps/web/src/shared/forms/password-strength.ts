import { PASSWORD_MIN_LENGTH } from '@commpro/contracts';

export type StrengthLevel = 0 | 1 | 2 | 3 | 4;

const COMMON =
  /^(password|passw0rd|motdepasse|azerty|qwerty|123456|abc123|letmein|welcome|admin|iloveyou|soleil|bonjour)/i;

/**
 * A quick local estimate (0 = too short … 4 = strong) to guide typing. The
 * server has the final say with its common-password check.
 */
export function passwordStrength(password: string): StrengthLevel {
  if (password.length < PASSWORD_MIN_LENGTH) return 0;
  let score = 0;
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  score += classes >= 3 ? 2 : classes >= 2 ? 1 : 0;
  if (password.length >= 14) score += 1;
  if (password.length >= 18) score += 1;
  if (new Set(password.toLowerCase()).size <= 4) score = Math.min(score, 1);
  if (
    COMMON.test(password) ||
    /(.)\1{3,}/.test(password) ||
    /0123|1234|2345|3456|4567|5678|6789|abcd/i.test(password)
  ) {
    score = Math.min(score, 1);
  }
  return Math.max(1, Math.min(4, score)) as StrengthLevel;
}
