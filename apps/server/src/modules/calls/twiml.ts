import twilio from 'twilio';

/*
 * The TwiML our voice webhooks answer with. Built with the SDK's
 * VoiceResponse, which escapes every text and attribute, so a greeting or a
 * name typed by a user can never add instructions of its own.
 */

const { VoiceResponse } = twilio.twiml;

/** Twilio rings at most 10 `<Client>` nouns in one `<Dial>`. */
export const MAX_RINGING_CLIENTS = 10;

/**
 * The app's leg joining the call's conference, where the other party is (or
 * will be) a participant. It starts the conference, and ends it on leaving so
 * the other party is not left alone in silence.
 */
export function joinConferenceTwiml({
  conference,
  statusCallbackUrl,
}: {
  conference: string;
  statusCallbackUrl: string;
}): string {
  const response = new VoiceResponse();
  response.dial().conference(
    {
      startConferenceOnEnter: true,
      endConferenceOnExit: true,
      beep: 'false',
      statusCallback: statusCallbackUrl,
      statusCallbackEvent: ['start', 'end', 'join', 'leave'],
    },
    conference,
  );
  return response.toString();
}

/**
 * An inbound call ringing the user's apps at once; the first to answer takes
 * it. `answerOnBridge` keeps the caller hearing ringback until then, and
 * Twilio posts the outcome to `actionUrl` (where voicemail takes over). Only
 * the first MAX_RINGING_CLIENTS identities ring, in the order given.
 */
export function ringClientsTwiml({
  identities,
  callerId,
  timeoutSeconds,
  actionUrl,
  clientStatusCallbackUrl,
  parameters = {},
}: {
  identities: string[];
  callerId: string;
  timeoutSeconds: number;
  actionUrl: string;
  clientStatusCallbackUrl: string;
  /** Handed to the app with the call (the Voice SDK's `customParameters`), e.g. our call id. */
  parameters?: Record<string, string>;
}): string {
  if (identities.length === 0) throw new RangeError('Ringing needs at least one app identity');
  const response = new VoiceResponse();
  const dial = response.dial({
    action: actionUrl,
    method: 'POST',
    timeout: timeoutSeconds,
    answerOnBridge: true,
    callerId,
  });
  for (const identity of identities.slice(0, MAX_RINGING_CLIENTS)) {
    const client = dial.client({
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
      statusCallback: clientStatusCallbackUrl,
    });
    client.identity(identity);
    for (const [name, value] of Object.entries(parameters)) client.parameter({ name, value });
  }
  return response.toString();
}

/**
 * The greeting, then a message after the beep. Twilio posts the recording to
 * `actionUrl` and its file to `recordingStatusCallbackUrl`; when the caller
 * leaves only silence it skips the action and goes on to the hang-up.
 */
export function voicemailTwiml({
  greeting,
  actionUrl,
  recordingStatusCallbackUrl,
  maxLengthSeconds,
}: {
  greeting: string;
  actionUrl: string;
  recordingStatusCallbackUrl: string;
  maxLengthSeconds: number;
}): string {
  const response = new VoiceResponse();
  response.say(greeting);
  response.record({
    maxLength: maxLengthSeconds,
    playBeep: true,
    action: actionUrl,
    recordingStatusCallback: recordingStatusCallbackUrl,
    recordingStatusCallbackEvent: ['completed'],
    trim: 'trim-silence',
  });
  response.hangup();
  return response.toString();
}

/** A short announcement (number not in service, calling not allowed…), then the end of the call. */
export function sayAndHangupTwiml(text: string): string {
  const response = new VoiceResponse();
  response.say(text);
  response.hangup();
  return response.toString();
}

/** Refuses the call without answering it (so Twilio bills nothing): a busy tone or "not reachable". */
export function rejectTwiml(reason: 'busy' | 'rejected'): string {
  const response = new VoiceResponse();
  response.reject({ reason });
  return response.toString();
}

/** No instructions: Twilio hangs up a live leg, and a status callback needs nothing more. */
export function emptyTwiml(): string {
  return new VoiceResponse().toString();
}
