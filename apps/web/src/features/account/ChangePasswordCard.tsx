import { ChangePasswordBody } from '@commpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { errorMessage } from '../../shared/api/error-message';
import { fieldErrorsOf, isApiError, isShownOnField } from '../../shared/api/errors';
import { focusFirstInvalid, validate, type FieldErrors } from '../../shared/forms/validate';
import { useT } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Button } from '../../shared/ui/Button';
import { Card } from '../../shared/ui/Card';
import { PasswordField } from '../../shared/ui/Field';
import { PasswordStrength } from '../../shared/ui/PasswordStrength';
import { queryKeys, authApi } from '../auth/api';

const EMPTY = { currentPassword: '', newPassword: '' };

export function ChangePasswordCard() {
  const t = useT();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});

  const change = useMutation({
    mutationFn: authApi.changePassword,
    onSuccess: () => {
      setValues(EMPTY);
      void queryClient.invalidateQueries({ queryKey: queryKeys.sessions });
    },
    onError: (error) => {
      const fields = fieldErrorsOf(error, t);
      if (isApiError(error, 'INVALID_CREDENTIALS')) fields.currentPassword = t('settings.password.wrongCurrent');
      setErrors(fields);
      focusFirstInvalid(formRef.current);
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const result = validate(ChangePasswordBody, values, t);
    if (!result.ok) {
      setErrors(result.errors);
      focusFirstInvalid(formRef.current);
      return;
    }
    if (values.currentPassword === values.newPassword) {
      setErrors({ newPassword: t('settings.password.same') });
      focusFirstInvalid(formRef.current);
      return;
    }
    setErrors({});
    change.mutate(result.data);
  };

  const set = (field: keyof typeof EMPTY, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
    if (change.isSuccess) change.reset();
  };

  const bannerError =
    change.isError &&
    !isShownOnField(change.error, Object.keys(EMPTY)) &&
    !isApiError(change.error, 'INVALID_CREDENTIALS')
      ? change.error
      : null;

  return (
    <Card id="password" title={t('settings.password.title')} description={t('settings.password.description')}>
      <form ref={formRef} className="form" onSubmit={onSubmit} noValidate>
        {change.isSuccess && <Alert tone="success">{t('settings.password.changed')}</Alert>}
        {bannerError && <Alert tone="danger">{errorMessage(bannerError, t)}</Alert>}
        <PasswordField
          label={t('fields.currentPassword')}
          name="currentPassword"
          autoComplete="current-password"
          value={values.currentPassword}
          onChange={(e) => set('currentPassword', e.target.value)}
          error={errors.currentPassword}
          showLabel={t('password.show')}
          hideLabel={t('password.hide')}
        />
        <PasswordField
          label={t('fields.newPassword')}
          name="newPassword"
          autoComplete="new-password"
          value={values.newPassword}
          onChange={(e) => set('newPassword', e.target.value)}
          error={errors.newPassword}
          hint={<PasswordStrength password={values.newPassword} />}
          showLabel={t('password.show')}
          hideLabel={t('password.hide')}
        />
        <div className="form__actions">
          <Button type="submit" loading={change.isPending} disabled={!values.currentPassword || !values.newPassword}>
            {t('settings.password.submit')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
