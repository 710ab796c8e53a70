import type {
  ConversationList,
  Message,
  MessageList,
  SendMessageBody,
  SuccessResponse,
  UploadedMedia,
} from '@commpro/contracts';
import { authedRequest, authedUpload } from '../../shared/api/client';

/** How many messages of a thread we load (newest first from the server). */
export const THREAD_PAGE = 200;

export const messagesApi = {
  conversations: (from?: string) => {
    const query = new URLSearchParams({ limit: '100' });
    if (from) query.set('from', from);
    return authedRequest<ConversationList>(`/api/messages/conversations?${query.toString()}`);
  },
  /** The thread with `their` number on my line `mine`, newest first. */
  thread: (mine: string, their: string) => {
    const query = new URLSearchParams({ from: mine, limit: String(THREAD_PAGE) });
    return authedRequest<MessageList>(`/api/messages/conversation/${encodeURIComponent(their)}?${query.toString()}`);
  },
  send: (body: SendMessageBody) => authedRequest<Message>('/api/messages/send', { method: 'POST', body }),
  uploadMedia: (file: File, options: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {}) =>
    authedUpload<UploadedMedia>('/api/messages/media', { field: 'file', file, ...options }),
  markRead: (id: string) => authedRequest<Message>(`/api/messages/${encodeURIComponent(id)}/read`, { method: 'PUT' }),
  remove: (id: string) =>
    authedRequest<SuccessResponse>(`/api/messages/${encodeURIComponent(id)}`, { method: 'DELETE' }),
};

export const messagesKeys = {
  all: ['messages'] as const,
  conversations: ['messages', 'conversations'] as const,
  conversationList: (from: string | null) => ['messages', 'conversations', from ?? 'all'] as const,
  threads: ['messages', 'thread'] as const,
  thread: (mine: string, their: string) => ['messages', 'thread', mine, their] as const,
};

/** My line and their number for a message, whichever way it went. */
export function endsOf(message: Pick<Message, 'direction' | 'from' | 'to'>): { mine: string; their: string } {
  return message.direction === 'OUTBOUND'
    ? { mine: message.from, their: message.to }
    : { mine: message.to, their: message.from };
}

/** The URL of a thread: their number in the path, my line in `from`. */
export function threadPath(mine: string, their: string): string {
  return `/messages/${encodeURIComponent(their)}?from=${encodeURIComponent(mine)}`;
}
