import { RegisterBody } from '@commpro/contracts';
import { useMutation } from '@tanstack/react-query';
import { useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../shared/api/error-message';
import { fieldErrorsOf, isApiError, isShownOnField } from '../../shared/api/errors';
import { focusFirstInvalid, validate, type FieldErrors } from '../../shared/forms/validate';
import { useT } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Button } from '../../shared/ui/Button';
import { PasswordField, TextField } from '../../shared/ui/Field';
import { PasswordStrength } from '../../shared/ui/PasswordStrength';
import { useDocumentTitle } from '../../shared/ui/use-document-title';
import { authApi } from './api';
import { useAuth } from './auth-context';
import { AuthHeader, AuthLayout } from './AuthLayout';

type Values = { firstName: string; lastName: string; companyName: string; email: string; password: string };

export function SignUpPage() {
  const t = useT();
  useDocumentTitle(t('auth.signup.title'));
  const { completeSignIn } = useAuth();
  const formRef = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState<Values>({
    firstName: '',
    lastName: '',
    companyName: '',
    email: '',
    password: '',
  });
  const [errors, setErrors] = useState<FieldErrors>({});

  const register = useMutation({
    mutationFn: authApi.register,
    onSuccess: (response) => completeSignIn(response),
    onError: (error) => {
      const fields = fieldErrorsOf(error, t);
      if (isApiError(error, 'ALREADY_EXISTS')) fields.email = t('errors.ALREADY_EXISTS');
      setErrors(fields);
      focusFirstInvalid(formRef.current);
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // Optional names are left out rather than sent empty.
    const input = Object.fromEntries(
      Object.entries(values).filter(([key, value]) => value.trim() !== '' || key === 'email' || key === 'password'),
    );
    const result = validate(RegisterBody, input, t);
    if (!result.ok) {
      setErrors(result.errors);
      focusFirstInvalid(formRef.current);
      return;
    }
    setErrors({});
    register.mutate(result.data);
  };

  const update = (field: keyof Values) => (event: ChangeEvent<HTMLInputElement>) => {
    setValues((v) => ({ ...v, [field]: event.target.value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };

  // The email-taken and weak-password cases are shown next to their field, not twice.
  const showBanner = register.isError && !register.isPending && !isShownOnField(register.error, Object.keys(values));

  return (
    <AuthLayout
      footer={
        <>
          {t('auth.signup.haveAccount')} <Link to="/login">{t('auth.signup.loginLink')}</Link>
        </>
      }
    >
      <AuthHeader title={t('auth.signup.title')} subtitle={t('auth.signup.subtitle')} />
      {showBanner && !isApiError(register.error, 'ALREADY_EXISTS') && (
        <Alert tone="danger">{errorMessage(register.error, t)}</Alert>
      )}
      <form ref={formRef} className="form" onSubmit={onSubmit} noValidate>
        <div className="form__row">
          <TextField
            label={t('fields.firstName')}
            name="firstName"
            autoComplete="given-name"
            autoFocus
            value={values.firstName}
            onChange={update('firstName')}
            error={errors.firstName}
          />
          <TextField
            label={t('fields.lastName')}
            name="lastName"
            autoComplete="family-name"
            value={values.lastName}
            onChange={update('lastName')}
            error={errors.lastName}
          />
        </div>
        <TextField
          label={t('fields.company')}
          optionalLabel={t('fields.optional')}
          name="companyName"
          autoComplete="organization"
          value={values.companyName}
          onChange={update('companyName')}
          error={errors.companyName}
        />
        <TextField
          label={t('fields.workEmail')}
          type="email"
          name="email"
          autoComplete="email"
          inputMode="email"
          value={values.email}
          onChange={update('email')}
          error={errors.email}
        />
        <PasswordField
          label={t('fields.password')}
          name="password"
          autoComplete="new-password"
          value={values.password}
          onChange={update('password')}
          error={errors.password}
          hint={<PasswordStrength password={values.password} />}
          showLabel={t('password.show')}
          hideLabel={t('password.hide')}
        />
        <Button type="submit" size="lg" block loading={register.isPending}>
          {t('auth.signup.submit')}
        </Button>
        <p className="form__fineprint">{t('auth.signup.terms')}</p>
      </form>
    </AuthLayout>
  );
}
