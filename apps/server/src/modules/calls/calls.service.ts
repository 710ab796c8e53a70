import {
  type Call,
  type CallList,
  type CallListQuery,
  type CallStatus,
  type CountryCode,
  callRoom,
  type IceServer,
  type InitiateCallBody,
  type InitiateCallResponse,
  MISSED_CALL_STATUSES,
  type MissedReason,
  type VoiceToken,
} from '@commpro/contracts';
import type { Database } from '../../platform/db/client.js';
import { AppError, notFound, validationError } from '../../platform/errors.js';
import type { JobQueue } from '../../platform/jobs/job-queue.js';
import type { Realtime } from '../../platform/realtime/socket-server.js';
import { CarrierError, type E164, type VoiceCarrier } from '../../providers/carrier/carrier.port.js';
import type { ContactDirectory } from '../contacts/contact-directory.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import type { NumbersService } from '../numbers/index.js';
import { countryOf, toE164 } from '../numbers/phone-input.js';
import type { CallMinutes } from './call-minutes.js';
import { billableSeconds, fromCarrierStatus, isFinal, LIVE_STATUSES, statusesBefore } from './call-status.js';
import { toCallDto } from './call-view.js';
import type { CallRow, CallsRepository, CallView } from './calls.repository.js';

export const RING_TIMEOUT_JOB = 'calls.ring-timeout';

/** Inbound parameters of a carrier webhook, Twilio-shaped. */
export type WebhookParams = Readonly<Record<string, string>>;

export interface CallsServiceDeps {
  db: Database;
  /** The contact a new call is linked to. */
  contacts: Pick<ContactDirectory, 'idFor'>;
  repo: CallsRepository;
  minutes: CallMinutes;
  numbers: Pick<NumbersService, 'findActiveLine' | 'findLineByNumber'>;
  notifications: NotificationsService;
  pushIncomingCall(userId: string, call: { id: string; from: string; ringSeconds: number }): Promise<number>;
  carrier: VoiceCarrier;
  realtime: Pick<Realtime, 'emitToUser' | 'countUserDevices' | 'closeRoom'>;
  jobs: Pick<JobQueue, 'enqueue' | 'wake'>;
  /** Status callbacks that arrived before their call's carrier id was stored. */
  pendingStatuses: { take(carrierCallSid: string): Promise<WebhookParams[]> };
  publicUrl: string;
  ringTimeoutSeconds: number;
  iceServers: IceServer[];
  clock: () => Date;
}

/** A user's Voice SDK identity: alphanumeric and underscore, as Twilio's mobile SDKs require. */
export const identityOf = (userId: string): string => `u_${userId.replaceAll('-', '')}`;

/** The user an identity (or a `client:` address) names, if it is one of ours. */
export function userOfIdentity(value: string): string | undefined {
  const match = /^(?:client:)?u_([0-9a-f]{32})$/.exec(value);
  if (!match) return undefined;
  const h = match[1]!;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Every carrier call of ours runs in a conference named after the user's leg. */
export const conferenceOf = (callId: string): string => `call-${callId}`;

/** Twilio prefixes channel addresses (`client:alice`, `sip:`); the number is what follows. */
const addressOf = (value: string | undefined) => (value ?? '').replace(/^[a-z]+:/i, '');

const seconds = (from: Date, to: Date) => Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));

/** Why an unanswered inbound call ended that way, from how it ended. */
function missedReasonOf(leg: CallRow, status: CallStatus): MissedReason | null {
  if (leg.direction !== 'INBOUND' || !MISSED_CALL_STATUSES.includes(status)) return null;
  if (leg.ringingDevices === 0) return 'NO_DEVICE_ONLINE';
  if (status === 'BUSY') return 'DECLINED';
  if (status === 'CANCELLED') return 'CALLER_HUNG_UP';
  return 'NOT_ANSWERED';
}

export interface Ending {
  status: CallStatus;
  missedReason?: MissedReason | null | undefined;
  errorCode?: number | null | undefined;
  errorMessage?: string | null | undefined;
  /** The carrier's count of connected seconds, when it gave one. */
  durationSeconds?: number | undefined;
}

