/** Every table, for drizzle-kit and the typed client. Each module owns its own table file. */
export * from '../../modules/auth/auth.table.js';
export * from '../../modules/admin/audit.table.js';
export * from '../../modules/notifications/notifications.table.js';
export * from '../../modules/numbers/numbers.table.js';
export * from '../../modules/billing/billing.table.js';
export * from '../../modules/messaging/messaging.table.js';
export * from '../../modules/media/media.table.js';
export * from '../../modules/calls/calls.table.js';
export * from '../../modules/contacts/contacts.table.js';
export * from '../crypto-keys/data-keys.table.js';
export * from '../../providers/carrier/sandbox/sandbox.table.js';
export * from '../webhooks/webhook-logs.table.js';
export * from '../email/email-outbox.table.js';
export * from '../jobs/jobs.table.js';
