import type { ConversationList, Message, MessageList, ServerToClientEvents } from '@commpro/contracts';
import type { QueryClient } from '@tanstack/react-query';
import { endsOf, messagesKeys } from './api';

type StatusEvent = Parameters<ServerToClientEvents['message:status']>[0];

/** Adds or replaces a message in its thread's cache (newest first), whoever learnt of it first: the send response or the socket. */
export function upsertMessage(queryClient: QueryClient, message: Message): void {
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
    const messages = [message, ...list.messages].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
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
  // A fetch already on its way may carry the status from before this event and overwrite it on arrival:
  // fetch again (cancelling that one), so the status shown is never older than the last event.
  for (const queryKey of [messagesKeys.threads, messagesKeys.conversations]) {
    if (queryClient.isFetching({ queryKey }) > 0) void queryClient.invalidateQueries({ queryKey });
  }
}

/** A message sent or received, from the socket or a send: into its thread, and the list is fetched again. */
export function onNewMessage(queryClient: QueryClient, message: Message): void {
  upsertMessage(queryClient, message);
  void queryClient.invalidateQueries({ queryKey: messagesKeys.conversations });
}

export function removeMessage(queryClient: QueryClient, message: Message): void {
  const { mine, their } = endsOf(message);
  queryClient.setQueryData<MessageList>(messagesKeys.thread(mine, their), (list) =>
    list
      ? { messages: list.messages.filter((item) => item.id !== message.id), total: Math.max(0, list.total - 1) }
      : list,
  );
  void queryClient.invalidateQueries({ queryKey: messagesKeys.conversations });
}
