import { and, asc, desc, eq, getTableColumns, gt, or } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { type AsyncZippable, strToU8, zip } from 'fflate';
import type { Database } from '../../platform/db/client.js';
import { invoices, subscriptions, usageRecords } from '../billing/billing.table.js';
import { calls } from '../calls/calls.table.js';
import { contacts } from '../contacts/contacts.table.js';
import { messages } from '../messaging/messaging.table.js';
import { deviceTokens, notificationPreferences, notifications } from '../notifications/notifications.table.js';
import { phoneNumbers, portRequests } from '../numbers/numbers.table.js';
import { toCsv, type ExportRecord } from './account-export-csv.js';
import { refreshTokens, users } from './auth.table.js';

/** Opens what was sealed with the user's data key (the messaging module's sealer). */
export interface ExportOpener {
  open(userId: string, sealed: string): Promise<string>;
}

export interface AccountExportDeps {
  db: Database;
  sealer: ExportOpener;
  clock: () => Date;
}

interface Section {
  name: string;
  describes: string;
  columns: string[];
  records: ExportRecord[];
}

/** Where a one-table section comes from: the rows whose `owner` is the person, in `order`. */
interface TableSection {
  name: string;
  describes: string;
  table: PgTable;
  owner: PgColumn;
  order: PgColumn;
  omitted?: readonly string[];
}

/** Messages are read and opened this many at a time, so a large history never sits in one query result. */
const MESSAGE_BATCH = 1000;

/** Columns that are ours, not the person's: secrets, derived search text, internal ids of providers' state. */
const NOT_EXPORTED: Record<string, readonly string[]> = {
  users: ['passwordHash', 'twoFaSecret', 'twoFaLastStep'],
  contacts: ['searchText', 'sortName', 'phoneDigits'],
  portRequests: ['accountNumber', 'pin'],
  deviceTokens: ['token', 'fcmToken', 'apnsToken', 'voipToken', 'webPushKeys'],
  messages: ['encryptionKeyId', 'body', 'mediaUrls'],
};

function columnsOf(table: PgTable, omitted: readonly string[] = []): Record<string, PgColumn> {
  return Object.fromEntries(Object.entries(getTableColumns(table)).filter(([key]) => !omitted.includes(key)));
}

/** JSON-ready: dates as ISO 8601 text, everything else as stored. */
function plain(row: Record<string, unknown>): ExportRecord {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value]),
  ) as ExportRecord;
}

const README = (sections: Section[], at: Date) =>
  [
    'CommPro — export of your personal data',
    `Made on ${at.toISOString()} at your request (GDPR, articles 15 and 20).`,
    '',
    'Each kind of data is given twice: NAME.json (complete, for programs) and NAME.csv',
    '(for a spreadsheet: UTF-8, comma-separated; a cell starting with = + - or @ is',
    "prefixed with ' so that it is shown as text and never run as a formula).",
    'Times are in UTC (ISO 8601). Amounts in cents are integers; other amounts are in euros.',
    '',
    ...sections.map((s) => `${s.name}.json / ${s.name}.csv — ${s.describes} (${s.records.length})`),
    '',
    'Message texts were decrypted for this export; they are stored encrypted with a key of your own.',
    'Passwords, two-factor secrets and device push tokens are never exported.',
    '',
  ].join('\r\n');

/** Compressed on fflate's worker threads: a large history must not hold up every other request. */
function compress(files: AsyncZippable, at: Date): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    zip(files, { level: 6, mtime: at }, (error, data) => (error ? reject(error) : resolve(data)));
  });
}

/**
 * GDPR export: everything the service holds about one person, every query
 * limited to their user id, built in memory as one ZIP.
 */
