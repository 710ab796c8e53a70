import type { Device, NotificationPreferences, NotificationType } from '@commpro/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Monitor, Smartphone } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { getDeviceId } from '../../shared/api/device';
import { errorMessage } from '../../shared/api/error-message';
import { formatDateTime, formatRelative } from '../../shared/i18n/format';
import { useI18n, useT } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Badge } from '../../shared/ui/Badge';
import { Button } from '../../shared/ui/Button';
import { Card } from '../../shared/ui/Card';
import { TextField } from '../../shared/ui/Field';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { useToast } from '../../shared/ui/Toast';
import { useMe } from '../auth/auth-context';
import { SectionTitle } from '../account/SettingsLayout';
import { lineLabel } from '../messages/MessagesLayout';
import { formatPhone } from '../numbers/format';
import { useMyNumbers } from '../numbers/use-numbers';
import { notificationsApi, notificationsKeys } from './api';
import { useEnablePush } from './PushPrompt';
import {
  formatClockTime,
  isOvernight,
  quietHoursForm,
  validateQuietHours,
  type QuietHoursError,
  type QuietHoursForm,
} from './quiet-hours';
import { Switch } from './Switch';
import { needsHomeScreen, pushRegistration } from './use-push';
import './notifications.css';

const TYPES: NotificationType[] = ['CALL_MISSED', 'MESSAGE_RECEIVED', 'VOICEMAIL', 'BILLING', 'SYSTEM'];

/** Settings › Notifications: push on this device, what pushes, quiet hours, muted lines, devices. */
export function NotificationsSection() {
  const t = useT();
  const preferences = useQuery({ queryKey: notificationsKeys.preferences, queryFn: notificationsApi.preferences });
  const save = useSavePreferences();
  const prefs = preferences.data;
  return (
    <div className="section">
      <SectionTitle title={t('notifications.settings.title')} description={t('notifications.settings.description')} />
      <ThisDeviceCard />
      {preferences.isPending && <LoadingBlock label={t('common.loading')} />}
      {preferences.isError && <Alert tone="danger">{errorMessage(preferences.error, t)}</Alert>}
      {save.isError && <Alert tone="danger">{errorMessage(save.error, t)}</Alert>}
      {prefs && (
        <>
          <Card title={t('notifications.settings.types')} description={t('notifications.settings.typesHint')}>
            <div className="switch-list">
              {TYPES.map((type) => (
                <Switch
                  key={type}
                  label={t(`notifications.settings.type.${type}`)}
                  checked={prefs.push[type]}
                  onChange={(on) => save.mutate({ ...prefs, push: { ...prefs.push, [type]: on } })}
                />
              ))}
            </div>
          </Card>
          <QuietHoursCard
            key={JSON.stringify(prefs.quietHours)}
            saved={prefs.quietHours}
            onSave={(quietHours, options) => save.mutate({ ...prefs, quietHours }, options)}
            saving={save.isPending}
          />
          <MutedLinesCard
            muted={prefs.mutedNumberIds}
            onChange={(mutedNumberIds) => save.mutate({ ...prefs, mutedNumberIds })}
          />
        </>
      )}
      <DevicesCard />
    </div>
  );
}

/** Applies at once on screen; put back as it was if the server refuses. */
function useSavePreferences() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (next: NotificationPreferences) => notificationsApi.setPreferences(next),
    onMutate: async (next) => {
      await queryClient.cancelQueries({ queryKey: notificationsKeys.preferences });
      const previous = queryClient.getQueryData<NotificationPreferences>(notificationsKeys.preferences);
      queryClient.setQueryData(notificationsKeys.preferences, next);
      return { previous };
    },
    onError: (_error, _next, context) => {
      if (context?.previous) queryClient.setQueryData(notificationsKeys.preferences, context.previous);
    },
    onSuccess: (saved) => queryClient.setQueryData(notificationsKeys.preferences, saved),
  });
}

