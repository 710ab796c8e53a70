import { ErrorBody } from '@commpro/contracts';
import { ApiError, NETWORK_ERROR, parseRetryAfter } from './errors';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  token?: string | null;
  signal?: AbortSignal;
}

/** One HTTP call to our API: JSON in, JSON out, failures as ApiError. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.token) headers.Authorization = `Bearer ${options.token}`;

  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
      credentials: 'same-origin',
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({ status: 0, code: NETWORK_ERROR, message: 'Network error' });
  }

  const text = await response.text();
  let payload: unknown = undefined;
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = undefined;
    }
  }

  if (!response.ok) {
    const parsed = ErrorBody.safeParse(payload);
    throw new ApiError({
      status: response.status,
      code: parsed.success ? parsed.data.code : `HTTP_${response.status}`,
      message: parsed.success ? parsed.data.error : response.statusText || `HTTP ${response.status}`,
      details: parsed.success ? parsed.data.details : undefined,
      limit: parsed.success ? parsed.data.limit : undefined,
      requestId: parsed.success ? parsed.data.requestId : undefined,
      retryAfter: parseRetryAfter(response.headers.get('Retry-After')),
    });
  }
  return payload as T;
}
