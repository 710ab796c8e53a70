import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import {
  signTwilioRequest,
  twilioSignedUrlCandidates,
  verifyTwilioSignature,
  type SignedParams,
} from '../../src/providers/carrier/twilio-signature.js';
import { createTwilioCarrier, TWILIO_SIGNATURE_HEADER } from '../../src/providers/carrier/twilio/twilio-carrier.js';
import { TEST_ACCOUNT_SID, TEST_VOICE_CREDENTIALS } from '../helpers/prism.js';

/*
 * Our hand-written X-Twilio-Signature (REFERENCE.md §1) against twilio-node's
 * own `getExpectedTwilioSignature` and `validateRequest`, on many URLs and
 * parameter sets, then forged and mutated requests that must all fail.
 */

const TOKEN = '12345678901234567890123456789012';

type SdkParams = Record<string, string | string[]>;

const URLS = [
  'https://commpro.example/api/messages/webhooks/incoming',
  'https://commpro.example:443/api/messages/webhooks/status',
  'http://localhost:3000/api/messages/webhooks/incoming',
  'http://commpro.example/api/messages/webhooks/incoming',
  'https://commpro.example/api/messages/webhooks/status?token=abc&n=1',
  "https://commpro.example/hook?name=O'Brien&x=a%20b",
  'https://commpro.example/hook?q=caf%C3%A9&empty=',
  'https://user:pass@commpro.example:8443/hook?x=1',
  'https://[::1]:8443/hook',
];

const PARAM_SETS: Array<[label: string, params: SdkParams]> = [
  ['no params', {}],
  [
    'an inbound SMS',
    {
      MessageSid: `SM${'a'.repeat(32)}`,
      AccountSid: TEST_ACCOUNT_SID,
      From: '+33612345678',
      To: '+14155550100',
      Body: 'Hello, are you open tomorrow?',
      NumMedia: '0',
      NumSegments: '1',
      SmsStatus: 'received',
      ApiVersion: '2010-04-01',
    },
  ],
  ['unicode, emoji and accents', { Body: 'Café ☕ — naïve 👋🏽 日本語 ñ', From: '+33612345678', ToCity: 'Zürich' }],
  ['empty values', { Body: '', MediaUrl0: '', NumMedia: '0' }],
  ['separators and symbols inside values', { Body: 'a=b&c=d?e#f+g%20h\n\tnew line', Key: ' spaced ' }],
  ['names that sort by code unit, not locale', { b: '1', B: '2', a: '3', A: '4', _z: '5', Z9: '6', é: '7' }],
  ['a repeated name', { MediaUrl: ['https://m.example/2.jpg', 'https://m.example/1.jpg'], To: '+15005550006' }],
  ['a repeated name with a duplicate value', { Tag: ['x', 'y', 'x', ''], Body: 'dup' }],
  [
    'a status callback',
    {
      MessageSid: `SM${'b'.repeat(32)}`,
      MessageStatus: 'undelivered',
      SmsStatus: 'undelivered',
      ErrorCode: '30007',
      RawDlrDoneDate: '2611241530',
    },
  ],
];

function randomParams(seed: number): SdkParams {
  const params: SdkParams = {};
  const alphabet = ['a', 'Z', '0', ' ', '&', '=', 'é', '😀', '\u0000', '+', '%'];
  const count = seed % 7;
  for (let i = 0; i < count; i++) {
    const bytes = randomBytes(8);
    const name = `${alphabet[bytes[0]! % alphabet.length]}${i}${alphabet[bytes[1]! % alphabet.length]}`;
    const value = Array.from(bytes.subarray(2), (b) => alphabet[b % alphabet.length]).join('');
    params[name] = bytes[7]! % 3 === 0 ? [value, `${value}2`, value] : value;
  }
  return params;
}