function ThisDeviceCard() {
  const t = useT();
  const { push, enable } = useEnablePush();
  const state = push.state;
  const hint =
    state === 'unsupported'
      ? needsHomeScreen()
        ? t('notifications.settings.homeScreen')
        : t('notifications.settings.unsupported')
      : state === 'denied'
        ? t('notifications.prompt.denied')
        : t('notifications.settings.deviceHint');
  return (
    <Card title={t('notifications.settings.device')}>
      <Switch
        label={t('notifications.settings.pushSwitch')}
        hint={hint}
        checked={state === 'on'}
        disabled={state === undefined || state === 'unsupported' || state === 'denied'}
        busy={push.enable.isPending || push.disable.isPending}
        onChange={(on) => (on ? enable() : push.disable.mutate())}
      />
      {push.disable.isError && <Alert tone="danger">{errorMessage(push.disable.error, t)}</Alert>}
    </Card>
  );
}

const QUIET_ERRORS: Record<
  QuietHoursError,
  'notifications.settings.quietInvalid' | 'notifications.settings.quietSame'
> = {
  invalid: 'notifications.settings.quietInvalid',
  same: 'notifications.settings.quietSame',
};

function QuietHoursCard({
  saved,
  onSave,
  saving,
}: {
  saved: NotificationPreferences['quietHours'];
  onSave: (quietHours: NotificationPreferences['quietHours'], options?: { onSuccess?: () => void }) => void;
  saving: boolean;
}) {
  const { t, locale } = useI18n();
  const toast = useToast();
  const timeZone = useMe().data?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const [form, setForm] = useState<QuietHoursForm>(() => quietHoursForm(saved));
  const [errors, setErrors] = useState<Partial<Record<'start' | 'end', QuietHoursError>>>({});
  const changed = saved !== null && (form.start !== saved.start || form.end !== saved.end);

  const set = (field: 'start' | 'end', value: string) => {
    setForm((current) => ({ ...current, [field]: value }));
    setErrors((current) => ({ ...current, [field]: undefined }));
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const result = validateQuietHours(form);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    onSave(result.value, { onSuccess: () => toast(t('notifications.settings.saved')) });
  };

  return (
    <Card
      title={t('notifications.settings.quiet')}
      description={t('notifications.settings.quietHint', { timeZone: timeZone.replace(/_/g, ' ') })}
    >
      <Switch
        label={t('notifications.settings.quietSwitch')}
        checked={form.enabled}
        busy={saving}
        onChange={(on) => {
          // On: the suggested hours apply at once, to adjust below; off: push at any hour again.
          const next = { ...form, enabled: on };
          setForm(next);
          setErrors({});
          const result = validateQuietHours(next);
          if (result.ok) onSave(result.value);
        }}
      />
      {form.enabled && (
        <form className="quiet-hours" onSubmit={submit} noValidate>
          <div className="quiet-hours__times">
            <TextField
              label={t('notifications.settings.quietStart')}
              type="time"
              name="quiet-start"
              required
              value={form.start}
              error={errors.start && t(QUIET_ERRORS[errors.start])}
              onChange={(event) => set('start', event.target.value)}
            />
            <TextField
              label={t('notifications.settings.quietEnd')}
              type="time"
              name="quiet-end"
              required
              value={form.end}
              error={errors.end && t(QUIET_ERRORS[errors.end])}
              hint={
                form.start && form.end && isOvernight(form.start, form.end)
                  ? t('notifications.settings.quietOvernight', { end: formatClockTime(form.end, locale) })
                  : undefined
              }
              onChange={(event) => set('end', event.target.value)}
            />
          </div>
          {changed && (
            <div className="form__actions">
              <Button type="submit" size="sm" loading={saving}>
                {t('common.saveChanges')}
              </Button>
            </div>
          )}
        </form>
      )}
    </Card>
  );
}

