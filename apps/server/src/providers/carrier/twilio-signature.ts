import { createHmac, timingSafeEqual } from 'node:crypto';
import { parse as parseQuery, stringify as stringifyQuery } from 'node:querystring';

/*
 * Twilio's webhook signature (`X-Twilio-Signature`, REFERENCE.md §1), written
 * out here rather than borrowed from the SDK so that any carrier can use it:
 * the Twilio adapter verifies Twilio's callbacks with it, and the sandbox
 * carrier signs its own callbacks the same way, so our webhook routes check
 * one algorithm whichever carrier runs. The tests hold it to twilio-node's
 * `getExpectedTwilioSignature` and `validateRequest`.
 */

/** Form parameters as a body parser gives them: a repeated name becomes an array. */
export type SignedParams = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Same order as twilio-node: JavaScript's default sort (UTF-16 code units), not locale order. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * What gets signed: the URL exactly as called, then each parameter name
 * (sorted) followed by its value, without separators. A repeated name
 * contributes `name + value` once per distinct value, values sorted — as
 * twilio-node does. Query-string parameters stay in the URL only.
 */
function signedPayload(url: string, params: SignedParams): string {
  let data = url;
  for (const name of Object.keys(params).sort(byCodeUnits)) {
    const value = params[name];
    if (value === undefined) continue;
    if (typeof value === 'string') {
      data += name + value;
    } else {
      for (const item of [...new Set(value)].sort(byCodeUnits)) data += name + item;
    }
  }
  return data;
}

/** The base64 HMAC-SHA1 Twilio puts in `X-Twilio-Signature` for this URL and form body. */
export function signTwilioRequest(authToken: string, url: string, params: SignedParams): string {
  return createHmac('sha1', authToken)
    .update(Buffer.from(signedPayload(url, params), 'utf8'))
    .digest('base64');
}

interface UrlParts {
  scheme: string;
  userInfo: string;
  host: string;
  /** `:8443`, or empty. */
  port: string;
  /** Path, query and fragment, untouched. */
  rest: string;
}

/** Splits a URL without normalising it: the path and query keep the characters Twilio signed. */
function splitUrl(url: string): UrlParts | undefined {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url);
  if (!match) return undefined;
  const [prefix, scheme = '', authority = ''] = match;
  const userInfoEnd = authority.lastIndexOf('@');
  const hostAndPort = authority.slice(userInfoEnd + 1);
  // In an IPv6 literal ([::1]:443) the port colon comes after the closing bracket.
  const portStart = hostAndPort.indexOf(':', hostAndPort.lastIndexOf(']') + 1);
  return {
    scheme,
    userInfo: authority.slice(0, userInfoEnd + 1),
    host: portStart === -1 ? hostAndPort : hostAndPort.slice(0, portStart),
    port: portStart === -1 ? '' : hostAndPort.slice(portStart),
    rest: url.slice(prefix.length),
  };
}

function withoutPort(url: string): string {
  const parts = splitUrl(url);
  return parts ? parts.scheme + parts.userInfo + parts.host + parts.rest : url;
}

function withDefaultPort(url: string): string {
  const parts = splitUrl(url);
  if (!parts || parts.port) return url;
  const port = parts.scheme.toLowerCase() === 'https://' ? ':443' : ':80';
  return parts.scheme + parts.userInfo + parts.host + port + parts.rest;
}

/** The query string re-encoded as Node's legacy `querystring` does (`'` → `%27`…). */
function withLegacyQuery(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1 || queryStart === url.length - 1) return url;
  return `${url.slice(0, queryStart)}?${stringifyQuery(parseQuery(url.slice(queryStart + 1)))}`;
}

/**
 * The URLs Twilio may have signed for a request received at `url`. Twilio is
 * not consistent about default ports and escaping, so, like twilio-node's
 * `validateRequest`: the URL as received with and without its port, then the
 * URL as `new URL()` normalises it, with and without the default port, each
 * also with the query string re-encoded the legacy way.
 */
export function twilioSignedUrlCandidates(url: string): string[] {
  const asReceived = [withoutPort(url), withDefaultPort(url)];
  let normalized: string;
  try {
    normalized = new URL(url).toString();
  } catch {
    return asReceived;
  }
  const normalizedForms = [withoutPort(normalized), withDefaultPort(normalized)];
  return [...new Set([...asReceived, ...normalizedForms, ...normalizedForms.map(withLegacyQuery)])];
}

function sameSignature(received: string, expected: string): boolean {
  const a = Buffer.from(received, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  // The expected length is fixed by SHA-1 and base64, so returning early on a
  // length mismatch tells an attacker nothing.
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface TwilioSignatureCheck {
  /** The primary Auth Token of the account that signed. */
  authToken: string;
  /** The full public URL Twilio called (from PUBLIC_URL, not the Host header), query string included. */
  url: string;
  /** Every form parameter received: none may be dropped or whitelisted. */
  params: SignedParams;
  /** The `X-Twilio-Signature` header; a missing or repeated header fails. */
  signature: string | readonly string[] | undefined;
}

/** True only when `signature` is Twilio's signature of this URL and form body (constant-time compare). */
export function verifyTwilioSignature({ authToken, url, params, signature }: TwilioSignatureCheck): boolean {
  if (typeof signature !== 'string' || signature.length === 0 || authToken.length === 0) return false;
  return twilioSignedUrlCandidates(url).some((candidate) =>
    sameSignature(signature, signTwilioRequest(authToken, candidate, params)),
  );
}
