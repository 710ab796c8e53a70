import {
  type ConversationList,
  countSegments,
  type Message,
  type MessageList,
  type SendMessageBody,
} from '@commpro/contracts';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/client.js';
import { AppError, notFound, validationError } from '../../platform/errors.js';
import type { JobQueue } from '../../platform/jobs/job-queue.js';
import type { Realtime } from '../../platform/realtime/socket-server.js';
import { CarrierError, type E164, isRetryable, type MessagingCarrier } from '../../providers/carrier/carrier.port.js';
import { users } from '../auth/auth.table.js';
import type { Quota } from '../billing/quota.js';
import type { ContactDirectory } from '../contacts/contact-directory.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import type { NumbersService } from '../numbers/index.js';
import { toE164 } from '../numbers/phone-input.js';
import { conversationIdOf } from './conversation-id.js';
import { fromCarrierStatus, isForward, statusesBefore } from './message-status.js';
import type { MessageRow, MessagingRepository } from './messaging.repository.js';

export const SEND_JOB = 'messaging.send';

/** Seals and opens a user's content with that user's data key. */
export interface ContentSealer {
  seal(userId: string, plaintext: string): Promise<{ sealed: string; keyId: string }>;
  open(userId: string, sealed: string): Promise<string>;
}

export interface MessagingServiceDeps {
  db: Database;
  /** Who a number is: the contact a new message is linked to, and names in the conversation list. */
  contacts: Pick<ContactDirectory, 'idFor' | 'refsFor'>;
  repo: MessagingRepository;
  numbers: Pick<NumbersService, 'findActiveLine' | 'findLineByNumber'>;
  quota: Pick<Quota, 'consume'>;
  notifications: NotificationsService;
  carrier: MessagingCarrier;
  sealer: ContentSealer;
  jobs: Pick<JobQueue, 'enqueue' | 'wake'>;
  realtime: Pick<Realtime, 'emitToUser'>;
  /** A carrier error code (Twilio's 30007…) as a stable code and a sentence a person understands. */
  describeFailure: (carrierCode: number) => { code: string; reason: string };
  /** Our media links: re-signed when handed out, and checked to be the sender's own. */
  media: { freshLink(url: string): string; ownsAll(userId: string, urls: readonly string[]): Promise<boolean> };
  /** Status callbacks that arrived before their message's carrier id was stored (see applyStatus). */
  pendingStatuses: { take(carrierMessageId: string): Promise<WebhookParams[]> };
  publicUrl: string;
  dailySendCap: number;
  clock: () => Date;
}

/** What a refused send means to the person who sent it, when the carrier gave no code of its own. */
const REFUSAL_REASONS: Partial<Record<CarrierError['reason'], string>> = {
  RECIPIENT_UNREACHABLE: 'This number cannot receive text messages.',
  RECIPIENT_OPTED_OUT: 'The recipient replied STOP; they must text START before you can write again.',
  SENDER_NOT_CAPABLE: 'Your number cannot send this kind of message.',
  MESSAGE_REJECTED: 'The carrier refused this message (too long, or an attachment it cannot fetch).',
  RATE_LIMITED: 'The carrier is busy; the message could not be sent in time.',
  UNAVAILABLE: 'The carrier could not be reached; the message was not sent.',
};

/** An operator suspended the sender's account while the message waited in the queue. */
const ACCOUNT_SUSPENDED = 'ACCOUNT_SUSPENDED';

/** Inbound parameters of a carrier webhook, Twilio-shaped. */
export type WebhookParams = Readonly<Record<string, string>>;

/** Twilio prefixes channel addresses (`whatsapp:+33…`); the number is what follows. */
const addressOf = (value: string | undefined) => (value ?? '').replace(/^[a-z]+:/i, '');