describe('signTwilioRequest matches twilio-node', () => {
  for (const url of URLS) {
    for (const [label, params] of PARAM_SETS) {
      it(`${label} at ${url}`, () => {
        const ours = signTwilioRequest(TOKEN, url, params);
        expect(ours).toBe(twilio.getExpectedTwilioSignature(TOKEN, url, params));
        expect(twilio.validateRequest(TOKEN, ours, url, params)).toBe(true);
        expect(verifyTwilioSignature({ authToken: TOKEN, url, params, signature: ours })).toBe(true);
      });
    }
  }

  it('agrees on 500 random parameter sets', () => {
    for (let seed = 0; seed < 500; seed++) {
      const params = randomParams(seed);
      const url = URLS[seed % URLS.length]!;
      const token = randomBytes(16).toString('hex');
      const ours = signTwilioRequest(token, url, params);
      expect(ours).toBe(twilio.getExpectedTwilioSignature(token, url, params));
      expect(verifyTwilioSignature({ authToken: token, url, params, signature: ours })).toBe(true);
    }
  });
});

describe('verifyTwilioSignature accepts what validateRequest accepts', () => {
  const params = PARAM_SETS[1]![1];

  it('a signature made with the default port, checked without it, and the reverse', () => {
    const withPort = signTwilioRequest(TOKEN, 'https://commpro.example:443/hook?x=1', params);
    expect(twilio.validateRequest(TOKEN, withPort, 'https://commpro.example/hook?x=1', params)).toBe(true);
    expect(
      verifyTwilioSignature({ authToken: TOKEN, url: 'https://commpro.example/hook?x=1', params, signature: withPort }),
    ).toBe(true);

    const withoutPort = signTwilioRequest(TOKEN, 'http://commpro.example/hook', params);
    expect(twilio.validateRequest(TOKEN, withoutPort, 'http://commpro.example:80/hook', params)).toBe(true);
    expect(
      verifyTwilioSignature({
        authToken: TOKEN,
        url: 'http://commpro.example:80/hook',
        params,
        signature: withoutPort,
      }),
    ).toBe(true);
  });

  it('a signature made without a port, checked at a URL with any port (validateRequest drops it)', () => {
    const signature = signTwilioRequest(TOKEN, 'https://commpro.example/hook', params);
    const received = 'https://commpro.example:8443/hook';
    expect(twilio.validateRequest(TOKEN, signature, received, params)).toBe(true);
    expect(verifyTwilioSignature({ authToken: TOKEN, url: received, params, signature })).toBe(true);
    // …but not the other way round: a port that was signed must be there.
    const signedWithPort = signTwilioRequest(TOKEN, received, params);
    expect(twilio.validateRequest(TOKEN, signedWithPort, 'https://commpro.example/hook', params)).toBe(false);
    expect(
      verifyTwilioSignature({
        authToken: TOKEN,
        url: 'https://commpro.example/hook',
        params,
        signature: signedWithPort,
      }),
    ).toBe(false);
  });

  it('a signature over the legacy-escaped query string', () => {
    const received = "https://commpro.example/hook?name=O'Brien";
    const signedForm = 'https://commpro.example/hook?name=O%27Brien';
    const signature = signTwilioRequest(TOKEN, signedForm, params);
    expect(twilio.validateRequest(TOKEN, signature, received, params)).toBe(true);
    expect(verifyTwilioSignature({ authToken: TOKEN, url: received, params, signature })).toBe(true);
  });

  it('offers the same URL forms as validateRequest', () => {
    expect(twilioSignedUrlCandidates('https://commpro.example/hook')).toEqual([
      'https://commpro.example/hook',
      'https://commpro.example:443/hook',
    ]);
    expect(twilioSignedUrlCandidates('http://commpro.example:3000/hook')).toContain('http://commpro.example/hook');
  });
});

