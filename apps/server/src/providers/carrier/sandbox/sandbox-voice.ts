import { randomBytes } from 'node:crypto';
import { CarrierError, type VoiceCarrier } from '../carrier.port.js';
import { signTwilioRequest } from '../twilio-signature.js';
import type { SandboxPost } from './sandbox-messaging.js';

export interface SandboxVoiceDeps {
  /** The secret the sandbox signs its callbacks with (Twilio's algorithm, our key). */
  webhookToken: string;
  publicUrl: string;
  post: SandboxPost;
  /** Pause between the steps of a call (initiated → ringing → answered), like a real network's. */
  stepDelayMs: number;
  onError: (error: unknown) => void;
}

/** What only the sandbox can do for calls: play the outside world calling in. */
export interface SandboxVoiceControls {
  /**
   * A call from any number to a line of this instance, through the signed
   * voice webhook; the outside caller hangs up after `hangUpAfterSeconds`
   * when given (answered or not), otherwise when our side does.
   */
  simulateInboundCall(call: { from: string; to: string; hangUpAfterSeconds?: number | undefined }): Promise<{
    callSid: string;
  }>;
  /** Resolves once every callback in flight has landed. */
  idle(): Promise<void>;
  /** Stops the outside world's timers (server shutdown). */
  dispose(): void;
}

const ACCOUNT_SID = 'ACsandbox00000000000000000000000000';

/**
 * Outside numbers whose last four digits pick how the call goes, so every
 * outcome can be tried in the sandbox; any other outside number answers.
 */
const OFF_NET_OUTCOMES: Record<string, 'busy' | 'no-answer' | 'failed'> = {
  '0002': 'busy',
  '0003': 'no-answer',
  '0004': 'failed',
};

/** Steps of ringing before the outside world answers, or gives up as no-answer. */
const RINGS_BEFORE_ANSWER = 3;
const RINGS_BEFORE_NO_ANSWER = 6;

interface Leg {
  from: string;
  to: string;
  statusCallbackUrl: string;
  direction: 'inbound' | 'outbound-api';
  answeredAt: number | null;
  hold: boolean;
  muted: boolean;
}

const callSid = () => `CA${randomBytes(16).toString('hex')}`;

/**
 * Voice in the sandbox, for calls the apps cannot carry themselves: calls to
 * outside numbers progress through Twilio's statuses on the signed status
 * webhook, and the outside world can call in through the voice webhook. Calls
 * between two lines of this instance never reach it: the apps carry them
 * (WebRTC), so `clientAudio` is `webrtc`. Its legs live in this process.
 */
