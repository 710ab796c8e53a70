import type { AuditEntry } from '@commpro/contracts';
import { and, count, desc, eq, type SQL } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Database } from '../../platform/db/client.js';
import { users } from '../auth/auth.table.js';
import { auditLogs } from './audit.table.js';

/** Who acted and from where: taken from the request, never from its body. */
export interface AuditActor {
  id: string;
  ipAddress: string | null;
  userAgent: string | null;
}

export interface AuditRecord {
  action: string;
  targetType: string;
  targetId: string | null;
  details?: Record<string, unknown>;
}

export function actorOf(request: FastifyRequest): AuditActor {
  if (!request.auth) throw new Error('an audited action needs an authenticated caller');
  return {
    id: request.auth.userId,
    ipAddress: request.ip || null,
    userAgent: request.headers['user-agent']?.slice(0, 500) ?? null,
  };
}

/** Anything that can run one insert: the database or a transaction the action runs in. */
type Writer = Pick<Database, 'insert' | 'select'>;

/**
 * Writes one audit row. Called inside the action's own transaction where it
 * has one, so an action is never done without its row, nor logged undone.
 */
export async function recordAudit(db: Writer, actor: AuditActor, record: AuditRecord): Promise<void> {
  await db.insert(auditLogs).values({
    actorId: actor.id,
    // The email as it was: the row must still say who acted once that account changes or goes.
    actorEmail: await emailOf(db, actor.id),
    action: record.action,
    targetType: record.targetType,
    targetId: record.targetId,
    details: record.details ?? null,
    ipAddress: actor.ipAddress,
    userAgent: actor.userAgent,
  });
}

async function emailOf(db: Writer, userId: string): Promise<string | null> {
  const [row] = await db.select({ email: users.email }).from(users).where(eq(users.id, userId)).limit(1);
  return row?.email ?? null;
}

export async function listAudit(
  db: Database,
  query: { limit: number; offset: number; targetId?: string; action?: string },
): Promise<{ entries: AuditEntry[]; total: number }> {
  const filters: SQL[] = [];
  if (query.targetId) filters.push(eq(auditLogs.targetId, query.targetId));
  if (query.action) filters.push(eq(auditLogs.action, query.action));
  const where = filters.length ? and(...filters) : undefined;
  const [rows, [{ total } = { total: 0 }]] = await Promise.all([
    db
      .select()
      .from(auditLogs)
      .where(where)
      .orderBy(desc(auditLogs.createdAt), desc(auditLogs.id))
      .limit(query.limit)
      .offset(query.offset),
    db.select({ total: count() }).from(auditLogs).where(where),
  ]);
  return {
    total,
    entries: rows.map((row) => ({
      id: row.id,
      actor: { id: row.actorId, email: row.actorEmail },
      action: row.action,
      targetType: row.targetType,
      targetId: row.targetId,
      details: row.details,
      ipAddress: row.ipAddress,
      userAgent: row.userAgent,
      createdAt: row.createdAt.toISOString(),
    })),
  };
}
