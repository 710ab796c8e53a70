import { Lock, MessageSquareText, PhoneCall } from 'lucide-react';
import type { ReactNode } from 'react';
import { useT } from '../../shared/i18n/i18n';
import { LanguageSelect } from '../../shared/ui/LanguageSelect';
import { Logo } from '../../shared/ui/Logo';
import './auth.css';

/** Brand panel on wide screens, a single column on phones. */
export function AuthLayout({ children, footer }: { children: ReactNode; footer?: ReactNode }) {
  const t = useT();
  return (
    <div className="auth">
      <aside className="auth__brand" aria-hidden>
        <Logo size={36} />
        <div className="auth__pitch">
          <h2 className="auth__headline">{t('auth.brand.headline')}</h2>
          <p className="auth__subline">{t('auth.brand.subline')}</p>
          <ul className="auth__points">
            <li>
              <PhoneCall size={18} />
              {t('auth.brand.point1')}
            </li>
            <li>
              <MessageSquareText size={18} />
              {t('auth.brand.point2')}
            </li>
            <li>
              <Lock size={18} />
              {t('auth.brand.point3')}
            </li>
          </ul>
        </div>
        <div className="auth__preview">
          <div className="preview-card">
            <div className="preview-card__row">
              <span className="preview-card__avatar">ML</span>
              <div>
                <p className="preview-card__name">Marie Laurent</p>
                <p className="preview-card__meta">+33 6 •• •• •• 42 · {t('auth.brand.previewMeta')}</p>
              </div>
            </div>
            <p className="preview-bubble preview-bubble--in">{t('auth.brand.previewIn')}</p>
            <p className="preview-bubble preview-bubble--out">{t('auth.brand.previewOut')}</p>
          </div>
        </div>
        <p className="auth__copyright">© {new Date().getFullYear()} CommPro</p>
      </aside>
      <main className="auth__main">
        <div className="auth__topbar">
          <span className="auth__mobile-logo">
            <Logo size={32} />
          </span>
          <LanguageSelect />
        </div>
        <div className="auth__content">
          <div className="auth__panel">{children}</div>
          {footer && <div className="auth__footer">{footer}</div>}
        </div>
      </main>
    </div>
  );
}

export function AuthHeader({
  title,
  subtitle,
  icon,
  tone = 'brand',
}: {
  title: string;
  subtitle?: ReactNode;
  icon?: ReactNode;
  tone?: 'brand' | 'success' | 'warning';
}) {
  return (
    <header className="auth__header">
      {icon && <div className={`auth__icon auth__icon--${tone}`}>{icon}</div>}
      <h1 className="auth__title">{title}</h1>
      {subtitle && <p className="auth__subtitle">{subtitle}</p>}
    </header>
  );
}
