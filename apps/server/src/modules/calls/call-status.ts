import type { CallStatus } from '@commpro/contracts';

/**
 * How far along a call is. A status only moves forward, so a late `ringing`
 * callback never reopens a call that ended; the final states share a rank.
 */
const RANK: Record<CallStatus, number> = {
  QUEUED: 0,
  RINGING: 1,
  IN_PROGRESS: 2,
  COMPLETED: 3,
  FAILED: 3,
  BUSY: 3,
  NO_ANSWER: 3,
  CANCELLED: 3,
};

export const isFinal = (status: CallStatus): boolean => RANK[status] === 3;

/** The statuses a call may move to `to` from. */
export const statusesBefore = (to: CallStatus): CallStatus[] =>
  (Object.keys(RANK) as CallStatus[]).filter((s) => RANK[s] < RANK[to]);

/** Statuses a call can still change from. */
export const LIVE_STATUSES: CallStatus[] = statusesBefore('COMPLETED');

/** Twilio's CallStatus (and `<Dial>`'s DialCallStatus) in ours; undefined for values that change nothing. */
export function fromCarrierStatus(status: string): CallStatus | undefined {
  switch (status) {
    case 'queued':
    case 'initiated':
      return 'QUEUED';
    case 'ringing':
      return 'RINGING';
    case 'in-progress':
    case 'answered':
      return 'IN_PROGRESS';
    case 'completed':
      return 'COMPLETED';
    case 'busy':
      return 'BUSY';
    case 'no-answer':
      return 'NO_ANSWER';
    case 'canceled':
      return 'CANCELLED';
    case 'failed':
      return 'FAILED';
    default:
      return undefined;
  }
}

/** Connected seconds as billed: every started minute counts in full. */
export const billableSeconds = (durationSeconds: number): number => Math.ceil(Math.max(0, durationSeconds) / 60) * 60;
