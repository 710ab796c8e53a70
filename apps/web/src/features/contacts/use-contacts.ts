import type { Contact, UpdateContactBody } from '@commpro/contracts';
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import { callsKeys } from '../calls/api';
import { messagesKeys } from '../messages/api';
import { contactsApi, contactsKeys } from './api';
import type { ContactFilter } from './contact-filter';

/** Where the next page starts, or undefined when everything is loaded. */
function nextOffset(last: { total: number }, pages: { length: number }[]): number | undefined {
  const loaded = pages.reduce((sum, page) => sum + page.length, 0);
  return loaded < last.total ? loaded : undefined;
}

/** The list for a filter, page by page; while a new search loads, the previous results stay on screen. */
export function useContactList(filter: ContactFilter) {
  return useInfiniteQuery({
    queryKey: contactsKeys.list(filter),
    queryFn: ({ pageParam }) => contactsApi.list(filter, pageParam),
    initialPageParam: 0,
    getNextPageParam: (last, pages) =>
      last.contacts.length === 0
        ? undefined
        : nextOffset(
            last,
            pages.map((page) => page.contacts),
          ),
    placeholderData: keepPreviousData,
  });
}

export function useContactTags() {
  return useQuery({ queryKey: contactsKeys.tags, queryFn: contactsApi.tags });
}

export function useContact(id: string) {
  return useQuery({ queryKey: contactsKeys.detail(id), queryFn: () => contactsApi.get(id), enabled: Boolean(id) });
}

/** The calls and messages with a contact, newest first, page by page. */
export function useContactHistory(id: string) {
  return useInfiniteQuery({
    queryKey: contactsKeys.history(id),
    queryFn: ({ pageParam }) => contactsApi.history(id, pageParam),
    initialPageParam: 0,
    getNextPageParam: (last, pages) =>
      last.items.length === 0
        ? undefined
        : nextOffset(
            last,
            pages.map((page) => page.items),
          ),
  });
}

/** The contact saved for this E.164 number, null when there is none (undefined while loading). */
export function useContactByNumber(phoneNumber: string) {
  return useQuery({
    queryKey: contactsKeys.byNumber(phoneNumber),
    queryFn: () => contactsApi.search(phoneNumber),
    select: (list) => list.contacts.find((contact) => contact.phoneNumber === phoneNumber) ?? null,
    enabled: phoneNumber.startsWith('+'),
    staleTime: 60_000,
  });
}

/** A contact changed: the contact lists and tags, and the names messages and calls show, load again. */
export function refreshContacts(queryClient: QueryClient): void {
  void queryClient.invalidateQueries({ queryKey: contactsKeys.all });
  void queryClient.invalidateQueries({ queryKey: messagesKeys.conversations });
  void queryClient.invalidateQueries({ queryKey: callsKeys.lists });
  void queryClient.invalidateQueries({ queryKey: callsKeys.details });
}

/** Changes some of a contact's fields (its tags, the star) and shows the answer at once. */
export function useUpdateContact(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateContactBody) => contactsApi.update(id, body),
    onSuccess: (contact: Contact) => {
      queryClient.setQueryData(contactsKeys.detail(id), contact);
      refreshContacts(queryClient);
    },
  });
}
