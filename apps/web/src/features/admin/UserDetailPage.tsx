import { PLAN_TIERS, type AdminUserDetail, type PlanTier } from '@commpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ChevronLeft, ShieldOff, UserCheck, UserX } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { errorMessage } from '../../shared/api/error-message';
import { formatDateTime, formatRelative } from '../../shared/i18n/format';
import { useI18n } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Badge } from '../../shared/ui/Badge';
import { Button } from '../../shared/ui/Button';
import { Card } from '../../shared/ui/Card';
import { SelectField } from '../../shared/ui/Field';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { useToast } from '../../shared/ui/Toast';
import { countryName, formatDate, formatPhone } from '../numbers/format';
import { AdminSection, LoadError } from './AdminStates';
import { adminApi } from './api';
import { personName } from './format';
import { ReasonDialog } from './ReasonDialog';
import { refreshAdmin, useAdminUser } from './use-admin';

export function UserDetailPage() {
  const { t } = useI18n();
  const { userId = '' } = useParams();
  const detail = useAdminUser(userId);
  const back = (
    <Link className="admin-back" to="/admin/users">
      <ChevronLeft size={18} aria-hidden />
      {t('admin.users.back')}
    </Link>
  );
  if (detail.isPending) return <LoadingBlock label={t('common.loading')} />;
  if (detail.isError)
    return (
      <div className="stack">
        {back}
        <LoadError error={detail.error} onRetry={() => void detail.refetch()} />
      </div>
    );
  return (
    <AdminSection title={personName(detail.data.user)} actions={back}>
      <UserDetail data={detail.data} />
    </AdminSection>
  );
}

type Pending = 'suspend' | 'reset-2fa' | null;

