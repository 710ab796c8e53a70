import { NewPassword } from '@commpro/contracts';
import { useMutation } from '@tanstack/react-query';
import { CircleCheck, KeyRound, TriangleAlert } from 'lucide-react';
import { useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { z } from 'zod';
import { errorMessage } from '../../shared/api/error-message';
import { fieldErrorsOf, isShownOnField } from '../../shared/api/errors';
import { focusFirstInvalid, validate } from '../../shared/forms/validate';
import { useT } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Button } from '../../shared/ui/Button';
import { PasswordField } from '../../shared/ui/Field';
import { PasswordStrength } from '../../shared/ui/PasswordStrength';
import { useDocumentTitle } from '../../shared/ui/use-document-title';
import { authApi } from './api';
import { useAuth } from './auth-context';
import { AuthHeader, AuthLayout } from './AuthLayout';

const ResetForm = z.object({ newPassword: NewPassword });

export function ResetPasswordPage() {
  const t = useT();
  useDocumentTitle(t('auth.reset.title'));
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const navigate = useNavigate();
  const { status } = useAuth();
  const formRef = useRef<HTMLFormElement>(null);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();

  const reset = useMutation({
    mutationFn: (newPassword: string) => authApi.resetPassword(token, newPassword),
    onError: (failure) => {
      const fields = fieldErrorsOf(failure, t);
      setError(fields.newPassword ?? fields.password);
      focusFirstInvalid(formRef.current);
    },
  });

  const footer = <Link to="/login">{t('auth.forgot.back')}</Link>;

  if (!token) {
    return (
      <AuthLayout footer={footer}>
        <AuthHeader
          icon={<TriangleAlert size={26} aria-hidden />}
          tone="warning"
          title={t('auth.reset.invalidTitle')}
          subtitle={t('auth.reset.invalidText')}
        />
        <Link className="btn btn--primary btn--lg btn--block" to="/forgot-password">
          {t('auth.reset.requestNew')}
        </Link>
      </AuthLayout>
    );
  }

  if (reset.isSuccess) {
    return (
      <AuthLayout>
        <AuthHeader
          icon={<CircleCheck size={26} aria-hidden />}
          tone="success"
          title={t('auth.reset.doneTitle')}
          subtitle={t('auth.reset.doneText')}
        />
        <Button
          size="lg"
          block
          onClick={() =>
            navigate(status === 'signed-in' ? '/messages' : '/login', { state: { notice: 'password-reset' } })
          }
        >
          {status === 'signed-in' ? t('common.continue') : t('auth.reset.toLogin')}
        </Button>
      </AuthLayout>
    );
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const result = validate(ResetForm, { newPassword: password }, t);
    if (!result.ok) {
      setError(result.errors.newPassword);
      focusFirstInvalid(formRef.current);
      return;
    }
    setError(undefined);
    reset.mutate(result.data.newPassword);
  };

  const bannerError = reset.isError && !isShownOnField(reset.error, ['newPassword', 'password']) ? reset.error : null;

  return (
    <AuthLayout footer={footer}>
      <AuthHeader
        icon={<KeyRound size={26} aria-hidden />}
        title={t('auth.reset.title')}
        subtitle={t('auth.reset.subtitle')}
      />
      {bannerError && (
        <Alert tone="danger">
          {errorMessage(bannerError, t)} <Link to="/forgot-password">{t('auth.reset.requestNew')}</Link>
        </Alert>
      )}
      <form ref={formRef} className="form" onSubmit={onSubmit} noValidate>
        <PasswordField
          label={t('fields.newPassword')}
          name="newPassword"
          autoComplete="new-password"
          autoFocus
          value={password}
          onChange={(event) => {
            setPassword(event.target.value);
            setError(undefined);
          }}
          error={error}
          hint={<PasswordStrength password={password} />}
          showLabel={t('password.show')}
          hideLabel={t('password.hide')}
        />
        <Button type="submit" size="lg" block loading={reset.isPending}>
          {t('auth.reset.submit')}
        </Button>
      </form>
    </AuthLayout>
  );
}
