import { decodeJwt } from 'jose';
import twilio from 'twilio';
import { CarrierError, type VoiceAccessToken, type VoiceCarrier } from '../carrier.port.js';
import { isCallAlreadyOver, toCallError } from './twilio-errors.js';

type TwilioClient = ReturnType<typeof twilio>;

export interface TwilioVoiceOptions {
  accountSid: string;
  /** An API key (SK…) and its secret: Twilio only accepts Voice SDK tokens signed with one. */
  apiKeySid: string;
  apiKeySecret: string;
  /** The TwiML app (AP…) whose Voice URL answers the calls the apps place. */
  twimlAppSid: string;
  /** The SDK client; throws a CarrierError when the account credentials are malformed. */
  client: () => TwilioClient;
}

/** Twilio refuses a Voice SDK token that lives longer than 24 h (error 20157). */
export const MAX_VOICE_TOKEN_TTL_SECONDS = 86_400;

/** Without a list Twilio reports only `completed`; the calls module follows the callee's ringing too. */
const CALLEE_EVENTS = ['initiated', 'ringing', 'answered', 'completed'];

/** Calls through Twilio: the callee is a participant in the conference the user's app sits in. */
export function createTwilioVoice(options: TwilioVoiceOptions): VoiceCarrier & { readonly clientAudio: 'twilio' } {
  async function call<T>(run: (twilioClient: TwilioClient) => Promise<T>): Promise<T> {
    try {
      return await run(options.client());
    } catch (error) {
      throw toCallError(error);
    }
  }

  return {
    clientAudio: 'twilio',

    async startCall({ from, to, conference, statusCallbackUrl, ringTimeoutSeconds }) {
      // The participants path takes the conference's friendly name: Twilio
      // creates the conference if the app's leg has not joined it yet.
      const participant = await call((c) =>
        c.conferences(conference).participants.create({
          from,
          to,
          label: 'remote',
          timeout: ringTimeoutSeconds,
          statusCallback: statusCallbackUrl,
          statusCallbackMethod: 'POST',
          statusCallbackEvent: CALLEE_EVENTS,
          // The call is over for the user when the person called hangs up.
          endConferenceOnExit: true,
          // The user hears the callee's ringback and "number not in service".
          earlyMedia: true,
          beep: 'false',
        }),
      );
      return { carrierCallId: participant.callSid };
    },

    async endCall(carrierCallId) {
      try {
        await options.client().calls(carrierCallId).update({ status: 'completed' });
      } catch (error) {
        if (isCallAlreadyOver(error)) return;
        throw toCallError(error);
      }
    },

    async updateParticipant(conference, carrierCallId, changes) {
      const update = {
        ...(changes.hold !== undefined ? { hold: changes.hold } : {}),
        ...(changes.muted !== undefined ? { muted: changes.muted } : {}),
      };
      if (Object.keys(update).length === 0) return;
      await call(async (c) => {
        // The participant path only takes the conference's CF… sid, which we never
        // see on an outbound call; a finished conference may share the name.
        const [live] = await c.conferences.list({ friendlyName: conference, status: 'in-progress', limit: 1 });
        if (!live) throw new CarrierError('NOT_FOUND', 'The carrier has no conference in progress for this call');
        await c.conferences(live.sid).participants(carrierCallId).update(update);
      });
    },

    async createVoiceToken(identity, ttlSeconds): Promise<VoiceAccessToken> {
      // The SDK silently turns a ttl of 0 into an hour; a token must never outlive what was asked.
      if (!(ttlSeconds >= 1)) throw new RangeError(`A voice token needs a positive lifetime (got ${ttlSeconds})`);
      const ttl = Math.min(Math.floor(ttlSeconds), MAX_VOICE_TOKEN_TTL_SECONDS);
      const accessToken = new twilio.jwt.AccessToken(options.accountSid, options.apiKeySid, options.apiKeySecret, {
        identity,
        ttl,
      });
      accessToken.addGrant(
        new twilio.jwt.AccessToken.VoiceGrant({ outgoingApplicationSid: options.twimlAppSid, incomingAllow: true }),
      );
      const token = accessToken.toJwt();
      // Read back rather than recomputed: the SDK takes its own clock reading for `iat`.
      const { exp } = decodeJwt(token);
      return { token, expiresAt: new Date(exp! * 1000) };
    },
  };
}
