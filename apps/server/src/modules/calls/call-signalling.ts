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
    /**
     * The calls this device holds: its leg → the other leg (null when the
     * carrier carries the audio), known once the command that took it returns.
     * Signals wait for it, in the order they came.
     */
    const held = new Map<string, { peer: Promise<string | null>; signals: number }>();

    /**
     * Runs a call command. A command that takes the call (join, accept) puts
     * this device in the call's room first: the other side starts signalling
     * as soon as it hears of the answer, which may be before the command returns.
     */
    function command(
      run: (callId: string) => Promise<{ peerCallId?: string | null } | { error: string } | { ok: true }>,
      takesCall = false,
    ) {
      return (payload: unknown, ack: unknown) => {
        const reply = (result: CallAck) => {
          if (typeof ack === 'function') (ack as (r: CallAck) => void)(result);
        };
        const parsed = CallCommand.safeParse(payload);
        if (!parsed.success) return reply(refusal('VALIDATION_FAILED'));
        const { callId } = parsed.data;
        const room = callRoom(callId);
        const taking = takesCall && !held.has(callId);
        const outcome = run(callId);
        if (taking) {
          void socket.join(room);
          held.set(callId, {
            peer: outcome.then(
              (result) => ('peerCallId' in result ? (result.peerCallId ?? null) : null),
              () => null,
            ),
            signals: 0,
          });
        }
        const refuse = (code: string) => {
          if (taking) {
            held.delete(callId);
            void socket.leave(room);
          }
          reply(refusal(code));
        };
        outcome.then(
          (result) => ('error' in result ? refuse(result.error) : reply({ ok: true })),
          (err: unknown) => {
            log.error({ err, callId }, 'call command failed');
            refuse('INTERNAL');
          },
        );
      };
    }

    socket.on(
      'call:join',
      command((callId) => service.join(userId, callId), true),
    );
    socket.on(
      'call:accept',
      command((callId) => service.accept(userId, callId, socket.id), true),
    );
    socket.on(
      'call:decline',
      command((callId) => service.decline(userId, callId)),
    );

    socket.on('call:signal', (payload: unknown) => {
      const parsed = CallSignal.safeParse(payload);
      if (!parsed.success) return;
      const call = held.get(parsed.data.callId);
      if (!call || ++call.signals > SIGNALS_PER_CALL) return;
      void call.peer.then((peer) => {
        // The room closes when the call ends; a device still sending then is told nothing more.
        if (!peer || !socket.rooms.has(callRoom(parsed.data.callId))) return;
        realtime.emitToRoom(callRoom(peer), 'call:signal', { ...parsed.data, callId: peer });
      });
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