describe('forged and altered requests fail, as with validateRequest', () => {
  const url = 'https://commpro.example/api/messages/webhooks/incoming';
  const params = PARAM_SETS[1]![1];
  const good = signTwilioRequest(TOKEN, url, params);

  const forgeries: Array<[label: string, check: { url: string; params: SdkParams; signature: string; token: string }]> =
    [
      ['another auth token', { url, params, signature: good, token: `${TOKEN.slice(0, -1)}3` }],
      ['signed by another token', { url, params, signature: signTwilioRequest('other', url, params), token: TOKEN }],
      ['a changed Body', { url, params: { ...params, Body: 'Send me your password' }, signature: good, token: TOKEN }],
      ['an added parameter', { url, params: { ...params, Extra: '1' }, signature: good, token: TOKEN }],
      [
        'a dropped parameter',
        { url, params: Object.fromEntries(Object.entries(params).slice(1)), signature: good, token: TOKEN },
      ],
      [
        'a renamed parameter',
        { url, params: { ...params, body: params.Body!, Body: '' }, signature: good, token: TOKEN },
      ],
      ['another path', { url: `${url}x`, params, signature: good, token: TOKEN }],
      ['another host', { url: url.replace('commpro.example', 'evil.example'), params, signature: good, token: TOKEN }],
      ['http instead of https', { url: url.replace('https:', 'http:'), params, signature: good, token: TOKEN }],
      ['an added query string', { url: `${url}?a=1`, params, signature: good, token: TOKEN }],
      [
        'one flipped character',
        { url, params, signature: `${good[0] === 'A' ? 'B' : 'A'}${good.slice(1)}`, token: TOKEN },
      ],
      ['a truncated signature', { url, params, signature: good.slice(0, -2), token: TOKEN }],
      ['a longer signature', { url, params, signature: `${good}A`, token: TOKEN }],
      ['an empty signature', { url, params, signature: '', token: TOKEN }],
      [
        'the hex digest instead of base64',
        { url, params, signature: Buffer.from(good, 'base64').toString('hex'), token: TOKEN },
      ],
    ];

  for (const [label, forged] of forgeries) {
    it(label, () => {
      expect(
        verifyTwilioSignature({
          authToken: forged.token,
          url: forged.url,
          params: forged.params,
          signature: forged.signature,
        }),
      ).toBe(false);
      expect(twilio.validateRequest(forged.token, forged.signature, forged.url, forged.params)).toBe(false);
    });
  }

  it('a missing or repeated header, and an empty auth token', () => {
    expect(verifyTwilioSignature({ authToken: TOKEN, url, params, signature: undefined })).toBe(false);
    expect(verifyTwilioSignature({ authToken: TOKEN, url, params, signature: [good, good] })).toBe(false);
    const unsigned = signTwilioRequest('', url, params);
    expect(verifyTwilioSignature({ authToken: '', url, params, signature: unsigned })).toBe(false);
  });

  it('a repeated value reordered still verifies; a changed repeated value does not', () => {
    const media: SignedParams = { MediaUrl: ['https://m.example/1.jpg', 'https://m.example/2.jpg'] };
    const signature = signTwilioRequest(TOKEN, url, media);
    const reordered = { MediaUrl: ['https://m.example/2.jpg', 'https://m.example/1.jpg'] };
    expect(verifyTwilioSignature({ authToken: TOKEN, url, params: reordered, signature })).toBe(true);
    const changed = { MediaUrl: ['https://m.example/1.jpg', 'https://m.example/3.jpg'] };
    expect(verifyTwilioSignature({ authToken: TOKEN, url, params: changed, signature })).toBe(false);
    expect(twilio.validateRequest(TOKEN, signature, url, changed)).toBe(false);
  });
});

describe('the Twilio adapter verifies webhooks with its auth token', () => {
  const carrier = createTwilioCarrier({ accountSid: TEST_ACCOUNT_SID, authToken: TOKEN, ...TEST_VOICE_CREDENTIALS });
  const url = 'https://commpro.example/api/messages/webhooks/status';
  const params = PARAM_SETS[8]![1];

  it('accepts the X-Twilio-Signature header in any casing', () => {
    const signature = twilio.getExpectedTwilioSignature(TOKEN, url, params);
    expect(carrier.verifyWebhook({ url, params, headers: { [TWILIO_SIGNATURE_HEADER]: signature } })).toBe(true);
    expect(carrier.verifyWebhook({ url, params, headers: { 'X-Twilio-Signature': signature } })).toBe(true);
  });

  it('refuses a request without the header, or signed with another token', () => {
    expect(carrier.verifyWebhook({ url, params, headers: {} })).toBe(false);
    const forged = twilio.getExpectedTwilioSignature('another-token', url, params);
    expect(carrier.verifyWebhook({ url, params, headers: { 'x-twilio-signature': forged } })).toBe(false);
  });
});
