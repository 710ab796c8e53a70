import { COUNTRIES, type CountryCode } from '@commpro/contracts';
import { and, asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../platform/db/client.js';
import { users } from '../auth/auth.table.js';
import { phoneNumbers } from '../numbers/numbers.table.js';
import type { ContactsHistorySource } from './contact-history.js';
import { contactsRoutes } from './contacts.routes.js';
import { createContactsRepository } from './contacts.repository.js';
import { createContactsService } from './contacts.service.js';

/** Where people whose timezone names no line of ours most likely write numbers from. */
const TIMEZONE_COUNTRIES: [RegExp, CountryCode][] = [
  [/^Europe\/Paris$/, 'FR'],
  [/^Europe\/London$/, 'GB'],
  [/^Europe\/(Berlin|Busingen)$/, 'DE'],
  [/^(Europe\/Madrid|Atlantic\/Canary|Africa\/Ceuta)$/, 'ES'],
  [/^Europe\/Rome$/, 'IT'],
  [/^(America\/|US\/)/, 'US'],
];

/**
 * The country a user's numbers in national form are read in: the country of
 * their first line, else their timezone's, else France.
 */
function regionResolver(db: Database) {
  return async (userId: string): Promise<CountryCode> => {
    const [line] = await db
      .select({ countryCode: phoneNumbers.countryCode })
      .from(phoneNumbers)
      .where(and(eq(phoneNumbers.userId, userId), eq(phoneNumbers.status, 'ACTIVE')))
      .orderBy(asc(phoneNumbers.createdAt))
      .limit(1);
    const lineCountry = COUNTRIES.find((c) => c === line?.countryCode);
    if (lineCountry) return lineCountry;
    const [user] = await db.select({ timezone: users.timezone }).from(users).where(eq(users.id, userId)).limit(1);
    return TIMEZONE_COUNTRIES.find(([zone]) => zone.test(user?.timezone ?? ''))?.[1] ?? 'FR';
  };
}

/** Wires contacts under /api/contacts; messaging and calls give each contact its timeline. */
export async function registerContactsModule(
  app: FastifyInstance,
  deps: { db: Database; history: ContactsHistorySource },
) {
  const service = createContactsService({
    db: deps.db,
    repo: createContactsRepository(deps.db),
    history: deps.history,
    regionOf: regionResolver(deps.db),
  });
  await app.register(contactsRoutes, { prefix: '/api/contacts', service });
  return { service };
}

export { createContactDirectory, type ContactDirectory } from './contact-directory.js';
export type { ContactsService } from './contacts.service.js';
