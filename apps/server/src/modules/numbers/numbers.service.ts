import {
  type AvailableNumber,
  type AvailableNumbersQuery,
  type CountryCode,
  PLANS,
  type PhoneNumber,
  type PortRequestBody,
  type PortRequestResponse,
  type PurchaseNumberBody,
  planForNumbers,
  type UpdateNumberBody,
} from '@commpro/contracts';
import type { Cipher } from '../../platform/crypto.js';
import { addMonths } from '../../platform/calendar.js';
import type { Database } from '../../platform/db/client.js';
import { AppError, notFound, validationError } from '../../platform/errors.js';
import type { JobQueue } from '../../platform/jobs/job-queue.js';
import { type Carrier, CarrierError, type E164, type NumberWebhooks } from '../../providers/carrier/carrier.port.js';
import type { BillingService } from '../billing/billing.service.js';
import type { NumbersRepository, PhoneNumberRow } from './numbers.repository.js';
import { countryOf, toE164 } from './phone-input.js';
import { numberPrice } from './pricing.js';

export const RENEW_JOB = 'numbers.renew';
/** Statuses an operator can release from (PENDING is a purchase still in progress). */
const RELEASABLE: readonly PhoneNumberRow['status'][] = ['ACTIVE', 'SUSPENDED'];

const wrongState = (row: PhoneNumberRow, message: string) =>
  new AppError('CONFLICT', message, {
    details: [{ message: `The number is ${row.status.toLowerCase()}`, code: `NUMBER_${row.status}` }],
  });
const PORT_ESTIMATE_DAYS = 14;

