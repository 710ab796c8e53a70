import { TwoFactorCode, type Enable2faResponse } from '@commpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Check, Copy, Download, ShieldCheck, ShieldOff } from 'lucide-react';
import { useId, useRef, useState, type FormEvent, type RefObject } from 'react';
import { z } from 'zod';
import { errorMessage } from '../../shared/api/error-message';
import { isApiError } from '../../shared/api/errors';
import { focusFirstInvalid, validate } from '../../shared/forms/validate';
import { useT } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Badge } from '../../shared/ui/Badge';
import { Button } from '../../shared/ui/Button';
import { Card } from '../../shared/ui/Card';
import { TextField } from '../../shared/ui/Field';
import { useToast } from '../../shared/ui/Toast';
import { authApi, queryKeys } from '../auth/api';
import { useMe } from '../auth/auth-context';
import { copyText, downloadText } from './clipboard';

type Step =
  | { kind: 'idle' }
  | { kind: 'setup'; data: Enable2faResponse }
  | { kind: 'backup'; codes: string[] }
  | { kind: 'disable' };

const CodeForm = z.object({ code: TwoFactorCode });

/** Turn two-factor authentication on (QR code → confirm → backup codes shown once) or off. */
export function TwoFactorCard() {
  const t = useT();
  const me = useMe().data;
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const enabled = me?.twoFaEnabled ?? false;

  const enable = useMutation({
    mutationFn: authApi.enable2fa,
    onSuccess: (data) => setStep({ kind: 'setup', data }),
  });

  const badge =
    step.kind === 'backup' || enabled ? (
      <Badge tone="success" icon={<ShieldCheck size={14} aria-hidden />}>
        {t('settings.twoFactor.on')}
      </Badge>
    ) : (
      <Badge tone="neutral">{t('settings.twoFactor.off')}</Badge>
    );

  return (
    <Card
      id="two-factor"
      title={t('settings.twoFactor.title')}
      description={t('settings.twoFactor.description')}
      aside={badge}
    >
      {step.kind === 'setup' && (
        <SetupStep
          data={step.data}
          onCancel={() => setStep({ kind: 'idle' })}
          onConfirmed={() => setStep({ kind: 'backup', codes: step.data.backupCodes })}
        />
      )}
      {step.kind === 'backup' && <BackupCodes codes={step.codes} onDone={() => setStep({ kind: 'idle' })} />}
      {step.kind === 'disable' && <DisableStep onDone={() => setStep({ kind: 'idle' })} />}
      {step.kind === 'idle' &&
        (enabled ? (
          <div className="stack">
            <p className="muted">{t('settings.twoFactor.enabledText')}</p>
            <div>
              <Button
                variant="danger-ghost"
                icon={<ShieldOff size={16} aria-hidden />}
                onClick={() => setStep({ kind: 'disable' })}
              >
                {t('settings.twoFactor.disable')}
              </Button>
            </div>
          </div>
        ) : (
          <div className="stack">
            {enable.isError && <Alert tone="danger">{errorMessage(enable.error, t)}</Alert>}
            <div>
              <Button
                icon={<ShieldCheck size={16} aria-hidden />}
                loading={enable.isPending}
                onClick={() => enable.mutate()}
                disabled={!me}
              >
                {t('settings.twoFactor.enable')}
              </Button>
            </div>
          </div>
        ))}
    </Card>
  );
}

function useCodeForm(formRef: RefObject<HTMLFormElement | null>, submit: (code: string) => void) {
  const t = useT();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | undefined>();
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const result = validate(CodeForm, { code }, t, { code: t('auth.twoFactor.codeFormat') });
    if (!result.ok) {
      setError(result.errors.code);
      focusFirstInvalid(formRef.current);
      return;
    }
    setError(undefined);
    submit(result.data.code);
  };
  const fail = (message: string | undefined) => {
    setError(message);
    setCode('');
    focusFirstInvalid(formRef.current);
  };
  return { code, setCode, error, setError, onSubmit, fail };
}

