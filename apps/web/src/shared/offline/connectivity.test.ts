import { describe, expect, it, vi } from 'vitest';
import { createConnectivity } from './connectivity';

function manualTimers() {
  const pending = new Set<() => void>();
  return {
    setTimer: (fn: () => void) => {
      pending.add(fn);
      return () => pending.delete(fn);
    },
    fire: () => {
      const due = [...pending];
      pending.clear();
      due.forEach((fn) => fn());
    },
  };
}

describe('connectivity', () => {
  it('is offline at once when the browser says so, and online again when it comes back', () => {
    const connectivity = createConnectivity({ initiallyOnline: true });
    const listener = vi.fn();
    connectivity.subscribe(listener);
    connectivity.setBrowserOnline(false);
    expect(connectivity.status()).toBe('offline');
    connectivity.setBrowserOnline(true);
    expect(connectivity.status()).toBe('online');
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('says reconnecting only once the socket has been down past the grace period', () => {
    const timers = manualTimers();
    const connectivity = createConnectivity({ initiallyOnline: true, setTimer: timers.setTimer });
    connectivity.setSocketConnected(true);
    connectivity.setSocketConnected(false);
    expect(connectivity.status()).toBe('online');
    timers.fire();
    expect(connectivity.status()).toBe('reconnecting');
    connectivity.setSocketConnected(true);
    expect(connectivity.status()).toBe('online');
  });

  it('ignores a blip, and a socket closed by signing out', () => {
    const timers = manualTimers();
    const connectivity = createConnectivity({ initiallyOnline: true, setTimer: timers.setTimer });
    connectivity.setSocketConnected(false);
    connectivity.setSocketConnected(true);
    timers.fire();
    expect(connectivity.status()).toBe('online');
    connectivity.setSocketConnected(false);
    connectivity.setSocketConnected(null);
    timers.fire();
    expect(connectivity.status()).toBe('online');
  });

  it('says offline rather than reconnecting when both are true', () => {
    const timers = manualTimers();
    const connectivity = createConnectivity({ initiallyOnline: true, setTimer: timers.setTimer });
    connectivity.setSocketConnected(false);
    timers.fire();
    connectivity.setBrowserOnline(false);
    expect(connectivity.status()).toBe('offline');
    expect(connectivity.isOnline()).toBe(false);
  });
});