function UserDetail({ data }: { data: AdminUserDetail }) {
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [dialog, setDialog] = useState<Pending>(null);
  const userId = data.user.id;
  const done = (message: string) => {
    setDialog(null);
    refreshAdmin(queryClient);
    toast(message);
  };
  const suspend = useMutation({
    mutationFn: (reason: string) => adminApi.suspendUser(userId, reason),
    onSuccess: () => done(t('admin.users.suspended')),
  });
  const reactivate = useMutation({
    mutationFn: () => adminApi.reactivateUser(userId),
    onSuccess: () => done(t('admin.users.reactivated')),
  });
  const resetTwoFactor = useMutation({
    mutationFn: (reason: string) => adminApi.resetTwoFactor(userId, reason),
    onSuccess: () => done(t('admin.users.twoFactorReset')),
  });
  const suspended = data.status === 'SUSPENDED';

  return (
    <div className="admin-detail">
      <div className="admin-detail__actions button-row">
        {suspended ? (
          <Button
            variant="primary"
            icon={<UserCheck size={16} aria-hidden />}
            loading={reactivate.isPending}
            onClick={() => reactivate.mutate()}
          >
            {t('admin.users.reactivate')}
          </Button>
        ) : (
          <Button
            variant="danger"
            icon={<UserX size={16} aria-hidden />}
            onClick={() => {
              suspend.reset();
              setDialog('suspend');
            }}
          >
            {t('admin.users.suspend')}
          </Button>
        )}
        <Button
          variant="secondary"
          icon={<ShieldOff size={16} aria-hidden />}
          disabled={!data.user.twoFaEnabled}
          title={data.user.twoFaEnabled ? undefined : t('admin.users.twoFactorOff')}
          onClick={() => {
            resetTwoFactor.reset();
            setDialog('reset-2fa');
          }}
        >
          {t('admin.users.resetTwoFactor')}
        </Button>
      </div>
      {reactivate.isError && <Alert tone="danger">{errorMessage(reactivate.error, t)}</Alert>}
      {suspended && (
        <Alert tone="warning" title={t('admin.users.suspendedTitle')}>
          {data.suspendedAt && <p>{formatDateTime(data.suspendedAt, locale)}</p>}
          {data.suspendedReason && <p>{t('admin.users.reasonWas', { reason: data.suspendedReason })}</p>}
        </Alert>
      )}

      <div className="admin-detail__grid">
        <Card title={t('admin.users.profile')}>
          <dl className="admin-facts">
            <Fact label={t('admin.users.email')}>{data.user.email}</Fact>
            <Fact label={t('admin.users.company')}>{data.user.companyName ?? '—'}</Fact>
            <Fact label={t('admin.users.phone')}>
              {data.user.phoneNumber ? formatPhone(data.user.phoneNumber) : '—'}
            </Fact>
            <Fact label={t('admin.users.role')}>{data.user.role}</Fact>
            <Fact label={t('admin.users.status')}>
              <Badge tone={suspended ? 'danger' : 'success'}>{t(`admin.status.${data.status}`)}</Badge>
            </Fact>
            <Fact label={t('admin.users.emailVerified')}>
              {data.user.emailVerified ? t('admin.yes') : t('admin.no')}
            </Fact>
            <Fact label={t('admin.users.twoFactor')}>{data.user.twoFaEnabled ? t('admin.yes') : t('admin.no')}</Fact>
            <Fact label={t('admin.users.created')}>{formatDate(data.user.createdAt, locale)}</Fact>
            <Fact label={t('admin.users.lastLogin')}>
              {data.user.lastLogin ? formatRelative(data.user.lastLogin, locale) : t('admin.never')}
            </Fact>
          </dl>
        </Card>

        <PlanCard data={data} onChanged={() => done(t('admin.users.planChanged'))} />

        <Card title={t('admin.users.usage')}>
          <dl className="admin-facts">
            <Fact label={t('admin.users.usageSms')}>{data.usage.sms}</Fact>
            <Fact label={t('admin.users.usageMms')}>{data.usage.mms}</Fact>
            <Fact label={t('admin.users.usageMinutes')}>{data.usage.minutes}</Fact>
            <Fact label={t('admin.users.usageNumbers')}>{data.usage.numbers}</Fact>
          </dl>
        </Card>

        <Card title={t('admin.users.numbersTitle')}>
          {data.numbers.length === 0 ? (
            <p className="muted">{t('admin.users.noNumbers')}</p>
          ) : (
            <ul className="admin-list">
              {data.numbers.map((number) => (
                <li key={number.id} className="admin-list__row">
                  <span className="admin-mono">{formatPhone(number.phoneNumber)}</span>
                  <span className="muted">{countryName(number.countryCode, locale)}</span>
                  <span className="admin-list__value">
                    <Badge tone={number.status === 'ACTIVE' ? 'success' : 'neutral'}>
                      {t(`numbers.status.${number.status}`)}
                    </Badge>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>

        <Card title={t('admin.users.sessions')}>
          {data.sessions.length === 0 ? (
            <p className="muted">{t('admin.users.noSessions')}</p>
          ) : (
            <ul className="admin-list">
              {data.sessions.map((session) => (
                <li key={session.id} className="admin-list__row admin-list__row--stacked">
                  <span>{session.deviceName ?? session.userAgent ?? t('admin.users.unknownDevice')}</span>
                  <span className="muted">
                    {[
                      session.ipAddress,
                      t('admin.users.lastUsed', { when: formatRelative(session.lastUsedAt, locale) }),
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>

      {dialog === 'suspend' && (
        <ReasonDialog
          title={t('admin.users.suspendTitle', { name: personName(data.user) })}
          description={t('admin.users.suspendText')}
          confirmLabel={t('admin.users.suspend')}
          pending={suspend.isPending}
          error={suspend.error}
          onConfirm={(reason) => suspend.mutate(reason)}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'reset-2fa' && (
        <ReasonDialog
          title={t('admin.users.resetTwoFactorTitle', { name: personName(data.user) })}
          description={t('admin.users.resetTwoFactorText')}
          confirmLabel={t('admin.users.resetTwoFactor')}
          pending={resetTwoFactor.isPending}
          error={resetTwoFactor.error}
          onConfirm={(reason) => resetTwoFactor.mutate(reason)}
          onClose={() => setDialog(null)}
        />
      )}
    </div>
  );
}

function PlanCard({ data, onChanged }: { data: AdminUserDetail; onChanged: () => void }) {
  const { t, locale } = useI18n();
  const [tier, setTier] = useState<PlanTier>(data.subscription.plan);
  const change = useMutation({
    mutationFn: () => adminApi.setPlan(data.user.id, tier),
    onSuccess: onChanged,
  });
  return (
    <Card title={t('admin.users.planTitle')}>
      <dl className="admin-facts">
        <Fact label={t('admin.users.plan')}>{t(`numbers.plan.${data.subscription.plan}`)}</Fact>
        <Fact label={t('admin.users.subscriptionStatus')}>{t(`billing.status.${data.subscription.status}`)}</Fact>
        <Fact label={t('admin.users.interval')}>{t(`admin.interval.${data.subscription.interval}`)}</Fact>
        <Fact label={t('admin.users.periodEnd')}>
          {formatDate(data.subscription.currentPeriodEnd, locale)}
          {data.subscription.cancelAtPeriodEnd && ` · ${t('admin.users.cancelsAtEnd')}`}
        </Fact>
      </dl>
      <form
        className="admin-inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          change.mutate();
        }}
      >
        <SelectField
          label={t('admin.users.changePlan')}
          value={tier}
          onChange={(event) => setTier(event.target.value as PlanTier)}
        >
          {PLAN_TIERS.map((option) => (
            <option key={option} value={option}>
              {t(`numbers.plan.${option}`)}
            </option>
          ))}
        </SelectField>
        <Button type="submit" variant="secondary" loading={change.isPending} disabled={tier === data.subscription.plan}>
          {t('admin.users.applyPlan')}
        </Button>
      </form>
      {change.isError && <Alert tone="danger">{errorMessage(change.error, t)}</Alert>}
    </Card>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="admin-facts__row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
