import { parsePhoneNumberFromString } from 'libphonenumber-js';

type Kind = 'CALL_MISSED' | 'MESSAGE_RECEIVED' | 'VOICEMAIL' | 'BILLING' | 'SYSTEM';
type Data = Record<string, unknown> | null | undefined;

const text = (data: Data, key: string): string | undefined => {
  const value = data?.[key];
  return typeof value === 'string' && value ? value : undefined;
};

/** A number as people write it ("+33 6 12 34 56 78"); as given when it does not parse. */
export function readableNumber(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}

/**
 * The title a person understands, naming who called or wrote: the contact's
 * name when there is one, else the number written out. Kinds without a
 * caller keep the title they were given.
 */
export function titleOf(type: Kind, given: string, data: Data, contactName: string | null): string {
  const from = text(data, 'from');
  if (!from) return given;
  const who = contactName ?? readableNumber(from);
  switch (type) {
    case 'CALL_MISSED':
      return `Missed call from ${who}`;
    case 'MESSAGE_RECEIVED':
      return `New message from ${who}`;
    case 'VOICEMAIL':
      return `Voicemail from ${who}`;
    default:
      return given;
  }
}

/** Where the app opens for a notification: the conversation, the call, the billing or numbers screen. */
export function urlOf(type: Kind, data: Data): string {
  const from = text(data, 'from');
  const to = text(data, 'to');
  const callId = text(data, 'callId');
  switch (type) {
    case 'MESSAGE_RECEIVED':
      return from ? `/messages/${encodeURIComponent(from)}${to ? `?from=${encodeURIComponent(to)}` : ''}` : '/messages';
    case 'CALL_MISSED':
    case 'VOICEMAIL':
      return callId ? `/calls/${encodeURIComponent(callId)}` : '/calls';
    case 'BILLING':
      return text(data, 'numberId') ? '/numbers' : '/settings/billing';
    default:
      return '/';
  }
}
