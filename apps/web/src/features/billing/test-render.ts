import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { MemoryRouter } from 'react-router';
import { I18nProvider } from '../../shared/i18n/i18n';
import { ToastProvider } from '../../shared/ui/Toast';

/**
 * For unit tests, which run in Node without a DOM: the HTML a screen renders
 * in English from the data already in `queryClient` (nothing is fetched while
 * rendering on the server), inside the app's providers.
 */
export function renderStatic(ui: ReactElement, queryClient: QueryClient): string {
  // I18nProvider reads the chosen language from localStorage, which Node lacks.
  globalThis.localStorage ??= {
    getItem: (key: string) => (key === 'commpro.locale' ? 'en' : null),
    setItem: () => undefined,
    removeItem: () => undefined,
    clear: () => undefined,
    key: () => null,
    length: 0,
  };
  return renderToStaticMarkup(
    createElement(
      QueryClientProvider,
      { client: queryClient },
      createElement(I18nProvider, null, createElement(ToastProvider, null, createElement(MemoryRouter, null, ui))),
    ),
  );
}

/** A client that never retries, so a test sees a failure at once. */
export const testQueryClient = () =>
  new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
