import type { Call, CallList, CallListQuery } from '@commpro/contracts';
import type { EngineRing } from './call-engine';

/**
 * Our record of a call the engine heard ringing: by the id the carrier passed
 * on; without one, the inbound call from that number still ringing (the server
 * stores it before it rings the apps).
 */
export async function ringingCallOf(
  ring: EngineRing,
  api: { get: (id: string) => Promise<Call>; list: (query: Partial<CallListQuery>) => Promise<CallList> },
): Promise<Call | null> {
  if (ring.callId) return api.get(ring.callId).catch(() => null);
  const { calls } = await api.list({ direction: 'INBOUND', limit: 10 });
  return calls.find((call) => call.status === 'RINGING' && call.from === ring.from) ?? null;
}
