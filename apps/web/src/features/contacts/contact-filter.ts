/** What the contact list shows: the search as typed, the tags it must all have, favourites only. */
export interface ContactFilter {
  search: string;
  tags: string[];
  favorites: boolean;
}

export const NO_FILTER: ContactFilter = { search: '', tags: [], favorites: false };

/** How many contacts the list loads at once. */
const LIST_PAGE = 100;

/** `GET /api/contacts` for a filter, from `offset`. Without a search the server sorts by name. */
export function listPath(filter: ContactFilter, offset = 0): string {
  const params = new URLSearchParams({ limit: String(LIST_PAGE) });
  if (offset > 0) params.set('offset', String(offset));
  const search = filter.search.trim();
  if (search) params.set('search', search);
  if (filter.tags.length > 0) params.set('tags', filter.tags.join(','));
  if (filter.favorites) params.set('favorites', 'true');
  return `/api/contacts?${params.toString()}`;
}

export function isFiltered(filter: ContactFilter): boolean {
  return filter.search.trim() !== '' || filter.tags.length > 0 || filter.favorites;
}

/** Adds the tag to the filter, or takes it out when it is there. */
export function toggleTag(tags: readonly string[], tag: string): string[] {
  return tags.includes(tag) ? tags.filter((item) => item !== tag) : [...tags, tag];
}
