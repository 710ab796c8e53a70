import { useSyncExternalStore } from 'react';

/** True while the media query matches; follows changes (a rotated phone, a resized window). */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', onChange);
      return () => list.removeEventListener('change', onChange);
    },
    () => window.matchMedia(query).matches,
    () => false,
  );
}

/** The desktop layout of the shell (sidebar, side-by-side panes) starts at 900 px. */
export const DESKTOP_QUERY = '(min-width: 900px)';
