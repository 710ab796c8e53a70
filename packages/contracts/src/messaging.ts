import { z } from 'zod';
import { ContactRef } from './contact-ref.js';
import { PhoneNumberInput } from './numbers.js';

export const MessageDirection = z.enum(['INBOUND', 'OUTBOUND']);
export const MessageStatus = z.enum(['QUEUED', 'SENDING', 'SENT', 'DELIVERED', 'UNDELIVERED', 'FAILED', 'RECEIVED']);
export type MessageStatus = z.infer<typeof MessageStatus>;

export const Message = z.object({
  id: z.uuid(),
  conversationId: z.uuid(),
  contactId: z.uuid().nullable(),
  from: z.string(),
  to: z.string(),
  direction: MessageDirection,
  type: z.enum(['SMS', 'MMS']),
  body: z.string().nullable(),
  mediaUrls: z.array(z.string()),
  segments: z.number().int(),
  encoding: z.enum(['GSM-7', 'UCS-2']).nullable(),
  status: MessageStatus,
  statusHistory: z.array(z.object({ status: MessageStatus, at: z.iso.datetime() })),
  /** Why it failed, in words a person understands, with a stable code. */
  failure: z.object({ code: z.string(), reason: z.string() }).nullable(),
  cost: z.number().nullable(),
  sentAt: z.iso.datetime().nullable(),
  deliveredAt: z.iso.datetime().nullable(),
  readAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});
export type Message = z.infer<typeof Message>;

export const SendMessageBody = z
  .object({
    from: PhoneNumberInput,
    to: PhoneNumberInput,
    body: z.string().max(1600).optional(),
    mediaUrls: z.array(z.url()).max(10).optional(),
    /**
     * The app's own id for this message (a UUID it makes when the message is
     * written). Sent again — a retry, an outbox replaying after being offline —
     * it answers the message already sent instead of sending twice.
     */
    clientMessageId: z.uuid().optional(),
  })
  .refine((m) => (m.body?.trim().length ?? 0) > 0 || (m.mediaUrls?.length ?? 0) > 0, {
    error: 'Write a message or attach an image',
    path: ['body'],
  });
export type SendMessageBody = z.infer<typeof SendMessageBody>;

/** An uploaded MMS picture: send its `url` in `mediaUrls`. */
export const UploadedMedia = z.object({
  id: z.uuid(),
  url: z.string(),
  contentType: z.string(),
  sizeBytes: z.number().int(),
  expiresAt: z.iso.datetime(),
});
export type UploadedMedia = z.infer<typeof UploadedMedia>;

export const ConversationSummary = z.object({
  conversationId: z.uuid(),
  /** The contact saved for their number, if any. */
  contact: ContactRef.nullable(),
  /** Their number, and the line of mine the conversation is on. */
  phoneNumber: z.string(),
  myNumber: z.string(),
  lastMessage: Message,
  unreadCount: z.number().int(),
  updatedAt: z.iso.datetime(),
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;

export const ConversationList = z.object({ conversations: z.array(ConversationSummary), total: z.number().int() });
export type ConversationList = z.infer<typeof ConversationList>;

export const MessageList = z.object({ messages: z.array(Message), total: z.number().int() });
export type MessageList = z.infer<typeof MessageList>;
