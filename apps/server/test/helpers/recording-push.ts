import {
  type PushChannel,
  PushError,
  type PushErrorReason,
  type PushMessage,
  type PushSender,
  type PushTarget,
} from '../../src/providers/push/push.port.js';

export interface RecordingPush extends PushSender {
  /** Every push handed over, accepted or not, in order. */
  sent: { target: PushTarget; message: PushMessage }[];
  /** The next sends to this endpoint or token fail with these reasons, one per send, then sends succeed. */
  failNext(address: string, ...reasons: PushErrorReason[]): void;
}

const addressOf = (target: PushTarget) => (target.channel === 'WEB' ? target.subscription.endpoint : target.token);

/**
 * A push sender for module tests: records what the notifications module hands
 * over and answers as a push service would, as told. The real senders are
 * tested against local push endpoints in test/push.
 */
export function createRecordingPush(channels: PushChannel[] = ['WEB']): RecordingPush {
  const failures = new Map<string, PushErrorReason[]>();
  const sent: RecordingPush['sent'] = [];
  return {
    channels: new Set(channels),
    vapidPublicKey: 'BPublicKeyForTests',
    sent,
    failNext(address, ...reasons) {
      failures.set(address, [...(failures.get(address) ?? []), ...reasons]);
    },
    async send(target, message) {
      sent.push({ target, message });
      const reason = failures.get(addressOf(target))?.shift();
      if (reason) throw new PushError(reason, `push service said ${reason}`);
    },
  };
}
