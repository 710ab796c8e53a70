import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { errorMessage } from '../../shared/api/error-message';
import { fieldErrorsOf } from '../../shared/api/errors';
import { useT } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Button } from '../../shared/ui/Button';
import { TextAreaField, TextField } from '../../shared/ui/Field';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { Card } from '../../shared/ui/Card';
import { formatPhone } from '../numbers/format';
import { AdminSection, LoadError } from './AdminStates';
import { adminApi } from './api';
import { useAdminNumbers, useAdminOverview } from './use-admin';

type FieldErrors = ReturnType<typeof fieldErrorsOf>;

/** The outside world of the sandbox carrier: texts and calls to this instance's lines. */
export function SandboxPage() {
  const t = useT();
  const overview = useAdminOverview();
  const sandbox = overview.data?.carrier === 'sandbox';
  // Every active line, to pick the one the outside world reaches.
  const lines = useAdminNumbers({ status: 'ACTIVE', limit: 200, offset: 0 }, { enabled: sandbox });
  const listId = useId();
  if (overview.isPending) return <LoadingBlock label={t('common.loading')} />;
  if (overview.isError) return <LoadError error={overview.error} onRetry={() => void overview.refetch()} />;
  return (
    <AdminSection title={t('admin.nav.sandbox')}>
      {!sandbox ? (
        <Alert tone="info">{t('admin.sandbox.off')}</Alert>
      ) : (
        <>
          <p className="muted">{t('admin.sandbox.lead')}</p>
          <datalist id={listId}>
            {(lines.data?.numbers ?? []).map((line) => (
              <option key={line.id} value={line.phoneNumber}>
                {`${formatPhone(line.phoneNumber)} · ${line.owner.name ?? line.owner.email}`}
              </option>
            ))}
          </datalist>
          <div className="admin-detail__grid">
            <InboundSms listId={listId} />
            <InboundCall listId={listId} />
          </div>
        </>
      )}
    </AdminSection>
  );
}

function InboundSms({ listId }: { listId: string }) {
  const t = useT();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [body, setBody] = useState('');
  const send = useMutation({ mutationFn: adminApi.sandboxInboundSms, onSuccess: () => setBody('') });
  const fields = fieldErrorsOf(send.error, t);
  return (
    <Card id="admin-sandbox-sms" title={t('admin.sandbox.smsTitle')}>
      <form
        className="stack-sm"
        onSubmit={(event) => {
          event.preventDefault();
          send.mutate({ from, to, body });
        }}
      >
        <Parties listId={listId} from={from} to={to} onFrom={setFrom} onTo={setTo} fields={fields} />
        <TextAreaField
          label={t('admin.sandbox.body')}
          value={body}
          onChange={(event) => setBody(event.target.value)}
          rows={3}
          maxLength={1600}
          required
          error={fields.body}
        />
        <Button type="submit" loading={send.isPending}>
          {t('admin.sandbox.sendSms')}
        </Button>
        {send.isSuccess && <Alert tone="success">{t('admin.sandbox.smsSent', { sid: send.data.messageSid })}</Alert>}
        <FormError error={send.error} fields={fields} />
      </form>
    </Card>
  );
}

function InboundCall({ listId }: { listId: string }) {
  const t = useT();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [hangUp, setHangUp] = useState('');
  const ring = useMutation({ mutationFn: adminApi.sandboxInboundCall });
  const fields = fieldErrorsOf(ring.error, t);
  const seconds = Number.parseInt(hangUp, 10);
  return (
    <Card id="admin-sandbox-call" title={t('admin.sandbox.callTitle')}>
      <form
        className="stack-sm"
        onSubmit={(event) => {
          event.preventDefault();
          ring.mutate({
            from,
            to,
            ...(Number.isInteger(seconds) && seconds > 0 ? { hangUpAfterSeconds: seconds } : {}),
          });
        }}
      >
        <Parties listId={listId} from={from} to={to} onFrom={setFrom} onTo={setTo} fields={fields} />
        <TextField
          label={t('admin.sandbox.hangUp')}
          optionalLabel={t('admin.optional')}
          type="number"
          min={1}
          max={3600}
          value={hangUp}
          onChange={(event) => setHangUp(event.target.value)}
          error={fields.hangUpAfterSeconds}
        />
        <Button type="submit" loading={ring.isPending}>
          {t('admin.sandbox.ring')}
        </Button>
        {ring.isSuccess && <Alert tone="success">{t('admin.sandbox.ringing', { sid: ring.data.callSid })}</Alert>}
        <FormError error={ring.error} fields={fields} />
      </form>
    </Card>
  );
}

/** Who texts or calls (any number) and which of this instance's lines they reach. */
function Parties({
  listId,
  from,
  to,
  onFrom,
  onTo,
  fields,
}: {
  listId: string;
  from: string;
  to: string;
  onFrom: (from: string) => void;
  onTo: (to: string) => void;
  fields: FieldErrors;
}) {
  const t = useT();
  return (
    <>
      <TextField
        label={t('admin.sandbox.from')}
        value={from}
        onChange={(event) => onFrom(event.target.value)}
        inputMode="tel"
        required
        hint={t('admin.sandbox.fromHint')}
        error={fields.from}
      />
      <TextField
        label={t('admin.sandbox.to')}
        value={to}
        onChange={(event) => onTo(event.target.value)}
        list={listId}
        inputMode="tel"
        required
        hint={t('admin.sandbox.toHint')}
        error={fields.to}
      />
    </>
  );
}

/** A failure no field explains (those show under their field). */
function FormError({ error, fields }: { error: unknown; fields: FieldErrors }) {
  const t = useT();
  if (error === null || Object.keys(fields).length > 0) return null;
  return <Alert tone="danger">{errorMessage(error, t)}</Alert>;
}
