import { UpdateMeBody, type User } from '@commpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { BadgeCheck, CircleAlert, Mail } from 'lucide-react';
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { errorMessage } from '../../shared/api/error-message';
import { fieldErrorsOf, isShownOnField } from '../../shared/api/errors';
import { focusFirstInvalid, validate, type FieldErrors } from '../../shared/forms/validate';
import { browserTimeZone, timeZoneOptions, utcOffset } from '../../shared/i18n/format';
import { useT } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Avatar } from '../../shared/ui/Avatar';
import { Badge } from '../../shared/ui/Badge';
import { Button } from '../../shared/ui/Button';
import { Card } from '../../shared/ui/Card';
import { SelectField, TextField } from '../../shared/ui/Field';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { useToast } from '../../shared/ui/Toast';
import { authApi, queryKeys } from '../auth/api';
import { useMe } from '../auth/auth-context';
import { displayName } from './display-name';
import { SectionTitle } from './SettingsLayout';

export function ProfileSection() {
  const t = useT();
  const me = useMe();
  return (
    <div className="section">
      <SectionTitle title={t('settings.profile.title')} description={t('settings.profile.description')} />
      {me.data ? (
        <>
          <ProfileForm key={me.data.updatedAt} user={me.data} />
          <EmailCard user={me.data} />
        </>
      ) : me.isError ? (
        <Alert tone="danger">{errorMessage(me.error, t)}</Alert>
      ) : (
        <LoadingBlock label={t('common.loading')} />
      )}
    </div>
  );
}

type ProfileValues = { firstName: string; lastName: string; companyName: string; timezone: string };

function ProfileForm({ user }: { user: User }) {
  const t = useT();
  const toast = useToast();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const initial: ProfileValues = {
    firstName: user.firstName ?? '',
    lastName: user.lastName ?? '',
    companyName: user.companyName ?? '',
    timezone: user.timezone,
  };
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const dirty = (Object.keys(initial) as (keyof ProfileValues)[]).some((key) => values[key] !== initial[key]);

  const zones = useMemo(() => {
    const options = timeZoneOptions();
    return options.some((zone) => zone.value === user.timezone)
      ? options
      : [{ value: user.timezone, label: `${user.timezone} (${utcOffset(user.timezone)})` }, ...options];
  }, [user.timezone]);
  const deviceZone = browserTimeZone();

  const save = useMutation({
    mutationFn: authApi.updateMe,
    onSuccess: (updated) => {
      queryClient.setQueryData(queryKeys.me, updated);
      toast(t('settings.profile.saved'));
    },
    onError: (error) => {
      setErrors(fieldErrorsOf(error, t));
      focusFirstInvalid(formRef.current);
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const body = {
      firstName: values.firstName.trim() || null,
      lastName: values.lastName.trim() || null,
      companyName: values.companyName.trim() || null,
      timezone: values.timezone,
    };
    const result = validate(UpdateMeBody, body, t);
    if (!result.ok) {
      setErrors(result.errors);
      focusFirstInvalid(formRef.current);
      return;
    }
    setErrors({});
    save.mutate(result.data);
  };

  const set = (field: keyof ProfileValues, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };

  const bannerError = save.isError && !isShownOnField(save.error, Object.keys(initial)) ? save.error : null;

  return (
    <Card title={t('settings.profile.personal')} id="profile">
      <form ref={formRef} className="form" onSubmit={onSubmit} noValidate>
        <div className="profile-identity">
          <Avatar name={displayName(user)} size={56} />
          <div>
            <p className="profile-identity__name">{displayName(user)}</p>
            <p className="profile-identity__meta">{user.companyName || t('settings.profile.noCompany')}</p>
          </div>
        </div>
        {bannerError && <Alert tone="danger">{errorMessage(bannerError, t)}</Alert>}
        <div className="form__row">
          <TextField
            label={t('fields.firstName')}
            name="firstName"
            autoComplete="given-name"
            value={values.firstName}
            onChange={(e) => set('firstName', e.target.value)}
            error={errors.firstName}
          />
          <TextField
            label={t('fields.lastName')}
            name="lastName"
            autoComplete="family-name"
            value={values.lastName}
            onChange={(e) => set('lastName', e.target.value)}
            error={errors.lastName}
          />
        </div>
        <TextField
          label={t('fields.company')}
          name="companyName"
          autoComplete="organization"
          value={values.companyName}
          onChange={(e) => set('companyName', e.target.value)}
          error={errors.companyName}
        />
        <SelectField
          label={t('fields.timezone')}
          name="timezone"
          value={values.timezone}
          onChange={(e) => set('timezone', e.target.value)}
          error={errors.timezone}
          hint={
            deviceZone && deviceZone !== values.timezone ? (
              <>
                {t('settings.profile.deviceZone', { zone: deviceZone.replace(/_/g, ' ') })}{' '}
                <button type="button" className="link-button" onClick={() => set('timezone', deviceZone)}>
                  {t('settings.profile.useDeviceZone')}
                </button>
              </>
            ) : (
              t('settings.profile.timezoneHint')
            )
          }
        >
          {zones.map((zone) => (
            <option key={zone.value} value={zone.value}>
              {zone.label}
            </option>
          ))}
        </SelectField>
        <div className="form__actions">
          {dirty && (
            <Button type="button" variant="ghost" disabled={save.isPending} onClick={() => setValues(initial)}>
              {t('common.cancel')}
            </Button>
          )}
          <Button type="submit" disabled={!dirty} loading={save.isPending}>
            {t('common.saveChanges')}
          </Button>
        </div>
      </form>
    </Card>
  );
}

function EmailCard({ user }: { user: User }) {
  const t = useT();
  const resend = useMutation({ mutationFn: authApi.sendVerification });
  return (
    <Card
      title={t('settings.profile.emailTitle')}
      id="email"
      aside={
        user.emailVerified ? (
          <Badge tone="success" icon={<BadgeCheck size={14} aria-hidden />}>
            {t('settings.profile.verified')}
          </Badge>
        ) : (
          <Badge tone="warning" icon={<CircleAlert size={14} aria-hidden />}>
            {t('settings.profile.unverified')}
          </Badge>
        )
      }
    >
      <div className="email-row">
        <span className="email-row__icon">
          <Mail size={18} aria-hidden />
        </span>
        <div className="email-row__text">
          <p className="email-row__address" data-testid="profile-email">
            {user.email}
          </p>
          <p className="email-row__hint">
            {user.emailVerified ? t('settings.profile.verifiedText') : t('settings.profile.unverifiedText')}
          </p>
        </div>
      </div>
      {!user.emailVerified && (
        <div className="stack-sm">
          {resend.isSuccess && <Alert tone="success">{t('settings.profile.resent', { email: user.email })}</Alert>}
          {resend.isError && <Alert tone="danger">{errorMessage(resend.error, t)}</Alert>}
          <div>
            <Button variant="secondary" loading={resend.isPending} onClick={() => resend.mutate()}>
              {resend.isSuccess ? t('settings.profile.resendAgain') : t('settings.profile.resend')}
            </Button>
          </div>
        </div>
      )}
    </Card>
  );
}
