import { PortRequestBody, type PortRequestResponse } from '@commpro/contracts';
import { useMutation } from '@tanstack/react-query';
import { ArrowRightLeft } from 'lucide-react';
import { useRef, useState, type FormEvent } from 'react';
import { errorMessage } from '../../shared/api/error-message';
import { fieldErrorsOf, isShownOnField } from '../../shared/api/errors';
import { focusFirstInvalid, validate, type FieldErrors } from '../../shared/forms/validate';
import { browserTimeZone } from '../../shared/i18n/format';
import { useI18n } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Button } from '../../shared/ui/Button';
import { Card } from '../../shared/ui/Card';
import { TextField } from '../../shared/ui/Field';
import { useMe } from '../auth/auth-context';
import { numbersApi } from './api';
import { defaultCountry, formatDate, formatPhoneInput } from './format';

type PortValues = { phoneNumber: string; currentProvider: string; accountNumber: string; pin: string };
const EMPTY: PortValues = { phoneNumber: '', currentProvider: '', accountNumber: '', pin: '' };
const FIELDS = Object.keys(EMPTY);

/** "Bring your number": asks to transfer a number the person already has at another provider. */
export function PortRequestCard() {
  const { t, locale } = useI18n();
  const me = useMe().data;
  // A number written without its +code is read in the person's country.
  const country = defaultCountry(me?.timezone ?? browserTimeZone());
  const formRef = useRef<HTMLFormElement>(null);
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [done, setDone] = useState<(PortRequestResponse & { phoneNumber: string }) | null>(null);

  const submit = useMutation({
    mutationFn: numbersApi.portRequest,
    onSuccess: (response, body) => {
      setDone({ ...response, phoneNumber: body.phoneNumber });
      setOpen(false);
      setValues(EMPTY);
    },
    onError: (error) => {
      setErrors(fieldErrorsOf(error, t));
      focusFirstInvalid(formRef.current);
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const result = validate(PortRequestBody, { ...values, pin: values.pin.trim() || undefined }, t);
    if (!result.ok) {
      setErrors(result.errors);
      focusFirstInvalid(formRef.current);
      return;
    }
    setErrors({});
    submit.mutate({ ...result.data, countryCode: country });
  };

  const set = (field: keyof PortValues, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };

  const bannerError = submit.isError && !isShownOnField(submit.error, FIELDS) ? submit.error : null;

  return (
    <Card id="port" title={t('numbers.port.title')} description={t('numbers.port.description')}>
      <div className="stack">
        {done && (
          <Alert tone="success" title={t('numbers.port.sentTitle')}>
            {t('numbers.port.sentText', {
              number: formatPhoneInput(done.phoneNumber, country),
              date: formatDate(done.estimatedCompletionDate, locale),
            })}
          </Alert>
        )}
        {open ? (
          <form ref={formRef} className="form port-form" onSubmit={onSubmit} noValidate>
            {bannerError && <Alert tone="danger">{errorMessage(bannerError, t)}</Alert>}
            <TextField
              label={t('numbers.port.phoneNumber')}
              name="phoneNumber"
              type="tel"
              autoComplete="tel"
              placeholder="+33 6 12 34 56 78"
              value={values.phoneNumber}
              onChange={(e) => set('phoneNumber', e.target.value)}
              error={errors.phoneNumber}
              autoFocus
            />
            <TextField
              label={t('numbers.port.provider')}
              name="currentProvider"
              autoComplete="off"
              placeholder="Orange, Vodafone, AT&T…"
              value={values.currentProvider}
              onChange={(e) => set('currentProvider', e.target.value)}
              error={errors.currentProvider}
            />
            <div className="form__row">
              <TextField
                label={t('numbers.port.account')}
                name="accountNumber"
                autoComplete="off"
                value={values.accountNumber}
                onChange={(e) => set('accountNumber', e.target.value)}
                error={errors.accountNumber}
              />
              <TextField
                label={t('numbers.port.pin')}
                optionalLabel={t('fields.optional')}
                name="pin"
                autoComplete="off"
                value={values.pin}
                onChange={(e) => set('pin', e.target.value)}
                error={errors.pin}
              />
            </div>
            <p className="field__hint">{t('numbers.port.hint')}</p>
            <div className="form__actions">
              <Button variant="ghost" disabled={submit.isPending} onClick={() => setOpen(false)}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={submit.isPending}>
                {t('numbers.port.submit')}
              </Button>
            </div>
          </form>
        ) : (
          <div>
            <Button variant="secondary" icon={<ArrowRightLeft size={16} aria-hidden />} onClick={() => setOpen(true)}>
              {t('numbers.port.open')}
            </Button>
          </div>
        )}
      </div>
    </Card>
  );
}
