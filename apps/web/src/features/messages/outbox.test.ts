import type { Message, SendMessageBody } from '@commpro/contracts';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../shared/api/errors';
import { Outbox, OUTBOX_KEY, type OutboxDraft } from './outbox';

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

const MINE = '+33639985407';
const THEIRS = '+33639985941';

function draft(n: number, body = `message ${n}`): OutboxDraft {
  return { clientMessageId: `00000000-0000-4000-8000-00000000000${n}`, from: MINE, to: THEIRS, body };
}

/**
 * The server's side of a send: one stored message per clientMessageId (a repeat answers the
 * stored one), and a network that can drop the request, or the answer after the message is stored.
 */
function fakeServer() {
  const stored = new Map<string, Message>();
  const received: string[] = [];
  let network: 'up' | 'down' | 'drop-answer' = 'up';
  let refuse: ((body: SendMessageBody) => ApiError | null) | null = null;
  const send = vi.fn(async (body: SendMessageBody): Promise<Message> => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (network === 'down') throw new ApiError({ status: 0, code: 'NETWORK_ERROR', message: 'Network error' });
    const refusal = refuse?.(body);
    if (refusal) throw refusal;
    const id = body.clientMessageId ?? '';
    let message = stored.get(id);
    if (!message) {
      message = { id: `msg-${stored.size + 1}`, body: body.body ?? null } as Message;
      stored.set(id, message);
      received.push(body.body ?? '');
    }
    if (network === 'drop-answer') {
      network = 'up';
      throw new ApiError({ status: 0, code: 'NETWORK_ERROR', message: 'Network error' });
    }
    return message;
  });
  return {
    send,
    stored,
    received,
    setNetwork: (state: typeof network) => {
      network = state;
    },
    refuseWith: (fn: typeof refuse) => {
      refuse = fn;
    },
  };
}

