import type { Device, PushConfig, RegisterDeviceBody, SuccessResponse } from '@commpro/contracts';
import type { KeyValueStore } from '../../shared/api/auth-session';
import { isApiError } from '../../shared/api/errors';

/** What this browser can do about push for the signed-in person. */
export type PushState = 'unsupported' | 'denied' | 'off' | 'on';
export type EnableResult = 'on' | 'denied' | 'dismissed' | 'unsupported';

export const PUSH_KEY = 'commpro.push';

/** The parts of the browser's push API we use, so tests can stand in for them. */
export interface PushSubscriptionLike {
  endpoint: string;
  options?: { applicationServerKey: ArrayBuffer | null } | undefined;
  toJSON(): { endpoint?: string; keys?: Record<string, string> };
  unsubscribe(): Promise<boolean>;
}

export interface PushManagerLike {
  getSubscription(): Promise<PushSubscriptionLike | null>;
  subscribe(options: {
    userVisibleOnly: boolean;
    applicationServerKey: Uint8Array<ArrayBuffer>;
  }): Promise<PushSubscriptionLike>;
}

export interface PushEnvironment {
  supported: boolean;
  permission(): NotificationPermission;
  requestPermission(): Promise<NotificationPermission>;
  /** The service worker's push manager, once the worker is active. */
  pushManager(): Promise<PushManagerLike>;
}

export interface PushApi {
  pushConfig(): Promise<PushConfig>;
  registerDevice(body: RegisterDeviceBody): Promise<Device>;
  removeDevice(id: string): Promise<SuccessResponse>;
}

export interface PushRegistrationDeps {
  env: PushEnvironment;
  api: PushApi;
  storage: KeyValueStore;
  deviceId: () => string;
  deviceName: () => string;
}

/** Who this browser's subscription was last registered for, and with which endpoint. */
interface Registered {
  userId: string;
  endpoint: string;
}

/** A VAPID public key (base64url) as the bytes `pushManager.subscribe` wants. */
export function applicationServerKey(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function sameKey(current: ArrayBuffer | null | undefined, wanted: Uint8Array): boolean {
  // Some browsers do not expose the key: then trust the subscription.
  if (!current) return true;
  const bytes = new Uint8Array(current);
  return bytes.length === wanted.length && bytes.every((byte, index) => byte === wanted[index]);
}

/**
 * Push for this browser: asks for permission when the person turns it on
 * (never by itself), subscribes with our VAPID key and registers the
 * subscription as a device under a stable device id; registers again when the
 * browser changed the subscription; and undoes it all on sign-out.
 */
export function createPushRegistration(deps: PushRegistrationDeps) {
  const { env, api, storage } = deps;

  function registered(): Registered | null {
    try {
      const value: unknown = JSON.parse(storage.getItem(PUSH_KEY) ?? 'null');
      if (value && typeof value === 'object' && 'userId' in value && 'endpoint' in value) {
        const { userId, endpoint } = value as Registered;
        if (typeof userId === 'string' && typeof endpoint === 'string') return { userId, endpoint };
      }
    } catch {
      // Unreadable: as if never registered.
    }
    return null;
  }

  /** The subscription for our current key: the existing one, or a new one (replacing one made for an old key). */
  async function subscription(): Promise<PushSubscriptionLike> {
    const manager = await env.pushManager();
    const key = applicationServerKey((await api.pushConfig()).vapidPublicKey);
    const existing = await manager.getSubscription();
    if (existing && sameKey(existing.options?.applicationServerKey, key)) return existing;
    // The server's key changed: a subscription is bound to one key, so make a new one.
    await existing?.unsubscribe();
    return manager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  }

  async function register(userId: string, sub: PushSubscriptionLike): Promise<void> {
    const { endpoint, keys } = sub.toJSON();
    if (!endpoint || !keys?.p256dh || !keys.auth) throw new Error('The browser gave an incomplete push subscription');
    await api.registerDevice({
      platform: 'WEB',
      deviceId: deps.deviceId(),
      deviceName: deps.deviceName(),
      subscription: { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } },
    });
    storage.setItem(PUSH_KEY, JSON.stringify({ userId, endpoint } satisfies Registered));
  }

  async function currentSubscription(): Promise<PushSubscriptionLike | null> {
    if (!env.supported) return null;
    return (await env.pushManager()).getSubscription();
  }

  return {
    async state(userId: string): Promise<PushState> {
      if (!env.supported) return 'unsupported';
      const permission = env.permission();
      if (permission === 'denied') return 'denied';
      if (permission !== 'granted') return 'off';
      const mine = registered();
      if (!mine || mine.userId !== userId) return 'off';
      const sub = await currentSubscription();
      return sub && sub.endpoint === mine.endpoint ? 'on' : 'off';
    },

    /** Turned on by the person (a click): the permission prompt must come first, while the click still counts. */
    async enable(userId: string): Promise<EnableResult> {
      if (!env.supported) return 'unsupported';
      const permission = env.permission() === 'granted' ? 'granted' : await env.requestPermission();
      if (permission === 'denied') return 'denied';
      if (permission !== 'granted') return 'dismissed';
      await register(userId, await subscription());
      return 'on';
    },

    /**
     * At start: when this person turned push on here, register again if the
     * browser renewed or dropped the subscription; when the permission was
     * withdrawn in the browser's settings, stop pushing here.
     */
    async sync(userId: string): Promise<void> {
      const mine = registered();
      if (!env.supported || !mine || mine.userId !== userId) return;
      if (env.permission() !== 'granted') {
        await api.removeDevice(deps.deviceId()).catch(() => undefined);
        storage.removeItem(PUSH_KEY);
        return;
      }
      const current = await currentSubscription();
      if (current && current.endpoint === mine.endpoint) return;
      await register(userId, current ?? (await subscription()));
    },

    /** Turned off here: the server forgets the device, the browser the subscription. */
    async disable(): Promise<void> {
      try {
        await api.removeDevice(deps.deviceId());
      } catch (error) {
        // Already gone on the server: nothing more to undo there.
        if (!isApiError(error) || error.status !== 404) throw error;
      }
      await (await currentSubscription())?.unsubscribe();
      storage.removeItem(PUSH_KEY);
    },

    /** Signing out: no more pushes here, whatever the server still believes (a later push gets 410 and ends it). */
    async forget(): Promise<void> {
      storage.removeItem(PUSH_KEY);
      await (await currentSubscription().catch(() => null))?.unsubscribe();
    },

    /** Whether this browser is registered for someone, so signing out has a device to remove first. */
    isRegistered(): boolean {
      return registered() !== null;
    },
  };
}
