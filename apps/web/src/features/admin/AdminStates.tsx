import { ShieldX } from 'lucide-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../shared/api/error-message';
import { useT } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Button } from '../../shared/ui/Button';
import { useDocumentTitle } from '../../shared/ui/use-document-title';
import { isForbidden } from './use-admin';

/** For someone who is not an administrator: the console exists, but not for them. */
export function NotAllowed() {
  const t = useT();
  useDocumentTitle(t('admin.forbidden.title'));
  return (
    <div className="page">
      <div className="page__body">
        <div className="empty admin-forbidden">
          <ShieldX size={48} aria-hidden className="admin-forbidden__icon" />
          <h1 className="empty__title" id="page-title" tabIndex={-1}>
            {t('admin.forbidden.title')}
          </h1>
          <p className="empty__text">{t('admin.forbidden.text')}</p>
          <div className="empty__actions">
            <Link className="btn btn--secondary btn--md" to="/messages">
              {t('admin.forbidden.back')}
            </Link>
          </div>
        </div>
      </div>
    </div>
  );
}

/** A section that failed to load: "not allowed" for a 403, else the reason and a retry. */
export function LoadError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const t = useT();
  if (isForbidden(error))
    return (
      <Alert tone="danger" title={t('admin.forbidden.title')}>
        {t('admin.forbidden.text')}
      </Alert>
    );
  return (
    <Alert tone="danger" title={t('admin.loadFailed')}>
      <p>{errorMessage(error, t)}</p>
      <Button variant="secondary" size="sm" onClick={onRetry}>
        {t('common.retry')}
      </Button>
    </Alert>
  );
}

/** One section of the console: a heading (the document title too) over its content. */
export function AdminSection({
  title,
  actions,
  children,
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  useDocumentTitle(`${title} · Admin`);
  return (
    <section className="admin-section" aria-labelledby="admin-section-title">
      <header className="admin-section__header">
        <h2 className="admin-section__title" id="admin-section-title">
          {title}
        </h2>
        {actions && <div className="admin-section__actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}
