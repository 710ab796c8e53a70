import type { ConversationList, Message, MessageList, ServerToClientEvents } from '@commpro/contracts';
import type { QueryClient } from '@tanstack/react-query';
import { endsOf, messagesKeys } from './api';

type StatusEvent = Parameters<ServerToClientEvents['message:status']>[0];

/**
 * What this tab learnt lately outside a fetch: messages sent or received, and
 * status events. A fetch that left before one of them answers with the state
 * from before it, and a thread still loading for the first time has no cache
 * for an event to land in; applied to every answer, these keep the screen
 * from going back in time. A minute outlasts any fetch in flight.
 */
const RECENT_MS = 60_000;
const recentMessages = new Map<string, { message: Message; at: number }>();
const recentStatuses = new Map<string, { event: StatusEvent; at: number }>();

function forgetOld(now: number): void {
  for (const recent of [recentMessages, recentStatuses]) {
    for (const [id, entry] of recent) if (now - entry.at > RECENT_MS) recent.delete(id);
  }
}

/** Signing out: nothing of the person stays in memory either. */
export function forgetRecentMessages(): void {
  recentMessages.clear();
  recentStatuses.clear();
}

const newestFirst = (a: Message, b: Message) => Date.parse(b.createdAt) - Date.parse(a.createdAt);

/** A thread as the server answered, with what the socket and sends told us since that answer may have left. */
export function reconcileThread(list: MessageList, mine: string, their: string): MessageList {
  forgetOld(Date.now());
  const messages = list.messages.slice();
  let total = list.total;
  for (const { message } of recentMessages.values()) {
    const ends = endsOf(message);
    if (ends.mine !== mine || ends.their !== their) continue;
    const index = messages.findIndex((item) => item.id === message.id);
    if (index >= 0) {
      messages[index] = mergeMessage(messages[index]!, message);
    } else {
      messages.push(message);
      total += 1;
    }
  }
  return { messages: messages.map(withRecentStatus).sort(newestFirst), total };
}

/** The conversation list as the server answered, its last messages' statuses brought up to date. */
export function reconcileConversations(list: ConversationList): ConversationList {
  forgetOld(Date.now());
  return {
    ...list,
    conversations: list.conversations.map((item) => ({ ...item, lastMessage: withRecentStatus(item.lastMessage) })),
  };
}

function withRecentStatus(message: Message): Message {
  const recent = recentStatuses.get(message.id);
  return recent ? applyStatus(message, recent.event) : message;
}

/** Adds or replaces a message in its thread's cache (newest first), whoever learnt of it first: the send response or the socket. */
export function upsertMessage(queryClient: QueryClient, message: Message): void {
  recentMessages.set(message.id, { message, at: Date.now() });
  const { mine, their } = endsOf(message);
  queryClient.setQueryData<MessageList>(messagesKeys.thread(mine, their), (list) => {
    if (!list) return list;
    const index = list.messages.findIndex((item) => item.id === message.id);
    if (index >= 0) {
      const messages = list.messages.slice();
      // Statuses only move forward: keep the one we already have when it is further along.
      messages[index] = mergeMessage(list.messages[index]!, message);
      return { ...list, messages };
    }
    const messages = [message, ...list.messages].sort(newestFirst);
    return { messages, total: list.total + 1 };
  });
}

const ORDER: Record<Message['status'], number> = {
  QUEUED: 0,
  SENDING: 1,
  SENT: 2,
  DELIVERED: 3,
  UNDELIVERED: 3,
  FAILED: 3,
  RECEIVED: 3,
};

function mergeMessage(current: Message, incoming: Message): Message {
  if (ORDER[incoming.status] >= ORDER[current.status])
    return { ...incoming, readAt: incoming.readAt ?? current.readAt };
  return { ...incoming, status: current.status, statusHistory: current.statusHistory, failure: current.failure };
}

function applyStatus(message: Message, event: StatusEvent): Message {
  if (message.id !== event.id || ORDER[event.status] < ORDER[message.status]) return message;
  return {
    ...message,
    status: event.status,
    failure: event.failure,
    statusHistory: message.statusHistory.some((step) => step.status === event.status)
      ? message.statusHistory
      : [...message.statusHistory, { status: event.status, at: event.at }],
    sentAt: event.status === 'SENT' ? (message.sentAt ?? event.at) : message.sentAt,
    deliveredAt: event.status === 'DELIVERED' ? event.at : message.deliveredAt,
  };
}

/** Moves a message's status along in every cache that holds it (its thread and the conversation list). */
export function applyStatusEvent(queryClient: QueryClient, event: StatusEvent): void {
  const known = recentStatuses.get(event.id)?.event;
  if (!known || ORDER[event.status] >= ORDER[known.status]) recentStatuses.set(event.id, { event, at: Date.now() });
  queryClient.setQueriesData<MessageList>({ queryKey: messagesKeys.threads }, (list) =>
    list?.messages.some((message) => message.id === event.id)
      ? { ...list, messages: list.messages.map((message) => applyStatus(message, event)) }
      : list,
  );
  queryClient.setQueriesData<ConversationList>({ queryKey: messagesKeys.conversations }, (list) =>
    list?.conversations.some((item) => item.lastMessage.id === event.id)
      ? {
          ...list,
          conversations: list.conversations.map((item) =>
            item.lastMessage.id === event.id ? { ...item, lastMessage: applyStatus(item.lastMessage, event) } : item,
          ),
        }
      : list,
  );
}

/** A message sent or received, from the socket or a send: into its thread, and the list is fetched again. */
export function onNewMessage(queryClient: QueryClient, message: Message): void {
  upsertMessage(queryClient, message);
  void queryClient.invalidateQueries({ queryKey: messagesKeys.conversations });
}

export function removeMessage(queryClient: QueryClient, message: Message): void {
  recentMessages.delete(message.id);
  const { mine, their } = endsOf(message);
  queryClient.setQueryData<MessageList>(messagesKeys.thread(mine, their), (list) =>
    list
      ? { messages: list.messages.filter((item) => item.id !== message.id), total: Math.max(0, list.total - 1) }
      : list,
  );
  void queryClient.invalidateQueries({ queryKey: messagesKeys.conversations });
}
