import { ForgotPasswordBody } from '@commpro/contracts';
import { useMutation } from '@tanstack/react-query';
import { KeyRound, MailCheck } from 'lucide-react';
import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../shared/api/error-message';
import { focusFirstInvalid, validate } from '../../shared/forms/validate';
import { useT } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Button } from '../../shared/ui/Button';
import { TextField } from '../../shared/ui/Field';
import { useDocumentTitle } from '../../shared/ui/use-document-title';
import { authApi } from './api';
import { AuthHeader, AuthLayout } from './AuthLayout';

export function ForgotPasswordPage() {
  const t = useT();
  useDocumentTitle(t('auth.forgot.title'));
  const formRef = useRef<HTMLFormElement>(null);
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | undefined>();
  const send = useMutation({ mutationFn: authApi.forgotPassword });

  const footer = <Link to="/login">{t('auth.forgot.back')}</Link>;

  if (send.isSuccess) {
    return (
      <AuthLayout footer={footer}>
        <AuthHeader
          icon={<MailCheck size={26} aria-hidden />}
          tone="success"
          title={t('auth.forgot.sentTitle')}
          subtitle={t('auth.forgot.sentText', { email: send.variables })}
        />
        <Button variant="secondary" block onClick={() => send.reset()}>
          {t('auth.forgot.tryAnother')}
        </Button>
      </AuthLayout>
    );
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const result = validate(ForgotPasswordBody, { email }, t);
    if (!result.ok) {
      setError(result.errors.email);
      focusFirstInvalid(formRef.current);
      return;
    }
    setError(undefined);
    send.mutate(result.data.email);
  };

  return (
    <AuthLayout footer={footer}>
      <AuthHeader
        icon={<KeyRound size={26} aria-hidden />}
        title={t('auth.forgot.title')}
        subtitle={t('auth.forgot.subtitle')}
      />
      {send.isError && <Alert tone="danger">{errorMessage(send.error, t)}</Alert>}
      <form ref={formRef} className="form" onSubmit={onSubmit} noValidate>
        <TextField
          label={t('fields.email')}
          type="email"
          name="email"
          autoComplete="email"
          inputMode="email"
          autoFocus
          value={email}
          onChange={(event) => {
            setEmail(event.target.value);
            setError(undefined);
          }}
          error={error}
        />
        <Button type="submit" size="lg" block loading={send.isPending}>
          {t('auth.forgot.submit')}
        </Button>
      </form>
    </AuthLayout>
  );
}
