import { PLAN_TIERS, type AdminUserRow, type PlanTier } from '@commpro/contracts';
import { useState } from 'react';
import { Link } from 'react-router';
import { useI18n } from '../../shared/i18n/i18n';
import { formatRelative } from '../../shared/i18n/format';
import { Badge } from '../../shared/ui/Badge';
import { SelectField, TextField } from '../../shared/ui/Field';
import { useDebouncedValue } from '../../shared/ui/use-debounced-value';
import { formatDate } from '../numbers/format';
import { AdminList } from './AdminList';
import { AdminSection } from './AdminStates';
import { PAGE_SIZE } from './Pager';
import { personName } from './format';
import { useAdminUsers } from './use-admin';

type Status = 'ACTIVE' | 'SUSPENDED';

export function UsersPage() {
  const { t } = useI18n();
  const [search, setSearch] = useState('');
  const [plan, setPlan] = useState<PlanTier | ''>('');
  const [status, setStatus] = useState<Status | ''>('');
  const [offset, setOffset] = useState(0);
  // Ask the server once typing pauses, not on every letter.
  const q = useDebouncedValue(search.trim(), 300);
  const users = useAdminUsers({
    q: q || undefined,
    plan: plan || undefined,
    status: status || undefined,
    limit: PAGE_SIZE,
    offset,
  });

  return (
    <AdminSection title={t('admin.nav.users')}>
      <form className="admin-filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <TextField
          label={t('admin.users.search')}
          type="search"
          value={search}
          placeholder={t('admin.users.searchPlaceholder')}
          onChange={(event) => {
            setSearch(event.target.value);
            setOffset(0);
          }}
        />
        <SelectField
          label={t('admin.users.plan')}
          value={plan}
          onChange={(event) => {
            setPlan(event.target.value as PlanTier | '');
            setOffset(0);
          }}
        >
          <option value="">{t('admin.filters.all')}</option>
          {PLAN_TIERS.map((tier) => (
            <option key={tier} value={tier}>
              {t(`numbers.plan.${tier}`)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('admin.users.status')}
          value={status}
          onChange={(event) => {
            setStatus(event.target.value as Status | '');
            setOffset(0);
          }}
        >
          <option value="">{t('admin.filters.all')}</option>
          <option value="ACTIVE">{t('admin.status.ACTIVE')}</option>
          <option value="SUSPENDED">{t('admin.status.SUSPENDED')}</option>
        </SelectField>
      </form>
      <AdminList
        query={users}
        messages="admin.users"
        isEmpty={(page) => page.users.length === 0}
        offset={offset}
        onOffsetChange={setOffset}
      >
        {(page) => <UsersTable users={page.users} />}
      </AdminList>
    </AdminSection>
  );
}

function UsersTable({ users }: { users: AdminUserRow[] }) {
  const { t, locale } = useI18n();
  return (
    <table className="admin-table admin-table--cards">
      <thead>
        <tr>
          <th scope="col">{t('admin.users.name')}</th>
          <th scope="col">{t('admin.users.company')}</th>
          <th scope="col">{t('admin.users.plan')}</th>
          <th scope="col">{t('admin.users.status')}</th>
          <th scope="col" className="num">
            {t('admin.users.numbers')}
          </th>
          <th scope="col">{t('admin.users.lastLogin')}</th>
          <th scope="col">{t('admin.users.created')}</th>
        </tr>
      </thead>
      <tbody>
        {users.map((user) => (
          <tr key={user.id}>
            <th scope="row" data-label={t('admin.users.name')}>
              <Link to={`/admin/users/${user.id}`} className="admin-table__primary">
                {personName(user)}
              </Link>
              <span className="admin-table__secondary">{user.email}</span>
              {user.role === 'ADMIN' && <Badge tone="brand">{t('admin.users.admin')}</Badge>}
            </th>
            <td data-label={t('admin.users.company')}>{user.companyName ?? '—'}</td>
            <td data-label={t('admin.users.plan')}>{t(`numbers.plan.${user.plan}`)}</td>
            <td data-label={t('admin.users.status')}>
              <Badge tone={user.status === 'ACTIVE' ? 'success' : 'danger'}>{t(`admin.status.${user.status}`)}</Badge>
            </td>
            <td data-label={t('admin.users.numbers')} className="num">
              {user.numbers}
            </td>
            <td data-label={t('admin.users.lastLogin')}>
              {user.lastLogin ? formatRelative(user.lastLogin, locale) : t('admin.never')}
            </td>
            <td data-label={t('admin.users.created')}>{formatDate(user.createdAt, locale)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
