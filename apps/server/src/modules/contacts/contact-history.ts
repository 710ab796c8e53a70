import type { Call, ContactHistory, ContactHistoryItem, Message } from '@commpro/contracts';

/** Where a contact's exchanges come from: the calls and messaging modules, newest first. */
export interface ContactsHistorySource {
  calls(userId: string, contactId: string, limit: number): Promise<{ items: Call[]; total: number }>;
  messages(userId: string, contactId: string, limit: number): Promise<{ items: Message[]; total: number }>;
}

/**
 * One page of calls and messages together, newest first. Each source gives
 * its newest `offset + limit`, which always hold the page; deep pages cost
 * more, and a contact's history is read from the top.
 */
export async function mergeHistory(
  source: ContactsHistorySource,
  userId: string,
  contactId: string,
  page: { limit: number; offset: number },
): Promise<ContactHistory> {
  const depth = page.offset + page.limit;
  const [calls, messages] = await Promise.all([
    source.calls(userId, contactId, depth),
    source.messages(userId, contactId, depth),
  ]);
  const items: ContactHistoryItem[] = [
    ...calls.items.map((call): ContactHistoryItem => ({ kind: 'call', at: call.createdAt, call })),
    ...messages.items.map((message): ContactHistoryItem => ({ kind: 'message', at: message.createdAt, message })),
  ].sort((a, b) => b.at.localeCompare(a.at));
  return { items: items.slice(page.offset, depth), total: calls.total + messages.total };
}
