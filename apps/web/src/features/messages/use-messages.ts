import type { PhoneNumber } from '@commpro/contracts';
import { useQuery } from '@tanstack/react-query';
import { useMyNumbers } from '../numbers/use-numbers';
import { messagesApi, messagesKeys } from './api';
import { reconcileConversations, reconcileThread } from './cache';

export function useConversations(from: string | null) {
  return useQuery({
    queryKey: messagesKeys.conversationList(from),
    queryFn: async () => reconcileConversations(await messagesApi.conversations(from ?? undefined)),
  });
}

export function useThread(mine: string, their: string) {
  return useQuery({
    queryKey: messagesKeys.thread(mine, their),
    queryFn: async () => reconcileThread(await messagesApi.thread(mine, their), mine, their),
    enabled: Boolean(mine && their),
  });
}

/** My active numbers that can text, oldest first (the main line first). */
export function useSmsLines(): { lines: PhoneNumber[]; isSuccess: boolean; all: PhoneNumber[] } {
  const numbers = useMyNumbers();
  const all = numbers.data ?? [];
  return {
    lines: all.filter((number) => number.status === 'ACTIVE' && number.capabilities.sms),
    isSuccess: numbers.isSuccess,
    all,
  };
}
