import type { Database } from '../../platform/db/client.js';
import { notifications } from './notifications.table.js';

export type NewNotification = Omit<typeof notifications.$inferInsert, 'id' | 'userId'>;

/** The notification centre's write side; issue 8 adds reading, push and preferences. */
export function createNotificationsService(deps: { db: Database }) {
  return {
    /** Pass the caller's transaction to notify with the change, or not at all. */
    async notify(userId: string, notification: NewNotification, tx: Database = deps.db): Promise<void> {
      await tx.insert(notifications).values({ ...notification, userId });
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
