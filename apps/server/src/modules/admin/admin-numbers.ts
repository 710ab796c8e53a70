import type { AdminNumberList, AdminNumbersQuery } from '@commpro/contracts';
import { and, count, desc, eq, or, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { Database } from '../../platform/db/client.js';
import { users } from '../auth/auth.table.js';
import { type NumbersService, toPhoneNumberDto } from '../numbers/numbers.service.js';
import { phoneNumbers } from '../numbers/numbers.table.js';
import { type AuditActor, recordAudit } from './audit-log.js';
import { foldedContains, phoneFragment } from './text-search.js';

export interface AdminNumbersDeps {
  db: Database;
  numbers: Pick<NumbersService, 'suspendByOperator' | 'releaseByOperator'>;
}

/** Every number on the service with its owner; suspend and release go through the numbers module's rules. */
export function createAdminNumbers(deps: AdminNumbersDeps) {
  const { db } = deps;

  return {
    async list(query: z.output<typeof AdminNumbersQuery>): Promise<AdminNumberList> {
      const filters: SQL[] = [];
      if (query.q) {
        const phone = phoneFragment(query.q);
        filters.push(
          or(
            foldedContains(users.email, query.q),
            ...(phone ? [foldedContains(phoneNumbers.phoneNumber, phone)] : []),
          )!,
        );
      }
      if (query.status) filters.push(eq(phoneNumbers.status, query.status));
      if (query.country) filters.push(eq(phoneNumbers.countryCode, query.country));
      const where = filters.length ? and(...filters) : undefined;
      const [rows, [{ total } = { total: 0 }]] = await Promise.all([
        db
          .select({
            number: phoneNumbers,
            owner: { id: users.id, email: users.email, firstName: users.firstName, lastName: users.lastName },
          })
          .from(phoneNumbers)
          .innerJoin(users, eq(users.id, phoneNumbers.userId))
          .where(where)
          .orderBy(desc(phoneNumbers.createdAt), desc(phoneNumbers.id))
          .limit(query.limit)
          .offset(query.offset),
        db
          .select({ total: count() })
          .from(phoneNumbers)
          .innerJoin(users, eq(users.id, phoneNumbers.userId))
          .where(where),
      ]);
      return {
        total,
        numbers: rows.map(({ number, owner }) => ({
          ...toPhoneNumberDto(number),
          owner: {
            id: owner.id,
            email: owner.email,
            name: [owner.firstName, owner.lastName].filter(Boolean).join(' ') || null,
          },
        })),
      };
    },

    async suspend(actor: AuditActor, numberId: string, reason: string): Promise<void> {
      await deps.numbers.suspendByOperator(numberId, (tx, row) =>
        recordAudit(tx, actor, {
          action: 'number.suspend',
          targetType: 'number',
          targetId: row.id,
          details: { reason, phoneNumber: row.phoneNumber, ownerId: row.userId },
        }),
      );
    },

    async release(actor: AuditActor, numberId: string, reason: string): Promise<void> {
      await deps.numbers.releaseByOperator(numberId, (tx, row) =>
        recordAudit(tx, actor, {
          action: 'number.release',
          targetType: 'number',
          targetId: row.id,
          details: { reason, phoneNumber: row.phoneNumber, ownerId: row.userId },
        }),
      );
    },
  };
}

export type AdminNumbers = ReturnType<typeof createAdminNumbers>;
