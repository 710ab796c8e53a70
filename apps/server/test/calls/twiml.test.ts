import { describe, expect, it } from 'vitest';
import {
  emptyTwiml,
  joinConferenceTwiml,
  MAX_RINGING_CLIENTS,
  rejectTwiml,
  ringClientsTwiml,
  sayAndHangupTwiml,
  voicemailTwiml,
} from '../../src/modules/calls/twiml.js';

/*
 * The TwiML our voice webhooks answer with, compared as whole documents: an
 * attribute Twilio does not know, or one missing, changes what a call does.
 */

const XML = '<?xml version="1.0" encoding="UTF-8"?>';
const CLIENT_EVENTS = 'statusCallbackEvent="initiated ringing answered completed"';

describe('joinConferenceTwiml', () => {
  it('joins the named conference, starting it and ending it with the app’s leg, without a beep', () => {
    expect(
      joinConferenceTwiml({
        conference: 'call_0d9f6a',
        statusCallbackUrl: 'https://commpro.example/api/calls/webhooks/conference?call=1&sig=x',
      }),
    ).toBe(
      `${XML}<Response><Dial><Conference startConferenceOnEnter="true" endConferenceOnExit="true" beep="false"` +
        ` statusCallback="https://commpro.example/api/calls/webhooks/conference?call=1&amp;sig=x"` +
        ` statusCallbackEvent="start end join leave">call_0d9f6a</Conference></Dial></Response>`,
    );
  });

  it('escapes a conference name so it stays text', () => {
    expect(
      joinConferenceTwiml({ conference: 'a</Conference><Play>x', statusCallbackUrl: 'https://c.example/s' }),
    ).toContain('>a&lt;/Conference&gt;&lt;Play&gt;x</Conference>');
  });
});

describe('ringClientsTwiml', () => {
  const ring = {
    callerId: '+33612345678',
    timeoutSeconds: 25,
    actionUrl: 'https://commpro.example/api/calls/webhooks/after-dial?call=7',
    clientStatusCallbackUrl: 'https://commpro.example/api/calls/webhooks/leg-status?call=7',
  };

  it('rings every identity at once inside one Dial that keeps ringback until answered', () => {
    expect(ringClientsTwiml({ ...ring, identities: ['user_1', 'user_2'] })).toBe(
      `${XML}<Response><Dial action="${ring.actionUrl}" method="POST" timeout="25" answerOnBridge="true"` +
        ` callerId="+33612345678">` +
        `<Client ${CLIENT_EVENTS} statusCallback="${ring.clientStatusCallbackUrl}"><Identity>user_1</Identity></Client>` +
        `<Client ${CLIENT_EVENTS} statusCallback="${ring.clientStatusCallbackUrl}"><Identity>user_2</Identity></Client>` +
        `</Dial></Response>`,
    );
  });

  it('hands the app our call id with the call (the Voice SDK’s customParameters), escaped', () => {
    expect(ringClientsTwiml({ ...ring, identities: ['user_1'], parameters: { callId: 'c-1', note: 'a&b' } })).toBe(
      `${XML}<Response><Dial action="${ring.actionUrl}" method="POST" timeout="25" answerOnBridge="true"` +
        ` callerId="+33612345678">` +
        `<Client ${CLIENT_EVENTS} statusCallback="${ring.clientStatusCallbackUrl}"><Identity>user_1</Identity>` +
        `<Parameter name="callId" value="c-1"/><Parameter name="note" value="a&amp;b"/></Client>` +
        `</Dial></Response>`,
    );
  });

  it('rings only the first ten identities, Twilio’s limit for one Dial', () => {
    const identities = Array.from({ length: 12 }, (_, i) => `user_${i}`);
    const twiml = ringClientsTwiml({ ...ring, identities });
    expect(MAX_RINGING_CLIENTS).toBe(10);
    expect(twiml.match(/<Identity>/g)).toHaveLength(10);
    expect(twiml).toContain('<Identity>user_9</Identity>');
    expect(twiml).not.toContain('user_10');
  });

  it('refuses to ring nobody (the caller would hear an error, not voicemail)', () => {
    expect(() => ringClientsTwiml({ ...ring, identities: [] })).toThrow(RangeError);
  });

  it('escapes identities and URLs', () => {
    const twiml = ringClientsTwiml({
      ...ring,
      actionUrl: 'https://c.example/a?x=1&y="2"',
      identities: ['a<b>&c'],
    });
    expect(twiml).toContain('action="https://c.example/a?x=1&amp;y=&quot;2&quot;"');
    expect(twiml).toContain('<Identity>a&lt;b&gt;&amp;c</Identity>');
  });
});

describe('voicemailTwiml', () => {
  it('says the greeting, records after a beep with trimmed silence, then hangs up', () => {
    expect(
      voicemailTwiml({
        greeting: 'You have reached Acme. Leave a message.',
        actionUrl: 'https://commpro.example/api/calls/webhooks/voicemail?call=7',
        recordingStatusCallbackUrl: 'https://commpro.example/api/calls/webhooks/recording?call=7',
        maxLengthSeconds: 120,
      }),
    ).toBe(
      `${XML}<Response><Say>You have reached Acme. Leave a message.</Say>` +
        `<Record maxLength="120" playBeep="true" action="https://commpro.example/api/calls/webhooks/voicemail?call=7"` +
        ` recordingStatusCallback="https://commpro.example/api/calls/webhooks/recording?call=7"` +
        ` recordingStatusCallbackEvent="completed" trim="trim-silence"/><Hangup/></Response>`,
    );
  });

  it('keeps a user’s greeting as spoken text, markup included', () => {
    const twiml = voicemailTwiml({
      greeting: 'Tom & Jerry <Hangup/> "R&D"',
      actionUrl: 'https://c.example/a',
      recordingStatusCallbackUrl: 'https://c.example/r',
      maxLengthSeconds: 60,
    });
    expect(twiml).toContain('<Say>Tom &amp; Jerry &lt;Hangup/&gt; "R&amp;D"</Say>');
    expect(twiml.match(/<Hangup\/>/g)).toHaveLength(1);
  });
});

describe('short answers', () => {
  it('sayAndHangupTwiml says the text, escaped, then hangs up', () => {
    expect(sayAndHangupTwiml('This number is <not> in service & cannot be reached.')).toBe(
      `${XML}<Response><Say>This number is &lt;not&gt; in service &amp; cannot be reached.</Say><Hangup/></Response>`,
    );
  });

  it.each(['busy', 'rejected'] as const)('rejectTwiml(%s) refuses the call with that reason', (reason) => {
    expect(rejectTwiml(reason)).toBe(`${XML}<Response><Reject reason="${reason}"/></Response>`);
  });

  it('emptyTwiml is an empty Response', () => {
    expect(emptyTwiml()).toBe(`${XML}<Response/>`);
  });
});
