import type { Message, MessageList } from '@commpro/contracts';
import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';

// The API client reads the stored session when it loads; tests run in Node, which has no localStorage.
vi.hoisted(() => {
  const store = new Map<string, string>();
  globalThis.localStorage = {
    getItem: (key: string) => store.get(key) ?? null,
    setItem: (key: string, value: string) => void store.set(key, value),
    removeItem: (key: string) => void store.delete(key),
    clear: () => store.clear(),
    key: (index: number) => [...store.keys()][index] ?? null,
    get length() {
      return store.size;
    },
  };
});

const { messagesKeys } = await import('./api');
const { applyStatusEvent } = await import('./cache');

const sent: Message = {
  id: '11111111-1111-4111-8111-111111111111',
  conversationId: '22222222-2222-4222-8222-222222222222',
  contactId: null,
  from: '+33639985407',
  to: '+33639985941',
  direction: 'OUTBOUND',
  type: 'SMS',
  body: 'Here is the harbour view',
  mediaUrls: [],
  segments: 1,
  encoding: 'GSM-7',
  status: 'SENT',
  statusHistory: [{ status: 'SENT', at: '2026-11-24T10:00:00.000Z' }],
  failure: null,
  cost: 0,
  sentAt: '2026-11-24T10:00:00.000Z',
  deliveredAt: null,
  readAt: null,
  createdAt: '2026-11-24T10:00:00.000Z',
};

describe('applyStatusEvent', () => {
  it('is not undone by a thread fetch that left before the status changed', async () => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const key = messagesKeys.thread(sent.from, sent.to);
    let fetches = 0;
    let releaseStale: (list: MessageList) => void = () => undefined;
    const queryFn = () => {
      fetches += 1;
      // The first fetch answers late with what the server had before the delivery; later ones with the truth.
      if (fetches === 1) return new Promise<MessageList>((resolve) => (releaseStale = resolve));
      return Promise.resolve({ messages: [{ ...sent, status: 'DELIVERED' as const }], total: 1 });
    };
    queryClient.setQueryData<MessageList>(key, { messages: [sent], total: 1 });
    // A thread on screen: its observer fetches it again (the first, slow fetch).
    const observer = new QueryObserver(queryClient, { queryKey: key, queryFn });
    const unsubscribe = observer.subscribe(() => undefined);
    await vi.waitFor(() => expect(fetches).toBe(1));

    applyStatusEvent(queryClient, {
      id: sent.id,
      conversationId: sent.conversationId,
      status: 'DELIVERED',
      failure: null,
      at: '2026-11-24T10:00:01.000Z',
    });
    releaseStale({ messages: [sent], total: 1 });
    await vi.waitFor(() => expect(queryClient.isFetching()).toBe(0));
    unsubscribe();

    expect(queryClient.getQueryData<MessageList>(key)?.messages[0]?.status).toBe('DELIVERED');
  });
});