function SetupStep({
  data,
  onCancel,
  onConfirmed,
}: {
  data: Enable2faResponse;
  onCancel: () => void;
  onConfirmed: () => void;
}) {
  const t = useT();
  const toast = useToast();
  const queryClient = useQueryClient();
  const secretId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const confirm = useMutation({
    mutationFn: authApi.confirm2fa,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.me });
      onConfirmed();
    },
    onError: (error) => form.fail(isApiError(error, 'INVALID_2FA_CODE') ? t('errors.INVALID_2FA_CODE') : undefined),
  });
  const form = useCodeForm(formRef, (code) => confirm.mutate(code));
  const groupedSecret = data.secret.replace(/(.{4})/g, '$1 ').trim();

  return (
    <div className="two-factor-setup">
      <ol className="setup-steps">
        <li className="setup-step">
          <span className="setup-step__num" aria-hidden>
            1
          </span>
          <div className="setup-step__body">
            <h3 className="setup-step__title">{t('settings.twoFactor.scanTitle')}</h3>
            <p className="muted">{t('settings.twoFactor.scanText')}</p>
            <div className="qr">
              <img src={data.qrCode} alt={t('settings.twoFactor.qrAlt')} width={184} height={184} />
            </div>
            <p className="muted" id={secretId}>
              {t('settings.twoFactor.manualText')}
            </p>
            <div className="secret">
              <code
                className="secret__value"
                data-testid="totp-secret"
                data-secret={data.secret}
                aria-describedby={secretId}
              >
                {groupedSecret}
              </code>
              <Button
                variant="secondary"
                size="sm"
                icon={<Copy size={14} aria-hidden />}
                onClick={() => void copyText(data.secret).then(() => toast(t('common.copied')))}
              >
                {t('common.copy')}
              </Button>
            </div>
          </div>
        </li>
        <li className="setup-step">
          <span className="setup-step__num" aria-hidden>
            2
          </span>
          <div className="setup-step__body">
            <h3 className="setup-step__title">{t('settings.twoFactor.confirmTitle')}</h3>
            {confirm.isError && !isApiError(confirm.error, 'INVALID_2FA_CODE') && (
              <Alert tone="danger">{errorMessage(confirm.error, t)}</Alert>
            )}
            <form ref={formRef} className="form form--inline" onSubmit={form.onSubmit} noValidate>
              <TextField
                label={t('auth.twoFactor.codeLabel')}
                name="code"
                className="input--code"
                inputMode="numeric"
                autoComplete="one-time-code"
                placeholder="123456"
                maxLength={6}
                value={form.code}
                onChange={(event) => {
                  form.setCode(event.target.value.replace(/\D/g, ''));
                  form.setError(undefined);
                }}
                error={form.error}
              />
              <div className="form__actions">
                <Button variant="ghost" onClick={onCancel} disabled={confirm.isPending}>
                  {t('common.cancel')}
                </Button>
                <Button type="submit" loading={confirm.isPending}>
                  {t('settings.twoFactor.confirm')}
                </Button>
              </div>
            </form>
          </div>
        </li>
      </ol>
    </div>
  );
}

function BackupCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const t = useT();
  const toast = useToast();
  const [saved, setSaved] = useState(false);
  const checkboxId = useId();
  const text = `${t('settings.backup.fileHeader')}\n\n${codes.join('\n')}\n`;
  return (
    <div className="stack" data-testid="backup-codes">
      <Alert tone="success" title={t('settings.backup.enabledTitle')}>
        {t('settings.backup.enabledText')}
      </Alert>
      <div>
        <h3 className="setup-step__title">{t('settings.backup.title')}</h3>
        <p className="muted">{t('settings.backup.text')}</p>
      </div>
      <ol className="backup-codes" aria-label={t('settings.backup.title')}>
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div className="button-row">
        <Button
          variant="secondary"
          icon={<Copy size={16} aria-hidden />}
          onClick={() => void copyText(codes.join('\n')).then(() => toast(t('common.copied')))}
        >
          {t('settings.backup.copy')}
        </Button>
        <Button
          variant="secondary"
          icon={<Download size={16} aria-hidden />}
          onClick={() => downloadText('commpro-backup-codes.txt', text)}
        >
          {t('settings.backup.download')}
        </Button>
      </div>
      <div className="checkbox">
        <input id={checkboxId} type="checkbox" checked={saved} onChange={(event) => setSaved(event.target.checked)} />
        <label htmlFor={checkboxId}>{t('settings.backup.ack')}</label>
      </div>
      <div>
        <Button icon={<Check size={16} aria-hidden />} disabled={!saved} onClick={onDone}>
          {t('settings.backup.done')}
        </Button>
      </div>
    </div>
  );
}

function DisableStep({ onDone }: { onDone: () => void }) {
  const t = useT();
  const toast = useToast();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const disable = useMutation({
    mutationFn: authApi.disable2fa,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.me });
      toast(t('settings.twoFactor.disabled'));
      onDone();
    },
    onError: (error) => form.fail(isApiError(error, 'INVALID_2FA_CODE') ? t('errors.INVALID_2FA_CODE') : undefined),
  });
  const form = useCodeForm(formRef, (code) => disable.mutate(code));
  return (
    <div className="stack">
      <p className="muted">{t('settings.twoFactor.disableText')}</p>
      {disable.isError && !isApiError(disable.error, 'INVALID_2FA_CODE') && (
        <Alert tone="danger">{errorMessage(disable.error, t)}</Alert>
      )}
      <form ref={formRef} className="form form--inline" onSubmit={form.onSubmit} noValidate>
        <TextField
          label={t('settings.twoFactor.disableCodeLabel')}
          name="code"
          className="input--code"
          autoComplete="one-time-code"
          placeholder="123456"
          maxLength={11}
          autoFocus
          spellCheck={false}
          value={form.code}
          onChange={(event) => {
            form.setCode(event.target.value);
            form.setError(undefined);
          }}
          error={form.error}
        />
        <div className="form__actions">
          <Button variant="ghost" onClick={onDone} disabled={disable.isPending}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" variant="danger" loading={disable.isPending}>
            {t('settings.twoFactor.disableConfirm')}
          </Button>
        </div>
      </form>
    </div>
  );
}
