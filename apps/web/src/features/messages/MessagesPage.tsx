import { useOutletContext } from 'react-router';
import { MessagesHome, type MessagesOutletContext } from './MessagesLayout';

/** /messages itself: the list alone on a phone; on desktop, the numbers and an invitation beside it. */
export function MessagesIndex() {
  const { none } = useOutletContext<MessagesOutletContext>();
  return <MessagesHome none={none} />;
}
