import { z } from 'zod';

export const COUNTRIES = ['FR', 'US', 'GB', 'DE', 'ES', 'IT'] as const;
export const CountryCode = z.enum(COUNTRIES);
export type CountryCode = z.infer<typeof CountryCode>;

/** The seed writes the United Kingdom as UK; ISO says GB. Both are accepted, GB is answered. */
export const CountryCodeInput = z
  .string()
  .trim()
  .toUpperCase()
  .transform((code) => (code === 'UK' ? 'GB' : code))
  .pipe(CountryCode);

export const NumberType = z.enum(['LOCAL', 'MOBILE', 'TOLL_FREE']);
export type NumberType = z.infer<typeof NumberType>;

export const NumberStatus = z.enum(['PENDING', 'ACTIVE', 'SUSPENDED', 'CANCELLED']);
export type NumberStatus = z.infer<typeof NumberStatus>;

export const Capabilities = z.object({ voice: z.boolean(), sms: z.boolean(), mms: z.boolean() });
export type Capabilities = z.infer<typeof Capabilities>;

/** What the country's regulator asks of the buyer before the number can be bought. */
export const NumberRequirements = z.enum(['NONE', 'ADDRESS', 'IDENTITY']);
export type NumberRequirements = z.infer<typeof NumberRequirements>;

export const AvailableNumbersQuery = z.object({
  countryCode: CountryCodeInput,
  type: NumberType.optional(),
  areaCode: z
    .string()
    .trim()
    .regex(/^\d{1,5}$/, { error: 'Use 1 to 5 digits' })
    .optional(),
  contains: z
    .string()
    .trim()
    .regex(/^[0-9*]{2,16}$/, { error: 'Use 2 to 16 digits (* matches any digit)' })
    .optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export type AvailableNumbersQuery = z.infer<typeof AvailableNumbersQuery>;

export const AvailableNumber = z.object({
  phoneNumber: z.string(),
  friendlyName: z.string(),
  countryCode: CountryCode,
  type: NumberType,
  capabilities: Capabilities,
  monthlyCost: z.number(),
  setupCost: z.number(),
  requirements: NumberRequirements,
});
export type AvailableNumber = z.infer<typeof AvailableNumber>;

export const AvailableNumbersResponse = z.object({ numbers: z.array(AvailableNumber) });
export type AvailableNumbersResponse = z.infer<typeof AvailableNumbersResponse>;

export const PhoneNumber = z.object({
  id: z.uuid(),
  phoneNumber: z.string(),
  friendlyName: z.string().nullable(),
  countryCode: CountryCode,
  numberType: NumberType,
  capabilities: Capabilities,
  status: NumberStatus,
  monthlyCost: z.number(),
  purchasedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  /**
   * The plan no longer covers this number (cancelled, downgraded, unpaid): it
   * still receives calls and texts, free, until this date, then is released
   * unless the plan covers it again.
   */
  graceEndsAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type PhoneNumber = z.infer<typeof PhoneNumber>;

export const FriendlyName = z.string().trim().min(1).max(100);

/** Any written form (national or international); the server normalises it to E.164. */
export const PhoneNumberInput = z.string().trim().min(3).max(32);

export const PurchaseNumberBody = z.object({
  phoneNumber: PhoneNumberInput,
  friendlyName: FriendlyName.optional(),
});
export type PurchaseNumberBody = z.infer<typeof PurchaseNumberBody>;

export const UpdateNumberBody = z.object({ friendlyName: FriendlyName.nullable().optional() });
export type UpdateNumberBody = z.infer<typeof UpdateNumberBody>;

export const PortRequestBody = z.object({
  phoneNumber: PhoneNumberInput,
  currentProvider: z.string().trim().min(1).max(100),
  accountNumber: z.string().trim().min(1).max(100),
  pin: z.string().trim().max(20).optional(),
});
export type PortRequestBody = z.infer<typeof PortRequestBody>;

export const PortRequestStatus = z.enum(['SUBMITTED', 'IN_PROGRESS', 'COMPLETED', 'REJECTED']);

export const PortRequestResponse = z.object({
  portRequestId: z.uuid(),
  status: PortRequestStatus,
  estimatedCompletionDate: z.iso.datetime(),
});
export type PortRequestResponse = z.infer<typeof PortRequestResponse>;
