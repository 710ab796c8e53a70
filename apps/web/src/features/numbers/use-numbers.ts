import type { PhoneNumber } from '@commpro/contracts';
import { useQuery } from '@tanstack/react-query';
import { numbersApi, numbersKeys } from './api';

/** The person's numbers, oldest first (the first one bought is their main line). */
export function useMyNumbers() {
  return useQuery({
    queryKey: numbersKeys.mine,
    queryFn: numbersApi.mine,
    select: (list: PhoneNumber[]) =>
      list
        .filter((number) => number.status !== 'CANCELLED')
        .sort((a, b) => Date.parse(a.purchasedAt) - Date.parse(b.purchasedAt)),
  });
}
