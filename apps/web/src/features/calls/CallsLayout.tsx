import { ChevronLeft, Grid3x3 } from 'lucide-react';
import type { ReactNode } from 'react';
import { Link, Outlet, useMatch } from 'react-router';
import { useT } from '../../shared/i18n/i18n';
import { DESKTOP_QUERY, useMediaQuery } from '../../shared/ui/use-media-query';
import { useDocumentTitle } from '../../shared/ui/use-document-title';
import { CallHistory } from './CallHistory';
import { Dialer } from './Dialer';
import './calls.css';

/**
 * The Calls tab: the history, and the dialer or a call's details beside it on
 * desktop or in its place on a phone.
 */
export function CallsLayout() {
  const t = useT();
  const desktop = useMediaQuery(DESKTOP_QUERY);
  const inPane = useMatch('/calls/:callId') !== null;

  return (
    <div className={`calls${inPane ? ' calls--pane' : ''}`}>
      {(desktop || !inPane) && (
        <section className="calls__list" aria-labelledby={inPane ? 'calls-list-title' : 'page-title'}>
          {!inPane && <ListTitle />}
          <header className="calls__header">
            <h1
              className="calls__title"
              id={inPane ? 'calls-list-title' : 'page-title'}
              tabIndex={inPane ? undefined : -1}
            >
              {t('nav.calls')}
            </h1>
            {!desktop && (
              <Link className="btn btn--primary btn--sm calls__keypad" to="/calls/dial">
                <Grid3x3 size={16} aria-hidden />
                <span className="btn__label">{t('calls.keypad')}</span>
              </Link>
            )}
          </header>
          <div className="calls__body">
            <CallHistory />
          </div>
        </section>
      )}
      {(desktop || inPane) && (
        <div className="calls__pane">
          <Outlet />
        </div>
      )}
    </div>
  );
}

function ListTitle() {
  useDocumentTitle(useT()('nav.calls'));
  return null;
}

/** A screen of the right pane (a whole screen on phones), with the way back to the history. */
export function CallsPane({ title, children }: { title: ReactNode; children: ReactNode }) {
  const t = useT();
  return (
    <section className="calls-pane" aria-labelledby="page-title">
      <header className="calls-pane__header">
        <Link className="calls-pane__back" to="/calls" aria-label={t('calls.back')}>
          <ChevronLeft size={22} aria-hidden />
          <span className="calls-pane__back-text">{t('calls.back')}</span>
        </Link>
        <h1 className="calls-pane__title" id="page-title" tabIndex={-1}>
          {title}
        </h1>
      </header>
      <div className="calls-pane__body">{children}</div>
    </section>
  );
}

export function DialerPage() {
  const t = useT();
  useDocumentTitle(t('calls.dialer.title'));
  return (
    <CallsPane title={t('calls.dialer.title')}>
      <Dialer />
    </CallsPane>
  );
}

/** Desktop, nothing open: the dialer beside the history. */
export function CallsHome() {
  const t = useT();
  const desktop = useMediaQuery(DESKTOP_QUERY);
  if (!desktop) return null;
  return (
    <section className="calls-pane calls-pane--home" aria-labelledby="dialer-title">
      <h2 className="calls-pane__title" id="dialer-title">
        {t('calls.dialer.title')}
      </h2>
      <div className="calls-pane__body">
        <Dialer />
      </div>
    </section>
  );
}
