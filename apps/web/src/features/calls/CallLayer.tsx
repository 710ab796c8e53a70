import { useEffect, useRef } from 'react';
import { useT } from '../../shared/i18n/i18n';
import { useToast } from '../../shared/ui/Toast';
import { ActiveCall } from './ActiveCall';
import { useCallController, useCallRuntime, useCallsState } from './calls-runtime';
import { IncomingCall } from './IncomingCall';
import './calls.css';

/**
 * This device's calls, mounted once in the app shell so a call carries on
 * from page to page: the ringing call over everything, the call in progress,
 * and what to tell the person about them.
 */
export function CallLayer() {
  useCallRuntime();
  const t = useT();
  const toast = useToast();
  const controller = useCallController();
  const { active, ringing, notice } = useCallsState();
  const shown = useRef(0);

  useEffect(() => {
    if (!notice || notice.id === shown.current) return;
    shown.current = notice.id;
    toast(t(`calls.notice.${notice.code}`), 'danger');
  }, [notice, toast, t]);

  if (!controller) return null;
  const first = ringing[0];
  return (
    <>
      {active && <ActiveCall key={active.call.id} active={active} controller={controller} />}
      {first && <IncomingCall key={first.call.id} ringing={first} controller={controller} />}
    </>
  );
}