describe('Outbox', () => {
  it('sends what was written offline in the order it was written, once the network is back', async () => {
    const storage = new MemoryStorage();
    const server = fakeServer();
    const outbox = new Outbox({ storage, send: server.send });
    server.setNetwork('down');
    outbox.add(draft(1, 'first'));
    outbox.add(draft(2, 'second'));
    outbox.add(draft(3, 'third'));

    await expect(outbox.flush()).resolves.toBe('retry-later');
    expect(server.received).toEqual([]);
    expect(outbox.snapshot().entries).toHaveLength(3);

    server.setNetwork('up');
    const sent: string[] = [];
    await expect(outbox.flush((entry) => sent.push(entry.body ?? ''))).resolves.toBe('done');
    expect(server.received).toEqual(['first', 'second', 'third']);
    expect(sent).toEqual(['first', 'second', 'third']);
    expect(outbox.snapshot().entries).toEqual([]);
    expect(storage.getItem(OUTBOX_KEY)).toBeNull();
  });

  it('sends each message exactly once: a lost answer is repeated with the same clientMessageId', async () => {
    const server = fakeServer();
    const outbox = new Outbox({ storage: new MemoryStorage(), send: server.send });
    outbox.add(draft(1));
    outbox.add(draft(2));

    // The server stores the first message, but its answer never arrives.
    server.setNetwork('drop-answer');
    await expect(outbox.flush()).resolves.toBe('retry-later');
    expect(outbox.snapshot().entries.map((entry) => entry.body)).toEqual(['message 1', 'message 2']);

    await expect(outbox.flush()).resolves.toBe('done');
    expect(server.send.mock.calls.map(([body]) => body.clientMessageId)).toEqual([
      draft(1).clientMessageId,
      draft(1).clientMessageId,
      draft(2).clientMessageId,
    ]);
    expect(server.stored.size).toBe(2);
    expect(server.received).toEqual(['message 1', 'message 2']);
  });

  it('never sends the same entry twice when flushes overlap (reconnection and a new message at once)', async () => {
    const server = fakeServer();
    const outbox = new Outbox({ storage: new MemoryStorage(), send: server.send });
    outbox.add(draft(1));
    const first = outbox.flush();
    outbox.add(draft(2));
    const second = outbox.flush();
    await Promise.all([first, second]);
    expect(server.send).toHaveBeenCalledTimes(2);
    expect(server.received).toEqual(['message 1', 'message 2']);
  });

  it('keeps what is waiting across a reload (a new outbox on the same storage)', async () => {
    const storage = new MemoryStorage();
    const server = fakeServer();
    new Outbox({ storage, send: server.send }).add(draft(1, 'written before the reload'));

    const afterReload = new Outbox({ storage, send: server.send });
    expect(afterReload.snapshot().entries.map((entry) => entry.body)).toEqual(['written before the reload']);
    expect(afterReload.hasWaiting()).toBe(true);
    await afterReload.flush();
    expect(server.received).toEqual(['written before the reload']);
  });

  it('drops a message the server refuses (4xx) from the queue, marked failed, and sends the next ones', async () => {
    const server = fakeServer();
    server.refuseWith((body) =>
      body.body === 'over the limit'
        ? new ApiError({ status: 402, code: 'PLAN_LIMIT_REACHED', message: 'SMS limit reached' })
        : null,
    );
    const outbox = new Outbox({ storage: new MemoryStorage(), send: server.send });
    outbox.add(draft(1, 'over the limit'));
    outbox.add(draft(2, 'fine'));

    await expect(outbox.flush()).resolves.toBe('done');
    expect(server.received).toEqual(['fine']);
    const [failed] = outbox.snapshot().entries;
    expect(failed).toMatchObject({ body: 'over the limit', failure: { status: 402, code: 'PLAN_LIMIT_REACHED' } });
    expect(outbox.hasWaiting()).toBe(false);

    // Not sent again by later flushes, until the person retries it.
    await outbox.flush();
    expect(server.send).toHaveBeenCalledTimes(2);
    server.refuseWith(null);
    outbox.retry(failed!.clientMessageId);
    await outbox.flush();
    expect(server.received).toEqual(['fine', 'over the limit']);
    expect(outbox.snapshot().entries).toEqual([]);
  });

  it('retries later on server errors and rate limits rather than dropping', async () => {
    const server = fakeServer();
    const failures = [503, 429];
    server.refuseWith(() => {
      const status = failures.shift();
      return status ? new ApiError({ status, code: 'UNAVAILABLE', message: 'busy' }) : null;
    });
    const outbox = new Outbox({ storage: new MemoryStorage(), send: server.send });
    outbox.add(draft(1));
    await expect(outbox.flush()).resolves.toBe('retry-later');
    await expect(outbox.flush()).resolves.toBe('retry-later');
    await expect(outbox.flush()).resolves.toBe('done');
    expect(server.received).toEqual(['message 1']);
  });

  it('lets two tabs flush at once without sending twice (a lock shared by the tabs)', async () => {
    const storage = new MemoryStorage();
    const server = fakeServer();
    let tail: Promise<unknown> = Promise.resolve();
    const withLock = <T>(_name: string, fn: () => Promise<T>): Promise<T> => {
      const run = tail.then(fn, fn);
      tail = run.catch(() => undefined);
      return run;
    };
    const tabA = new Outbox({ storage, send: server.send, withLock });
    const tabB = new Outbox({ storage, send: server.send, withLock });
    tabA.add(draft(1));
    tabA.add(draft(2));

    await Promise.all([tabA.flush(), tabB.flush()]);
    expect(server.send).toHaveBeenCalledTimes(2);
    expect(server.received).toEqual(['message 1', 'message 2']);
  });

  it('reads unreadable storage as empty and can be cleared', () => {
    const storage = new MemoryStorage();
    storage.setItem(OUTBOX_KEY, '{not json');
    const outbox = new Outbox({ storage, send: vi.fn() });
    expect(outbox.snapshot().entries).toEqual([]);
    outbox.add(draft(1));
    const listener = vi.fn();
    outbox.subscribe(listener);
    outbox.clear();
    expect(storage.getItem(OUTBOX_KEY)).toBeNull();
    expect(outbox.snapshot().entries).toEqual([]);
    expect(listener).toHaveBeenCalled();
  });
});
