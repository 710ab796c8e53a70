import { Link } from 'react-router';
import { formatDateTime } from '../../shared/i18n/format';
import { useI18n } from '../../shared/i18n/i18n';
import { Button } from '../../shared/ui/Button';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { AdminTableWrap } from './AdminList';
import { AdminSection, LoadError } from './AdminStates';
import { detailsText } from './format';
import { useAudit } from './use-admin';

export function AuditPage() {
  const { t, locale } = useI18n();
  const audit = useAudit();
  const entries = audit.data?.pages.flatMap((page) => page.entries) ?? [];
  return (
    <AdminSection title={t('admin.nav.audit')}>
      {audit.isPending ? (
        <LoadingBlock label={t('common.loading')} />
      ) : audit.isError ? (
        <LoadError error={audit.error} onRetry={() => void audit.refetch()} />
      ) : entries.length === 0 ? (
        <p className="muted">{t('admin.audit.none')}</p>
      ) : (
        <>
          <AdminTableWrap>
            <table className="admin-table admin-table--cards">
              <thead>
                <tr>
                  <th scope="col">{t('admin.audit.when')}</th>
                  <th scope="col">{t('admin.audit.actor')}</th>
                  <th scope="col">{t('admin.audit.action')}</th>
                  <th scope="col">{t('admin.audit.target')}</th>
                  <th scope="col">{t('admin.audit.details')}</th>
                  <th scope="col">{t('admin.audit.from')}</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => (
                  <tr key={entry.id}>
                    <th scope="row" data-label={t('admin.audit.when')}>
                      {formatDateTime(entry.createdAt, locale)}
                    </th>
                    <td data-label={t('admin.audit.actor')}>{entry.actor.email ?? t('admin.audit.system')}</td>
                    <td data-label={t('admin.audit.action')} className="admin-mono">
                      {entry.action}
                    </td>
                    <td data-label={t('admin.audit.target')}>
                      {entry.targetType}
                      {entry.targetId &&
                        (entry.targetType === 'user' ? (
                          <Link to={`/admin/users/${entry.targetId}`} className="admin-table__secondary admin-mono">
                            {entry.targetId}
                          </Link>
                        ) : (
                          <span className="admin-table__secondary admin-mono">{entry.targetId}</span>
                        ))}
                    </td>
                    <td data-label={t('admin.audit.details')}>{detailsText(entry.details) || '—'}</td>
                    <td data-label={t('admin.audit.from')}>{entry.ipAddress ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </AdminTableWrap>
          {audit.hasNextPage && (
            <Button variant="secondary" loading={audit.isFetchingNextPage} onClick={() => void audit.fetchNextPage()}>
              {t('admin.audit.more')}
            </Button>
          )}
        </>
      )}
    </AdminSection>
  );
}
