import type { ReactNode } from 'react';

export function EmptyState({
  illustration,
  title,
  text,
  children,
}: {
  illustration: ReactNode;
  title: string;
  text: string;
  children?: ReactNode;
}) {
  return (
    <div className="empty">
      <div className="empty__art" aria-hidden>
        {illustration}
      </div>
      <h2 className="empty__title">{title}</h2>
      <p className="empty__text">{text}</p>
      {children && <div className="empty__actions">{children}</div>}
    </div>
  );
}
