import { useT } from '../../shared/i18n/i18n';
import { Button } from '../../shared/ui/Button';

export const PAGE_SIZE = 50;

/** Previous / next over a list the server pages; hidden when everything fits on one page. */
export function Pager({
  offset,
  total,
  onChange,
}: {
  offset: number;
  total: number;
  onChange: (offset: number) => void;
}) {
  const t = useT();
  if (total <= PAGE_SIZE) return null;
  return (
    <nav className="admin-pager" aria-label={t('admin.pager.label')}>
      <Button
        variant="secondary"
        size="sm"
        disabled={offset === 0}
        onClick={() => onChange(Math.max(0, offset - PAGE_SIZE))}
      >
        {t('admin.pager.previous')}
      </Button>
      <span className="muted">
        {t('admin.pager.range', { from: offset + 1, to: Math.min(total, offset + PAGE_SIZE), total })}
      </span>
      <Button
        variant="secondary"
        size="sm"
        disabled={offset + PAGE_SIZE >= total}
        onClick={() => onChange(offset + PAGE_SIZE)}
      >
        {t('admin.pager.next')}
      </Button>
    </nav>
  );
}
