import { randomBytes, randomInt } from 'node:crypto';
import type { CountryCode } from '@commpro/contracts';
import { and, eq, gt, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import type { Database } from '../../../platform/db/client.js';
import { CarrierError, type E164, type NumbersCarrier, type NumberOffer, type NumberSearch } from '../carrier.port.js';
import {
  areaCodePrefixes,
  containsPattern,
  describeSandboxNumber,
  formatSandboxNumber,
  matchesContains,
  nationalNumberAt,
  offerTerms,
  poolMatchesPrefixes,
  poolSize,
  SANDBOX_POOLS,
  toE164,
} from './pools.js';
import { sandboxNumbers } from './sandbox.table.js';

export interface SandboxCarrierDeps {
  db: Database;
  clock: () => Date;
  /** How long a released number rests before it is offered again. */
  quarantineMs: number;
}

/** Twilio pages up to 1000; the numbers API asks for at most 50. */
const MAX_LIMIT = 50;
const FRIENDLY_NAME_MAX = 100;

interface Candidate {
  countryCode: CountryCode;
  nationalNumber: string;
  phoneNumber: string;
  pool: (typeof SANDBOX_POOLS)[number];
}

/**
 * The sandbox carrier's numbers: pool numbers (see pools.ts) allocated in the
 * `sandbox_numbers` table, which is the carrier's side of the world. A number
 * is free when it has no row, or when its row was released at least
 * `quarantineMs` ago.
 */
export function createSandboxCarrier(deps: SandboxCarrierDeps): NumbersCarrier {
  const { db, clock, quarantineMs } = deps;

  /** Released before this instant → free again. */
  const quarantineCutoff = (): Date => new Date(clock().getTime() - quarantineMs);

  async function unavailableAmong(phoneNumbers: string[]): Promise<Set<string>> {
    if (phoneNumbers.length === 0) return new Set();
    const rows = await db
      .select({ phoneNumber: sandboxNumbers.phoneNumber })
      .from(sandboxNumbers)
      .where(
        and(
          inArray(sandboxNumbers.phoneNumber, phoneNumbers),
          or(isNull(sandboxNumbers.releasedAt), gt(sandboxNumbers.releasedAt, quarantineCutoff())),
        ),
      );
    return new Set(rows.map((row) => row.phoneNumber));
  }

  return {
    name: 'sandbox',

    async checkCredentials() {
      // In-process, so nothing to authenticate; but the sandbox's state lives in the database.
      await guard(async () => {
        await db.execute(sql`select 1 from ${sandboxNumbers} limit 1`);
      });
    },

    async searchAvailableNumbers(search: NumberSearch): Promise<NumberOffer[]> {
      const limit = Math.max(1, Math.min(MAX_LIMIT, Math.trunc(search.limit)));
      const candidates = findCandidates(search);
      if (candidates.length === 0) return [];

      // Walk the candidates from a random start with a stride coprime to their
      // count: every search sees a different slice, spread over all the pools
      // (cities, zones), and the walk still reaches every candidate.
      const total = candidates.length;
      const stride = coprimeStride(total, limit);
      let position = randomInt(total);
      let visited = 0;
      let batchSize = Math.max(2 * limit, 50);
      const chosen: Candidate[] = [];
      await guard(async () => {
        while (chosen.length < limit && visited < total) {
          const batch: Candidate[] = [];
          while (batch.length < batchSize && visited < total) {
            batch.push(candidates[position] as Candidate);
            position = (position + stride) % total;
            visited += 1;
          }
          const taken = await unavailableAmong(batch.map((c) => c.phoneNumber));
          for (const candidate of batch) {
            if (chosen.length >= limit) break;
            if (!taken.has(candidate.phoneNumber)) chosen.push(candidate);
          }
          // A crowded pool: look further per round so a search stays a few queries.
          batchSize *= 2;
        }
      });

      chosen.sort((a, b) => (a.phoneNumber < b.phoneNumber ? -1 : a.phoneNumber > b.phoneNumber ? 1 : 0));
      return chosen.map((candidate) => {
        const terms = offerTerms(candidate.countryCode, candidate.pool.type);
        if (!terms) throw new Error(`No terms for ${candidate.countryCode} ${candidate.pool.type}`);
        return {
          phoneNumber: candidate.phoneNumber,
          friendlyName: formatSandboxNumber(candidate.countryCode, candidate.nationalNumber),
          countryCode: candidate.countryCode,
          type: candidate.pool.type,
          capabilities: terms.capabilities,
          requirements: terms.requirements,
        };
      });
    },

    async purchaseNumber(request) {
      const number = describeSandboxNumber(request.phoneNumber);
      const terms = number && offerTerms(number.countryCode, number.type);
      if (!number || !terms) {
        throw new CarrierError('INVALID_NUMBER', `${request.phoneNumber} is not a number the sandbox carrier offers`);
      }
      const now = clock();
      const carrierSid = `SB${randomBytes(16).toString('hex')}`;
      const friendlyName = request.friendlyName?.slice(0, FRIENDLY_NAME_MAX) ?? null;
      // One statement claims the number: a fresh row, or a row released before
      // the quarantine cutoff. Two buyers at once: PostgreSQL makes the second
      // wait for the first, then its WHERE fails and nothing is returned.
      const claimed = await guard(() =>
        db
          .insert(sandboxNumbers)
          .values({
            phoneNumber: number.phoneNumber,
            carrierSid,
            countryCode: number.countryCode,
            numberType: number.type,
            friendlyName,
            allocatedAt: now,
            releasedAt: null,
          })
          .onConflictDoUpdate({
            target: sandboxNumbers.phoneNumber,
            set: {
              carrierSid,
              countryCode: number.countryCode,
              numberType: number.type,
              friendlyName,
              allocatedAt: now,
              releasedAt: null,
            },
            setWhere: and(
              isNotNull(sandboxNumbers.releasedAt),
              lte(sandboxNumbers.releasedAt, new Date(now.getTime() - quarantineMs)),
            ),
          })
          .returning({ carrierSid: sandboxNumbers.carrierSid }),
      );
      if (claimed.length === 0) {
        throw new CarrierError('NUMBER_UNAVAILABLE', `${request.phoneNumber} is no longer available`);
      }
      return {
        carrierSid,
        phoneNumber: number.phoneNumber as E164,
        countryCode: number.countryCode,
        type: number.type,
        capabilities: terms.capabilities,
      };
    },

    async updateNumber(carrierSid, changes) {
      if (changes.friendlyName === undefined) {
        // Nothing to change; still answer NOT_FOUND for a number we do not hold.
        const rows = await guard(() =>
          db
            .select({ carrierSid: sandboxNumbers.carrierSid })
            .from(sandboxNumbers)
            .where(and(eq(sandboxNumbers.carrierSid, carrierSid), isNull(sandboxNumbers.releasedAt))),
        );
        if (rows.length === 0) throw notFound(carrierSid);
        return;
      }
      const friendlyName = changes.friendlyName === null ? null : changes.friendlyName.slice(0, FRIENDLY_NAME_MAX);
      const rows = await guard(() =>
        db
          .update(sandboxNumbers)
          .set({ friendlyName })
          .where(and(eq(sandboxNumbers.carrierSid, carrierSid), isNull(sandboxNumbers.releasedAt)))
          .returning({ carrierSid: sandboxNumbers.carrierSid }),
      );
      if (rows.length === 0) throw notFound(carrierSid);
    },

    async releaseNumber(carrierSid) {
      // Releasing twice keeps the first release time, so the quarantine is not extended.
      const rows = await guard(() =>
        db
          .update(sandboxNumbers)
          .set({ releasedAt: sql`coalesce(${sandboxNumbers.releasedAt}, ${clock().toISOString()}::timestamptz)` })
          .where(eq(sandboxNumbers.carrierSid, carrierSid))
          .returning({ carrierSid: sandboxNumbers.carrierSid }),
      );
      if (rows.length === 0) throw notFound(carrierSid);
    },
  };
}

/** Every pool number the search's country, type, areaCode and contains allow, in pool order. */
function findCandidates(search: NumberSearch): Candidate[] {
  const prefixes = search.areaCode === undefined ? undefined : areaCodePrefixes(search.countryCode, search.areaCode);
  if (prefixes?.length === 0) return [];
  let pattern: RegExp | undefined;
  if (search.contains !== undefined && search.contains !== '') {
    pattern = containsPattern(search.contains);
    if (!pattern) return [];
  }
  const candidates: Candidate[] = [];
  for (const p of SANDBOX_POOLS) {
    if (p.countryCode !== search.countryCode) continue;
    if (search.type !== undefined && p.type !== search.type) continue;
    if (prefixes && !poolMatchesPrefixes(p, prefixes)) continue;
    const size = poolSize(p);
    for (let n = 0; n < size; n += 1) {
      const nationalNumber = nationalNumberAt(p, n);
      if (prefixes && !prefixes.some((prefix) => nationalNumber.startsWith(prefix))) continue;
      if (pattern && !matchesContains(p.countryCode, nationalNumber, pattern)) continue;
      candidates.push({
        countryCode: p.countryCode,
        nationalNumber,
        phoneNumber: toE164(p.countryCode, nationalNumber),
        pool: p,
      });
    }
  }
  return candidates;
}

/** A step near total/limit that shares no factor with total, so stepping visits every index once. */
function coprimeStride(total: number, limit: number): number {
  if (total <= limit) return 1;
  let stride = Math.max(1, Math.floor(total / limit) - 1);
  while (gcd(stride, total) !== 1) stride += 1;
  return stride;
}

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

function notFound(carrierSid: string): CarrierError {
  return new CarrierError('NOT_FOUND', `The sandbox carrier holds no number ${carrierSid}`);
}

/** Database failures become the port's UNAVAILABLE, with the driver's error kept as the cause. */
async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof CarrierError) throw error;
    throw new CarrierError('UNAVAILABLE', 'The sandbox carrier cannot reach its database', { cause: error });
  }
}