function MutedLinesCard({ muted, onChange }: { muted: string[]; onChange: (muted: string[]) => void }) {
  const t = useT();
  const numbers = useMyNumbers();
  const lines = numbers.data ?? [];
  return (
    <Card title={t('notifications.settings.muted')} description={t('notifications.settings.mutedHint')}>
      {numbers.isPending && <LoadingBlock label={t('common.loading')} />}
      {numbers.isSuccess && lines.length === 0 && <p className="muted">{t('notifications.settings.noLines')}</p>}
      {lines.length > 0 && (
        <div className="switch-list">
          {lines.map((line) => (
            <Switch
              key={line.id}
              label={t('notifications.settings.mute', { line: lineLabel(line) })}
              hint={line.friendlyName ? formatPhone(line.phoneNumber) : undefined}
              checked={muted.includes(line.id)}
              onChange={(on) => onChange(on ? [...muted, line.id] : muted.filter((id) => id !== line.id))}
            />
          ))}
        </div>
      )}
    </Card>
  );
}

function DevicesCard() {
  const t = useT();
  const toast = useToast();
  const queryClient = useQueryClient();
  const devices = useQuery({ queryKey: notificationsKeys.devices, queryFn: notificationsApi.devices });
  const remove = useMutation({
    mutationFn: async (device: Device) => {
      await notificationsApi.removeDevice(device.id);
      // This browser: forget its subscription too, so the switch above reads off.
      if (device.deviceId === getDeviceId()) await pushRegistration.forget();
    },
    onSuccess: () => {
      toast(t('notifications.settings.removed'));
      void queryClient.invalidateQueries({ queryKey: notificationsKeys.all });
    },
  });
  const list = devices.data ?? [];
  return (
    <Card title={t('notifications.settings.devices')} description={t('notifications.settings.devicesHint')}>
      {devices.isPending && <LoadingBlock label={t('common.loading')} />}
      {devices.isError && <Alert tone="danger">{errorMessage(devices.error, t)}</Alert>}
      {remove.isError && <Alert tone="danger">{errorMessage(remove.error, t)}</Alert>}
      {devices.isSuccess && list.length === 0 && <p className="muted">{t('notifications.settings.noDevices')}</p>}
      {list.length > 0 && (
        <ul className="sessions" aria-label={t('notifications.settings.devices')}>
          {list.map((device) => (
            <DeviceRow
              key={device.id}
              device={device}
              busy={remove.isPending && remove.variables.id === device.id}
              onRemove={() => remove.mutate(device)}
            />
          ))}
        </ul>
      )}
    </Card>
  );
}

function DeviceRow({ device, busy, onRemove }: { device: Device; busy: boolean; onRemove: () => void }) {
  const { t, locale } = useI18n();
  const here = device.deviceId === getDeviceId();
  const name = device.deviceName || t(`notifications.settings.platform.${device.platform}`);
  const Icon = device.platform === 'WEB' ? Monitor : Smartphone;
  return (
    <li className="session" data-testid="push-device">
      <span className={`session__icon${here ? ' session__icon--current' : ''}`}>
        <Icon size={20} aria-hidden />
      </span>
      <div className="session__text">
        <p className="session__name">
          {name}
          {here && <Badge tone="brand">{t('notifications.settings.thisDevice')}</Badge>}
          {!device.isActive && <Badge tone="warning">{t('notifications.settings.inactive')}</Badge>}
        </p>
        <p className="session__meta" title={formatDateTime(device.lastUsedAt, locale)}>
          {t('notifications.settings.lastUsed', { when: formatRelative(device.lastUsedAt, locale) })}
        </p>
      </div>
      <Button
        variant="danger-ghost"
        size="sm"
        loading={busy}
        aria-label={t('notifications.settings.removeNamed', { name })}
        onClick={onRemove}
      >
        {t('notifications.settings.remove')}
      </Button>
    </li>
  );
}