export function createAccountExport(deps: AccountExportDeps) {
  const { db, sealer, clock } = deps;

  async function rowsOf(table: PgTable, owner: PgColumn, userId: string, order: PgColumn, omitted?: readonly string[]) {
    const rows = await db.select(columnsOf(table, omitted)).from(table).where(eq(owner, userId)).orderBy(asc(order));
    return rows.map((row) => plain(row as Record<string, unknown>));
  }

  async function openOrNull(userId: string, sealed: string | null): Promise<string | null> {
    return sealed === null ? null : sealer.open(userId, sealed);
  }

  async function messagesOf(userId: string): Promise<ExportRecord[]> {
    const fields = {
      ...columnsOf(messages, NOT_EXPORTED.messages),
      id: messages.id,
      createdAt: messages.createdAt,
      body: messages.body,
      mediaUrls: messages.mediaUrls,
    };
    const records: ExportRecord[] = [];
    let after: { createdAt: Date; id: string } | undefined;
    for (;;) {
      const batch = await db
        .select(fields)
        .from(messages)
        .where(
          and(
            eq(messages.userId, userId),
            after &&
              or(
                gt(messages.createdAt, after.createdAt),
                and(eq(messages.createdAt, after.createdAt), gt(messages.id, after.id)),
              ),
          ),
        )
        .orderBy(asc(messages.createdAt), asc(messages.id))
        .limit(MESSAGE_BATCH);
      for (const row of batch) {
        const media = await openOrNull(userId, row.mediaUrls);
        records.push(
          plain({
            ...row,
            body: await openOrNull(userId, row.body),
            mediaUrls: media === null ? [] : (JSON.parse(media) as string[]),
          }),
        );
      }
      if (batch.length < MESSAGE_BATCH) return records;
      const last = batch[batch.length - 1]!;
      after = { createdAt: last.createdAt, id: last.id };
    }
  }

  /** One line per signed-in device (a refresh-token family), as its latest token describes it. */
  async function sessionsOf(userId: string): Promise<ExportRecord[]> {
    const rows = await db
      .selectDistinctOn([refreshTokens.familyId], {
        id: refreshTokens.familyId,
        deviceName: refreshTokens.deviceName,
        ipAddress: refreshTokens.ipAddress,
        userAgent: refreshTokens.userAgent,
        startedAt: refreshTokens.sessionStartedAt,
        lastUsedAt: refreshTokens.createdAt,
        expiresAt: refreshTokens.expiresAt,
        endedAt: refreshTokens.revokedAt,
      })
      .from(refreshTokens)
      .where(eq(refreshTokens.userId, userId))
      .orderBy(refreshTokens.familyId, desc(refreshTokens.createdAt));
    return rows.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime()).map(plain);
  }

  function section(name: string, describes: string, columns: string[], records: ExportRecord[]): Section {
    return { name, describes, columns, records };
  }
  const keys = (table: PgTable, omitted?: readonly string[]) => Object.keys(columnsOf(table, omitted));

  /** A section that is the person's rows of one table, less the columns never exported. */
  async function fromTable(userId: string, spec: TableSection): Promise<Section> {
    const { name, describes, table, owner, order, omitted } = spec;
    return section(name, describes, keys(table, omitted), await rowsOf(table, owner, userId, order, omitted));
  }

  return {
    /** The ZIP's bytes and the name it is offered under. */
    async build(userId: string): Promise<{ filename: string; zip: Uint8Array }> {
      const at = clock();
      const sections: Section[] = [
        await fromTable(userId, {
          name: 'profile',
          describes: 'your account',
          table: users,
          owner: users.id,
          order: users.id,
          omitted: NOT_EXPORTED.users,
        }),
        await fromTable(userId, {
          name: 'numbers',
          describes: 'your phone numbers, current and released',
          table: phoneNumbers,
          owner: phoneNumbers.userId,
          order: phoneNumbers.createdAt,
        }),
        await fromTable(userId, {
          name: 'port-requests',
          describes: 'numbers you asked to bring from another operator',
          table: portRequests,
          owner: portRequests.userId,
          order: portRequests.createdAt,
          omitted: NOT_EXPORTED.portRequests,
        }),
        await fromTable(userId, {
          name: 'contacts',
          describes: 'your contacts, with their tags and notes',
          table: contacts,
          owner: contacts.userId,
          order: contacts.createdAt,
          omitted: NOT_EXPORTED.contacts,
        }),
        section(
          'messages',
          'your text messages (SMS/MMS), sent and received',
          [...keys(messages, NOT_EXPORTED.messages), 'body', 'mediaUrls'],
          await messagesOf(userId),
        ),
        await fromTable(userId, {
          name: 'calls',
          describes: 'your calls',
          table: calls,
          owner: calls.userId,
          order: calls.createdAt,
        }),
        await fromTable(userId, {
          name: 'invoices',
          describes: 'your invoices, with their lines as issued',
          table: invoices,
          owner: invoices.userId,
          order: invoices.issuedAt,
        }),
        await fromTable(userId, {
          name: 'subscription',
          describes: 'your plan',
          table: subscriptions,
          owner: subscriptions.userId,
          order: subscriptions.createdAt,
        }),
        await fromTable(userId, {
          name: 'usage',
          describes: 'what your plan counted: call minutes, messages, numbers',
          table: usageRecords,
          owner: usageRecords.userId,
          order: usageRecords.createdAt,
        }),
        await fromTable(userId, {
          name: 'notifications',
          describes: 'notifications shown to you',
          table: notifications,
          owner: notifications.userId,
          order: notifications.createdAt,
        }),
        await fromTable(userId, {
          name: 'notification-preferences',
          describes: 'what reaches your devices',
          table: notificationPreferences,
          owner: notificationPreferences.userId,
          order: notificationPreferences.userId,
        }),
        await fromTable(userId, {
          name: 'devices',
          describes: 'devices registered for notifications',
          table: deviceTokens,
          owner: deviceTokens.userId,
          order: deviceTokens.createdAt,
          omitted: NOT_EXPORTED.deviceTokens,
        }),
        section(
          'sessions',
          'where you signed in',
          ['id', 'deviceName', 'ipAddress', 'userAgent', 'startedAt', 'lastUsedAt', 'expiresAt', 'endedAt'],
          await sessionsOf(userId),
        ),
      ];
      const files: AsyncZippable = { 'README.txt': strToU8(README(sections, at)) };
      for (const s of sections) {
        files[`${s.name}.json`] = strToU8(JSON.stringify(s.records, null, 2));
        files[`${s.name}.csv`] = strToU8(toCsv(s.columns, s.records));
      }
      return {
        filename: `commpro-export-${at.toISOString().slice(0, 10)}.zip`,
        zip: await compress(files, at),
      };
    },
  };
}

export type AccountExport = ReturnType<typeof createAccountExport>;
