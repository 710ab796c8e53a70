import type { Message, SendMessageBody } from '@commpro/contracts';
import type { KeyValueStore } from '../../shared/api/auth-session';
import { isApiError } from '../../shared/api/errors';

export const OUTBOX_KEY = 'commpro.outbox';
const LOCK_NAME = 'commpro.outbox.flush';

/** A message written while it could not be sent, kept on the device until the server has it. */
export interface OutboxEntry {
  /** Made when the message was written; the server answers a repeat with the message already sent. */
  clientMessageId: string;
  from: string;
  to: string;
  body?: string;
  mediaUrls?: string[];
  createdAt: string;
  /** Refused by the server (a 4xx): not sent again unless the person retries it. */
  failure: { status: number; code: string; message: string } | null;
}

export type OutboxDraft = Pick<OutboxEntry, 'clientMessageId' | 'from' | 'to' | 'body' | 'mediaUrls'>;

export interface OutboxState {
  /** In the order they were written, which is the order they are sent in. */
  entries: readonly OutboxEntry[];
  /** Being sent by this tab right now. */
  sending: ReadonlySet<string>;
}

/** `done`: nothing left to send; `retry-later`: the network or the server failed, try again later. */
export type FlushResult = 'done' | 'retry-later';

export interface OutboxDeps {
  storage: KeyValueStore;
  send: (body: SendMessageBody) => Promise<Message>;
  /** Runs fn while holding a lock shared by every tab, so two tabs never send the same entry at once. */
  withLock?: (<T>(name: string, fn: () => Promise<T>) => Promise<T>) | undefined;
  now?: () => Date;
}

/** No answer, a server error, too many requests, a session being renewed: worth another try, later. */
function isRetryable(error: unknown): boolean {
  if (!isApiError(error)) return true;
  return (
    error.status === 0 || error.status >= 500 || error.status === 408 || error.status === 429 || error.status === 401
  );
}

function isEntry(value: unknown): value is OutboxEntry {
  if (!value || typeof value !== 'object') return false;
  const entry = value as Partial<OutboxEntry>;
  return typeof entry.clientMessageId === 'string' && typeof entry.from === 'string' && typeof entry.to === 'string';
}

export function toSendBody(entry: OutboxDraft): SendMessageBody {
  return {
    from: entry.from,
    to: entry.to,
    clientMessageId: entry.clientMessageId,
    ...(entry.body ? { body: entry.body } : {}),
    ...(entry.mediaUrls && entry.mediaUrls.length > 0 ? { mediaUrls: entry.mediaUrls } : {}),
  };
}

/**
 * Messages written offline. They live in storage (they survive a reload) and
 * are sent one at a time in the order they were written, each with its
 * clientMessageId, so a send whose answer was lost is repeated safely: the
 * server answers the message it already has. An entry leaves the outbox only
 * once the server has it; a 4xx keeps it, marked failed, for the person to see.
 */
export class Outbox {
  private readonly deps: OutboxDeps;
  private readonly listeners = new Set<() => void>();
  private raw: string | null | undefined;
  private state: OutboxState = { entries: [], sending: new Set() };
  private running: Promise<FlushResult> | null = null;
  private again = false;

  constructor(deps: OutboxDeps) {
    this.deps = deps;
    this.read();
  }

  /** The current entries (the same object until something changes, for useSyncExternalStore). */
  snapshot(): OutboxState {
    this.read();
    return this.state;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Another tab changed the outbox: read it again. */
  reload(): void {
    if (this.read()) this.emit();
  }

  /** True while something is waiting to be sent: a new message queues behind it to keep the order. */
  hasWaiting(): boolean {
    return this.snapshot().entries.some((entry) => !entry.failure);
  }

  add(draft: OutboxDraft): OutboxEntry {
    const entry: OutboxEntry = {
      ...draft,
      createdAt: (this.deps.now?.() ?? new Date()).toISOString(),
      failure: null,
    };
    this.write([...this.snapshot().entries, entry]);
    return entry;
  }

  remove(clientMessageId: string): void {
    this.write(this.snapshot().entries.filter((entry) => entry.clientMessageId !== clientMessageId));
  }

  /** A failed entry goes to the back of the queue to be sent again. */
  retry(clientMessageId: string): void {
    const entries = this.snapshot().entries;
    const entry = entries.find((item) => item.clientMessageId === clientMessageId);
    if (!entry) return;
    this.write([...entries.filter((item) => item !== entry), { ...entry, failure: null }]);
  }

  clear(): void {
    this.deps.storage.removeItem(OUTBOX_KEY);
    if (this.read()) this.emit();
  }

  /**
   * Sends what is waiting, in order. Calls made while a flush runs join it;
   * entries added meanwhile are sent by it too. `onSent` runs before the
   * entry leaves the outbox, so the sent message can take its place on screen.
   */
  flush(onSent?: (entry: OutboxEntry, message: Message) => void): Promise<FlushResult> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const drain = () => this.drain(onSent);
    const run = async (): Promise<FlushResult> => {
      let result: FlushResult;
      do {
        this.again = false;
        result = await (this.deps.withLock ? this.deps.withLock(LOCK_NAME, drain) : drain());
      } while (this.again && result === 'done');
      return result;
    };
    const running = run().finally(() => {
      this.running = null;
    });
    this.running = running;
    return running;
  }

  private async drain(onSent?: (entry: OutboxEntry, message: Message) => void): Promise<FlushResult> {
    for (;;) {
      // Read afresh each time: another tab may have sent or removed entries while this one waited for the lock.
      const next = this.snapshot().entries.find((entry) => !entry.failure);
      if (!next) return 'done';
      this.setSending(next.clientMessageId, true);
      try {
        const message = await this.deps.send(toSendBody(next));
        onSent?.(next, message);
        this.remove(next.clientMessageId);
      } catch (error) {
        if (isRetryable(error)) return 'retry-later';
        const failure = isApiError(error)
          ? { status: error.status, code: error.code, message: error.message }
          : { status: 0, code: 'UNKNOWN', message: String(error) };
        this.write(
          this.snapshot().entries.map((entry) =>
            entry.clientMessageId === next.clientMessageId ? { ...entry, failure } : entry,
          ),
        );
      } finally {
        this.setSending(next.clientMessageId, false);
      }
    }
  }

  private setSending(clientMessageId: string, sending: boolean): void {
    const next = new Set(this.state.sending);
    if (sending) next.add(clientMessageId);
    else next.delete(clientMessageId);
    this.state = { ...this.state, sending: next };
    this.emit();
  }

  /** Re-reads storage; true when the entries changed. */
  private read(): boolean {
    const raw = this.deps.storage.getItem(OUTBOX_KEY);
    if (raw === this.raw) return false;
    this.raw = raw;
    let entries: OutboxEntry[] = [];
    try {
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      if (Array.isArray(parsed))
        entries = parsed.filter(isEntry).map((entry) => ({ ...entry, failure: entry.failure ?? null }));
    } catch {
      // Unreadable: treated as empty rather than breaking every thread.
    }
    this.state = { ...this.state, entries };
    return true;
  }

  private write(entries: OutboxEntry[]): void {
    if (entries.length === 0) this.deps.storage.removeItem(OUTBOX_KEY);
    else this.deps.storage.setItem(OUTBOX_KEY, JSON.stringify(entries));
    if (this.read()) this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
