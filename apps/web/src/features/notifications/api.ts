import type {
  Device,
  Notification,
  NotificationList,
  NotificationPreferences,
  PushConfig,
  RegisterDeviceBody,
  SuccessResponse,
} from '@commpro/contracts';
import { authedRequest } from '../../shared/api/client';

/** Notifications per page of the centre. */
export const NOTIFICATIONS_PAGE = 20;

export type NotificationFilter = 'all' | 'unread';

export const notificationsApi = {
  list: ({
    filter,
    offset,
    limit = NOTIFICATIONS_PAGE,
  }: {
    filter: NotificationFilter;
    offset: number;
    limit?: number;
  }) => {
    const query = new URLSearchParams({ limit: String(limit), offset: String(offset) });
    if (filter === 'unread') query.set('unread', 'true');
    return authedRequest<NotificationList>(`/api/notifications?${query.toString()}`);
  },
  markRead: (id: string) =>
    authedRequest<Notification>(`/api/notifications/${encodeURIComponent(id)}/read`, { method: 'PUT' }),
  markAllRead: () => authedRequest<{ updated: number }>('/api/notifications/read-all', { method: 'PUT' }),
  remove: (id: string) =>
    authedRequest<SuccessResponse>(`/api/notifications/${encodeURIComponent(id)}`, { method: 'DELETE' }),

  pushConfig: () => authedRequest<PushConfig>('/api/notifications/push-config'),
  devices: () => authedRequest<Device[]>('/api/notifications/devices'),
  registerDevice: (body: RegisterDeviceBody) =>
    authedRequest<Device>('/api/notifications/devices', { method: 'POST', body }),
  /** By our id or by the device's own deviceId. */
  removeDevice: (id: string) =>
    authedRequest<SuccessResponse>(`/api/notifications/devices/${encodeURIComponent(id)}`, { method: 'DELETE' }),

  preferences: () => authedRequest<NotificationPreferences>('/api/notifications/preferences'),
  setPreferences: (body: NotificationPreferences) =>
    authedRequest<NotificationPreferences>('/api/notifications/preferences', { method: 'PUT', body }),
};

export const notificationsKeys = {
  all: ['notifications'] as const,
  lists: ['notifications', 'list'] as const,
  list: (filter: NotificationFilter) => ['notifications', 'list', filter] as const,
  /** The bell's count of unread notifications. */
  unread: ['notifications', 'unread'] as const,
  devices: ['notifications', 'devices'] as const,
  preferences: ['notifications', 'preferences'] as const,
};
