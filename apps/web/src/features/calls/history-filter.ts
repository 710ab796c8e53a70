import type { CallListQuery } from '@commpro/contracts';

/** The filters of the history, as the person picks them. */
export type HistoryFilter = 'all' | 'missed' | 'outbound' | 'inbound';
export const HISTORY_FILTERS: readonly HistoryFilter[] = ['all', 'missed', 'outbound', 'inbound'];

/** The list query of a filter: missed calls are inbound by definition (see MISSED_CALL_STATUSES). */
export function historyQuery(filter: HistoryFilter): Partial<CallListQuery> {
  switch (filter) {
    case 'missed':
      return { status: 'MISSED' };
    case 'outbound':
      return { direction: 'OUTBOUND' };
    case 'inbound':
      return { direction: 'INBOUND' };
    default:
      return {};
  }
}

/** How many calls the history loads at once. */
export const HISTORY_PAGE = 100;
