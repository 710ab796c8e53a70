import type {
  AvailableNumbersResponse,
  CountryCode,
  NumberType,
  PhoneNumber,
  PortRequestBody,
  PortRequestResponse,
  PurchaseNumberBody,
  SuccessResponse,
  UpdateNumberBody,
} from '@commpro/contracts';
import { authedRequest } from '../../shared/api/client';

export interface NumberSearchParams {
  countryCode: CountryCode;
  type: NumberType;
  areaCode?: string | undefined;
  contains?: string | undefined;
}

function searchQuery(params: NumberSearchParams): string {
  const query = new URLSearchParams({ countryCode: params.countryCode, type: params.type, limit: '20' });
  if (params.areaCode) query.set('areaCode', params.areaCode);
  if (params.contains) query.set('contains', params.contains);
  return query.toString();
}

export const numbersApi = {
  available: (params: NumberSearchParams) =>
    authedRequest<AvailableNumbersResponse>(`/api/numbers/available?${searchQuery(params)}`),
  mine: () => authedRequest<PhoneNumber[]>('/api/numbers/my-numbers'),
  purchase: (body: PurchaseNumberBody) => authedRequest<PhoneNumber>('/api/numbers/purchase', { method: 'POST', body }),
  rename: (id: string, body: UpdateNumberBody) =>
    authedRequest<PhoneNumber>(`/api/numbers/${encodeURIComponent(id)}`, { method: 'PUT', body }),
  release: (id: string) =>
    authedRequest<SuccessResponse>(`/api/numbers/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  /** `countryCode` says how to read a number written without its +code. */
  portRequest: (body: PortRequestBody & { countryCode?: CountryCode }) =>
    authedRequest<PortRequestResponse>('/api/numbers/port-request', { method: 'POST', body }),
};

export const numbersKeys = {
  all: ['numbers'] as const,
  mine: ['numbers', 'mine'] as const,
  available: (params: NumberSearchParams) => ['numbers', 'available', params] as const,
};
