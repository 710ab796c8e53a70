import type { ImportResult } from '@commpro/contracts';
import { ArrowDownUp, ChevronLeft, UserPlus } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { Link, Outlet, useLocation, useOutletContext } from 'react-router';
import { useT } from '../../shared/i18n/i18n';
import { EmptyState } from '../../shared/ui/EmptyState';
import { ContactsIllustration } from '../../shared/ui/illustrations';
import { useDebouncedValue } from '../../shared/ui/use-debounced-value';
import { DESKTOP_QUERY, useMediaQuery } from '../../shared/ui/use-media-query';
import { useDocumentTitle } from '../../shared/ui/use-document-title';
import { isFiltered, type ContactFilter } from './contact-filter';
import { ContactFilters, ContactResults } from './ContactList';
import { ImportButton, ImportSummaryDialog, TransferDialog } from './ImportExport';
import { useContactList } from './use-contacts';
import './contacts.css';

/** Long enough to skip the requests of a word typed quickly, short enough to feel live. */
const SEARCH_DELAY_MS = 150;

export interface ContactsOutletContext {
  /** The person has no contact at all yet. */
  none: boolean;
  onImported: (result: ImportResult) => void;
}

/**
 * The Contacts tab: the searchable list, and a contact (or the form) beside it on
 * desktop or in its place on a phone. The filter lives here, so going back to the
 * list finds it as it was.
 */
export function ContactsLayout() {
  const t = useT();
  const desktop = useMediaQuery(DESKTOP_QUERY);
  const inPane = useLocation().pathname.replace(/\/+$/, '') !== '/contacts';
  const [typed, setTyped] = useState('');
  const search = useDebouncedValue(typed, SEARCH_DELAY_MS);
  const [tags, setTags] = useState<string[]>([]);
  const [favorites, setFavorites] = useState(false);
  const filter: ContactFilter = { search, tags, favorites };
  const list = useContactList(filter);
  const [transferring, setTransferring] = useState(false);
  const [imported, setImported] = useState<ImportResult | null>(null);
  const none = list.isSuccess && !list.isPlaceholderData && !isFiltered(filter) && list.data.pages[0]?.total === 0;
  const onImported = (result: ImportResult) => {
    setTransferring(false);
    setImported(result);
  };

  return (
    <div className={`contacts${inPane ? ' contacts--pane' : ''}`}>
      {(desktop || !inPane) && (
        <section className="contacts__list" aria-labelledby={inPane ? 'contacts-list-title' : 'page-title'}>
          {!inPane && <ListTitle />}
          <header className="contacts__header">
            <h1
              className="contacts__title"
              id={inPane ? 'contacts-list-title' : 'page-title'}
              tabIndex={inPane ? undefined : -1}
            >
              {t('nav.contacts')}
            </h1>
            <button
              type="button"
              className="contacts__transfer"
              aria-label={t('contacts.transfer.open')}
              title={t('contacts.transfer.open')}
              onClick={() => setTransferring(true)}
            >
              <ArrowDownUp size={20} aria-hidden />
            </button>
            <Link className="btn btn--primary btn--sm" to="/contacts/new">
              <UserPlus size={16} aria-hidden />
              <span className="btn__label">{t('contacts.new')}</span>
            </Link>
          </header>
          <div className="contacts__body">
            {!none && (
              <ContactFilters
                typed={typed}
                onType={setTyped}
                searching={list.isPlaceholderData || typed !== search}
                tags={tags}
                onTags={setTags}
                favorites={favorites}
                onFavorites={setFavorites}
              />
            )}
            {none && !desktop && <NoContacts onImported={onImported} />}
            {none && desktop && <p className="contacts__none muted">{t('contacts.empty.title')}</p>}
            {!none && (
              <ContactResults
                list={list}
                searched={search.trim() !== ''}
                onClear={() => {
                  setTyped('');
                  setTags([]);
                  setFavorites(false);
                }}
              />
            )}
          </div>
        </section>
      )}
      {(desktop || inPane) && (
        <div className="contacts__pane">
          <Outlet context={{ none, onImported } satisfies ContactsOutletContext} />
        </div>
      )}
      {transferring && <TransferDialog onClose={() => setTransferring(false)} onImported={onImported} />}
      {imported && <ImportSummaryDialog result={imported} onClose={() => setImported(null)} />}
    </div>
  );
}

function ListTitle() {
  useDocumentTitle(useT()('nav.contacts'));
  return null;
}

/** No contact yet: add one, or bring them all from a phone or an address book. */
function NoContacts({ onImported }: { onImported: (result: ImportResult) => void }) {
  const t = useT();
  return (
    <EmptyState
      illustration={<ContactsIllustration />}
      title={t('contacts.empty.title')}
      text={t('contacts.empty.text')}
    >
      <Link className="btn btn--primary btn--md" to="/contacts/new">
        <UserPlus size={18} aria-hidden />
        <span className="btn__label">{t('contacts.empty.add')}</span>
      </Link>
      <ImportButton onImported={onImported} />
    </EmptyState>
  );
}

/** /contacts itself: the list alone on a phone; on desktop, an invitation beside it. */
export function ContactsHome() {
  const t = useT();
  const desktop = useMediaQuery(DESKTOP_QUERY);
  const { none, onImported } = useOutletContext<ContactsOutletContext>();
  if (!desktop) return null;
  return (
    <div className="contacts__home">
      {none ? (
        <NoContacts onImported={onImported} />
      ) : (
        <EmptyState
          illustration={<ContactsIllustration />}
          title={t('contacts.pick.title')}
          text={t('contacts.pick.text')}
        />
      )}
    </div>
  );
}

/** A screen of the right pane (a whole screen on phones), with the way back. */
export function ContactsPane({
  title,
  back = '/contacts',
  backLabel,
  actions,
  children,
}: {
  title: string;
  back?: string;
  backLabel?: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  const t = useT();
  const label = backLabel ?? t('contacts.back');
  useDocumentTitle(title);
  return (
    <section className="contacts-pane" aria-labelledby="page-title">
      <header className="contacts-pane__header">
        <Link
          className={`contacts-pane__back${back === '/contacts' ? ' contacts-pane__back--list' : ''}`}
          to={back}
          aria-label={label}
        >
          <ChevronLeft size={22} aria-hidden />
          <span className="contacts-pane__back-text">{label}</span>
        </Link>
        <h1 className="contacts-pane__title" id="page-title" tabIndex={-1}>
          {title}
        </h1>
        {actions && <div className="contacts-pane__actions">{actions}</div>}
      </header>
      <div className="contacts-pane__body">{children}</div>
    </section>
  );
}
