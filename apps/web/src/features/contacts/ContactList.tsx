import type { Contact } from '@commpro/contracts';
import { Search, Star, X } from 'lucide-react';
import { Fragment } from 'react';
import { NavLink } from 'react-router';
import { errorMessage } from '../../shared/api/error-message';
import { useT } from '../../shared/i18n/i18n';
import { Alert } from '../../shared/ui/Alert';
import { Avatar } from '../../shared/ui/Avatar';
import { Button } from '../../shared/ui/Button';
import { LoadingBlock, Spinner } from '../../shared/ui/Spinner';
import { toggleTag } from './contact-filter';
import { groupByLetter, secondLine } from './format';
import { useContactTags, type useContactList } from './use-contacts';

/** The search box, then Favourites and the tags in use as toggles (several tags: contacts with all of them). */
export function ContactFilters({
  typed,
  onType,
  searching,
  tags,
  onTags,
  favorites,
  onFavorites,
}: {
  typed: string;
  onType: (value: string) => void;
  /** A search is on its way: the previous results stay until it answers. */
  searching: boolean;
  tags: string[];
  onTags: (tags: string[]) => void;
  favorites: boolean;
  onFavorites: (value: boolean) => void;
}) {
  const t = useT();
  const inUse = useContactTags().data?.tags ?? [];
  // A picked tag stays offered even when the last contact with it lost it, so it can be unpicked.
  const offered: { tag: string; count: number | null }[] = [
    ...inUse,
    ...tags.filter((tag) => !inUse.some((item) => item.tag === tag)).map((tag) => ({ tag, count: null })),
  ];

  return (
    <div className="contact-filters">
      <div className="contact-search" role="search">
        <Search className="contact-search__icon" size={18} aria-hidden />
        <input
          className="input contact-search__input"
          type="search"
          aria-label={t('contacts.search.label')}
          placeholder={t('contacts.search.placeholder')}
          autoComplete="off"
          spellCheck={false}
          value={typed}
          onChange={(event) => onType(event.target.value)}
        />
        {searching && typed ? (
          <span className="contact-search__end">
            <Spinner size={16} />
          </span>
        ) : (
          typed && (
            <button
              type="button"
              className="contact-search__end contact-search__clear"
              aria-label={t('contacts.search.clear')}
              onClick={() => onType('')}
            >
              <X size={16} aria-hidden />
            </button>
          )
        )}
      </div>
      <div className="line-filter contact-chips" role="group" aria-label={t('contacts.filter.label')}>
        <button
          type="button"
          className="line-filter__chip contact-chip"
          aria-pressed={favorites}
          onClick={() => onFavorites(!favorites)}
        >
          <Star size={14} aria-hidden className="contact-chip__star" />
          {t('contacts.filter.favorites')}
        </button>
        {offered.map((item) => (
          <button
            key={item.tag}
            type="button"
            className="line-filter__chip contact-chip"
            aria-pressed={tags.includes(item.tag)}
            onClick={() => onTags(toggleTag(tags, item.tag))}
          >
            {item.tag}
            {item.count !== null && <span className="contact-chip__count">{item.count}</span>}
          </button>
        ))}
      </div>
    </div>
  );
}

/** The contacts found: by letter when listed by name, best match first when searched. */
export function ContactResults({
  list,
  searched,
  onClear,
}: {
  list: ReturnType<typeof useContactList>;
  /** Ranked by the search rather than sorted by name. */
  searched: boolean;
  onClear: () => void;
}) {
  const t = useT();
  const contacts = list.data?.pages.flatMap((page) => page.contacts) ?? [];
  const total = list.data?.pages[0]?.total ?? 0;
  const capped = list.data?.pages[0]?.totalCapped ?? false;

  if (list.isPending) return <LoadingBlock label={t('common.loading')} />;
  if (list.isError && contacts.length === 0) return <Alert tone="danger">{errorMessage(list.error, t)}</Alert>;

  return (
    <div className="contact-results" aria-busy={list.isPlaceholderData || undefined}>
      <p className="contact-results__count muted" role="status">
        {capped
          ? t('contacts.countMore', { count: total })
          : total === 1
            ? t('contacts.countOne')
            : t('contacts.count', { count: total })}
      </p>
      {contacts.length === 0 ? (
        <div className="contact-results__none">
          <p>{t('contacts.noMatch')}</p>
          <button type="button" className="link-button" onClick={onClear}>
            {t('contacts.clearFilters')}
          </button>
        </div>
      ) : (
        <ul className="contact-list" aria-label={t('contacts.list')}>
          {searched
            ? contacts.map((contact) => <ContactRow key={contact.id} contact={contact} />)
            : groupByLetter(contacts).map((group) => (
                <Fragment key={group.letter}>
                  <li className="contact-list__letter" aria-hidden>
                    {group.letter}
                  </li>
                  {group.items.map((contact) => (
                    <ContactRow key={contact.id} contact={contact} />
                  ))}
                </Fragment>
              ))}
        </ul>
      )}
      {list.hasNextPage && (
        <Button variant="secondary" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
          {t('contacts.more')}
        </Button>
      )}
    </div>
  );
}

function ContactRow({ contact }: { contact: Contact }) {
  const t = useT();
  const second = secondLine(contact);
  return (
    <li data-testid="contact">
      <NavLink className="contact-row" to={`/contacts/${contact.id}`}>
        <Avatar name={contact.displayName} size={42} />
        <span className="contact-row__main">
          <span className="contact-row__name">
            {contact.displayName}
            {contact.isFavorite && (
              <Star size={14} className="contact-row__star" aria-label={t('contacts.favorite')} role="img" />
            )}
          </span>
          {second && <span className="contact-row__second">{second}</span>}
        </span>
      </NavLink>
    </li>
  );
}
