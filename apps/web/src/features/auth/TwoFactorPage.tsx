import { TwoFactorCode } from '@commpro/contracts';
import { useMutation } from '@tanstack/react-query';
import { ShieldCheck } from 'lucide-react';
import { useRef, useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { z } from 'zod';
import { errorMessage } from '../../shared/api/error-message';
import { isApiError } from '../../shared/api/errors';
import { focusFirstInvalid, validate } from '../../shared/forms/validate';
import { useT } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Button } from '../../shared/ui/Button';
import { TextField } from '../../shared/ui/Field';
import { useDocumentTitle } from '../../shared/ui/use-document-title';
import { authApi } from './api';
import { useAuth } from './auth-context';
import { AuthHeader, AuthLayout } from './AuthLayout';

export interface TwoFactorState {
  email: string;
  challengeToken: string;
}

const CodeForm = z.object({ code: TwoFactorCode });

export function TwoFactorPage() {
  const t = useT();
  useDocumentTitle(t('auth.twoFactor.title'));
  const location = useLocation();
  const navigate = useNavigate();
  const { completeSignIn } = useAuth();
  const challenge = location.state as TwoFactorState | null;
  const formRef = useRef<HTMLFormElement>(null);
  const [useBackup, setUseBackup] = useState(false);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | undefined>();

  const verify = useMutation({
    mutationFn: (value: string) => authApi.verify2fa(challenge?.email ?? '', value, challenge?.challengeToken ?? ''),
    onSuccess: (response) => completeSignIn(response),
    onError: (failure) => {
      if (isApiError(failure, 'CHALLENGE_EXPIRED')) {
        navigate('/login', { replace: true, state: { notice: 'challenge-expired' } });
        return;
      }
      setCode('');
      setError(isApiError(failure, 'INVALID_2FA_CODE') ? t('errors.INVALID_2FA_CODE') : undefined);
      focusFirstInvalid(formRef.current);
    },
  });

  if (!challenge?.challengeToken) return <Navigate to="/login" replace />;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const result = validate(CodeForm, { code }, t, { code: t('auth.twoFactor.codeFormat') });
    if (!result.ok) {
      setError(result.errors.code);
      focusFirstInvalid(formRef.current);
      return;
    }
    setError(undefined);
    verify.mutate(result.data.code);
  };

  const serverError = verify.isError && !isApiError(verify.error, 'INVALID_2FA_CODE') ? verify.error : null;

  return (
    <AuthLayout
      footer={
        <Link to="/login" replace>
          {t('auth.twoFactor.back')}
        </Link>
      }
    >
      <AuthHeader
        icon={<ShieldCheck size={26} aria-hidden />}
        title={t('auth.twoFactor.title')}
        subtitle={useBackup ? t('auth.twoFactor.subtitleBackup') : t('auth.twoFactor.subtitle')}
      />
      {serverError && <Alert tone="danger">{errorMessage(serverError, t)}</Alert>}
      <form ref={formRef} className="form" onSubmit={onSubmit} noValidate>
        <TextField
          key={useBackup ? 'backup' : 'totp'}
          label={useBackup ? t('auth.twoFactor.backupLabel') : t('auth.twoFactor.codeLabel')}
          name="code"
          className={useBackup ? 'input--code input--backup' : 'input--code'}
          autoComplete="one-time-code"
          inputMode={useBackup ? 'text' : 'numeric'}
          placeholder={useBackup ? 'xxxxx-xxxxx' : '123456'}
          maxLength={useBackup ? 11 : 6}
          autoFocus
          spellCheck={false}
          autoCapitalize="off"
          value={code}
          onChange={(event) => {
            setCode(useBackup ? event.target.value : event.target.value.replace(/\D/g, ''));
            setError(undefined);
          }}
          error={error}
        />
        <Button type="submit" size="lg" block loading={verify.isPending}>
          {t('auth.twoFactor.submit')}
        </Button>
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setUseBackup((v) => !v);
            setCode('');
            setError(undefined);
          }}
        >
          {useBackup ? t('auth.twoFactor.useApp') : t('auth.twoFactor.useBackup')}
        </button>
      </form>
    </AuthLayout>
  );
}
