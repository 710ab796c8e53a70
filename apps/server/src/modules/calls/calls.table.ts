import {
  type AnyPgColumn,
  boolean,
  index,
  integer,
  numeric,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { users } from '../auth/auth.table.js';
import { contacts } from '../contacts/contacts.table.js';

export const callDirection = pgEnum('call_direction', ['INBOUND', 'OUTBOUND']);
export const callStatus = pgEnum('call_status', [
  'QUEUED',
  'RINGING',
  'IN_PROGRESS',
  'COMPLETED',
  'FAILED',
  'BUSY',
  'NO_ANSWER',
  'CANCELLED',
]);
export const callAudio = pgEnum('call_audio', ['WEBRTC', 'CARRIER']);

/**
 * The seed's calls: one row per user's leg. A call between two lines of this
 * instance carried app to app (WebRTC) has a row for each user, each naming
 * the other as `peer_call_id`; a carrier call has one row and the carrier's id.
 */
export const calls = pgTable(
  'calls',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The contact saved for the other party's number; kept in step by the contacts module. */
    contactId: uuid().references(() => contacts.id, { onDelete: 'set null' }),
    fromNumber: varchar({ length: 20 }).notNull(),
    toNumber: varchar({ length: 20 }).notNull(),
    direction: callDirection().notNull(),
    status: callStatus().notNull(),
    audio: callAudio().notNull(),
    /** The carrier's id for the call (the seed's twilio_call_sid): the idempotency key of its webhooks. */
    carrierCallSid: varchar({ length: 100 }).unique(),
    /** The user's app leg in the call's conference (Twilio), which mute acts on. */
    clientCallSid: varchar({ length: 100 }),
    peerCallId: uuid().references((): AnyPgColumn => calls.id, { onDelete: 'set null' }),
    /** The socket that answered: the one device that carries the call. */
    answeredDevice: varchar({ length: 64 }),
    /** Apps of the user connected when it started ringing; 0 makes a missed call NO_DEVICE_ONLINE. */
    ringingDevices: integer(),
    missedReason: varchar({ length: 32 }),
    errorCode: integer(),
    errorMessage: text(),
    muted: boolean().notNull().default(false),
    onHold: boolean().notNull().default(false),
    startedAt: timestamp({ withTimezone: true }),
    answeredAt: timestamp({ withTimezone: true }),
    endedAt: timestamp({ withTimezone: true }),
    durationSeconds: integer().notNull().default(0),
    billableDurationSeconds: integer().notNull().default(0),
    cost: numeric({ precision: 10, scale: 4, mode: 'number' }),
    costCurrency: varchar({ length: 3 }).notNull().default('EUR'),
    recordingUrl: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [
    index('calls_user_created_idx').on(t.userId, t.createdAt),
    index('calls_contact_id_idx').on(t.contactId),
    index('calls_status_idx').on(t.status),
  ],
);
