import { useState } from 'react';
import { errorMessage } from '../../shared/api/error-message';
import { fieldErrorsOf } from '../../shared/api/errors';
import { useT } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Button } from '../../shared/ui/Button';
import { Dialog } from '../../shared/ui/Dialog';
import { TextAreaField } from '../../shared/ui/Field';
import { checkReason, REASON_MAX, REASON_MIN } from './format';

/**
 * Asks why before an operator's action (it goes to the audit log), then runs it;
 * the dialog stays open with the server's answer when the action fails.
 */
export function ReasonDialog({
  title,
  description,
  confirmLabel,
  pending,
  error,
  onConfirm,
  onClose,
}: {
  title: string;
  description: string;
  confirmLabel: string;
  pending: boolean;
  error: unknown;
  onConfirm: (reason: string) => void;
  onClose: () => void;
}) {
  const t = useT();
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const problem = checkReason(reason);
  const serverField = fieldErrorsOf(error, t).reason;
  const fieldError =
    (touched && problem === 'short' ? t('admin.reason.short', { min: REASON_MIN }) : undefined) ??
    (problem === 'long' ? t('admin.reason.long', { max: REASON_MAX }) : undefined) ??
    serverField;
  const formId = 'admin-reason-form';
  return (
    <Dialog
      title={title}
      description={description}
      closeLabel={t('common.cancel')}
      onClose={onClose}
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button variant="danger" type="submit" form={formId} loading={pending}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      <form
        id={formId}
        className="stack-sm"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          setTouched(true);
          if (problem) return;
          onConfirm(reason.trim());
        }}
      >
        <TextAreaField
          label={t('admin.reason.label')}
          hint={t('admin.reason.hint')}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          error={fieldError}
          rows={3}
          maxLength={REASON_MAX + 50}
          required
          autoFocus
        />
        {error !== null && error !== undefined && !serverField && <Alert tone="danger">{errorMessage(error, t)}</Alert>}
      </form>
    </Dialog>
  );
}
