import type { VoiceToken } from '@commpro/contracts';
import type { AppSocket } from '../../shared/realtime/socket';
import type { CallEngine } from './call-engine';
import { WebRtcCallEngine } from './webrtc-engine';

/** The engine the account's voice token asks for. */
export async function createCallEngine(token: VoiceToken, socket: AppSocket): Promise<CallEngine> {
  return new WebRtcCallEngine(socket, token.provider === 'webrtc' ? token.iceServers : []);
}
