import type { VoiceToken } from '@commpro/contracts';
import type { AppSocket } from '../../shared/realtime/socket';
import type { CallEngine } from './call-engine';
import { WebRtcCallEngine } from './webrtc-engine';

export interface EngineDeps {
  socket: AppSocket;
  /** A fresh voice token (the Twilio engine renews its own before it expires). */
  fetchToken: () => Promise<VoiceToken>;
}

/**
 * The engine the account's voice token asks for. The Voice SDK is loaded only
 * for a `twilio` token, so the sandbox's app-to-app calls do not download it.
 */
export async function createCallEngine(token: VoiceToken, deps: EngineDeps): Promise<CallEngine> {
  if (token.provider === 'webrtc') return new WebRtcCallEngine(deps.socket, token.iceServers);
  const { TwilioCallEngine } = await import('./twilio-engine');
  return TwilioCallEngine.start({
    token: token.token,
    refreshToken: async () => {
      const fresh = await deps.fetchToken();
      if (fresh.provider !== 'twilio') throw new Error('The voice provider changed; reload to switch engines');
      return fresh.token;
    },
  });
}
