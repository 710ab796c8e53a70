import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { users } from '../auth/auth.table.js';
import { contacts } from '../contacts/contacts.table.js';

export const messageDirection = pgEnum('message_direction', ['INBOUND', 'OUTBOUND']);
/** UNDELIVERED is ours: the carrier accepted it, the recipient's network did not. */
export const messageStatus = pgEnum('message_status', [
  'QUEUED',
  'SENDING',
  'SENT',
  'DELIVERED',
  'UNDELIVERED',
  'FAILED',
  'RECEIVED',
]);
export const messageType = pgEnum('message_type', ['SMS', 'MMS']);

/**
 * The seed's messages. Body and media references are sealed with the owner's
 * data key (platform/crypto data keys); `encryption_key_id` names that key.
 * A conversation is (my number, their number): `conversation_id` is derived
 * from the pair so both directions group together.
 */
export const messages = pgTable(
  'messages',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    conversationId: uuid().notNull(),
    /** The contact saved for the other party's number; kept in step by the contacts module. */
    contactId: uuid().references(() => contacts.id, { onDelete: 'set null' }),
    fromNumber: varchar({ length: 20 }).notNull(),
    toNumber: varchar({ length: 20 }).notNull(),
    direction: messageDirection().notNull(),
    type: messageType().notNull().default('SMS'),
    body: text(),
    mediaUrls: text(),
    segments: integer().notNull().default(1),
    encoding: varchar({ length: 8 }),
    /** The carrier's id (the seed's twilio_message_sid): the idempotency key of its webhooks. */
    carrierMessageId: varchar({ length: 100 }).unique(),
    /** The sending app's id for the message: a send repeated with it is answered, not sent again. */
    clientMessageId: uuid(),
    status: messageStatus().notNull(),
    /** [{ status, at }] in order: the timeline a person sees. */
    statusHistory: jsonb()
      .$type<{ status: string; at: string }[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    errorCode: integer(),
    errorMessage: text(),
    encryptionKeyId: varchar({ length: 64 }),
    sentAt: timestamp({ withTimezone: true }),
    deliveredAt: timestamp({ withTimezone: true }),
    readAt: timestamp({ withTimezone: true }),
    deletedAt: timestamp({ withTimezone: true }),
    cost: numeric({ precision: 10, scale: 4, mode: 'number' }),
    costCurrency: varchar({ length: 3 }).notNull().default('EUR'),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [
    index('messages_user_conversation_idx').on(t.userId, t.conversationId, t.createdAt),
    index('messages_user_created_idx').on(t.userId, t.createdAt),
    uniqueIndex('messages_user_client_id_idx')
      .on(t.userId, t.clientMessageId)
      .where(sql`${t.clientMessageId} is not null`),
    index('messages_contact_id_idx').on(t.contactId),
    index('messages_from_number_idx').on(t.fromNumber),
    index('messages_to_number_idx').on(t.toNumber),
  ],
);
