import type { ReactNode } from 'react';

interface CardProps {
  title?: ReactNode;
  description?: ReactNode;
  /** Shown at the right of the title (a badge, a button). */
  aside?: ReactNode;
  footer?: ReactNode;
  children?: ReactNode;
  id?: string;
  className?: string;
}

export function Card({ title, description, aside, footer, children, id, className }: CardProps) {
  const titleId = id ? `${id}-title` : undefined;
  return (
    <section className={['card', className].filter(Boolean).join(' ')} id={id} aria-labelledby={titleId}>
      {(title || aside) && (
        <header className="card__header">
          <div className="card__heading">
            {title && (
              <h2 className="card__title" id={titleId}>
                {title}
              </h2>
            )}
            {description && <p className="card__description">{description}</p>}
          </div>
          {aside && <div className="card__aside">{aside}</div>}
        </header>
      )}
      {children !== undefined && <div className="card__body">{children}</div>}
      {footer && <footer className="card__footer">{footer}</footer>}
    </section>
  );
}
