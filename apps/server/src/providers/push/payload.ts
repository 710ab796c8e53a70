import { createHash } from 'node:crypto';
import type { PushMessage } from './push.port.js';

/** What every channel hands the device: enough to show the notification and open its page. */
export function payloadOf(message: PushMessage): Pick<PushMessage, 'id' | 'type' | 'title' | 'body' | 'url'> {
  return { id: message.id, type: message.type, title: message.title, body: message.body, url: message.url };
}

/** An incoming call rings now or never, whatever urgency it was given. */
export function isUrgent(message: PushMessage): boolean {
  return message.urgency === 'high' || message.type === 'CALL_INCOMING';
}

/**
 * A short, fixed-length stand-in for the message id where a push service
 * limits the length and alphabet (Web Push `Topic`: 32 base64url characters;
 * `apns-collapse-id`: 64 bytes), so a redelivery replaces a pending copy.
 */
export function collapseKeyOf(id: string): string {
  return createHash('sha256').update(id).digest('base64url').slice(0, 32);
}

const ELLIPSIS = '…';

/**
 * The message with its body cut short (whole characters, then an ellipsis)
 * so that `sizeOf` fits `maxBytes`: a long text's preview still arrives
 * rather than the whole push being refused as too large. When even an
 * empty body does not fit, the message goes as it is and the push service
 * refuses it.
 */
export function fitBody(message: PushMessage, maxBytes: number, sizeOf: (m: PushMessage) => number): PushMessage {
  if (sizeOf(message) <= maxBytes) return message;
  const chars = Array.from(message.body);
  const cut = (n: number): PushMessage => ({ ...message, body: chars.slice(0, n).join('') + ELLIPSIS });
  let low = 0;
  let high = chars.length - 1;
  if (sizeOf(cut(low)) > maxBytes) return message;
  // The longest prefix that fits; a binary search, since escaping makes bytes per character uneven.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (sizeOf(cut(mid)) <= maxBytes) low = mid;
    else high = mid - 1;
  }
  return cut(low);
}

/** A JSON text's size on the wire. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}
