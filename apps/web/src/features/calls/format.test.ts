import type { Call } from '@commpro/contracts';
import { describe, expect, it } from 'vitest';
import {
  billableMinutes,
  dialable,
  elapsedSince,
  formatCost,
  formatDuration,
  isMissed,
  isUnanswered,
  recentNumbers,
} from './format';
import { historyQuery } from './history-filter';
import { pickOutput } from './speaker';

describe('formatDuration', () => {
  it('writes minutes and seconds, hours only past the hour', () => {
    expect(formatDuration(0)).toBe('00:00');
    expect(formatDuration(42)).toBe('00:42');
    expect(formatDuration(135)).toBe('02:15');
    expect(formatDuration(3729)).toBe('1:02:09');
    expect(formatDuration(-3)).toBe('00:00');
  });
});

describe('elapsedSince', () => {
  it('counts whole seconds from the answer, none before it', () => {
    const answeredAt = '2026-03-12T10:00:00.000Z';
    expect(elapsedSince(answeredAt, Date.parse(answeredAt) + 65_900)).toBe(65);
    expect(elapsedSince(answeredAt, Date.parse(answeredAt) - 2_000)).toBe(0);
    expect(elapsedSince(null, Date.now())).toBeNull();
  });
});

describe('dialable', () => {
  it('keeps what a keypad dials from any written form', () => {
    expect(dialable('+33 6 12 34 56 78')).toBe('+33612345678');
    expect(dialable('(555) 010-1234')).toBe('5550101234');
    expect(dialable('tel:+1-555-010-1234')).toBe('+15550101234');
    expect(dialable(' 06.12.34.56.78 ')).toBe('0612345678');
    expect(dialable('*31#')).toBe('*31#');
    expect(dialable('Call me')).toBe('');
  });
});

const call = (patch: Partial<Call>): Call => ({
  id: '00000000-0000-4000-8000-000000000001',
  contactId: null,
  contact: null,
  from: '+33612345678',
  to: '+33698765432',
  direction: 'INBOUND',
  status: 'COMPLETED',
  audio: 'WEBRTC',
  missed: null,
  failure: null,
  muted: false,
  onHold: false,
  peerOnHold: false,
  startedAt: '2026-03-12T10:00:00.000Z',
  answeredAt: null,
  endedAt: null,
  durationSeconds: 0,
  billableDurationSeconds: 0,
  cost: null,
  costCurrency: 'EUR',
  recordingUrl: null,
  createdAt: '2026-03-12T10:00:00.000Z',
  ...patch,
});

describe('what a call was', () => {
  it('calls an inbound call nobody took missed, an outbound one unanswered', () => {
    expect(isMissed(call({ status: 'NO_ANSWER' }))).toBe(true);
    expect(isMissed(call({ status: 'BUSY' }))).toBe(true);
    expect(isMissed(call({ status: 'COMPLETED' }))).toBe(false);
    expect(isMissed(call({ direction: 'OUTBOUND', status: 'NO_ANSWER' }))).toBe(false);
    expect(isUnanswered(call({ direction: 'OUTBOUND', status: 'FAILED' }))).toBe(true);
    expect(isUnanswered(call({ direction: 'OUTBOUND', status: 'RINGING' }))).toBe(false);
    expect(isUnanswered(call({ direction: 'OUTBOUND', status: 'COMPLETED' }))).toBe(false);
  });

  it('bills started minutes and prices in the call’s currency', () => {
    expect(billableMinutes(call({ billableDurationSeconds: 120 }))).toBe(2);
    expect(formatCost(call({ cost: null }), 'en')).toBeNull();
    expect(formatCost(call({ cost: 0.12 }), 'en')).toBe('€0.12');
    expect(formatCost(call({ cost: 0.12 }), 'fr')).toMatch(/^0,12\s€$/);
  });
});

describe('recentNumbers', () => {
  it('lists the other parties newest first, once each', () => {
    const calls = [
      call({ direction: 'OUTBOUND', from: '+33600000001', to: '+33611111111' }),
      call({ direction: 'INBOUND', from: '+33622222222', to: '+33600000001' }),
      call({ direction: 'OUTBOUND', from: '+33600000001', to: '+33611111111' }),
    ];
    expect(recentNumbers(calls)).toEqual(['+33611111111', '+33622222222']);
    expect(recentNumbers(calls, 1)).toEqual(['+33611111111']);
  });
});

describe('historyQuery', () => {
  it('maps each filter to the API’s query', () => {
    expect(historyQuery('all')).toEqual({});
    expect(historyQuery('missed')).toEqual({ status: 'MISSED' });
    expect(historyQuery('outbound')).toEqual({ direction: 'OUTBOUND' });
    expect(historyQuery('inbound')).toEqual({ direction: 'INBOUND' });
  });
});

describe('pickOutput', () => {
  const devices = [
    { kind: 'audioinput', deviceId: 'mic', label: 'Microphone' },
    { kind: 'audiooutput', deviceId: 'default', label: 'Default - Headset' },
    { kind: 'audiooutput', deviceId: 'communications', label: 'Communications - Headset' },
    { kind: 'audiooutput', deviceId: 'spk', label: 'Speakers (Realtek)' },
  ] as const;

  it('plays on the loudspeaker when Speaker is on, else on the communications device', () => {
    expect(pickOutput(devices, true)).toBe('spk');
    expect(pickOutput(devices, false)).toBe('communications');
  });

  it('falls back to the default output', () => {
    const plain = [{ kind: 'audiooutput', deviceId: 'default', label: 'Default' }] as const;
    expect(pickOutput(plain, true)).toBe('');
    expect(pickOutput(plain, false)).toBe('');
  });
});