export function createCallsService(deps: CallsServiceDeps) {
  const { db, repo, clock } = deps;
  const statusCallbackUrl = `${deps.publicUrl}/api/calls/webhooks/status`;

  function parse(input: string, field: string, region?: CountryCode): E164 {
    const e164 = toE164(input, region);
    if (!e164) throw validationError(field, 'Enter a phone number, e.g. +33 6 12 34 56 78', 'PHONE_INVALID');
    return e164;
  }

  async function dtoOf(id: string): Promise<Call> {
    const view = await repo.view(id);
    if (!view) throw notFound('Call');
    return toCallDto(view);
  }

  async function owned(userId: string, callId: string): Promise<CallView> {
    const view = await repo.viewOwned(userId, callId);
    if (!view) throw notFound('Call');
    return view;
  }

  /**
   * Ends one leg, if it is still live: final status, times, minutes charged
   * (connected calls only) and, for a missed inbound call, its notification —
   * all in one transaction. Returns the ended leg, or undefined when another
   * event ended it first.
   */
  async function end(leg: CallRow, ending: Ending): Promise<CallRow | undefined> {
    const now = clock();
    const connected =
      ending.status === 'COMPLETED' && (leg.answeredAt !== null || ending.durationSeconds !== undefined);
    const duration = connected ? (ending.durationSeconds ?? seconds(leg.answeredAt!, now)) : 0;
    const billable = billableSeconds(duration);
    const missedReason = ending.missedReason === undefined ? missedReasonOf(leg, ending.status) : ending.missedReason;
    const ended = await db.transaction(async (tx) => {
      const row = await repo.transition(
        leg.id,
        LIVE_STATUSES,
        {
          status: ending.status,
          endedAt: now,
          answeredAt: leg.answeredAt ?? (connected ? new Date(now.getTime() - duration * 1000) : null),
          durationSeconds: duration,
          billableDurationSeconds: billable,
          missedReason,
          errorCode: ending.errorCode ?? leg.errorCode,
          errorMessage: ending.errorMessage ?? leg.errorMessage,
          muted: false,
          onHold: false,
          cost: 0,
        },
        tx,
      );
      if (!row) return undefined;
      const withCost =
        billable > 0 ? await repo.update(row.id, { cost: await deps.minutes.charge(tx, row, billable / 60) }, tx) : row;
      if (missedReason) {
        await deps.notifications.notify(
          row.userId,
          {
            type: 'CALL_MISSED',
            title: `Missed call from ${row.fromNumber}`,
            data: { callId: row.id, from: row.fromNumber, to: row.toNumber, reason: missedReason },
          },
          tx,
        );
      }
      return withCost;
    });
    if (!ended) return undefined;
    deps.realtime.emitToUser(ended.userId, 'call:ended', { call: await dtoOf(ended.id) });
    deps.realtime.closeRoom(callRoom(ended.id));
    return ended;
  }

  /** Ends a leg and the other user's leg of the same app-to-app call. */
  async function endBoth(leg: CallRow, mine: Ending, theirs: Ending): Promise<void> {
    await end(leg, mine);
    if (leg.peerCallId) {
      const peer = await repo.findById(leg.peerCallId);
      if (peer) await end(peer, theirs);
    }
  }

  /** Hold or mute at the carrier, its refusals in our words: no conference running means the call is not live there. */
  async function controlParticipant(callId: string, sid: string, changes: { hold?: boolean; muted?: boolean }) {
    try {
      await deps.carrier.updateParticipant(conferenceOf(callId), sid, changes);
    } catch (error) {
      if (!(error instanceof CarrierError)) throw error;
      throw error.reason === 'NOT_FOUND'
        ? new AppError('CALL_NOT_ACTIVE', 'The carrier has no live call to change; it may have just ended')
        : new AppError('PROVIDER_UNAVAILABLE', 'The carrier could not change the call; try again', { cause: error });
    }
  }

  /** Hangs up the carrier's leg too; a carrier that cannot be reached must not keep our call open. */
  async function endCarrierLeg(leg: CallRow): Promise<void> {
    if (!leg.carrierCallSid) return;
    try {
      await deps.carrier.endCall(leg.carrierCallSid);
    } catch (error) {
      if (!(error instanceof CarrierError && error.reason === 'NOT_FOUND')) throw error;
    }
  }

  /**
   * Rings the user's apps for an inbound leg (the sandbox's app-to-app calls,
   * and outside calls in the sandbox) and schedules the ring timeout. With no
   * app online and no phone woken by push, the call is missed at once, saying so.
   */
  async function ring(leg: CallRow): Promise<void> {
    // Open apps ring over the socket; phones whose app is closed are woken by a VoIP push.
    const [online, woken] = await Promise.all([
      deps.realtime.countUserDevices(leg.userId),
      deps.pushIncomingCall(leg.userId, { id: leg.id, from: leg.fromNumber, ringSeconds: deps.ringTimeoutSeconds }),
    ]);
    const devices = online + woken;
    const rung = (await repo.update(leg.id, { ringingDevices: devices })) ?? leg;
    if (devices === 0) {
      await endBoth(rung, { status: 'NO_ANSWER', missedReason: 'NO_DEVICE_ONLINE' }, { status: 'NO_ANSWER' });
      await endCarrierLeg(rung);
      return;
    }
    deps.realtime.emitToUser(leg.userId, 'call:incoming', { call: await dtoOf(rung.id) });
    await deps.jobs.enqueue(
      RING_TIMEOUT_JOB,
      { callId: leg.id },
      {
        runAt: new Date(clock().getTime() + deps.ringTimeoutSeconds * 1000),
        dedupeKey: `${RING_TIMEOUT_JOB}:${leg.id}`,
      },
    );
  }

  /**
   * A call between two lines of this instance with app audio: both legs in one
   * statement, the callee's apps ringing. The callee out of minutes is busy.
   */
  async function connectOnNet(userId: string, from: E164, to: E164, calleeId: string): Promise<CallRow> {
    const now = clock();
    const callerLegId = crypto.randomUUID();
    const calleeLegId = crypto.randomUUID();
    const common = { fromNumber: from, toNumber: to, audio: 'WEBRTC' as const, startedAt: now, createdAt: now };
    const [callerLeg, calleeLeg] = await db.transaction(async (tx) => {
      await deps.minutes.ensureAvailable(tx, userId);
      const rows = await repo.insert(
        [
          {
            ...common,
            id: callerLegId,
            userId,
            contactId: await deps.contacts.idFor(userId, to, tx),
            direction: 'OUTBOUND',
            status: 'RINGING',
            peerCallId: calleeLegId,
          },
          {
            ...common,
            id: calleeLegId,
            userId: calleeId,
            contactId: await deps.contacts.idFor(calleeId, from, tx),
            direction: 'INBOUND',
            status: 'RINGING',
            peerCallId: callerLegId,
          },
        ],
        tx,
      );
      return [rows.find((r) => r.id === callerLegId)!, rows.find((r) => r.id === calleeLegId)!];
    });
    const calleeHasMinutes = await db
      .transaction((tx) => deps.minutes.ensureAvailable(tx, calleeId, calleeLeg.id))
      .then(
        () => true,
        (error: unknown) => {
          if (error instanceof AppError && error.code === 'PLAN_LIMIT_REACHED') return false;
          throw error;
        },
      );
    if (!calleeHasMinutes) {
      await endBoth(calleeLeg, { status: 'BUSY', missedReason: 'PLAN_LIMIT' }, { status: 'BUSY' });
    } else {
      await ring(calleeLeg);
      deps.jobs.wake();
    }
    return (await repo.findById(callerLeg.id))!;
  }

  /** A call carried by the carrier: stored, then handed over; a refusal is a FAILED call the user can read. */
  async function connectThroughCarrier(userId: string, from: E164, to: E164): Promise<CallRow> {
    const now = clock();
    const leg = await db.transaction(async (tx) => {
      await deps.minutes.ensureAvailable(tx, userId);
      const [row] = await repo.insert(
        [
          {
            userId,
            contactId: await deps.contacts.idFor(userId, to, tx),
            fromNumber: from,
            toNumber: to,
            direction: 'OUTBOUND',
            status: 'QUEUED',
            audio: 'CARRIER',
            startedAt: now,
            createdAt: now,
          },
        ],
        tx,
      );
      return row!;
    });
    try {
      const { carrierCallId } = await deps.carrier.startCall({
        from,
        to,
        conference: conferenceOf(leg.id),
        statusCallbackUrl,
        ringTimeoutSeconds: deps.ringTimeoutSeconds,
      });
      await repo.update(leg.id, { carrierCallSid: carrierCallId });
      // Callbacks that outran the carrier's answer were kept; apply them now, in arrival order.
      for (const pending of await deps.pendingStatuses.take(carrierCallId)) await applyStatus(pending);
    } catch (error) {
      const refusal =
        error instanceof CarrierError ? error : new CarrierError('UNAVAILABLE', 'call failed', { cause: error });
      await end(leg, { status: 'FAILED', errorCode: refusal.carrierCode ?? null, errorMessage: refusal.reason });
    }
    return (await repo.findById(leg.id))!;
  }

  async function initiate(userId: string, input: InitiateCallBody): Promise<CallRow> {
    const from = parse(input.from, 'from');
    // A number dialled in national form is read in the country of the line it is called from, as a phone does.
    const to = parse(input.to, 'to', countryOf(from));
    if (from === to) throw validationError('to', 'Call a number other than the one you call from', 'SAME_NUMBER');
    const line = await deps.numbers.findActiveLine(userId, from);
    if (!line) throw validationError('from', 'Call from one of your active numbers', 'NOT_YOUR_LINE');
    if (!line.capabilities.voice) throw validationError('from', 'This number cannot make calls', 'LINE_NOT_CAPABLE');
    if (deps.carrier.clientAudio === 'webrtc') {
      const callee = await deps.numbers.findLineByNumber(to);
      if (callee?.capabilities.voice) return connectOnNet(userId, from, to, callee.userId);
    }
    return connectThroughCarrier(userId, from, to);
  }

  /**
   * A status callback for a carrier leg, applied only when it moves the call
   * forward. A callback whose call is not stored yet is `pending` (see
   * connectThroughCarrier). A `<Client>` leg's callback (Twilio) names its
   * parent, the inbound call it answers.
   */
  async function applyStatus(params: WebhookParams): Promise<{ outcome: 'applied' | 'ignored' | 'pending' }> {
    const status = fromCarrierStatus(params.CallStatus ?? '');
    const sid = params.CallSid;
    if (!status || !sid) return { outcome: 'ignored' };
    const own = await repo.findByCarrierSid(sid);
    const parent = own
      ? undefined
      : params.ParentCallSid
        ? await repo.findByCarrierSid(params.ParentCallSid)
        : undefined;
    const leg = own ?? parent;
    if (!leg) return { outcome: 'pending' };
    if (parent) {
      // The app's leg of an inbound call: only its answer matters here; the <Dial> action ends the call.
      if (status !== 'IN_PROGRESS') return { outcome: 'ignored' };
      const answered = await repo.transition(leg.id, statusesBefore('IN_PROGRESS'), {
        status: 'IN_PROGRESS',
        answeredAt: clock(),
        clientCallSid: sid,
      });
      if (answered) deps.realtime.emitToUser(answered.userId, 'call:updated', { call: await dtoOf(answered.id) });
      return { outcome: answered ? 'applied' : 'ignored' };
    }
    if (isFinal(status)) {
      const duration = Number(params.CallDuration);
      // An inbound call the caller ends while it still rings was cancelled, whatever the carrier calls it.
      const final =
        leg.direction === 'INBOUND' && status === 'COMPLETED' && leg.answeredAt === null ? 'CANCELLED' : status;
      const ended = await end(leg, {
        status: final,
        durationSeconds:
          final === 'COMPLETED' && Number.isFinite(duration) && params.CallDuration ? duration : undefined,
        errorCode: Number(params.ErrorCode) > 0 ? Number(params.ErrorCode) : undefined,
      });
      return { outcome: ended ? 'applied' : 'ignored' };
    }
    const moved = await repo.transition(leg.id, statusesBefore(status), {
      status,
      ...(status === 'IN_PROGRESS' ? { answeredAt: clock() } : {}),
    });
    if (!moved) return { outcome: 'ignored' };
    deps.realtime.emitToUser(moved.userId, 'call:updated', { call: await dtoOf(moved.id) });
    return { outcome: 'applied' };
  }

  /**
   * Hangs up the user's leg. Connected: both sides complete. Still ringing:
   * the caller gave up (cancelled) or the callee turned it down (busy).
   */
  async function hangup(userId: string, callId: string): Promise<void> {
    const leg = await owned(userId, callId);
    if (isFinal(leg.status)) return;
    if (leg.status === 'IN_PROGRESS') {
      await endBoth(leg, { status: 'COMPLETED' }, { status: 'COMPLETED' });
    } else if (leg.direction === 'OUTBOUND') {
      await endBoth(leg, { status: 'CANCELLED' }, { status: 'CANCELLED', missedReason: 'CALLER_HUNG_UP' });
    } else {
      await endBoth(leg, { status: 'BUSY', missedReason: 'DECLINED' }, { status: 'BUSY' });
    }
    await endCarrierLeg(leg);
  }

  return {
    async token(userId: string): Promise<VoiceToken> {
      const identity = identityOf(userId);
      if (deps.carrier.clientAudio === 'webrtc') {
        return {
          provider: 'webrtc',
          identity,
          iceServers: deps.iceServers,
          ringTimeoutSeconds: deps.ringTimeoutSeconds,
        };
      }
      const { token, expiresAt } = await deps.carrier.createVoiceToken(identity, 3600);
      return { provider: 'twilio', identity, token, expiresAt: expiresAt.toISOString() };
    },

    async initiate(userId: string, input: InitiateCallBody): Promise<InitiateCallResponse> {
      const leg = await initiate(userId, input);
      const call = await dtoOf(leg.id);
      return { callId: leg.id, twilioCallSid: leg.carrierCallSid, status: leg.status, call };
    },

    async list(userId: string, query: CallListQuery): Promise<CallList> {
      const { rows, total } = await repo.list(userId, {
        direction: query.direction,
        status: query.status,
        from: query.startDate ? new Date(query.startDate) : undefined,
        // A bare date as the end includes that whole day.
        to: query.endDate
          ? new Date(new Date(query.endDate).getTime() + (query.endDate.length === 10 ? 86_400_000 : 0))
          : undefined,
        limit: query.limit,
        offset: query.offset,
      });
      return { calls: rows.map(toCallDto), total };
    },

    /** The newest calls with a contact, for its timeline. */
    async forContact(userId: string, contactId: string, limit: number): Promise<{ items: Call[]; total: number }> {
      const { rows, total } = await repo.listForContact(userId, contactId, limit);
      return { items: rows.map(toCallDto), total };
    },

    async get(userId: string, callId: string): Promise<Call> {
      return toCallDto(await owned(userId, callId));
    },

    hangup,

    /** Mutes the user's microphone on the call (their app applies it; a conference participant with Twilio). */
    async setMuted(userId: string, callId: string, muted: boolean): Promise<void> {
      const leg = await owned(userId, callId);
      if (leg.status !== 'IN_PROGRESS') throw new AppError('CALL_NOT_ACTIVE', 'The call is not connected');
      if (leg.audio === 'CARRIER' && deps.carrier.clientAudio === 'twilio') {
        if (!leg.clientCallSid || leg.direction === 'INBOUND') {
          throw new AppError('CALL_CONTROL_UNAVAILABLE', 'Mute this call from the app');
        }
        await controlParticipant(leg.id, leg.clientCallSid, { muted });
      }
      const updated = await repo.update(leg.id, { muted });
      deps.realtime.emitToUser(userId, 'call:updated', { call: await dtoOf(updated!.id) });
    },

    /** Puts the other party on hold (they hear silence or hold music) or takes them off it. */
    async setHold(userId: string, callId: string, onHold: boolean): Promise<void> {
      const leg = await owned(userId, callId);
      if (leg.status !== 'IN_PROGRESS') throw new AppError('CALL_NOT_ACTIVE', 'The call is not connected');
      if (leg.audio === 'CARRIER' && leg.carrierCallSid) {
        if (deps.carrier.clientAudio === 'twilio' && leg.direction === 'INBOUND') {
          throw new AppError('CALL_CONTROL_UNAVAILABLE', 'Hold is not available on calls you receive');
        }
        await controlParticipant(leg.id, leg.carrierCallSid, { hold: onHold });
      }
      await repo.update(leg.id, { onHold });
      deps.realtime.emitToUser(userId, 'call:updated', { call: await dtoOf(leg.id) });
      if (leg.peerCallId) {
        const peer = await repo.view(leg.peerCallId);
        if (peer) deps.realtime.emitToUser(peer.userId, 'call:updated', { call: toCallDto(peer) });
      }
    },

    /**
     * The caller's app takes its outbound app-to-app call: returns the other
     * leg, where its signalling goes.
     */
    async join(userId: string, callId: string): Promise<{ peerCallId: string } | { error: string }> {
      const leg = await repo.viewOwned(userId, callId);
      if (!leg || leg.direction !== 'OUTBOUND' || leg.audio !== 'WEBRTC' || !leg.peerCallId)
        return { error: 'NOT_FOUND' };
      if (isFinal(leg.status)) return { error: 'CALL_ENDED' };
      return { peerCallId: leg.peerCallId };
    },

    /** Answers on one device; the first wins (the status check is in the update). */
    async accept(
      userId: string,
      callId: string,
      deviceId: string,
    ): Promise<{ peerCallId: string | null } | { error: string }> {
      const leg = await repo.viewOwned(userId, callId);
      if (!leg || leg.direction !== 'INBOUND') return { error: 'NOT_FOUND' };
      const now = clock();
      const answered = await repo.transition(leg.id, ['RINGING'], {
        status: 'IN_PROGRESS',
        answeredAt: now,
        answeredDevice: deviceId,
      });
      if (!answered) return { error: isFinal(leg.status) ? 'CALL_ENDED' : 'ALREADY_ANSWERED' };
      deps.realtime.emitToUser(userId, 'call:accepted', { call: await dtoOf(answered.id), deviceId });
      if (answered.peerCallId) {
        const peer = await repo.transition(answered.peerCallId, ['RINGING'], {
          status: 'IN_PROGRESS',
          answeredAt: now,
        });
        if (peer) deps.realtime.emitToUser(peer.userId, 'call:accepted', { call: await dtoOf(peer.id), deviceId });
      }
      return { peerCallId: answered.peerCallId };
    },

    async decline(userId: string, callId: string): Promise<{ ok: true } | { error: string }> {
      const leg = await repo.viewOwned(userId, callId);
      if (!leg || leg.direction !== 'INBOUND') return { error: 'NOT_FOUND' };
      if (leg.status !== 'RINGING') return { error: isFinal(leg.status) ? 'CALL_ENDED' : 'ALREADY_ANSWERED' };
      const declined = await end(leg, { status: 'BUSY', missedReason: 'DECLINED' });
      if (!declined) return { error: 'CALL_ENDED' };
      deps.realtime.emitToUser(userId, 'call:declined', { call: await dtoOf(declined.id) });
      if (leg.peerCallId) {
        const peer = await repo.findById(leg.peerCallId);
        const ended = peer && (await end(peer, { status: 'BUSY' }));
        if (ended) deps.realtime.emitToUser(ended.userId, 'call:declined', { call: await dtoOf(ended.id) });
      }
      await endCarrierLeg(leg);
      return { ok: true };
    },

    /** The device carrying these calls went away (closed tab, lost network): the calls end. */
    async deviceGone(userId: string, callIds: readonly string[]): Promise<void> {
      for (const callId of callIds) {
        const leg = await repo.viewOwned(userId, callId);
        if (!leg || isFinal(leg.status)) continue;
        await hangup(userId, callId);
      }
    },

    /** The ring timeout job: a leg still ringing is missed, and its caller hears no answer. */
    async ringTimedOut(callId: string): Promise<void> {
      const leg = await repo.findById(callId);
      if (!leg || leg.status !== 'RINGING') return;
      await endBoth(leg, { status: 'NO_ANSWER' }, { status: 'NO_ANSWER' });
      await endCarrierLeg(leg);
    },

    applyStatus,

    /**
     * Closes the race with connectThroughCarrier: a callback logged as pending
     * just after the carrier id was stored and the pending ones taken is applied here.
     */
    async settlePending(carrierCallSid: string): Promise<void> {
      if (!(await repo.findByCarrierSid(carrierCallSid))) return;
      for (const pending of await deps.pendingStatuses.take(carrierCallSid)) await applyStatus(pending);
    },

    /**
     * The carrier's voice webhook. From an app (`client:` caller, Twilio):
     * the call it places — an existing call by `callId`, or a new one from its
     * `CallerId` line to `To`, caller ID checked — joins that call's
     * conference. From the outside world to one of our lines: the call is
     * stored once and rings the owner's apps.
     */
    async voice(
      params: WebhookParams,
    ): Promise<
      | { kind: 'join'; conference: string }
      | { kind: 'ring'; callId: string; identity: string; callerId: string }
      | { kind: 'reject'; reason: 'busy' | 'rejected'; message?: string }
    > {
      const callerUser = userOfIdentity(params.From ?? '');
      if (callerUser) {
        let legId = params.callId;
        if (legId) {
          const leg = await repo.viewOwned(callerUser, legId).catch(() => undefined);
          if (!leg || leg.direction !== 'OUTBOUND' || isFinal(leg.status))
            return { kind: 'reject', reason: 'rejected' };
        } else {
          // Twilio retries a webhook whose answer it did not get: the app's leg places its call once.
          const placed = params.CallSid ? await repo.findByClientSid(params.CallSid) : undefined;
          if (placed?.userId === callerUser) return { kind: 'join', conference: conferenceOf(placed.id) };
          try {
            legId = (await initiate(callerUser, { from: params.CallerId ?? '', to: params.To ?? '' })).id;
          } catch (error) {
            if (error instanceof AppError) return { kind: 'reject', reason: 'rejected', message: error.message };
            throw error;
          }
        }
        if (params.CallSid) await repo.update(legId, { clientCallSid: params.CallSid });
        return { kind: 'join', conference: conferenceOf(legId) };
      }

      const to = toE164(addressOf(params.To));
      const from = toE164(addressOf(params.From)) ?? addressOf(params.From);
      const sid = params.CallSid;
      const line = to ? await deps.numbers.findLineByNumber(to) : undefined;
      if (!line || !to || !sid || !line.capabilities.voice) return { kind: 'reject', reason: 'rejected' };
      const now = clock();
      const stored = await repo.insertOnce({
        userId: line.userId,
        contactId: await deps.contacts.idFor(line.userId, from),
        fromNumber: from.slice(0, 20),
        toNumber: to,
        direction: 'INBOUND',
        status: 'RINGING',
        audio: 'CARRIER',
        carrierCallSid: sid,
        startedAt: now,
        createdAt: now,
      });
      const leg = stored ?? (await repo.findByCarrierSid(sid))!;
      if (stored) {
        const hasMinutes = await db
          .transaction((tx) => deps.minutes.ensureAvailable(tx, line.userId, leg.id))
          .then(
            () => true,
            (error: unknown) => {
              if (error instanceof AppError && error.code === 'PLAN_LIMIT_REACHED') return false;
              throw error;
            },
          );
        if (!hasMinutes) {
          await end(leg, { status: 'BUSY', missedReason: 'PLAN_LIMIT' });
          return { kind: 'reject', reason: 'busy' };
        }
        // The sandbox's outside world has no app of its own: our apps ring over Socket.io. Twilio rings its SDK clients.
        if (deps.carrier.clientAudio === 'webrtc') {
          await ring(leg);
          deps.jobs.wake();
        }
      }
      if (isFinal(leg.status)) return { kind: 'reject', reason: 'busy' };
      return { kind: 'ring', callId: leg.id, identity: identityOf(line.userId), callerId: from };
    },

    /**
     * Twilio's `<Dial>` action for an inbound call: answered calls are over;
     * unanswered ones end missed and go to voicemail.
     */
    async dialEnded(callId: string, params: WebhookParams): Promise<{ voicemail: boolean }> {
      const leg = await repo.findById(callId);
      if (!leg || leg.direction !== 'INBOUND') return { voicemail: false };
      const dialStatus = params.DialCallStatus ?? '';
      if (dialStatus === 'completed' || dialStatus === 'answered') {
        const duration = Number(params.DialCallDuration);
        await end(leg, { status: 'COMPLETED', durationSeconds: Number.isFinite(duration) ? duration : undefined });
        return { voicemail: false };
      }
      const status = fromCarrierStatus(dialStatus);
      if (status === 'CANCELLED') {
        await end(leg, { status: 'CANCELLED' });
        return { voicemail: false };
      }
      // Declined in the app is busy; anything else (no answer, no app registered, a failed leg) is unanswered.
      await end(leg, { status: status === 'BUSY' ? 'BUSY' : 'NO_ANSWER' });
      return { voicemail: true };
    },

    /** A voicemail recording is ready: kept on the call, and the owner told. */
    async recordingReady(callId: string, params: WebhookParams): Promise<void> {
      const url = params.RecordingUrl;
      if (!url || !/^https:\/\//.test(url)) return;
      const leg = await repo.findById(callId);
      if (!leg || leg.recordingUrl) return;
      await db.transaction(async (tx) => {
        await repo.update(leg.id, { recordingUrl: url }, tx);
        await deps.notifications.notify(
          leg.userId,
          {
            type: 'VOICEMAIL',
            title: `Voicemail from ${leg.fromNumber}`,
            data: {
              callId: leg.id,
              from: leg.fromNumber,
              to: leg.toNumber,
              durationSeconds: Number(params.RecordingDuration) || 0,
            },
          },
          tx,
        );
      });
      deps.realtime.emitToUser(leg.userId, 'call:updated', { call: await dtoOf(leg.id) });
    },
  };
}

export type CallsService = ReturnType<typeof createCallsService>;
