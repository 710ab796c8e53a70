import type { Database } from '../../platform/db/client.js';
import type { Quota } from '../billing/quota.js';
import type { CallsRepository } from './calls.repository.js';

/**
 * The plan's call minutes, through billing's quota: checked before a call
 * rings (the user's other live calls count), charged when it ends.
 */
export function createCallMinutes(deps: { quota: Quota; repo: CallsRepository }) {
  return {
    async ensureAvailable(tx: Database, userId: string, exceptCallId?: string): Promise<void> {
      await deps.quota.ensureMinutes(tx, userId, () => deps.repo.countLive(userId, tx, exceptCallId));
    },

    /** Records a finished call's minutes (once per call: usage_records has a unique call id); returns the cost in EUR. */
    charge: (tx: Database, call: { id: string; userId: string }, minutes: number) =>
      deps.quota.chargeMinutes(tx, call, minutes),
  };
}

export type CallMinutes = ReturnType<typeof createCallMinutes>;
