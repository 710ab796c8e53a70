import type { RegisterDeviceBody } from '@commpro/contracts';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../shared/api/errors';
import {
  applicationServerKey,
  createPushRegistration,
  PUSH_KEY,
  type PushEnvironment,
  type PushSubscriptionLike,
} from './push';

class MemoryStorage {
  readonly map = new Map<string, string>();
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

// A real-looking VAPID public key: 65 bytes, uncompressed P-256 point.
const VAPID = `BA${'A'.repeat(85)}`;
const OTHER_VAPID = `BB${'A'.repeat(85)}`;

function fakeBrowser(permission: NotificationPermission = 'default', answer: NotificationPermission = 'granted') {
  let current: PushSubscriptionLike | null = null;
  let counter = 0;
  const state = { permission };
  const subscribe = vi.fn(async ({ applicationServerKey: key }: { applicationServerKey: Uint8Array }) => {
    counter += 1;
    const endpoint = `https://push.example/sub/${counter}`;
    const subscription: PushSubscriptionLike = {
      endpoint,
      options: { applicationServerKey: key.slice().buffer },
      toJSON: () => ({
        endpoint,
        expirationTime: null,
        keys: { p256dh: `p256dh-${counter}`, auth: `auth-${counter}` },
      }),
      unsubscribe: vi.fn(async () => {
        if (current?.endpoint === endpoint) current = null;
        return true;
      }),
    };
    current = subscription;
    return subscription;
  });
  const env: PushEnvironment = {
    supported: true,
    permission: () => state.permission,
    requestPermission: vi.fn(async () => {
      state.permission = answer;
      return answer;
    }),
    pushManager: async () => ({ getSubscription: async () => current, subscribe }),
  };
  return {
    env,
    subscribe,
    state,
    current: () => current,
    /** The browser renews the subscription by itself (a new endpoint). */
    renew: () => {
      current = {
        ...current!,
        endpoint: 'https://push.example/renewed',
        toJSON: () => ({ endpoint: 'https://push.example/renewed', keys: { p256dh: 'p', auth: 'a' } }),
      };
    },
  };
}

function fakeApi(vapid = VAPID) {
  const registered: RegisterDeviceBody[] = [];
  return {
    registered,
    api: {
      pushConfig: vi.fn(async () => ({ vapidPublicKey: vapid })),
      registerDevice: vi.fn(async (body: RegisterDeviceBody) => {
        registered.push(body);
        return {} as never;
      }),
      removeDevice: vi.fn(async (_id: string) => ({ success: true })),
    },
  };
}

function setup(browser = fakeBrowser(), server = fakeApi()) {
  const storage = new MemoryStorage();
  const push = createPushRegistration({
    env: browser.env,
    api: server.api,
    storage,
    deviceId: () => 'device-1234-abcd',
    deviceName: () => 'Chrome on Linux',
  });
  return { push, browser, server, storage };
}

describe('push registration', () => {
  it('asks for permission only when turned on, subscribes with our key and registers this device', async () => {
    const { push, browser, server } = setup();
    expect(await push.state('user-1')).toBe('off');
    expect(browser.env.requestPermission).not.toHaveBeenCalled();

    await expect(push.enable('user-1')).resolves.toBe('on');
    expect(browser.env.requestPermission).toHaveBeenCalledTimes(1);
    expect(browser.subscribe).toHaveBeenCalledWith({
      userVisibleOnly: true,
      applicationServerKey: applicationServerKey(VAPID),
    });
    expect(server.registered).toEqual([
      {
        platform: 'WEB',
        deviceId: 'device-1234-abcd',
        deviceName: 'Chrome on Linux',
        subscription: { endpoint: 'https://push.example/sub/1', keys: { p256dh: 'p256dh-1', auth: 'auth-1' } },
      },
    ]);
    expect(await push.state('user-1')).toBe('on');
    // Another person signing in on this browser has not turned it on.
    expect(await push.state('user-2')).toBe('off');
  });

  it('says so when the person blocks or dismisses the prompt, and registers nothing', async () => {
    const blocked = setup(fakeBrowser('default', 'denied'));
    await expect(blocked.push.enable('user-1')).resolves.toBe('denied');
    expect(await blocked.push.state('user-1')).toBe('denied');
    const dismissed = setup(fakeBrowser('default', 'default'));
    await expect(dismissed.push.enable('user-1')).resolves.toBe('dismissed');
    expect(blocked.server.registered).toEqual([]);
    expect(dismissed.server.registered).toEqual([]);
  });

  it('registers again at start when the browser renewed the subscription, and not otherwise', async () => {
    const { push, browser, server } = setup();
    await push.enable('user-1');
    await push.sync('user-1');
    expect(server.api.registerDevice).toHaveBeenCalledTimes(1);

    browser.renew();
    await push.sync('user-1');
    expect(server.registered.at(-1)).toMatchObject({
      subscription: { endpoint: 'https://push.example/renewed', keys: { p256dh: 'p', auth: 'a' } },
    });
    expect(await push.state('user-1')).toBe('on');
  });

  it('subscribes again when the browser dropped the subscription, or the server changed its key', async () => {
    const browser = fakeBrowser();
    const server = fakeApi();
    const { push } = setup(browser, server);
    await push.enable('user-1');
    await browser.current()?.unsubscribe();
    await push.sync('user-1');
    expect(browser.subscribe).toHaveBeenCalledTimes(2);
    expect(server.registered).toHaveLength(2);

    server.api.pushConfig.mockResolvedValue({ vapidPublicKey: OTHER_VAPID });
    await push.enable('user-1');
    expect(browser.subscribe).toHaveBeenLastCalledWith({
      userVisibleOnly: true,
      applicationServerKey: applicationServerKey(OTHER_VAPID),
    });
  });

  it('stops pushing here when the permission was withdrawn in the browser', async () => {
    const { push, browser, server, storage } = setup();
    await push.enable('user-1');
    browser.state.permission = 'denied';
    await push.sync('user-1');
    expect(server.api.removeDevice).toHaveBeenCalledWith('device-1234-abcd');
    expect(storage.getItem(PUSH_KEY)).toBeNull();
  });

  it('turned off: the server forgets this device (by its device id) and the browser its subscription', async () => {
    const { push, browser, server, storage } = setup();
    await push.enable('user-1');
    const subscription = browser.current();
    await push.disable();
    expect(server.api.removeDevice).toHaveBeenCalledWith('device-1234-abcd');
    expect(subscription?.unsubscribe).toHaveBeenCalled();
    expect(storage.getItem(PUSH_KEY)).toBeNull();
    expect(await push.state('user-1')).toBe('off');

    // Already gone on the server: still turned off here.
    await push.enable('user-1');
    server.api.removeDevice.mockRejectedValueOnce(new ApiError({ status: 404, code: 'NOT_FOUND', message: 'gone' }));
    await expect(push.disable()).resolves.toBeUndefined();
    expect(browser.current()).toBeNull();
  });

  it('on sign-out, unsubscribes without calling the server', async () => {
    const { push, browser, server } = setup();
    await push.enable('user-1');
    expect(push.isRegistered()).toBe(true);
    await push.forget();
    expect(browser.current()).toBeNull();
    expect(push.isRegistered()).toBe(false);
    expect(server.api.removeDevice).not.toHaveBeenCalled();
  });

  it('does nothing where push is not supported', async () => {
    const browser = fakeBrowser();
    const { push, server } = setup({ ...browser, env: { ...browser.env, supported: false } });
    expect(await push.state('user-1')).toBe('unsupported');
    await expect(push.enable('user-1')).resolves.toBe('unsupported');
    expect(server.registered).toEqual([]);
  });
});
