import type { TokenPair } from '@commpro/contracts';
import { AuthSession, browserLock, createBroadcastAuthChannel } from './auth-session';
import { ApiError, isApiError } from './errors';
import { download, request, upload, type DownloadedFile, type RequestOptions, type UploadOptions } from './http';

/** The one session of this tab (see auth-session.ts for the refresh rules). */
export const authSession = new AuthSession({
  refresh: (refreshToken) => request<TokenPair>('/api/auth/refresh', { method: 'POST', body: { refreshToken } }),
  storage: localStorage,
  channel: createBroadcastAuthChannel(),
  withLock: browserLock,
  schedule: (fn, delayMs) => {
    const id = window.setTimeout(fn, delayMs);
    return () => window.clearTimeout(id);
  },
});

/** 401 codes that mean "your access token is stale", as opposed to e.g. a wrong current password. */
const REFRESHABLE_CODES = new Set([
  'TOKEN_EXPIRED',
  'INVALID_TOKEN',
  'TOKEN_INVALID',
  'UNAUTHORIZED',
  'UNAUTHENTICATED',
]);
/** 401 codes that mean the session itself is gone. */
const SESSION_GONE_CODES = new Set(['SESSION_REVOKED', 'SESSION_EXPIRED']);

export type ApiOptions = Omit<RequestOptions, 'token'>;

/** Calls the API as the signed-in person, refreshing the access token once if it went stale. */
export function authedRequest<T>(path: string, options: ApiOptions = {}): Promise<T> {
  return withAccessToken((token) => request<T>(path, { ...options, token }));
}

/** Uploads a file (multipart) as the signed-in person, reporting progress from 0 to 1. */
export function authedUpload<T>(path: string, options: Omit<UploadOptions, 'token'>): Promise<T> {
  return withAccessToken((token) => upload<T>(path, { ...options, token }));
}

/** Downloads a file (an export) as the signed-in person: exports need the Bearer header, so no plain link. */
export function authedDownload(path: string): Promise<DownloadedFile> {
  return withAccessToken((token) => download(path, { token }));
}

async function withAccessToken<T>(call: (token: string) => Promise<T>): Promise<T> {
  const token = await authSession.getAccessToken();
  if (!token) throw new ApiError({ status: 401, code: 'UNAUTHENTICATED', message: 'Please log in again.' });
  try {
    return await call(token);
  } catch (error) {
    if (isApiError(error) && error.status === 401 && SESSION_GONE_CODES.has(error.code)) {
      authSession.signOut('revoked');
      throw error;
    }
    if (isApiError(error) && error.status === 403 && error.code === 'ACCOUNT_SUSPENDED') {
      authSession.signOut('suspended');
      throw error;
    }
    if (!isApiError(error) || error.status !== 401 || !REFRESHABLE_CODES.has(error.code)) throw error;
    const fresh = await authSession.refresh();
    if (!fresh) throw error;
    return call(fresh);
  }
}

/** Calls a public endpoint (register, login…). */
export function publicRequest<T>(path: string, options: ApiOptions = {}): Promise<T> {
  return request<T>(path, options);
}