export function createMessagingService(deps: MessagingServiceDeps) {
  const { db, repo, sealer, clock } = deps;

  async function openList(row: MessageRow): Promise<string[]> {
    if (row.mediaUrls === null) return [];
    return (JSON.parse(await sealer.open(row.userId, row.mediaUrls)) as string[]).map((url) =>
      deps.media.freshLink(url),
    );
  }

  function failureOf(row: MessageRow): Message['failure'] {
    if (row.errorCode !== null) return deps.describeFailure(row.errorCode);
    if (row.errorMessage) {
      return {
        code: row.errorMessage,
        reason:
          row.errorMessage === ACCOUNT_SUSPENDED
            ? 'Your account is suspended; the message was not sent.'
            : (REFUSAL_REASONS[row.errorMessage as CarrierError['reason']] ?? 'The message was not sent.'),
      };
    }
    return null;
  }

  async function toDto(row: MessageRow): Promise<Message> {
    return {
      id: row.id,
      conversationId: row.conversationId,
      contactId: row.contactId,
      from: row.fromNumber,
      to: row.toNumber,
      direction: row.direction,
      type: row.type,
      body: row.body === null ? null : await sealer.open(row.userId, row.body),
      mediaUrls: await openList(row),
      segments: row.segments,
      encoding: row.encoding === 'GSM-7' || row.encoding === 'UCS-2' ? row.encoding : null,
      status: row.status,
      statusHistory: row.statusHistory as Message['statusHistory'],
      failure: failureOf(row),
      cost: row.cost,
      sentAt: row.sentAt?.toISOString() ?? null,
      deliveredAt: row.deliveredAt?.toISOString() ?? null,
      readAt: row.readAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
    };
  }

  function parse(input: string, field: string): E164 {
    const e164 = toE164(input);
    if (!e164) throw validationError(field, 'Enter a phone number, e.g. +33 6 12 34 56 78', 'PHONE_INVALID');
    return e164;
  }

  function emitStatus(row: MessageRow, at: Date): void {
    deps.realtime.emitToUser(row.userId, 'message:status', {
      id: row.id,
      conversationId: row.conversationId,
      status: row.status,
      failure: failureOf(row),
      at: at.toISOString(),
    });
  }

  /**
   * The daily spam cap, then the plan's allowance through billing's quota,
   * both under the user's row lock: two sends at the last unit cannot both pass.
   */
  async function chargeAllowance(tx: Database, userId: string, kind: 'SMS_SENT' | 'MMS_SENT', units: number) {
    await tx.execute(sql`select id from users where id = ${userId} for no key update`);
    if ((await repo.countSentSince(userId, new Date(clock().getTime() - 24 * 3600_000), tx)) >= deps.dailySendCap) {
      throw new AppError('RATE_LIMITED', `You can send ${deps.dailySendCap} messages a day; try again later`, {
        retryAfter: 3600,
      });
    }
    return deps.quota.consume(tx, userId, kind, units);
  }

  /**
   * A status callback, applied only when it moves the message forward (the
   * check is in the update itself, so concurrent callbacks cannot undo each
   * other). A callback for a message whose carrier id is not stored yet — it
   * can outrun the carrier's answer — is `pending`: kept in the webhook log
   * and applied once the id is known.
   */
  async function applyStatus(params: WebhookParams): Promise<{ outcome: 'applied' | 'ignored' | 'pending' }> {
    const status = fromCarrierStatus(params.MessageStatus ?? params.SmsStatus ?? '');
    const carrierId = params.MessageSid;
    if (!status || !carrierId) return { outcome: 'ignored' };
    const current = await repo.findByCarrierId(carrierId);
    if (!current) return { outcome: 'pending' };
    if (current.direction !== 'OUTBOUND' || !isForward(current.status, status)) return { outcome: 'ignored' };
    const now = clock();
    const errorCode = Number(params.ErrorCode);
    const updated = await repo.transition(
      current.id,
      statusesBefore(status),
      {
        status,
        ...(status === 'SENT' && !current.sentAt ? { sentAt: now } : {}),
        ...(status === 'DELIVERED' ? { deliveredAt: now } : {}),
        ...(Number.isInteger(errorCode) && errorCode > 0 ? { errorCode } : {}),
      },
      now,
    );
    if (!updated) return { outcome: 'ignored' };
    emitStatus(updated, now);
    return { outcome: 'applied' };
  }

  return {
    /**
     * Validates, charges and stores the message QUEUED with its send job, in
     * one transaction; the worker hands it to the carrier.
     */
    async send(userId: string, input: SendMessageBody): Promise<Message> {
      if (input.clientMessageId) {
        const sent = await repo.findByClientId(userId, input.clientMessageId);
        if (sent) return toDto(sent);
      }
      const from = parse(input.from, 'from');
      const to = parse(input.to, 'to');
      if (from === to) throw validationError('to', 'Choose a recipient other than your own number', 'SAME_NUMBER');
      const line = await deps.numbers.findActiveLine(userId, from);
      if (!line) throw validationError('from', 'Send from one of your active numbers', 'NOT_YOUR_LINE');
      const media = input.mediaUrls ?? [];
      const isMms = media.length > 0;
      if (!(await deps.media.ownsAll(userId, media))) {
        throw validationError('mediaUrls', 'Attach pictures you uploaded', 'MEDIA_NOT_YOURS');
      }
      if (!(isMms ? line.capabilities.mms : line.capabilities.sms)) {
        throw validationError('from', `This number cannot send ${isMms ? 'MMS' : 'SMS'}`, 'LINE_NOT_CAPABLE');
      }
      const body = input.body?.trim() ? input.body : undefined;
      const counted = countSegments(body ?? '');
      const sealedBody = body === undefined ? undefined : await sealer.seal(userId, body);
      const sealedMedia = isMms ? await sealer.seal(userId, JSON.stringify(media)) : undefined;
      const now = clock();

      const row = await db.transaction(async (tx) => {
        if (input.clientMessageId) {
          // Under the user's lock: a repeat racing this send waits for it, then finds it and charges nothing.
          await tx.execute(sql`select id from users where id = ${userId} for no key update`);
          const repeated = await repo.findByClientId(userId, input.clientMessageId, tx);
          if (repeated) return { row: repeated, created: false };
        }
        const cost = await chargeAllowance(tx, userId, isMms ? 'MMS_SENT' : 'SMS_SENT', isMms ? 1 : counted.segments);
        const inserted = await repo.insert(
          {
            userId,
            clientMessageId: input.clientMessageId ?? null,
            contactId: await deps.contacts.idFor(userId, to, tx),
            conversationId: conversationIdOf(userId, from, to),
            fromNumber: from,
            toNumber: to,
            direction: 'OUTBOUND',
            type: isMms ? 'MMS' : 'SMS',
            body: sealedBody?.sealed ?? null,
            mediaUrls: sealedMedia?.sealed ?? null,
            encryptionKeyId: sealedBody?.keyId ?? sealedMedia?.keyId ?? null,
            segments: counted.segments,
            encoding: body === undefined ? null : counted.encoding,
            status: 'QUEUED',
            statusHistory: [{ status: 'QUEUED', at: now.toISOString() }],
            cost,
            createdAt: now,
          },
          tx,
        );
        // In the same transaction: a message is never stored without the job that sends it.
        await deps.jobs.enqueue(SEND_JOB, { messageId: inserted.id }, { dedupeKey: `${SEND_JOB}:${inserted.id}` }, tx);
        return { row: inserted, created: true };
      });
      if (!row.created) return toDto(row.row);
      deps.jobs.wake();
      const dto = await toDto(row.row);
      deps.realtime.emitToUser(userId, 'message:new', dto);
      return dto;
    },

    /**
     * The send job. The message is claimed QUEUED → SENDING before the carrier
     * is called, so a job that runs twice sends once. A retry finding SENDING
     * without a carrier id means the previous attempt died before reaching the
     * carrier (its lease ran out): it is sent then. A refusal that may pass
     * later goes back to QUEUED for the queue's backoff; any other fails the
     * message with a reason the sender can read.
     */
    async deliver(messageId: string, attempt: { isRetry: boolean; isLast: boolean }): Promise<void> {
      const now = clock();
      let claimed = await repo.transition(messageId, 'QUEUED', { status: 'SENDING' }, now);
      if (!claimed && attempt.isRetry) {
        const current = await repo.findById(messageId);
        if (current?.status === 'SENDING' && current.carrierMessageId === null && current.deletedAt === null) {
          claimed = current;
        }
      }
      if (!claimed || claimed.deletedAt) return;
      const [owner] = await db
        .select({ suspendedAt: users.suspendedAt })
        .from(users)
        .where(eq(users.id, claimed.userId))
        .limit(1);
      if (owner?.suspendedAt) {
        const failed = await repo.transition(
          claimed.id,
          'SENDING',
          { status: 'FAILED', errorMessage: ACCOUNT_SUSPENDED },
          clock(),
        );
        if (failed) emitStatus(failed, clock());
        return;
      }
      try {
        const body = claimed.body === null ? undefined : await sealer.open(claimed.userId, claimed.body);
        const { carrierMessageId } = await deps.carrier.sendMessage({
          from: claimed.fromNumber as E164,
          to: claimed.toNumber as E164,
          body,
          mediaUrls: claimed.mediaUrls === null ? undefined : await openList(claimed),
          statusCallbackUrl: `${deps.publicUrl}/api/messages/webhooks/status`,
        });
        await repo.setCarrierId(claimed.id, carrierMessageId);
        // Callbacks that outran the carrier's answer were kept; apply them now, in arrival order.
        for (const pending of await deps.pendingStatuses.take(carrierMessageId)) await applyStatus(pending);
      } catch (error) {
        const refusal =
          error instanceof CarrierError ? error : new CarrierError('UNAVAILABLE', 'send failed', { cause: error });
        if (isRetryable(refusal) && !attempt.isLast) {
          await repo.transition(claimed.id, 'SENDING', { status: 'QUEUED' }, clock());
          throw error;
        }
        const failed = await repo.transition(
          claimed.id,
          'SENDING',
          { status: 'FAILED', errorCode: refusal.carrierCode ?? null, errorMessage: refusal.reason },
          clock(),
        );
        if (failed) emitStatus(failed, clock());
      }
    },

    /**
     * An inbound message from the carrier. Stored once per carrier id (a
     * retried webhook adds nothing); a number that is not an active line is
     * acknowledged without storing anything.
     */
    async receive(params: WebhookParams): Promise<{ stored: boolean }> {
      const to = toE164(addressOf(params.To));
      const from = toE164(addressOf(params.From));
      const carrierId = params.MessageSid;
      if (!to || !from || !carrierId) return { stored: false };
      const line = await deps.numbers.findLineByNumber(to);
      if (!line) return { stored: false };
      const userId = line.userId;
      const body = params.Body ? params.Body : undefined;
      const mediaCount = Math.min(Number(params.NumMedia ?? 0) || 0, 10);
      const media = Array.from({ length: mediaCount }, (_, i) => params[`MediaUrl${i}`]).filter(
        (u): u is string => typeof u === 'string' && u.length > 0,
      );
      const counted = countSegments(body ?? '');
      const sealedBody = body === undefined ? undefined : await sealer.seal(userId, body);
      const sealedMedia = media.length ? await sealer.seal(userId, JSON.stringify(media)) : undefined;
      const now = clock();
      // The message and its notification together: a failure leaves neither, so the carrier's retry stores both.
      const row = await db.transaction(async (tx) => {
        const inserted = await repo.insertInbound(
          {
            userId,
            contactId: await deps.contacts.idFor(userId, from, tx),
            conversationId: conversationIdOf(userId, to, from),
            fromNumber: from,
            toNumber: to,
            direction: 'INBOUND',
            type: media.length ? 'MMS' : 'SMS',
            body: sealedBody?.sealed ?? null,
            mediaUrls: sealedMedia?.sealed ?? null,
            encryptionKeyId: sealedBody?.keyId ?? sealedMedia?.keyId ?? null,
            segments: Number(params.NumSegments) || counted.segments,
            encoding: body === undefined ? null : counted.encoding,
            carrierMessageId: carrierId,
            status: 'RECEIVED',
            statusHistory: [{ status: 'RECEIVED', at: now.toISOString() }],
            createdAt: now,
          },
          tx,
        );
        if (inserted) {
          await deps.notifications.notify(
            userId,
            {
              type: 'MESSAGE_RECEIVED',
              // The title names the sender; the body stays out of the notification row (it is not encrypted).
              title: `New message from ${from}`,
              data: { messageId: inserted.id, conversationId: inserted.conversationId, from, to },
            },
            tx,
          );
        }
        return inserted;
      });
      if (!row) return { stored: false };
      deps.realtime.emitToUser(userId, 'message:new', await toDto(row));
      return { stored: true };
    },

    /** A status callback: applied only when it moves the message forward, so late or repeated callbacks change nothing. */
    applyStatus,

    /**
     * Closes the race with deliver: a callback logged as pending just after the
     * carrier id was stored and the pending ones taken is applied here.
     */
    async settlePending(carrierMessageId: string): Promise<void> {
      if (!(await repo.findByCarrierId(carrierMessageId))) return;
      for (const pending of await deps.pendingStatuses.take(carrierMessageId)) await applyStatus(pending);
    },

    async listConversations(
      userId: string,
      query: { from?: string | undefined; limit: number; offset: number },
    ): Promise<ConversationList> {
      const myNumber = query.from === undefined ? undefined : parse(query.from, 'from');
      const { items, total } = await repo.listConversations(userId, myNumber, query);
      const contacts = await deps.contacts.refsFor(
        userId,
        items.flatMap(({ last }) => (last.contactId ? [last.contactId] : [])),
      );
      const conversations = await Promise.all(
        items.map(async ({ last, unread }) => ({
          conversationId: last.conversationId,
          contact: (last.contactId && contacts.get(last.contactId)) || null,
          phoneNumber: last.direction === 'OUTBOUND' ? last.toNumber : last.fromNumber,
          myNumber: last.direction === 'OUTBOUND' ? last.fromNumber : last.toNumber,
          lastMessage: await toDto(last),
          unreadCount: unread,
          updatedAt: last.createdAt.toISOString(),
        })),
      );
      return { conversations, total };
    },

    async listConversation(
      userId: string,
      theirNumber: string,
      query: { from?: string | undefined; limit: number; offset: number },
    ): Promise<MessageList> {
      const their = parse(theirNumber, 'phoneNumber');
      const myNumber = query.from === undefined ? undefined : parse(query.from, 'from');
      const { rows, total } = await repo.listConversation(userId, their, myNumber, query);
      return { messages: await Promise.all(rows.map(toDto)), total };
    },

    /** The newest messages with a contact, for its timeline. */
    async forContact(userId: string, contactId: string, limit: number): Promise<{ items: Message[]; total: number }> {
      const { rows, total } = await repo.listForContact(userId, contactId, limit);
      return { items: await Promise.all(rows.map(toDto)), total };
    },

    async markRead(userId: string, messageId: string): Promise<Message> {
      const row = await repo.markRead(userId, messageId, clock());
      if (!row) throw notFound('Message');
      return toDto(row);
    },

    async remove(userId: string, messageId: string): Promise<void> {
      if (!(await repo.softDelete(userId, messageId, clock()))) throw notFound('Message');
    },
  };
}

export type MessagingService = ReturnType<typeof createMessagingService>;
