import { describe, expect, it } from 'vitest';
import { isFiltered, listPath, NO_FILTER, toggleTag } from './contact-filter';

describe('listPath', () => {
  it('asks for the first page sorted by name when nothing is filtered', () => {
    expect(listPath(NO_FILTER)).toBe('/api/contacts?limit=100');
  });

  it('sends the search trimmed, the tags comma-separated and favourites, from an offset', () => {
    const path = listPath({ search: '  hélène ', tags: ['vip', 'paris'], favorites: true }, 100);
    const query = new URL(path, 'http://x').searchParams;
    expect(query.get('search')).toBe('hélène');
    expect(query.get('tags')).toBe('vip,paris');
    expect(query.get('favorites')).toBe('true');
    expect(query.get('offset')).toBe('100');
  });

  it('leaves a blank search out', () => {
    expect(listPath({ ...NO_FILTER, search: '   ' })).not.toContain('search');
  });
});

describe('isFiltered', () => {
  it('is true for a search, a tag or favourites, and false for spaces alone', () => {
    expect(isFiltered(NO_FILTER)).toBe(false);
    expect(isFiltered({ ...NO_FILTER, search: '  ' })).toBe(false);
    expect(isFiltered({ ...NO_FILTER, search: 'hele' })).toBe(true);
    expect(isFiltered({ ...NO_FILTER, tags: ['vip'] })).toBe(true);
    expect(isFiltered({ ...NO_FILTER, favorites: true })).toBe(true);
  });
});

describe('toggleTag', () => {
  it('adds a tag that is not picked and removes one that is, keeping the order of the others', () => {
    expect(toggleTag(['vip'], 'paris')).toEqual(['vip', 'paris']);
    expect(toggleTag(['vip', 'paris', 'lyon'], 'paris')).toEqual(['vip', 'lyon']);
  });
});
