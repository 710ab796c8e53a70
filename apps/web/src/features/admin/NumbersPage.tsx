import { COUNTRIES, type AdminNumberRow, type CountryCode } from '@commpro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { useI18n } from '../../shared/i18n/i18n';
import { Badge } from '../../shared/ui/Badge';
import { Button } from '../../shared/ui/Button';
import { SelectField, TextField } from '../../shared/ui/Field';
import { useToast } from '../../shared/ui/Toast';
import { useDebouncedValue } from '../../shared/ui/use-debounced-value';
import { countryName, formatDate, formatPhone } from '../numbers/format';
import { AdminList } from './AdminList';
import { AdminSection } from './AdminStates';
import { adminApi } from './api';
import { PAGE_SIZE } from './Pager';
import { ReasonDialog } from './ReasonDialog';
import { refreshAdmin, useAdminNumbers } from './use-admin';

const STATUSES = ['PENDING', 'ACTIVE', 'SUSPENDED', 'CANCELLED'] as const;
type Status = (typeof STATUSES)[number];
type Action = { kind: 'suspend' | 'release'; number: AdminNumberRow };

export function NumbersPage() {
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<Status | ''>('');
  const [country, setCountry] = useState<CountryCode | ''>('');
  const [offset, setOffset] = useState(0);
  const [action, setAction] = useState<Action | null>(null);
  const q = useDebouncedValue(search.trim(), 300);
  const numbers = useAdminNumbers({
    q: q || undefined,
    status: status || undefined,
    country: country || undefined,
    limit: PAGE_SIZE,
    offset,
  });
  const run = useMutation({
    mutationFn: ({ kind, id, reason }: { kind: Action['kind']; id: string; reason: string }) =>
      kind === 'suspend' ? adminApi.suspendNumber(id, reason) : adminApi.releaseNumber(id, reason),
    onSuccess: (_, { kind }) => {
      setAction(null);
      refreshAdmin(queryClient);
      toast(kind === 'suspend' ? t('admin.numbers.suspended') : t('admin.numbers.released'));
    },
  });

  return (
    <AdminSection title={t('admin.nav.numbers')}>
      <form className="admin-filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <TextField
          label={t('admin.numbers.search')}
          type="search"
          value={search}
          placeholder={t('admin.numbers.searchPlaceholder')}
          onChange={(event) => {
            setSearch(event.target.value);
            setOffset(0);
          }}
        />
        <SelectField
          label={t('admin.numbers.status')}
          value={status}
          onChange={(event) => {
            setStatus(event.target.value as Status | '');
            setOffset(0);
          }}
        >
          <option value="">{t('admin.filters.all')}</option>
          {STATUSES.map((value) => (
            <option key={value} value={value}>
              {t(`numbers.status.${value}`)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('admin.numbers.country')}
          value={country}
          onChange={(event) => {
            setCountry(event.target.value as CountryCode | '');
            setOffset(0);
          }}
        >
          <option value="">{t('admin.filters.all')}</option>
          {COUNTRIES.map((code) => (
            <option key={code} value={code}>
              {countryName(code, locale)}
            </option>
          ))}
        </SelectField>
      </form>
      <AdminList
        query={numbers}
        messages="admin.numbers"
        isEmpty={(page) => page.numbers.length === 0}
        offset={offset}
        onOffsetChange={setOffset}
      >
        {(page) => (
          <table className="admin-table admin-table--cards">
            <thead>
              <tr>
                <th scope="col">{t('admin.numbers.number')}</th>
                <th scope="col">{t('admin.numbers.country')}</th>
                <th scope="col">{t('admin.numbers.owner')}</th>
                <th scope="col">{t('admin.numbers.status')}</th>
                <th scope="col">{t('admin.numbers.purchased')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('admin.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.numbers.map((number) => (
                <tr key={number.id}>
                  <th scope="row" className="admin-mono" data-label={t('admin.numbers.number')}>
                    {formatPhone(number.phoneNumber)}
                  </th>
                  <td data-label={t('admin.numbers.country')}>{countryName(number.countryCode, locale)}</td>
                  <td data-label={t('admin.numbers.owner')}>
                    <Link to={`/admin/users/${number.owner.id}`}>{number.owner.name ?? number.owner.email}</Link>
                  </td>
                  <td data-label={t('admin.numbers.status')}>
                    <Badge
                      tone={
                        number.status === 'ACTIVE' ? 'success' : number.status === 'SUSPENDED' ? 'danger' : 'neutral'
                      }
                    >
                      {t(`numbers.status.${number.status}`)}
                    </Badge>
                  </td>
                  <td data-label={t('admin.numbers.purchased')}>{formatDate(number.purchasedAt, locale)}</td>
                  <td className="admin-table__actions">
                    {number.status === 'ACTIVE' && (
                      <Button
                        size="sm"
                        variant="secondary"
                        aria-label={t('admin.numbers.suspendNamed', { number: formatPhone(number.phoneNumber) })}
                        onClick={() => {
                          run.reset();
                          setAction({ kind: 'suspend', number });
                        }}
                      >
                        {t('admin.numbers.suspend')}
                      </Button>
                    )}
                    {number.status !== 'CANCELLED' && (
                      <Button
                        size="sm"
                        variant="danger-ghost"
                        aria-label={t('admin.numbers.releaseNamed', { number: formatPhone(number.phoneNumber) })}
                        onClick={() => {
                          run.reset();
                          setAction({ kind: 'release', number });
                        }}
                      >
                        {t('admin.numbers.release')}
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </AdminList>
      {action && (
        <ReasonDialog
          title={t(action.kind === 'suspend' ? 'admin.numbers.suspendTitle' : 'admin.numbers.releaseTitle', {
            number: formatPhone(action.number.phoneNumber),
          })}
          description={t(action.kind === 'suspend' ? 'admin.numbers.suspendText' : 'admin.numbers.releaseText')}
          confirmLabel={t(action.kind === 'suspend' ? 'admin.numbers.suspend' : 'admin.numbers.release')}
          pending={run.isPending}
          error={run.error}
          onConfirm={(reason) => run.mutate({ kind: action.kind, id: action.number.id, reason })}
          onClose={() => setAction(null)}
        />
      )}
    </AdminSection>
  );
}
