import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useT } from '../../shared/i18n/i18n';
import { LoadingBlock } from '../../shared/ui/Spinner';
import { LoadError } from './AdminStates';
import { Pager } from './Pager';

/** The lists whose messages follow `<list>.count`, `<list>.countOne` and `<list>.none`. */
type ListMessages = 'admin.users' | 'admin.numbers' | 'admin.webhooks';

/**
 * One page of an admin list: loading, the load error, the count, "none" when the page is empty,
 * else the table, then the pager.
 */
export function AdminList<Page extends { total: number }>({
  query,
  messages,
  isEmpty,
  offset,
  onOffsetChange,
  children,
}: {
  query: UseQueryResult<Page, unknown>;
  messages: ListMessages;
  isEmpty: (page: Page) => boolean;
  offset: number;
  onOffsetChange: (offset: number) => void;
  children: (page: Page) => ReactNode;
}) {
  const t = useT();
  if (query.isPending) return <LoadingBlock label={t('common.loading')} />;
  if (query.isError) return <LoadError error={query.error} onRetry={() => void query.refetch()} />;
  const page = query.data;
  return (
    <>
      <p className="admin-count" aria-live="polite">
        {page.total === 1 ? t(`${messages}.countOne`) : t(`${messages}.count`, { count: page.total })}
      </p>
      {isEmpty(page) ? (
        <p className="muted">{t(`${messages}.none`)}</p>
      ) : (
        <AdminTableWrap stale={query.isPlaceholderData}>{children(page)}</AdminTableWrap>
      )}
      <Pager offset={offset} total={page.total} onChange={onOffsetChange} />
    </>
  );
}

/** Holds a table; while a new filter loads, the previous results stay dimmed and marked busy. */
export function AdminTableWrap({ stale = false, children }: { stale?: boolean; children: ReactNode }) {
  return (
    <div className={`admin-table-wrap${stale ? ' admin-table-wrap--stale' : ''}`} aria-busy={stale || undefined}>
      {children}
    </div>
  );
}
