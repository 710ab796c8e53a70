import type { TokenPair } from '@commpro/contracts';
import { describe, expect, it, vi } from 'vitest';
import { AuthSession, REFRESH_TOKEN_KEY, type AuthChannel, type AuthChannelMessage } from './auth-session';
import { ApiError } from './errors';

const NOW = 1_700_000_000_000;

function jwt(expSeconds: number, extra: Record<string, unknown> = {}): string {
  const encode = (value: object) =>
    btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${encode({ alg: 'HS256' })}.${encode({ exp: expSeconds, ...extra })}.signature`;
}

class MemoryStorage {
  private readonly map = new Map<string, string>();
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
}

/** A server that rotates refresh tokens and revokes the family when an old one is replayed. */
function fakeServer(firstToken = 'rt-0') {
  let current: string | null = firstToken;
  let counter = 0;
  const refresh = vi.fn(async (token: string): Promise<TokenPair> => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (token !== current) {
      current = null;
      throw new ApiError({ status: 401, code: 'INVALID_TOKEN', message: 'reused' });
    }
    counter += 1;
    current = `rt-${counter}`;
    return { accessToken: jwt(NOW / 1000 + 900, { sid: 's1', n: counter }), refreshToken: current };
  });
  return { refresh, revoked: () => current === null };
}

/** BroadcastChannel semantics: a message reaches every other member, asynchronously. */
function channelHub() {
  const members = new Set<(message: AuthChannelMessage) => void>();
  return (): AuthChannel => {
    let own: ((message: AuthChannelMessage) => void) | null = null;
    return {
      post: (message) => {
        for (const member of members) if (member !== own) queueMicrotask(() => member(message));
      },
      subscribe: (handler) => {
        own = handler;
        members.add(handler);
        return () => members.delete(handler);
      },
    };
  };
}

/** A mutex shared by "tabs", like navigator.locks. */
function lockHub() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(_name: string, fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

describe('AuthSession', () => {
  it('shares one in-flight refresh between concurrent callers', async () => {
    const storage = new MemoryStorage();
    storage.setItem(REFRESH_TOKEN_KEY, 'rt-0');
    const server = fakeServer();
    const session = new AuthSession({ refresh: server.refresh, storage, now: () => NOW });

    const tokens = await Promise.all([session.getAccessToken(), session.getAccessToken(), session.refresh()]);

    expect(server.refresh).toHaveBeenCalledTimes(1);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).toBeTruthy();
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe('rt-1');
    expect(server.revoked()).toBe(false);
  });

  it('reuses a fresh access token and refreshes again only when it nears expiry', async () => {
    const storage = new MemoryStorage();
    storage.setItem(REFRESH_TOKEN_KEY, 'rt-0');
    const server = fakeServer();
    let now = NOW;
    const session = new AuthSession({ refresh: server.refresh, storage, now: () => now });

    const first = await session.getAccessToken();
    expect(await session.getAccessToken()).toBe(first);
    expect(server.refresh).toHaveBeenCalledTimes(1);

    now += 14.8 * 60_000; // 12 s before the 15-minute expiry
    const second = await session.getAccessToken();
    expect(second).not.toBe(first);
    expect(server.refresh).toHaveBeenCalledTimes(2);
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe('rt-2');
  });

  it('signs out when the server refuses the refresh token', async () => {
    const storage = new MemoryStorage();
    storage.setItem(REFRESH_TOKEN_KEY, 'stolen-and-reused');
    const server = fakeServer('rt-0');
    const session = new AuthSession({ refresh: server.refresh, storage, now: () => NOW });
    const events: unknown[] = [];
    session.subscribe((event) => events.push(event));

    await expect(session.getAccessToken()).resolves.toBeNull();
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
    expect(events).toEqual([{ type: 'signed-out', reason: 'expired' }]);
  });

  it('keeps the session on a network error', async () => {
    const storage = new MemoryStorage();
    storage.setItem(REFRESH_TOKEN_KEY, 'rt-0');
    const refresh = vi.fn(async () => {
      throw new ApiError({ status: 0, code: 'NETWORK_ERROR', message: 'offline' });
    });
    const session = new AuthSession({ refresh, storage, now: () => NOW });

    await expect(session.getAccessToken()).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe('rt-0');
  });

  it('lets two tabs refresh at once without replaying a rotated token', async () => {
    const storage = new MemoryStorage();
    storage.setItem(REFRESH_TOKEN_KEY, 'rt-0');
    const server = fakeServer();
    const newChannel = channelHub();
    const withLock = lockHub();
    const tabA = new AuthSession({ refresh: server.refresh, storage, channel: newChannel(), withLock, now: () => NOW });
    const tabB = new AuthSession({ refresh: server.refresh, storage, channel: newChannel(), withLock, now: () => NOW });

    const [a, b] = await Promise.all([tabA.getAccessToken(), tabB.getAccessToken()]);

    expect(server.revoked()).toBe(false);
    expect(server.refresh).toHaveBeenCalledTimes(1);
    expect(a).toBe(b);
    expect(tabB.claims()?.sid).toBe('s1');
  });

  it('without locks, retries once with the token another tab just stored', async () => {
    const storage = new MemoryStorage();
    storage.setItem(REFRESH_TOKEN_KEY, 'rt-0');
    // The other tab rotated rt-0 → rt-1 while this request with rt-0 was in flight.
    const refresh = vi.fn(async (token: string): Promise<TokenPair> => {
      if (token === 'rt-0') {
        storage.setItem(REFRESH_TOKEN_KEY, 'rt-1');
        throw new ApiError({ status: 401, code: 'INVALID_TOKEN', message: 'rotated' });
      }
      return { accessToken: jwt(NOW / 1000 + 900), refreshToken: 'rt-2' };
    });
    const session = new AuthSession({ refresh, storage, now: () => NOW });

    await expect(session.getAccessToken()).resolves.toBeTruthy();
    expect(refresh.mock.calls.map(([token]) => token)).toEqual(['rt-0', 'rt-1']);
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe('rt-2');
  });

  it('tells the other tabs when it signs out', async () => {
    const storage = new MemoryStorage();
    const newChannel = channelHub();
    const server = fakeServer();
    const tabA = new AuthSession({ refresh: server.refresh, storage, channel: newChannel(), now: () => NOW });
    const tabB = new AuthSession({ refresh: server.refresh, storage, channel: newChannel(), now: () => NOW });
    const seenByB: unknown[] = [];
    tabB.subscribe((event) => seenByB.push(event));

    tabA.signIn({ accessToken: jwt(NOW / 1000 + 900), refreshToken: 'rt-0' });
    await Promise.resolve();
    tabA.signOut('logout');
    await Promise.resolve();

    expect(seenByB).toEqual([{ type: 'signed-in' }, { type: 'signed-out', reason: 'other-tab' }]);
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
    await expect(tabB.getAccessToken()).resolves.toBeNull();
  });
});