export function createSandboxVoice(deps: SandboxVoiceDeps): VoiceCarrier & SandboxVoiceControls {
  const legs = new Map<string, Leg>();
  const pending = new Set<Promise<void>>();
  /** Waits in progress; dispose() ends them early, and the scripts then see `disposed` and stop. */
  const timers = new Map<NodeJS.Timeout, () => void>();
  let disposed = false;

  const later = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.set(timer, resolve);
    });

  function track(run: Promise<void>): void {
    const guarded = run.catch(deps.onError);
    pending.add(guarded);
    void guarded.finally(() => pending.delete(guarded));
  }

  async function post(url: string, params: Record<string, string>): Promise<void> {
    await deps.post(url, params, signTwilioRequest(deps.webhookToken, url, params));
  }

  const paramsOf = (sid: string, leg: Leg, status: string, extra: Record<string, string> = {}) => ({
    CallSid: sid,
    AccountSid: ACCOUNT_SID,
    From: leg.from,
    To: leg.to,
    Direction: leg.direction,
    CallStatus: status,
    ApiVersion: '2010-04-01',
    ...extra,
  });

  /** A status callback for a leg still in this world; a leg that ended meanwhile says nothing more. */
  async function report(sid: string, status: string): Promise<boolean> {
    const leg = legs.get(sid);
    if (!leg || disposed) return false;
    await post(leg.statusCallbackUrl, paramsOf(sid, leg, status));
    return true;
  }

  async function runOutbound(sid: string, to: string): Promise<void> {
    const outcome = OFF_NET_OUTCOMES[to.slice(-4)];
    await later(deps.stepDelayMs);
    if (!(await report(sid, 'initiated'))) return;
    await later(deps.stepDelayMs);
    if (outcome === 'failed') {
      if (await report(sid, 'failed')) legs.delete(sid);
      return;
    }
    if (!(await report(sid, 'ringing'))) return;
    await later(deps.stepDelayMs * (outcome === 'no-answer' ? RINGS_BEFORE_NO_ANSWER : RINGS_BEFORE_ANSWER));
    if (outcome === 'busy' || outcome === 'no-answer') {
      if (await report(sid, outcome)) legs.delete(sid);
      return;
    }
    const leg = legs.get(sid);
    if (!leg || disposed) return;
    leg.answeredAt = Date.now();
    await report(sid, 'in-progress');
  }

  return {
    clientAudio: 'webrtc',

    async startCall(call) {
      const sid = callSid();
      legs.set(sid, {
        from: call.from,
        to: call.to,
        statusCallbackUrl: call.statusCallbackUrl,
        direction: 'outbound-api',
        answeredAt: null,
        hold: false,
        muted: false,
      });
      // Answers at once, as Twilio does; the network's callbacks follow.
      track(runOutbound(sid, call.to));
      return { carrierCallId: sid };
    },

    async endCall(sid) {
      const leg = legs.get(sid);
      if (!leg) return;
      // Gone at once: nothing this leg had scheduled may report after its end.
      legs.delete(sid);
      if (disposed) return;
      const final =
        leg.answeredAt === null
          ? paramsOf(sid, leg, 'canceled')
          : paramsOf(sid, leg, 'completed', { CallDuration: String(Math.round((Date.now() - leg.answeredAt) / 1000)) });
      track(post(leg.statusCallbackUrl, final));
    },

    async updateParticipant(_conference, sid, changes) {
      const leg = legs.get(sid);
      if (!leg) throw new CarrierError('NOT_FOUND', 'No such call in progress');
      if (changes.hold !== undefined) leg.hold = changes.hold;
      if (changes.muted !== undefined) leg.muted = changes.muted;
    },

    async createVoiceToken() {
      throw new CarrierError('UNAVAILABLE', 'The sandbox carries app calls over WebRTC; it issues no Voice SDK tokens');
    },

    async simulateInboundCall({ from, to, hangUpAfterSeconds }) {
      const sid = callSid();
      const leg: Leg = {
        from,
        to,
        statusCallbackUrl: `${deps.publicUrl}/api/calls/webhooks/status`,
        direction: 'inbound',
        answeredAt: null,
        hold: false,
        muted: false,
      };
      legs.set(sid, leg);
      await post(`${deps.publicUrl}/api/calls/webhooks/voice`, {
        CallSid: sid,
        AccountSid: ACCOUNT_SID,
        From: from,
        To: to,
        Direction: 'inbound',
        CallStatus: 'ringing',
        ApiVersion: '2010-04-01',
      });
      if (hangUpAfterSeconds !== undefined) {
        // Not tracked while it waits: idle() and shutdown must not wait for the caller's patience.
        void later(hangUpAfterSeconds * 1000).then(() =>
          track(
            report(sid, 'completed').then((reported) => {
              if (reported) legs.delete(sid);
            }),
          ),
        );
      }
      return { callSid: sid };
    },

    async idle() {
      while (pending.size) await Promise.allSettled([...pending]);
    },

    dispose() {
      disposed = true;
      for (const [timer, resolve] of timers) {
        clearTimeout(timer);
        resolve();
      }
      timers.clear();
      legs.clear();
    },
  };
}
