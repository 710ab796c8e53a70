import type { Message, MessageList } from '@commpro/contracts';
import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { beforeEach, describe, expect, it, vi } from 'vitest';

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
const { applyStatusEvent, forgetRecentMessages, onNewMessage, reconcileThread } = await import('./cache');

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

const undelivered = {
  id: sent.id,
  conversationId: sent.conversationId,
  status: 'UNDELIVERED' as const,
  failure: { code: 'SPAM', reason: 'Filtered as spam by the recipient’s carrier' },
  at: '2026-11-24T10:00:01.000Z',
};

/** A thread on screen whose fetch answers only when the test says, with what the server had when it left. */
function slowThread(queryClient: QueryClient) {
  const key = messagesKeys.thread(sent.from, sent.to);
  const answers: ((list: MessageList) => void)[] = [];
  // The same shape as useThread's query function: the server's answer, reconciled on arrival.
  const queryFn = async () =>
    reconcileThread(await new Promise<MessageList>((resolve) => answers.push(resolve)), sent.from, sent.to);
  const observer = new QueryObserver(queryClient, { queryKey: key, queryFn });
  const unsubscribe = observer.subscribe(() => undefined);
  return {
    key,
    unsubscribe,
    fetches: () => answers.length,
    answer: (list: MessageList) => answers.at(-1)!(list),
  };
}

describe('a thread fetch that left before the socket spoke', () => {
  beforeEach(() => forgetRecentMessages());

  it('does not undo a status change on a thread already shown', async () => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    queryClient.setQueryData<MessageList>(messagesKeys.thread(sent.from, sent.to), { messages: [sent], total: 1 });
    const thread = slowThread(queryClient);
    await vi.waitFor(() => expect(thread.fetches()).toBe(1));

    applyStatusEvent(queryClient, undelivered);
    expect(queryClient.getQueryData<MessageList>(thread.key)?.messages[0]?.status).toBe('UNDELIVERED');
    thread.answer({ messages: [sent], total: 1 });
    await vi.waitFor(() => expect(queryClient.isFetching()).toBe(0));
    thread.unsubscribe();

    const [shown] = queryClient.getQueryData<MessageList>(thread.key)!.messages;
    expect(shown?.status).toBe('UNDELIVERED');
    expect(shown?.failure?.reason).toMatch(/spam/);
  });

  it('brings a thread loading for the first time up to the last status (nothing cached for the event to land in)', async () => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const thread = slowThread(queryClient);
    await vi.waitFor(() => expect(thread.fetches()).toBe(1));

    applyStatusEvent(queryClient, undelivered);
    thread.answer({ messages: [sent], total: 1 });
    await vi.waitFor(() => expect(queryClient.isFetching()).toBe(0));
    thread.unsubscribe();

    expect(queryClient.getQueryData<MessageList>(thread.key)?.messages.map((m) => m.status)).toEqual(['UNDELIVERED']);
  });

  it('keeps a message that arrived during the first load, newest first, counted once', async () => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const thread = slowThread(queryClient);
    await vi.waitFor(() => expect(thread.fetches()).toBe(1));

    const reply: Message = {
      ...sent,
      id: '33333333-3333-4333-8333-333333333333',
      from: sent.to,
      to: sent.from,
      direction: 'INBOUND',
      status: 'RECEIVED',
      body: 'Lovely, thanks',
      createdAt: '2026-11-24T10:00:05.000Z',
    };
    onNewMessage(queryClient, reply);
    thread.answer({ messages: [sent], total: 1 });
    await vi.waitFor(() => expect(queryClient.isFetching()).toBe(0));

    expect(queryClient.getQueryData<MessageList>(thread.key)).toMatchObject({
      messages: [{ id: reply.id }, { id: sent.id }],
      total: 2,
    });
    // A later answer that includes it does not count it twice.
    void queryClient.refetchQueries({ queryKey: thread.key });
    await vi.waitFor(() => expect(thread.fetches()).toBe(2));
    thread.answer({ messages: [reply, sent], total: 2 });
    await vi.waitFor(() => expect(queryClient.isFetching()).toBe(0));
    thread.unsubscribe();
    expect(queryClient.getQueryData<MessageList>(thread.key)?.total).toBe(2);
  });

  it('never moves a status back when an older event comes late', () => {
    const queryClient = new QueryClient();
    applyStatusEvent(queryClient, undelivered);
    applyStatusEvent(queryClient, { ...undelivered, status: 'SENT', failure: null });
    expect(reconcileThread({ messages: [sent], total: 1 }, sent.from, sent.to).messages[0]?.status).toBe('UNDELIVERED');
  });

  it('forgets everything at sign-out', () => {
    const queryClient = new QueryClient();
    applyStatusEvent(queryClient, undelivered);
    forgetRecentMessages();
    expect(reconcileThread({ messages: [sent], total: 1 }, sent.from, sent.to).messages[0]?.status).toBe('SENT');
  });
});
