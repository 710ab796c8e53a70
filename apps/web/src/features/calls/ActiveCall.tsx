import { ChevronDown, Grid3x3, Mic, MicOff, Pause, PhoneOff, Play, UserRound, Volume2 } from 'lucide-react';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useT, type Translate } from '../../shared/i18n/i18n';
import { useNow } from '../../shared/ui/use-media-query';
import { partyName } from '../contacts/format';
import { lineLabel } from '../messages/MessagesLayout';
import { formatPhone } from '../numbers/format';
import { endsOf } from './format';
import type { ActiveCall as ActiveCallState, CallController } from './call-controller';
import { elapsedSince, formatDuration } from './format';
import { Keypad } from './Keypad';
import { useVoiceLines } from './use-calls';

/** What the call is doing, in words: "Calling…", "Connected", or how it ended. */
export function callStatusText(active: ActiveCallState, t: Translate): string {
  const { call, phase } = active;
  if (phase === 'ended') {
    if (call.missed) return t(`calls.missed.${call.missed.reason}`);
    if (call.failure) return call.failure.reason;
    if (call.status === 'COMPLETED' || call.answeredAt) return t('calls.active.ended');
    return t(`calls.status.${call.status}`);
  }
  if (phase === 'connected') return t('calls.active.connected');
  if (phase === 'connecting') return t('calls.active.connecting');
  return call.status === 'RINGING' ? t('calls.active.ringing') : t('calls.active.calling');
}

/**
 * The call in progress (seed wireframe 5), above whatever page is open: full
 * screen on phones, a panel on desktop; minimised to a bar to keep using the
 * app during the call.
 */
export function ActiveCall({ active, controller }: { active: ActiveCallState; controller: CallController }) {
  const t = useT();
  const [minimised, setMinimised] = useState(false);
  const [keypad, setKeypad] = useState(false);
  const [digits, setDigits] = useState('');
  const nameRef = useRef<HTMLHeadingElement>(null);
  const now = useNow(1000);
  const { all } = useVoiceLines();
  const { call, phase } = active;
  const { mine, their } = endsOf(call);
  const name = partyName(call.contact, their);
  const line = all.find((item) => item.phoneNumber === mine);
  const ended = phase === 'ended';
  const elapsed = ended ? call.durationSeconds : elapsedSince(call.answeredAt, now);
  const status = callStatusText(active, t);
  const timer = elapsed !== null && (call.answeredAt || ended) ? formatDuration(elapsed) : null;

  // The call screen takes over (on phones, the whole screen): screen readers start from who is on the line.
  useEffect(() => {
    if (!minimised) nameRef.current?.focus({ preventScroll: true });
  }, [minimised]);

  if (minimised && !ended) {
    return (
      <button type="button" className="call-bar" onClick={() => setMinimised(false)} data-testid="call-bar">
        <span className="call-bar__dot" aria-hidden />
        <span className="call-bar__text">{t('calls.active.return', { name })}</span>
        {timer && <span className="call-bar__timer">{timer}</span>}
      </button>
    );
  }

  return (
    <section
      className={`call-screen call-screen--${phase}`}
      aria-label={t('calls.active.label', { name })}
      data-testid="active-call"
      data-phase={phase}
    >
      <header className="call-screen__top">
        {!ended && (
          <button
            type="button"
            className="call-screen__minimise"
            aria-label={t('calls.active.minimise')}
            onClick={() => setMinimised(true)}
          >
            <ChevronDown size={24} aria-hidden />
          </button>
        )}
        {line && <p className="call-screen__line">{t('calls.active.via', { line: lineLabel(line) })}</p>}
      </header>
      <div className="call-screen__who">
        <span className="call-avatar" aria-hidden>
          <UserRound size={40} />
        </span>
        <h2 className="call-screen__name" ref={nameRef} tabIndex={-1}>
          {name}
        </h2>
        {call.contact && <p className="call-screen__number">{formatPhone(their)}</p>}
        <p className="call-screen__status" role="status" data-testid="call-status">
          {status}
        </p>
        <p
          className="call-screen__timer"
          data-testid="call-timer"
          aria-label={timer ? t('calls.active.duration') : undefined}
        >
          {timer ?? '\u00a0'}
        </p>
        {!ended && call.peerOnHold && <p className="call-screen__hold">{t('calls.active.peerOnHold')}</p>}
        {!ended && active.onHold && <p className="call-screen__hold">{t('calls.active.onHold')}</p>}
      </div>
      {ended ? (
        <div className="call-screen__end">
          <button type="button" className="btn btn--secondary btn--md" onClick={() => controller.dismissEnded()}>
            <span className="btn__label">{t('common.close')}</span>
          </button>
        </div>
      ) : (
        <>
          {keypad ? (
            <div className="call-screen__keypad">
              <output className="call-screen__digits" aria-label={t('calls.active.sent')}>
                {digits || '\u00a0'}
              </output>
              <Keypad
                label={t('calls.active.keypad')}
                onPress={(key) => {
                  setDigits((value) => (value + key).slice(-24));
                  controller.sendDigits(key);
                }}
              />
            </div>
          ) : (
            <div className="call-controls" role="group" aria-label={t('calls.active.controls')}>
              <Control
                label={t('calls.active.mute')}
                pressed={active.muted}
                disabled={phase === 'calling'}
                onClick={() => void controller.toggleMute()}
              >
                {active.muted ? <MicOff size={24} aria-hidden /> : <Mic size={24} aria-hidden />}
              </Control>
              <Control
                label={t('calls.active.speaker')}
                pressed={active.speaker}
                disabled={!active.canUseSpeaker}
                onClick={() => void controller.toggleSpeaker()}
              >
                <Volume2 size={24} aria-hidden />
              </Control>
              <Control
                label={t('calls.active.hold')}
                pressed={active.onHold}
                disabled={phase === 'calling'}
                onClick={() => void controller.toggleHold()}
              >
                {active.onHold ? <Play size={24} aria-hidden /> : <Pause size={24} aria-hidden />}
              </Control>
              <Control
                label={t('calls.active.keypad')}
                disabled={!active.canSendDigits}
                onClick={() => setKeypad(true)}
              >
                <Grid3x3 size={24} aria-hidden />
              </Control>
            </div>
          )}
          <div className="call-screen__end">
            {keypad && (
              <button type="button" className="link-button" onClick={() => setKeypad(false)}>
                {t('calls.active.hideKeypad')}
              </button>
            )}
            <div className="call-action">
              <button
                type="button"
                className="call-round call-round--end"
                aria-label={t('calls.active.end')}
                onClick={() => void controller.hangup()}
              >
                <PhoneOff size={28} aria-hidden />
              </button>
            </div>
          </div>
        </>
      )}
    </section>
  );
}

/** A toggle of the call: its name stays the same, `aria-pressed` says whether it is on. */
function Control({
  label,
  pressed,
  disabled = false,
  onClick,
  children,
}: {
  label: string;
  pressed?: boolean;
  disabled?: boolean;
  onClick: () => void;
  children: ReactNode;
}) {
  return (
    <div className="call-action">
      <button
        type="button"
        className="call-round"
        aria-label={label}
        aria-pressed={pressed}
        disabled={disabled}
        onClick={onClick}
      >
        {children}
      </button>
      <span aria-hidden>{label}</span>
    </div>
  );
}
