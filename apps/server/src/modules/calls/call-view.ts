import type { Call, MissedReason } from '@commpro/contracts';
import type { CarrierErrorReason } from '../../providers/carrier/carrier.port.js';
import type { CallView } from './calls.repository.js';

const MISSED_MESSAGES: Record<MissedReason, string> = {
  NO_DEVICE_ONLINE: 'None of your apps was online when it rang.',
  DECLINED: 'It was declined.',
  NOT_ANSWERED: 'It rang, but nobody answered in time.',
  CALLER_HUNG_UP: 'The caller hung up before it was answered.',
  PLAN_LIMIT: 'Your plan’s call minutes were used up, so it was not put through.',
};

/** What a refused call means to the caller. */
const FAILURE_REASONS: Partial<Record<CarrierErrorReason | 'CALL_FAILED', string>> = {
  INVALID_NUMBER: 'This number does not exist.',
  RECIPIENT_UNREACHABLE: 'This number cannot be reached.',
  SENDER_NOT_CAPABLE: 'Your number cannot place this call.',
  RATE_LIMITED: 'The carrier is busy; try again in a moment.',
  UNAVAILABLE: 'The carrier could not be reached; the call was not placed.',
  CALL_FAILED: 'The call could not be connected.',
};

const isMissedReason = (value: string): value is MissedReason => value in MISSED_MESSAGES;

export function toCallDto(row: CallView): Call {
  const code = row.errorMessage ?? 'CALL_FAILED';
  return {
    id: row.id,
    contactId: row.contactId,
    contact: row.contact,
    from: row.fromNumber,
    to: row.toNumber,
    direction: row.direction,
    status: row.status,
    audio: row.audio,
    missed:
      row.missedReason && isMissedReason(row.missedReason)
        ? { reason: row.missedReason, message: MISSED_MESSAGES[row.missedReason] }
        : null,
    failure:
      row.status === 'FAILED'
        ? {
            code,
            reason: FAILURE_REASONS[code as keyof typeof FAILURE_REASONS] ?? FAILURE_REASONS.CALL_FAILED!,
          }
        : null,
    muted: row.muted,
    onHold: row.onHold,
    peerOnHold: row.peerOnHold,
    startedAt: row.startedAt?.toISOString() ?? null,
    answeredAt: row.answeredAt?.toISOString() ?? null,
    endedAt: row.endedAt?.toISOString() ?? null,
    durationSeconds: row.durationSeconds,
    billableDurationSeconds: row.billableDurationSeconds,
    cost: row.cost,
    costCurrency: row.costCurrency,
    recordingUrl: row.recordingUrl,
    createdAt: row.createdAt.toISOString(),
  };
}
