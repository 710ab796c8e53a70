import type { Database } from '../../platform/db/client.js';
import { notifications } from './notifications.table.js';

export type NewNotification = Omit<typeof notifications.$inferInsert, 'id' | 'userId'>;

/** The notification centre's write side; issue 8 adds reading, push and preferences. */
export function createNotificationsService(deps: { db: Database }) {
  return {
    async notify(userId: string, notification: NewNotification): Promise<void> {
      await deps.db.insert(notifications).values({ ...notification, userId });
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
