import { LoginBody } from '@commpro/contracts';
import { useMutation } from '@tanstack/react-query';
import { useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { errorMessage } from '../../shared/api/error-message';
import { fieldErrorsOf } from '../../shared/api/errors';
import { focusFirstInvalid, validate, type FieldErrors } from '../../shared/forms/validate';
import { useT } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Button } from '../../shared/ui/Button';
import { PasswordField, TextField } from '../../shared/ui/Field';
import { useDocumentTitle } from '../../shared/ui/use-document-title';
import { authApi } from './api';
import { useAuth } from './auth-context';
import { AuthHeader, AuthLayout } from './AuthLayout';

export type AuthNotice = 'challenge-expired' | 'password-reset';

const LoginFields = LoginBody.pick({ email: true, password: true });

export function LoginPage() {
  const t = useT();
  useDocumentTitle(t('auth.login.title'));
  const navigate = useNavigate();
  const location = useLocation();
  const { completeSignIn, signOutReason } = useAuth();
  const notice = (location.state as { notice?: AuthNotice } | null)?.notice;
  const formRef = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState({ email: '', password: '' });
  const [errors, setErrors] = useState<FieldErrors>({});

  const login = useMutation({
    mutationFn: (body: { email: string; password: string }) => authApi.login(body.email, body.password),
    onSuccess: (response, body) => {
      if (response.requires2FA) {
        navigate('/login/2fa', { state: { email: body.email, challengeToken: response.challengeToken } });
      } else {
        completeSignIn(response);
      }
    },
    onError: (error) => {
      setErrors(fieldErrorsOf(error, t));
      setValues((v) => ({ ...v, password: '' }));
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const result = validate(LoginFields, values, t);
    if (!result.ok) {
      setErrors(result.errors);
      focusFirstInvalid(formRef.current);
      return;
    }
    setErrors({});
    login.mutate(result.data);
  };

  const update = (field: keyof typeof values) => (event: ChangeEvent<HTMLInputElement>) => {
    setValues((v) => ({ ...v, [field]: event.target.value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };

  const info = noticeText(notice, signOutReason, t);

  return (
    <AuthLayout
      footer={
        <>
          {t('auth.login.noAccount')} <Link to="/signup">{t('auth.login.signUpLink')}</Link>
        </>
      }
    >
      <AuthHeader title={t('auth.login.title')} subtitle={t('auth.login.subtitle')} />
      {login.isError && !login.isPending ? (
        <Alert tone="danger">{errorMessage(login.error, t)}</Alert>
      ) : (
        info && <Alert tone={info.tone}>{info.text}</Alert>
      )}
      <form ref={formRef} className="form" onSubmit={onSubmit} noValidate>
        <TextField
          label={t('fields.email')}
          type="email"
          name="email"
          autoComplete="username"
          inputMode="email"
          autoFocus
          value={values.email}
          onChange={update('email')}
          error={errors.email}
        />
        <PasswordField
          label={t('fields.password')}
          name="password"
          autoComplete="current-password"
          value={values.password}
          onChange={update('password')}
          error={errors.password}
          showLabel={t('password.show')}
          hideLabel={t('password.hide')}
          extra={
            <Link className="field__link" to="/forgot-password">
              {t('auth.login.forgot')}
            </Link>
          }
        />
        <Button type="submit" size="lg" block loading={login.isPending}>
          {t('auth.login.submit')}
        </Button>
      </form>
    </AuthLayout>
  );
}

function noticeText(
  notice: AuthNotice | undefined,
  reason: ReturnType<typeof useAuth>['signOutReason'],
  t: ReturnType<typeof useT>,
): { tone: 'info' | 'success' | 'warning'; text: string } | null {
  if (notice === 'challenge-expired') return { tone: 'warning', text: t('auth.notice.challengeExpired') };
  if (notice === 'password-reset') return { tone: 'success', text: t('auth.notice.passwordReset') };
  if (reason === 'expired') return { tone: 'info', text: t('auth.notice.sessionExpired') };
  if (reason === 'revoked') return { tone: 'warning', text: t('auth.notice.sessionRevoked') };
  if (reason === 'suspended') return { tone: 'warning', text: t('auth.notice.accountSuspended') };
  if (reason === 'logout' || reason === 'other-tab') return { tone: 'success', text: t('auth.notice.loggedOut') };
  return null;
}
