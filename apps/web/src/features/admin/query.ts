export type QueryValue = string | number | undefined | null;

/** "?a=1&b=x" from the filters that are set; empty and missing ones are left out, so "all" sends nothing. */
export function queryString(params: Record<string, QueryValue>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    const text = String(value).trim();
    if (text !== '') query.set(key, text);
  }
  const built = query.toString();
  return built ? `?${built}` : '';
}
