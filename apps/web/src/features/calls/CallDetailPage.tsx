import type { Call } from '@commpro/contracts';
import { Contact as ContactIcon, UserPlus, Voicemail } from 'lucide-react';
import { Link, useParams } from 'react-router';
import { errorMessage } from '../../shared/api/error-message';
import { isApiError } from '../../shared/api/errors';
import { useI18n, useT } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Badge } from '../../shared/ui/Badge';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { useDocumentTitle } from '../../shared/ui/use-document-title';
import { partyName } from '../contacts/format';
import { formatStepTime } from '../messages/format';
import { lineLabel } from '../messages/MessagesLayout';
import { formatPhone } from '../numbers/format';
import { endsOf } from './format';
import { CallBackButton, callSummary } from './CallHistory';
import { CallsPane } from './CallsLayout';
import { billableMinutes, formatCost, formatDuration, isMissed, isUnanswered } from './format';
import { useCall, useVoiceLines } from './use-calls';

/** One call: who, on which line, what happened when, how long, and what it cost. */
export function CallDetailPage() {
  const t = useT();
  const id = useParams().callId ?? '';
  const query = useCall(id);
  const call = query.data;
  const title = call ? partyName(call.contact, endsOf(call).their) : t('calls.detail.title');
  useDocumentTitle(title);

  return (
    <CallsPane title={title}>
      {query.isPending && <LoadingBlock label={t('common.loading')} />}
      {query.isError && (
        <Alert tone="danger">
          {isApiError(query.error) && query.error.status === 404
            ? t('calls.detail.notFound')
            : errorMessage(query.error, t)}
        </Alert>
      )}
      {call && <CallDetails call={call} />}
    </CallsPane>
  );
}

function CallDetails({ call }: { call: Call }) {
  const { t, locale } = useI18n();
  const { all } = useVoiceLines();
  const { mine, their } = endsOf(call);
  const line = all.find((item) => item.phoneNumber === mine);
  const { kind } = callSummary(call, t);
  const missed = isMissed(call);
  const failed = isUnanswered(call);
  const cost = formatCost(call, locale);
  const reason = call.missed ? t(`calls.missed.${call.missed.reason}`) : call.failure?.reason;
  const steps: { label: string; at: string | null }[] = [
    { label: t('calls.detail.started'), at: call.startedAt ?? call.createdAt },
    { label: t('calls.detail.answered'), at: call.answeredAt },
    { label: t('calls.detail.ended'), at: call.endedAt },
  ];

  return (
    <div className="call-detail" data-testid="call-details" data-status={call.status}>
      <p className="call-detail__party">
        <span className="call-detail__number">{formatPhone(their)}</span>
        {call.contact ? (
          <Link className="call-detail__contact" to={`/contacts/${call.contact.id}`}>
            <ContactIcon size={16} aria-hidden />
            {t('contacts.open', { name: call.contact.displayName })}
          </Link>
        ) : (
          <Link className="call-detail__contact" to={`/contacts/new?phone=${encodeURIComponent(their)}`}>
            <UserPlus size={16} aria-hidden />
            {t('contacts.save')}
          </Link>
        )}
      </p>
      <p className="call-detail__summary">
        <Badge tone={missed || failed ? 'danger' : call.status === 'COMPLETED' ? 'success' : 'brand'}>
          {missed ? kind : t(`calls.status.${call.status}`)}
        </Badge>
        <span>{call.direction === 'OUTBOUND' ? t('calls.kind.outgoing') : t('calls.kind.incoming')}</span>
        <span className="muted">{t('calls.detail.line', { line: line ? lineLabel(line) : formatPhone(mine) })}</span>
      </p>
      {reason && (
        <Alert
          tone={missed ? 'warning' : 'danger'}
          title={missed ? t('calls.detail.whyMissed') : t('calls.detail.whyFailed')}
        >
          <p>{reason}</p>
          {call.missed && call.missed.message !== reason && <p className="muted">{call.missed.message}</p>}
        </Alert>
      )}
      <section className="call-detail__section" aria-labelledby="call-timeline-title">
        <h2 className="call-detail__heading" id="call-timeline-title">
          {t('calls.detail.timeline')}
        </h2>
        <ol className="timeline call-detail__timeline">
          {steps
            .filter((step) => step.at)
            .map((step) => (
              <li key={step.label}>
                <span>{step.label}</span>
                <time dateTime={step.at ?? undefined}>{formatStepTime(step.at ?? '', locale)}</time>
              </li>
            ))}
        </ol>
      </section>
      <dl className="call-detail__facts">
        <div>
          <dt>{t('calls.detail.duration')}</dt>
          <dd>{formatDuration(call.durationSeconds)}</dd>
        </div>
        <div>
          <dt>{t('calls.detail.billable')}</dt>
          <dd>{t('calls.detail.minutes', { count: billableMinutes(call) })}</dd>
        </div>
        <div>
          <dt>{t('calls.detail.cost')}</dt>
          <dd>
            {cost === null
              ? t('calls.detail.costPending')
              : call.cost === 0
                ? t('calls.detail.included', { cost })
                : cost}
          </dd>
        </div>
      </dl>
      {call.recordingUrl && (
        <a className="call-detail__recording" href={call.recordingUrl} target="_blank" rel="noreferrer">
          <Voicemail size={18} aria-hidden />
          {t('calls.detail.recording')}
        </a>
      )}
      <div className="call-detail__actions">
        <CallBackButton call={call} withLabel />
      </div>
    </div>
  );
}
