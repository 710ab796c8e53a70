import type { TokenPair } from '@commpro/contracts';
import { ApiError } from './errors';

/**
 * Holds the tokens of the signed-in person.
 *
 * - The access token (a 15-minute JWT) lives in memory only.
 * - The refresh token lives in localStorage; the server rotates it on every
 *   use and revokes the whole family when an old one is replayed. So every
 *   refresh must use the newest token and only one refresh may run at a time:
 *   within a tab concurrent callers share one in-flight promise, and across
 *   tabs a Web Lock serialises refreshes while a BroadcastChannel hands the
 *   new access token to the other tabs (so they do not refresh again).
 */

export const REFRESH_TOKEN_KEY = 'commpro.refreshToken';
const LOCK_NAME = 'commpro.auth.refresh';
/** Refresh this long before the access token expires. */
const EXPIRY_MARGIN_MS = 60_000;
/** Used when the access token has no readable `exp`. */
const DEFAULT_ACCESS_TTL_MS = 15 * 60_000;

export type SignOutReason = 'logout' | 'expired' | 'revoked' | 'suspended' | 'other-tab';

export type AuthSessionEvent =
  { type: 'signed-in' } | { type: 'token'; accessToken: string } | { type: 'signed-out'; reason: SignOutReason };

export type AuthChannelMessage = { type: 'token'; accessToken: string } | { type: 'signed-out'; reason: SignOutReason };

export interface AuthChannel {
  post(message: AuthChannelMessage): void;
  subscribe(handler: (message: AuthChannelMessage) => void): () => void;
}

export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface AuthSessionDeps {
  /** Exchanges a refresh token for a new pair; throws ApiError on an HTTP failure. */
  refresh: (refreshToken: string) => Promise<TokenPair>;
  storage: KeyValueStore;
  channel?: AuthChannel | undefined;
  /** Runs fn while holding a lock shared by every tab of this origin. */
  withLock?: (<T>(name: string, fn: () => Promise<T>) => Promise<T>) | undefined;
  now?: (() => number) | undefined;
  /** Schedules the proactive refresh; returns a cancel function. Omit to disable. */
  schedule?: ((fn: () => void, delayMs: number) => () => void) | undefined;
}

