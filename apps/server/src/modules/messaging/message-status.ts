import type { MessageStatus } from '@commpro/contracts';

/**
 * How far along a message is. A status only ever moves forward, so a late
 * SENT callback never overwrites DELIVERED; the final states share a rank.
 */
const RANK: Record<MessageStatus, number> = {
  QUEUED: 0,
  SENDING: 1,
  SENT: 2,
  DELIVERED: 3,
  UNDELIVERED: 3,
  FAILED: 3,
  RECEIVED: 3,
};

export const isForward = (from: MessageStatus, to: MessageStatus): boolean => RANK[to] > RANK[from];

/** The statuses a message may move to `to` from. */
export const statusesBefore = (to: MessageStatus): MessageStatus[] =>
  (Object.keys(RANK) as MessageStatus[]).filter((s) => RANK[s] < RANK[to]);

/** Twilio's MessageStatus values in ours; undefined for those that change nothing for us. */
export function fromCarrierStatus(status: string): MessageStatus | undefined {
  switch (status) {
    case 'accepted':
    case 'queued':
    case 'scheduled':
      return 'QUEUED';
    case 'sending':
      return 'SENDING';
    case 'sent':
      return 'SENT';
    case 'delivered':
    case 'read':
      return 'DELIVERED';
    case 'undelivered':
      return 'UNDELIVERED';
    case 'failed':
    case 'canceled':
      return 'FAILED';
    case 'received':
      return 'RECEIVED';
    default:
      return undefined;
  }
}
