import { ChevronLeft } from 'lucide-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useDocumentTitle } from './use-document-title';

/** A screen inside the app shell: a header with the title (and an optional back link) over the content. */
export function Page({
  title,
  back,
  actions,
  children,
  wide = false,
}: {
  title: string;
  back?: { to: string; label: string } | undefined;
  actions?: ReactNode;
  children: ReactNode;
  wide?: boolean;
}) {
  useDocumentTitle(title);
  return (
    <div className={`page${wide ? ' page--wide' : ''}`}>
      <header className="page__header">
        {back && (
          <Link className="page__back" to={back.to}>
            <ChevronLeft size={20} aria-hidden />
            <span>{back.label}</span>
          </Link>
        )}
        <h1 className="page__title" id="page-title" tabIndex={-1}>
          {title}
        </h1>
        {actions && <div className="page__actions">{actions}</div>}
      </header>
      <div className="page__body">{children}</div>
    </div>
  );
}