export function decodeJwtPayload(token: string): Record<string, unknown> | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const base64 = part
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(part.length / 4) * 4, '=');
    const json = decodeURIComponent(
      Array.from(atob(base64), (char) => `%${char.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''),
    );
    const payload: unknown = JSON.parse(json);
    return payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export class AuthSession {
  private accessToken: string | null = null;
  private accessExpiresAt = 0;
  private inflight: Promise<string | null> | null = null;
  private cancelTimer: (() => void) | null = null;
  private readonly listeners = new Set<(event: AuthSessionEvent) => void>();
  private readonly deps: AuthSessionDeps;
  private readonly now: () => number;

  constructor(deps: AuthSessionDeps) {
    this.deps = deps;
    this.now = deps.now ?? Date.now;
    deps.channel?.subscribe((message) => this.onChannelMessage(message));
  }

  /** True when a refresh token is stored, i.e. a session may be resumed. */
  hasSession(): boolean {
    return this.deps.storage.getItem(REFRESH_TOKEN_KEY) !== null;
  }

  getRefreshToken(): string | null {
    return this.deps.storage.getItem(REFRESH_TOKEN_KEY);
  }

  /** The claims of the current access token (e.g. its session id), if any. */
  claims(): Record<string, unknown> | null {
    return this.accessToken ? decodeJwtPayload(this.accessToken) : null;
  }

  subscribe(listener: (event: AuthSessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stores the pair returned by register, login or verify-2fa, and tells the other tabs. */
  signIn(tokens: TokenPair): void {
    this.store(tokens);
    this.deps.channel?.post({ type: 'token', accessToken: tokens.accessToken });
    this.emit({ type: 'signed-in' });
  }

  /** Forgets the session here and in every other tab. */
  signOut(reason: SignOutReason): void {
    const hadSession = this.hasSession() || this.accessToken !== null;
    this.forget();
    this.deps.storage.removeItem(REFRESH_TOKEN_KEY);
    if (!hadSession) return;
    this.deps.channel?.post({ type: 'signed-out', reason });
    this.emit({ type: 'signed-out', reason });
  }

  /** A valid access token, refreshed first when missing or about to expire; null when signed out. */
  async getAccessToken(): Promise<string | null> {
    if (this.accessToken && this.isFresh()) return this.accessToken;
    if (!this.hasSession()) return null;
    return this.refresh();
  }

  /**
   * Gets a new access token. Concurrent calls share one request. Resolves null
   * (and signs out) when the server no longer accepts the session; rejects on
   * network errors, keeping the session for a later retry.
   */
  refresh(): Promise<string | null> {
    if (this.inflight) return this.inflight;
    const stale = this.accessToken;
    const run = () => this.refreshOnce(stale);
    const withLock = this.deps.withLock;
    const promise = (withLock ? withLock(LOCK_NAME, run) : run()).finally(() => {
      if (this.inflight === promise) this.inflight = null;
    });
    this.inflight = promise;
    return promise;
  }

  private async refreshOnce(stale: string | null): Promise<string | null> {
    // Another tab may have refreshed while this one waited for the lock.
    if (this.accessToken && this.accessToken !== stale && this.isFresh()) return this.accessToken;

    let refreshToken = this.getRefreshToken();
    for (let attempt = 0; refreshToken && attempt < 2; attempt++) {
      try {
        const tokens = await this.deps.refresh(refreshToken);
        this.store(tokens);
        this.deps.channel?.post({ type: 'token', accessToken: tokens.accessToken });
        this.emit({ type: 'token', accessToken: tokens.accessToken });
        return tokens.accessToken;
      } catch (error) {
        if (!(error instanceof ApiError) || error.status >= 500 || error.status === 429 || error.status === 0) {
          throw error;
        }
        // Without Web Locks another tab may have rotated the token meanwhile: retry once with the newer one.
        const latest = this.getRefreshToken();
        if (latest && latest !== refreshToken) {
          refreshToken = latest;
          continue;
        }
        break;
      }
    }
    this.signOut('expired');
    return null;
  }

  private store(tokens: TokenPair): void {
    this.deps.storage.setItem(REFRESH_TOKEN_KEY, tokens.refreshToken);
    this.setAccessToken(tokens.accessToken);
  }

  private setAccessToken(accessToken: string): void {
    this.accessToken = accessToken;
    const exp = decodeJwtPayload(accessToken)?.exp;
    this.accessExpiresAt = typeof exp === 'number' ? exp * 1000 : this.now() + DEFAULT_ACCESS_TTL_MS;
    this.scheduleRefresh();
  }

  private isFresh(): boolean {
    return this.accessExpiresAt - this.now() > EXPIRY_MARGIN_MS / 2;
  }

  private scheduleRefresh(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    if (!this.deps.schedule) return;
    const delay = Math.max(0, this.accessExpiresAt - this.now() - EXPIRY_MARGIN_MS);
    this.cancelTimer = this.deps.schedule(() => {
      this.refresh().catch(() => {
        // Offline: the next API call retries.
      });
    }, delay);
  }

  private forget(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.accessToken = null;
    this.accessExpiresAt = 0;
  }

  private onChannelMessage(message: AuthChannelMessage): void {
    if (message.type === 'token') {
      const wasSignedIn = this.accessToken !== null;
      this.setAccessToken(message.accessToken);
      this.emit(wasSignedIn ? { type: 'token', accessToken: message.accessToken } : { type: 'signed-in' });
    } else {
      const hadSession = this.accessToken !== null;
      this.forget();
      if (hadSession) this.emit({ type: 'signed-out', reason: 'other-tab' });
    }
  }

  private emit(event: AuthSessionEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** The browser's BroadcastChannel behind the AuthChannel interface (absent in old browsers). */
export function createBroadcastAuthChannel(name = 'commpro.auth'): AuthChannel | undefined {
  if (typeof BroadcastChannel === 'undefined') return undefined;
  const channel = new BroadcastChannel(name);
  return {
    post: (message) => channel.postMessage(message),
    subscribe: (handler) => {
      const listener = (event: MessageEvent<AuthChannelMessage>) => handler(event.data);
      channel.addEventListener('message', listener);
      return () => channel.removeEventListener('message', listener);
    },
  };
}

/** navigator.locks when available; otherwise runs without a cross-tab lock. */
export function browserLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  if (typeof navigator !== 'undefined' && 'locks' in navigator && navigator.locks) {
    return navigator.locks.request(name, fn);
  }
  return fn();
}
