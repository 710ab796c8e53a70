/**
 * The in-app path a notification opens, or null for anything that is not a
 * page of this app (another site, a `javascript:` URL): a notification only
 * ever navigates inside CommPro.
 */
export function inAppPath(url: unknown, origin: string = location.origin): string | null {
  if (typeof url !== 'string' || url === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(url, origin);
  } catch {
    return null;
  }
  if (parsed.origin !== origin) return null;
  return `${parsed.pathname}${parsed.search}${parsed.hash}`;
}
