import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { authSession } from '../../shared/api/client';
import { errorMessage } from '../../shared/api/error-message';
import { isApiError } from '../../shared/api/errors';
import { useT } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Button } from '../../shared/ui/Button';
import { Dialog } from '../../shared/ui/Dialog';
import { PasswordField, TextField } from '../../shared/ui/Field';
import { useToast } from '../../shared/ui/Toast';
import { useMe } from '../auth/auth-context';
import { privacyApi } from './privacy-api';

const FORM_ID = 'delete-account-form';

/**
 * Deleting the account asks for the password (and a 2FA code when on) and
 * says what goes and what stays; once done, this device is signed out too.
 */
export function DeleteAccountDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  const toast = useToast();
  const twoFa = useMe().data?.twoFaEnabled ?? false;
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<{ password?: string; code?: string }>({});

  const remove = useMutation({
    mutationFn: privacyApi.deleteAccount,
    onSuccess: () => {
      toast(t('settings.privacy.deleted'));
      // The server already ended every session; this device forgets its own.
      authSession.signOut('logout');
    },
    onError: (error) => {
      if (isApiError(error, 'INVALID_CREDENTIALS')) setErrors({ password: t('settings.privacy.wrongPassword') });
      else if (isApiError(error, 'INVALID_2FA_CODE')) setErrors({ code: t('errors.INVALID_2FA_CODE') });
      else if (isApiError(error, 'VALIDATION_FAILED') && error.details.some((d) => d.field === 'code')) {
        setErrors({ code: t('settings.privacy.codeRequired') });
      }
    },
  });
  const fieldError =
    isApiError(remove.error) &&
    ['INVALID_CREDENTIALS', 'INVALID_2FA_CODE', 'VALIDATION_FAILED'].includes(remove.error.code);

  function submit(event: FormEvent) {
    event.preventDefault();
    const missing = {
      ...(password ? {} : { password: t('settings.privacy.passwordRequired') }),
      ...(twoFa && !code.trim() ? { code: t('settings.privacy.codeRequired') } : {}),
    };
    setErrors(missing);
    if (Object.keys(missing).length) return;
    remove.mutate({ password, ...(twoFa ? { code: code.trim() } : {}) });
  }

  return (
    <Dialog
      title={t('settings.privacy.deleteTitle')}
      closeLabel={t('common.close')}
      onClose={() => {
        if (!remove.isPending) onClose();
      }}
      footer={
        <>
          <Button variant="secondary" disabled={remove.isPending} onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" form={FORM_ID} variant="danger" loading={remove.isPending}>
            {t('settings.privacy.deleteConfirm')}
          </Button>
        </>
      }
    >
      <form id={FORM_ID} className="form" onSubmit={submit} noValidate>
        <ul className="muted">
          <li>{t('settings.privacy.deleteNumbers')}</li>
          <li>{t('settings.privacy.deleteData')}</li>
          <li>{t('settings.privacy.deleteInvoices')}</li>
        </ul>
        {remove.isError && !fieldError && <Alert tone="danger">{errorMessage(remove.error, t)}</Alert>}
        <PasswordField
          label={t('settings.privacy.password')}
          name="password"
          autoComplete="current-password"
          autoFocus
          showLabel={t('password.show')}
          hideLabel={t('password.hide')}
          value={password}
          onChange={(event) => {
            setPassword(event.target.value);
            setErrors((e) => ({ ...e, password: undefined }));
          }}
          error={errors.password}
        />
        {twoFa && (
          <TextField
            label={t('settings.privacy.code')}
            name="code"
            className="input--code"
            autoComplete="one-time-code"
            placeholder="123456"
            maxLength={11}
            spellCheck={false}
            value={code}
            onChange={(event) => {
              setCode(event.target.value);
              setErrors((e) => ({ ...e, code: undefined }));
            }}
            error={errors.code}
          />
        )}
      </form>
    </Dialog>
  );
}
