import type { Call, PhoneNumber } from '@commpro/contracts';
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { useMyNumbers } from '../numbers/use-numbers';
import { callsApi, callsKeys } from './api';
import { historyQuery, type HistoryFilter } from './history-filter';

export function useCallHistory(filter: HistoryFilter) {
  return useQuery({ queryKey: callsKeys.list(filter), queryFn: () => callsApi.list(historyQuery(filter)) });
}

export function useCall(id: string) {
  return useQuery({ queryKey: callsKeys.detail(id), queryFn: () => callsApi.get(id), enabled: Boolean(id) });
}

/** My active numbers that can call, oldest first (the main line first). */
export function useVoiceLines(): { lines: PhoneNumber[]; isSuccess: boolean; all: PhoneNumber[] } {
  const numbers = useMyNumbers();
  const all = numbers.data ?? [];
  return {
    lines: all.filter((number) => number.status === 'ACTIVE' && number.capabilities.voice),
    isSuccess: numbers.isSuccess,
    all,
  };
}

/** A call changed (socket event): the history and that call's page load again. */
export function refreshCall(queryClient: QueryClient, call: Pick<Call, 'id'>): void {
  void queryClient.invalidateQueries({ queryKey: callsKeys.lists });
  void queryClient.invalidateQueries({ queryKey: callsKeys.detail(call.id) });
}
