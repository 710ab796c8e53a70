import type {
  AuthResponse,
  ChangePasswordBody,
  Enable2faResponse,
  HealthResponse,
  LoginResponse,
  RegisterBody,
  SessionList,
  SuccessResponse,
  UpdateMeBody,
  User,
} from '@commpro/contracts';
import { authedRequest, publicRequest } from '../../shared/api/client';
import { request } from '../../shared/api/http';
import { getDeviceId, getDeviceName } from '../../shared/api/device';

export const authApi = {
  register: (body: RegisterBody) => publicRequest<AuthResponse>('/api/auth/register', { method: 'POST', body }),

  login: (email: string, password: string) =>
    publicRequest<LoginResponse>('/api/auth/login', {
      method: 'POST',
      body: { email, password, deviceId: getDeviceId(), deviceName: getDeviceName() },
    }),

  verify2fa: (email: string, code: string, challengeToken: string) =>
    publicRequest<AuthResponse>('/api/auth/verify-2fa', { method: 'POST', body: { email, code, challengeToken } }),

  /** Takes the credentials explicitly: the local session is already cleared when this runs. */
  logout: (accessToken: string, refreshToken: string) =>
    request<SuccessResponse>('/api/auth/logout', { method: 'POST', token: accessToken, body: { refreshToken } }),

  me: () => authedRequest<User>('/api/auth/me'),
  updateMe: (body: UpdateMeBody) => authedRequest<User>('/api/auth/me', { method: 'PUT', body }),

  changePassword: (body: ChangePasswordBody) =>
    authedRequest<SuccessResponse>('/api/auth/change-password', { method: 'PUT', body }),

  sendVerification: () => authedRequest<SuccessResponse>('/api/auth/send-verification', { method: 'POST' }),
  verifyEmail: (token: string) =>
    publicRequest<SuccessResponse>(`/api/auth/verify-email/${encodeURIComponent(token)}`, { method: 'GET' }),

  forgotPassword: (email: string) =>
    publicRequest<SuccessResponse>('/api/auth/forgot-password', { method: 'POST', body: { email } }),
  resetPassword: (token: string, newPassword: string) =>
    publicRequest<SuccessResponse>('/api/auth/reset-password', { method: 'POST', body: { token, newPassword } }),

  enable2fa: () => authedRequest<Enable2faResponse>('/api/auth/2fa/enable', { method: 'POST' }),
  confirm2fa: (code: string) =>
    authedRequest<SuccessResponse>('/api/auth/2fa/confirm', { method: 'POST', body: { code } }),
  disable2fa: (code: string) =>
    authedRequest<SuccessResponse>('/api/auth/2fa/disable', { method: 'POST', body: { code } }),

  sessions: () => authedRequest<SessionList>('/api/auth/sessions'),
  revokeSession: (id: string) =>
    authedRequest<SuccessResponse>(`/api/auth/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' }),

  health: () => publicRequest<HealthResponse>('/health'),
};

export const queryKeys = {
  me: ['auth', 'me'] as const,
  sessions: ['auth', 'sessions'] as const,
  health: ['health'] as const,
};
