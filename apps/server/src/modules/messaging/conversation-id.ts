import { createHash } from 'node:crypto';

/**
 * A conversation is (my number, their number) for one user: the same id for
 * both directions, stable without a table of its own (the seed: "hash des 2
 * numéros"). Formatted as a UUID so it fits the seed's column.
 */
export function conversationIdOf(userId: string, myNumber: string, theirNumber: string): string {
  const hex = createHash('sha256').update(`${userId}|${myNumber}|${theirNumber}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
