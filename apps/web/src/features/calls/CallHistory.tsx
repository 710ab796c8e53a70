import type { Call } from '@commpro/contracts';
import { Phone, PhoneIncoming, PhoneMissed, PhoneOff, PhoneOutgoing } from 'lucide-react';
import { useState } from 'react';
import { NavLink } from 'react-router';
import { errorMessage } from '../../shared/api/error-message';
import { useI18n, useT, type Translate } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { EmptyState } from '../../shared/ui/EmptyState';
import { CallsIllustration } from '../../shared/ui/illustrations';
import { Segmented } from '../../shared/ui/Segmented';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { useNow } from '../../shared/ui/use-media-query';
import { useToast } from '../../shared/ui/Toast';
import { partyName } from '../contacts/format';
import { formatListTime } from '../messages/format';
import { formatPhone } from '../numbers/format';
import { HISTORY_FILTERS, type HistoryFilter } from './history-filter';
import { useCallsState } from './calls-runtime';
import { dialErrorText, useDial } from './dial';
import { endsOf, formatDuration, isMissed, isUnanswered } from './format';
import { useCallHistory, useVoiceLines } from './use-calls';

/** The call history (seed: "Recent calls"), filtered, live. */
export function CallHistory() {
  const t = useT();
  const [filter, setFilter] = useState<HistoryFilter>('all');
  const history = useCallHistory(filter);
  const calls = history.data?.calls ?? [];
  const now = useNow();

  return (
    <div className="call-history">
      <Segmented
        legend={t('calls.filter.legend')}
        name="call-filter"
        value={filter}
        options={HISTORY_FILTERS.map((value) => ({ value, label: t(`calls.filter.${value}`) }))}
        onChange={setFilter}
      />
      {history.isPending && <LoadingBlock label={t('common.loading')} />}
      {history.isError && <Alert tone="danger">{errorMessage(history.error, t)}</Alert>}
      {history.isSuccess &&
        calls.length === 0 &&
        (filter === 'all' ? (
          <EmptyState
            illustration={<CallsIllustration />}
            title={t('calls.empty.title')}
            text={t('calls.empty.text')}
          />
        ) : (
          <p className="call-history__none muted">{t(`calls.filter.none.${filter}`)}</p>
        ))}
      {calls.length > 0 && (
        <ul className="call-list" aria-label={t('calls.history')}>
          {calls.map((call) => (
            <CallRow key={call.id} call={call} now={now} />
          ))}
        </ul>
      )}
    </div>
  );
}

/** "Missed", "Outgoing"… and the line under it: the duration or why it did not connect. */
export function callSummary(call: Call, t: Translate): { kind: string; detail: string } {
  if (isMissed(call)) {
    return {
      kind: t('calls.kind.missed'),
      detail: call.missed ? t(`calls.missed.${call.missed.reason}`) : t(`calls.status.${call.status}`),
    };
  }
  const kind = call.direction === 'OUTBOUND' ? t('calls.kind.outgoing') : t('calls.kind.incoming');
  if (isUnanswered(call)) return { kind, detail: call.failure?.reason ?? t(`calls.status.${call.status}`) };
  if (call.status === 'COMPLETED') return { kind, detail: formatDuration(call.durationSeconds) };
  return { kind, detail: t(`calls.status.${call.status}`) };
}

function CallIcon({ call }: { call: Call }) {
  if (isMissed(call)) return <PhoneMissed size={20} aria-hidden />;
  if (isUnanswered(call)) return <PhoneOff size={20} aria-hidden />;
  return call.direction === 'OUTBOUND' ? (
    <PhoneOutgoing size={20} aria-hidden />
  ) : (
    <PhoneIncoming size={20} aria-hidden />
  );
}

function CallRow({ call, now }: { call: Call; now: number }) {
  const { t, locale } = useI18n();
  const { their } = endsOf(call);
  const name = partyName(call.contact, their);
  const { kind, detail } = callSummary(call, t);
  const missed = isMissed(call);
  const at = call.startedAt ?? call.createdAt;
  return (
    <li
      className={`call-row${missed ? ' call-row--missed' : ''}${isUnanswered(call) ? ' call-row--failed' : ''}`}
      data-testid="call"
      data-status={call.status}
      data-direction={call.direction}
    >
      <NavLink className="call-row__link" to={`/calls/${call.id}`}>
        <span className="call-row__icon">
          <CallIcon call={call} />
        </span>
        <span className="call-row__main">
          <span className="call-row__top">
            <span className="call-row__who">
              <span className="call-row__name">{name}</span>
              {call.contact && <span className="call-row__number">{formatPhone(their)}</span>}
            </span>
            <time className="call-row__time" dateTime={at}>
              {formatListTime(at, locale, Math.max(now, Date.parse(at)))}
            </time>
          </span>
          <span className="call-row__detail">
            <span className="call-row__kind">{kind}</span>
            <span aria-hidden> · </span>
            <span data-testid="call-detail">{detail}</span>
          </span>
        </span>
      </NavLink>
      <CallBackButton call={call} />
    </li>
  );
}

/** Calls the other party back from the same line (else the main line), straight away. */
export function CallBackButton({ call, withLabel = false }: { call: Call; withLabel?: boolean }) {
  const t = useT();
  const toast = useToast();
  const { lines } = useVoiceLines();
  const dial = useDial();
  const busy = useCallsState().active !== null;
  const { mine, their } = endsOf(call);
  const line = lines.find((item) => item.phoneNumber === mine) ?? lines[0];
  const label = t('calls.callBackNamed', { name: partyName(call.contact, their) });
  return (
    <button
      type="button"
      className={withLabel ? 'btn btn--primary btn--md' : 'call-row__back'}
      aria-label={withLabel ? undefined : label}
      disabled={!line || busy || dial.isPending}
      onClick={() =>
        line &&
        dial.mutate(
          { from: line.phoneNumber, to: their },
          { onError: (error) => toast(dialErrorText(error, t), 'danger') },
        )
      }
    >
      <Phone size={withLabel ? 18 : 20} aria-hidden />
      {withLabel && <span className="btn__label">{t('calls.callBack')}</span>}
    </button>
  );
}
