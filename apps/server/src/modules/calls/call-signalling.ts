import { type CallAck, CallSignal, callRoom } from '@commpro/contracts';
import { z } from 'zod';
import type { AppSocket, Realtime } from '../../platform/realtime/socket-server.js';
import type { CallsService } from './calls.service.js';

const CallCommand = z.object({ callId: z.uuid() });

/** Enough for any real negotiation (an offer, an answer, a few dozen candidates, renegotiation on hold). */
const SIGNALS_PER_CALL = 300;

const ERROR_MESSAGES: Record<string, string> = {
  NOT_FOUND: 'Call not found',
  CALL_ENDED: 'The call has ended',
  ALREADY_ANSWERED: 'The call was answered on another device',
  VALIDATION_FAILED: 'Send { callId } with the id of one of your calls',
  INTERNAL: 'Something went wrong; try again',
};
const refusal = (code: string): CallAck => ({ ok: false, code, message: ERROR_MESSAGES[code] ?? code });

/**
 * The apps' call commands over Socket.io, and the relay of WebRTC signalling
 * between the two devices of an app-to-app call. A device relays only for the
 * calls it took (joined as caller, or answered), and only while the call's
 * room is open; the server never reads the SDP, it only forwards it.
 */
export function attachCallSignalling(
  realtime: Pick<Realtime, 'onConnection' | 'emitToRoom'>,
  service: CallsService,
  log: { error(obj: object, msg: string): void },
): void {
  realtime.onConnection((socket: AppSocket) => {
    const userId = socket.data.auth.userId;
    /** The calls this device holds: its leg → the other leg (null when the carrier carries the audio). */
    const held = new Map<string, { peer: string | null; signals: number }>();

    function command(
      run: (callId: string) => Promise<{ peerCallId?: string | null } | { error: string } | { ok: true }>,
      onTaken?: (callId: string, peer: string | null) => void,
    ) {
      return (payload: unknown, ack: unknown) => {
        const reply = (result: CallAck) => {
          if (typeof ack === 'function') (ack as (r: CallAck) => void)(result);
        };
        const parsed = CallCommand.safeParse(payload);
        if (!parsed.success) return reply(refusal('VALIDATION_FAILED'));
        const { callId } = parsed.data;
        run(callId).then(
          (result) => {
            if ('error' in result) return reply(refusal(result.error));
            if (onTaken && 'peerCallId' in result) {
              held.set(callId, { peer: result.peerCallId ?? null, signals: 0 });
              void socket.join(callRoom(callId));
            }
            reply({ ok: true });
          },
          (err: unknown) => {
            log.error({ err, callId }, 'call command failed');
            reply(refusal('INTERNAL'));
          },
        );
      };
    }

    socket.on(
      'call:join',
      command(
        (callId) => service.join(userId, callId),
        () => undefined,
      ),
    );
    socket.on(
      'call:accept',
      command(
        (callId) => service.accept(userId, callId, socket.id),
        () => undefined,
      ),
    );
    socket.on(
      'call:decline',
      command((callId) => service.decline(userId, callId)),
    );

    socket.on('call:signal', (payload: unknown) => {
      const parsed = CallSignal.safeParse(payload);
      if (!parsed.success) return;
      const call = held.get(parsed.data.callId);
      if (!call?.peer) return;
      // The room closes when the call ends; a device still sending then is told nothing more.
      if (!socket.rooms.has(callRoom(parsed.data.callId)) || ++call.signals > SIGNALS_PER_CALL) {
        held.delete(parsed.data.callId);
        return;
      }
      realtime.emitToRoom(callRoom(call.peer), 'call:signal', { ...parsed.data, callId: call.peer });
    });

    socket.on('disconnect', () => {
      const calls = [...held.keys()];
      if (!calls.length) return;
      service
        .deviceGone(userId, calls)
        .catch((err: unknown) => log.error({ err }, 'ending the calls of a gone device failed'));
    });
  });
}