export interface NumbersServiceDeps {
  db: Database;
  repo: NumbersRepository;
  carrier: Carrier;
  billing: BillingService;
  jobs: Pick<JobQueue, 'enqueue'>;
  cipher: Cipher;
  publicUrl: string;
  clock: () => Date;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

export function toPhoneNumberDto(row: PhoneNumberRow): PhoneNumber {
  return {
    id: row.id,
    phoneNumber: row.phoneNumber,
    friendlyName: row.friendlyName,
    countryCode: row.countryCode as CountryCode,
    numberType: row.numberType,
    capabilities: row.capabilities,
    status: row.status,
    monthlyCost: row.monthlyCost,
    purchasedAt: row.purchasedAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    graceEndsAt: row.graceEndsAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Carrier failures in our words: the vendor's text stays in the logs. */
export function fromCarrierError(error: unknown): AppError {
  if (!(error instanceof CarrierError)) {
    return new AppError('PROVIDER_UNAVAILABLE', 'The phone carrier could not be reached; try again', { cause: error });
  }
  switch (error.reason) {
    case 'NUMBER_UNAVAILABLE':
      return new AppError('NUMBER_UNAVAILABLE', 'This number is no longer available; pick another one', {
        cause: error,
      });
    case 'REGULATORY_REQUIREMENT':
      return new AppError(
        'REGULATORY_REQUIREMENT',
        'This country asks for your address or identity documents before this number can be bought',
        { cause: error },
      );
    case 'INVALID_NUMBER':
      return new AppError('VALIDATION_FAILED', 'This number cannot be bought', {
        details: [{ field: 'phoneNumber', message: 'This number cannot be bought', code: 'NUMBER_NOT_SOLD' }],
        cause: error,
      });
    case 'NOT_FOUND':
      return new AppError('NOT_FOUND', 'Phone number not found', { cause: error });
    default:
      return new AppError('PROVIDER_UNAVAILABLE', 'The phone carrier could not be reached; try again', {
        cause: error,
      });
  }
}

export function createNumbersService(deps: NumbersServiceDeps) {
  const { db, repo, carrier, billing, clock } = deps;

  const webhooks = (): NumberWebhooks => ({
    smsUrl: `${deps.publicUrl}/api/messages/webhooks/incoming`,
    voiceUrl: `${deps.publicUrl}/api/calls/webhooks/voice`,
    statusCallbackUrl: `${deps.publicUrl}/api/calls/webhooks/status`,
  });

  function parseNumber(input: string, field: string, region?: CountryCode): E164 {
    const e164 = toE164(input, region);
    if (!e164) {
      throw validationError(field, 'Enter a phone number, e.g. +33 1 99 00 12 34 or 01 99 00 12 34', 'PHONE_INVALID');
    }
    return e164;
  }

  async function requireOwned(userId: string, numberId: string): Promise<PhoneNumberRow> {
    const row = await repo.findOwned(userId, numberId);
    if (!row || row.status === 'PENDING') throw notFound('Phone number');
    return row;
  }

  async function requireAny(numberId: string): Promise<PhoneNumberRow> {
    const row = await repo.findById(numberId);
    if (!row) throw notFound('Phone number');
    return row;
  }

  /** Reserves the number for the user within the plan's limit; one transaction, the user's row locked. */
  async function reserve(userId: string, e164: E164, country: CountryCode, friendlyName: string | undefined) {
    return db.transaction(async (tx) => {
      await repo.lockUser(userId, tx);
      const plan = await billing.currentPlan(userId, tx);
      const held = await repo.countHeld(userId, tx);
      if (held >= plan.includedNumbers && plan.extraNumberPriceCents === null) {
        const lifts = planForNumbers(held + 1);
        throw new AppError(
          'PLAN_LIMIT_REACHED',
          `Your ${plan.tier} plan includes ${plan.includedNumbers} number${plan.includedNumbers > 1 ? 's' : ''}` +
            (lifts ? `; upgrade to ${lifts} for up to ${PLANS[lifts].includedNumbers} numbers` : ''),
          { limit: { resource: 'numbers', allowed: plan.includedNumbers, plan: plan.tier, upgradeTo: lifts ?? null } },
        );
      }
      const reserved = await repo.insertPending(
        {
          userId,
          phoneNumber: e164,
          friendlyName: friendlyName ?? null,
          countryCode: country,
          capabilities: { voice: false, sms: false, mms: false },
          // Priced once the carrier says what type the number is.
          monthlyCost: 0,
        },
        tx,
      );
      if (!reserved) {
        throw new AppError('NUMBER_UNAVAILABLE', 'This number is no longer available; pick another one');
      }
      // Numbers are priced in EUR (numbers.monthly_cost); the plan's extra-number price is in cents.
      const extraPrice =
        held >= plan.includedNumbers && plan.extraNumberPriceCents !== null ? plan.extraNumberPriceCents / 100 : null;
      return { reserved, subscriptionId: plan.subscriptionId, extraPrice };
    });
  }

  return {
    async searchAvailable(query: AvailableNumbersQuery): Promise<AvailableNumber[]> {
      const offers = await carrier.searchAvailableNumbers(query).catch((error: unknown) => {
        throw fromCarrierError(error);
      });
      return offers.map((offer) => ({ ...offer, ...numberPrice(offer.countryCode, offer.type) }));
    },

    /** The caller's ACTIVE line with this number, for sending from it. */
    async findActiveLine(userId: string, e164: string): Promise<PhoneNumberRow | undefined> {
      const line = await repo.findActiveByNumber(e164);
      return line?.userId === userId ? line : undefined;
    },

    /** Who receives traffic for a number, if it is an ACTIVE CommPro line. */
    findLineByNumber: (e164: string): Promise<PhoneNumberRow | undefined> => repo.findActiveByNumber(e164),

    async listMine(userId: string): Promise<PhoneNumber[]> {
      return (await repo.listHeld(userId)).map(toPhoneNumberDto);
    },

    /**
     * Reserve (plan limit, uniqueness) → buy at the carrier → activate with its
     * usage record. A carrier refusal removes the reservation; nothing is
     * charged unless the number is ours.
     */
    async purchase(userId: string, input: PurchaseNumberBody & { countryCode?: CountryCode }): Promise<PhoneNumber> {
      const e164 = parseNumber(input.phoneNumber, 'phoneNumber', input.countryCode);
      const country = countryOf(e164);
      if (!country) {
        throw validationError(
          'phoneNumber',
          'We offer numbers in France, the US, the UK, Germany, Spain and Italy',
          'COUNTRY_NOT_SERVED',
        );
      }
      const { reserved, subscriptionId, extraPrice } = await reserve(userId, e164, country, input.friendlyName);

      let bought;
      try {
        bought = await carrier.purchaseNumber({
          phoneNumber: e164,
          friendlyName: input.friendlyName,
          webhooks: webhooks(),
        });
      } catch (error) {
        await repo.deletePending(reserved.id);
        throw fromCarrierError(error);
      }

      const now = clock();
      const expiresAt = addMonths(now, 1);
      // Beyond the plan's included numbers, the plan's extra-number price applies.
      const monthlyCost = extraPrice ?? numberPrice(country, bought.type).monthlyCost;
      try {
        const active = await db.transaction(async (tx) => {
          const row = await repo.update(
            reserved.id,
            {
              status: 'ACTIVE',
              carrierSid: bought.carrierSid,
              numberType: bought.type,
              capabilities: bought.capabilities,
              monthlyCost,
              purchasedAt: now,
              expiresAt,
            },
            tx,
          );
          await billing.recordUsage(
            {
              userId,
              subscriptionId,
              type: 'PHONE_NUMBER',
              quantity: 1,
              unitCost: row.monthlyCost,
              totalCost: row.monthlyCost,
              phoneNumberId: row.id,
              periodStart: now,
              periodEnd: expiresAt,
            },
            tx,
          );
          return row;
        });
        await deps.jobs.enqueue(
          RENEW_JOB,
          { numberId: active.id, periodEnd: expiresAt.toISOString() },
          { runAt: expiresAt, dedupeKey: `${RENEW_JOB}:${active.id}:${expiresAt.toISOString()}` },
        );
        return toPhoneNumberDto(active);
      } catch (error) {
        // Bought but not recorded: give the number back rather than keep one nobody pays for.
        deps.log.error({ err: error, numberId: reserved.id }, 'number bought but not activated; releasing it');
        await carrier.releaseNumber(bought.carrierSid).catch((err: unknown) => {
          deps.log.error({ err, carrierSid: bought.carrierSid }, 'release after a failed activation failed');
        });
        await repo.deletePending(reserved.id);
        throw error;
      }
    },

    async update(userId: string, numberId: string, input: UpdateNumberBody): Promise<PhoneNumber> {
      const row = await requireOwned(userId, numberId);
      if (input.friendlyName === undefined) return toPhoneNumberDto(row);
      await carrier.updateNumber(row.carrierSid!, { friendlyName: input.friendlyName }).catch((error: unknown) => {
        throw fromCarrierError(error);
      });
      return toPhoneNumberDto(await repo.update(row.id, { friendlyName: input.friendlyName }));
    },

    async release(userId: string, numberId: string): Promise<void> {
      const row = await requireOwned(userId, numberId);
      await carrier.releaseNumber(row.carrierSid!).catch((error: unknown) => {
        // Already gone at the carrier: releasing it here is what the user asked for.
        if (!(error instanceof CarrierError && error.reason === 'NOT_FOUND')) throw fromCarrierError(error);
      });
      await repo.update(row.id, { status: 'CANCELLED', releasedAt: clock() });
    },

    /**
     * Operators (admin module): stops an ACTIVE number of any account; it no
     * longer sends nor receives. `audit` runs in the change's transaction.
     */
    async suspendByOperator(numberId: string, audit: (tx: Database, row: PhoneNumberRow) => Promise<void>) {
      const row = await requireAny(numberId);
      if (row.status !== 'ACTIVE') throw wrongState(row, 'Only an active number can be suspended');
      return db.transaction(async (tx) => {
        const suspended = await repo.updateIfStatus(row.id, ['ACTIVE'], { status: 'SUSPENDED' }, tx);
        if (!suspended) throw wrongState(row, 'Only an active number can be suspended');
        await audit(tx, suspended);
        return toPhoneNumberDto(suspended);
      });
    },

    /**
     * Operators (admin module): releases any account's number at the carrier,
     * as its owner's release does. `audit` runs in the change's transaction.
     */
    async releaseByOperator(numberId: string, audit: (tx: Database, row: PhoneNumberRow) => Promise<void>) {
      const row = await requireAny(numberId);
      if (!RELEASABLE.includes(row.status))
        throw wrongState(row, 'This number is not held; there is nothing to release');
      await carrier.releaseNumber(row.carrierSid!).catch((error: unknown) => {
        if (!(error instanceof CarrierError && error.reason === 'NOT_FOUND')) throw fromCarrierError(error);
      });
      return db.transaction(async (tx) => {
        const released = await repo.updateIfStatus(
          row.id,
          RELEASABLE,
          { status: 'CANCELLED', releasedAt: clock(), graceEndsAt: null },
          tx,
        );
        if (!released) throw wrongState(row, 'This number is not held; there is nothing to release');
        await audit(tx, released);
        return toPhoneNumberDto(released);
      });
    },

    async requestPort(
      userId: string,
      input: PortRequestBody & { countryCode?: CountryCode },
    ): Promise<PortRequestResponse> {
      const e164 = parseNumber(input.phoneNumber, 'phoneNumber', input.countryCode);
      if (!countryOf(e164)) {
        throw validationError(
          'phoneNumber',
          'We can bring numbers from France, the US, the UK, Germany, Spain and Italy',
          'COUNTRY_NOT_SERVED',
        );
      }
      if (await repo.ownsNumber(userId, e164)) {
        throw new AppError('CONFLICT', 'This number is already on your account', {
          details: [{ field: 'phoneNumber', message: 'This number is already on your account', code: 'ALREADY_YOURS' }],
        });
      }
      // Another account's CommPro number is not the caller's to move; say no without saying whose it is.
      if (await repo.isHeld(e164)) {
        throw new AppError('CONFLICT', 'This number cannot be transferred', {
          details: [{ field: 'phoneNumber', message: 'This number cannot be transferred', code: 'NOT_TRANSFERABLE' }],
        });
      }
      const now = clock();
      const row = await repo.insertPortRequest({
        userId,
        phoneNumber: e164,
        currentProvider: input.currentProvider,
        accountNumber: deps.cipher.encrypt(input.accountNumber),
        pin: input.pin ? deps.cipher.encrypt(input.pin) : null,
        estimatedCompletionAt: new Date(now.getTime() + PORT_ESTIMATE_DAYS * 24 * 3600_000),
        createdAt: now,
      });
      if (!row) {
        throw new AppError('CONFLICT', 'A transfer of this number is already in progress', {
          details: [
            {
              field: 'phoneNumber',
              message: 'A transfer of this number is already in progress',
              code: 'PORT_IN_PROGRESS',
            },
          ],
        });
      }
      return {
        portRequestId: row.id,
        status: row.status,
        estimatedCompletionDate: row.estimatedCompletionAt.toISOString(),
      };
    },
  };
}

export type NumbersService = ReturnType<typeof createNumbersService>;
