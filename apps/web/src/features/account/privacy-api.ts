import type { DeleteAccountBody, SuccessResponse } from '@commpro/contracts';
import { authedDownload, authedRequest } from '../../shared/api/client';

/** The person's rights over their data: a copy of it, and its erasure. */
export const privacyApi = {
  exportData: () => authedDownload('/api/auth/me/export'),
  deleteAccount: (body: DeleteAccountBody) =>
    authedRequest<SuccessResponse>('/api/auth/me', { method: 'DELETE', body }),
};
