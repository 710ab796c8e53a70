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

  const payload = parseJson(await response.text());

  if (!response.ok)
    throw toApiError(response.status, response.statusText, payload, response.headers.get('Retry-After'));
  return payload as T;
}

export interface DownloadedFile {
  blob: Blob;
  /** The name the server suggests (Content-Disposition), if any. */
  filename: string | null;
}

/** One GET of a file from our API (an export), as a Blob; failures as ApiError. */
export async function download(path: string, options: { token?: string | null } = {}): Promise<DownloadedFile> {
  const headers: Record<string, string> = {};
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(path, { headers, credentials: 'same-origin' });
  } catch {
    throw new ApiError({ status: 0, code: NETWORK_ERROR, message: 'Network error' });
  }
  if (!response.ok) {
    const payload = parseJson(await response.text());
    throw toApiError(response.status, response.statusText, payload, response.headers.get('Retry-After'));
  }
  return { blob: await response.blob(), filename: filenameOf(response.headers.get('Content-Disposition')) };
}

/** The file name of a Content-Disposition header, preferring the UTF-8 `filename*` form. */
export function filenameOf(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // A malformed encoding: fall back to the plain name.
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header);
  return plain?.[1]?.trim() || null;
}

function toApiError(status: number, statusText: string, payload: unknown, retryAfter: string | null): ApiError {
  const parsed = ErrorBody.safeParse(payload);
  return new ApiError({
    status,
    code: parsed.success ? parsed.data.code : `HTTP_${status}`,
    message: parsed.success ? parsed.data.error : statusText || `HTTP ${status}`,
    details: parsed.success ? parsed.data.details : undefined,
    limit: parsed.success ? parsed.data.limit : undefined,
    existing: parsed.success ? parsed.data.existing : undefined,
    requestId: parsed.success ? parsed.data.requestId : undefined,
    retryAfter: parseRetryAfter(retryAfter),
  });
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface UploadOptions {
  /** The multipart field name of the file. */
  field: string;
  file: File;
  token?: string | null;
  signal?: AbortSignal;
  /** Called as the bytes go up, from 0 to 1. */
  onProgress?: (fraction: number) => void;
}

/**
 * One multipart POST of a file to our API, JSON out, failures as ApiError. On
 * XMLHttpRequest rather than fetch, which cannot report upload progress.
 */
export function upload<T>(path: string, options: UploadOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('Accept', 'application/json');
    if (options.token) xhr.setRequestHeader('Authorization', `Bearer ${options.token}`);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) options.onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      const payload = parseJson(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) resolve(payload as T);
      else reject(toApiError(xhr.status, xhr.statusText, payload, xhr.getResponseHeader('Retry-After')));
    };
    xhr.onerror = () => reject(new ApiError({ status: 0, code: NETWORK_ERROR, message: 'Network error' }));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled', 'AbortError'));
    const signal = options.signal;
    if (signal) {
      if (signal.aborted) {
        reject(new DOMException('The upload was cancelled', 'AbortError'));
        return;
      }
      signal.addEventListener('abort', () => xhr.abort(), { once: true });
    }
    const form = new FormData();
    form.append(options.field, options.file);
    xhr.send(form);
  });
}
