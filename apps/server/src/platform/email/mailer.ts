import type { FastifyBaseLogger } from 'fastify';
import nodemailer from 'nodemailer';
import type { Database } from '../db/client.js';
import { emailOutbox } from './email-outbox.table.js';

export interface Email {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** The one link the email exists for; logged in outbox mode so a developer can follow it. */
  link?: string;
}

export interface Mailer {
  readonly kind: 'smtp' | 'outbox';
  send(email: Email): Promise<void>;
}

export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    kind: 'smtp',
    async send({ to, subject, text, html }) {
      await transport.sendMail({ from, to, subject, text, html });
    },
  };
}

/**
 * Without SMTP, emails land in the email_outbox table and the link is logged,
 * so sign-up, verification and password reset all work offline. In production
 * the link (a credential) stays out of the log.
 */
export function createOutboxMailer(db: Database, log: FastifyBaseLogger, options: { logLinks: boolean }): Mailer {
  return {
    kind: 'outbox',
    async send({ to, subject, text, html, link }) {
      await db.insert(emailOutbox).values({ to, subject, text, html });
      const shown = options.logLinks ? { link } : {};
      log.info({ to: maskEmail(to), subject, ...shown }, 'email kept in outbox (SMTP_URL not set)');
    },
  };
}

export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}
