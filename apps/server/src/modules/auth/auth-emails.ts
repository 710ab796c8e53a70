import type { Email } from '../../platform/email/mailer.js';

const signature = '\n\n— CommPro';

export function verificationEmail(to: string, link: string): Email {
  return {
    to,
    subject: 'Confirm your email address',
    text: `Welcome to CommPro.\n\nConfirm your email address by opening this link (valid 24 hours):\n${link}${signature}`,
    link,
  };
}

export function passwordResetEmail(to: string, link: string): Email {
  return {
    to,
    subject: 'Reset your CommPro password',
    text: `Someone asked to reset the password of this account. If it was you, open this link within an hour:\n${link}\n\nIf it was not you, ignore this email: your password stays the same.${signature}`,
    link,
  };
}

export function securityNoticeEmail(to: string, what: string): Email {
  return {
    to,
    subject: `Security notice: ${what}`,
    text: `${what} on your CommPro account just now.\n\nIf this was not you, reset your password at once and contact support.${signature}`,
  };
}

export function twoFactorResetEmail(to: string): Email {
  return {
    to,
    subject: 'Two-factor authentication was turned off',
    text: `Our support team turned off two-factor authentication on your CommPro account, as asked.\n\nYou can now sign in with your password alone. Turn two-factor authentication on again from your settings.\n\nIf you did not ask for this, reset your password at once and contact support.${signature}`,
  };
}
