import { Link } from 'react-router';
import { useT } from '../shared/i18n/i18n';
import { LogoMark } from '../shared/ui/Logo';
import { useDocumentTitle } from '../shared/ui/use-document-title';

export function NotFoundPage() {
  const t = useT();
  useDocumentTitle(t('notFound.title'));
  return (
    <main className="splash">
      <LogoMark size={56} />
      <h1 className="splash__title">{t('notFound.title')}</h1>
      <p className="splash__text">{t('notFound.text')}</p>
      <Link className="btn btn--primary btn--md" to="/">
        {t('notFound.home')}
      </Link>
    </main>
  );
}
