import { once } from 'node:events';
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { is, sql } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import type { Database, DatabaseHandle } from './client.js';
import * as schema from './schema.js';

/**
 * A logical backup, the same for PostgreSQL and PGlite: gzip'd NDJSON. Line 1
 * is the header; then, per table in foreign-key order, a line naming the table
 * and its columns followed by one line per row as PostgreSQL's own
 * row_to_json wrote it. Rows are never parsed on the way through, so every
 * value (numerics, bytea, timestamps, arrays) comes back exactly as it was.
 * Secrets are not in it: encrypted columns stay sealed by ENCRYPTION_KEYS.
 */
export const BACKUP_FORMAT = 'commpro-backup';
const BACKUP_VERSION = 1;
const PAGE_ROWS = 1000;
const INSERT_ROWS = 500;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  driver: DatabaseHandle['driver'];
  /** How many migrations the database had applied: a backup restores only at that level or later. */
  migrations: number;
  /** Rows per table, in the order they follow. */
  tables: Record<string, number>;
}

interface TableSection {
  table: string;
  columns: string[];
  rows: number;
}

export class BackupError extends Error {}

/** Every table of the schema, each after the tables its foreign keys point to. */
export function tablesInDependencyOrder(): string[] {
  const tables = new Map<string, PgTable>();
  for (const value of Object.values(schema)) {
    if (is(value, PgTable)) tables.set(getTableConfig(value).name, value);
  }
  const ordered: string[] = [];
  const visit = (name: string, path: string[]) => {
    if (ordered.includes(name)) return;
    if (path.includes(name)) throw new BackupError(`foreign keys form a cycle: ${[...path, name].join(' → ')}`);
    for (const fk of getTableConfig(tables.get(name)!).foreignKeys) {
      const target = getTableConfig(fk.reference().foreignTable).name;
      if (target !== name) visit(target, [...path, name]);
    }
    ordered.push(name);
  };
  for (const name of [...tables.keys()].sort()) visit(name, []);
  return ordered;
}

type Rows<T> = { rows: T[] };

async function query<T>(db: Database, statement: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db.execute(statement)) as unknown as Rows<T>).rows;
}

/** How many migrations drizzle recorded as applied; undefined on a database never migrated. */
async function migrationLevel(db: Database): Promise<number | undefined> {
  const [table] = await query<{ name: string | null }>(
    db,
    sql`select to_regclass('drizzle.__drizzle_migrations')::text as name`,
  );
  if (!table?.name) return undefined;
  const [row] = await query<{ count: number }>(
    db,
    sql`select count(*)::int as count from drizzle.__drizzle_migrations`,
  );
  return row?.count ?? 0;
}

async function columnsOf(db: Database, table: string): Promise<string[]> {
  const rows = await query<{ name: string }>(
    db,
    sql`select column_name as name from information_schema.columns
        where table_schema = 'public' and table_name = ${table} order by ordinal_position`,
  );
  return rows.map((row) => row.name);
}

/**
 * Writes every table to `file` from one consistent snapshot (a repeatable-read
 * transaction), so a PostgreSQL backup may run while the server does.
 */
export async function writeBackup(
  handle: DatabaseHandle,
  file: string,
  clock = () => new Date(),
): Promise<BackupHeader> {
  const gzip = createGzip();
  const written = pipeline(gzip, createWriteStream(file, { mode: 0o600 }));
  const write = async (value: unknown) => {
    if (!gzip.write(`${typeof value === 'string' ? value : JSON.stringify(value)}\n`)) await once(gzip, 'drain');
  };
  const dump = handle.db.transaction(
    async (tx) => {
      const migrations = await migrationLevel(tx);
      if (migrations === undefined) throw new BackupError('This database was never migrated: nothing to back up');
      const tables: Record<string, number> = {};
      for (const table of tablesInDependencyOrder()) {
        const [count] = await query<{ count: number }>(
          tx,
          sql`select count(*)::int as count from ${sql.identifier(table)}`,
        );
        tables[table] = count?.count ?? 0;
      }
      const header: BackupHeader = {
        format: BACKUP_FORMAT,
        version: BACKUP_VERSION,
        createdAt: clock().toISOString(),
        driver: handle.driver,
        migrations,
        tables,
      };
      await write(header);
      for (const [table, rows] of Object.entries(tables)) {
        const section: TableSection = { table, columns: await columnsOf(tx, table), rows };
        await write(section);
        // ctid order is stable within the snapshot, so the pages neither overlap nor skip rows.
        for (let offset = 0; offset < rows; offset += PAGE_ROWS) {
          const page = await query<{ row: string }>(
            tx,
            sql`select row_to_json(t)::text as row from ${sql.identifier(table)} t order by ctid limit ${PAGE_ROWS} offset ${offset}`,
          );
          for (const { row } of page) await write(row);
        }
      }
      return header;
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  try {
    const header = await dump;
    gzip.end();
    await written;
    return header;
  } catch (error) {
    // No half-written file may pass for a backup.
    gzip.destroy();
    await written.catch(() => undefined);
    rmSync(file, { force: true });
    throw error;
  }
}

/** Reads a backup's lines in order; the header first. */
async function* backupLines(file: string): AsyncGenerator<string> {
  const input = createReadStream(file).pipe(createGunzip());
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) if (line) yield line;
  } finally {
    lines.close();
    input.destroy();
  }
}

function parseHeader(line: string | undefined): BackupHeader {
  let header: Partial<BackupHeader> | undefined;
  try {
    header = line === undefined ? undefined : (JSON.parse(line) as Partial<BackupHeader>);
  } catch {
    header = undefined;
  }
  if (header?.format !== BACKUP_FORMAT || typeof header.migrations !== 'number' || !header.tables) {
    throw new BackupError('Not a CommPro backup (no header)');
  }
  if (header.version !== BACKUP_VERSION) throw new BackupError(`Unsupported backup version ${header.version}`);
  return header as BackupHeader;
}

/** Tables of the schema that hold rows now. */
async function nonEmptyTables(db: Database): Promise<string[]> {
  const found: string[] = [];
  for (const table of tablesInDependencyOrder()) {
    const [row] = await query<{ any: boolean }>(db, sql`select exists(select 1 from ${sql.identifier(table)}) as any`);
    if (row?.any) found.push(table);
  }
  return found;
}

async function insertRows(tx: Database, section: TableSection, rows: string[]): Promise<void> {
  const columns = sql.join(
    section.columns.map((column) => sql.identifier(column)),
    sql`, `,
  );
  // Columns the backup does not name (added by a later migration) take their defaults.
  await tx.execute(
    sql`insert into ${sql.identifier(section.table)} (${columns})
        select ${columns} from json_populate_recordset(null::${sql.identifier(section.table)}, ${`[${rows.join(',')}]`}::json)`,
  );
}

/**
 * Restores `file` into a migrated database in one transaction: all of it or
 * nothing. Refuses a database that holds data unless `force` (which then
 * empties every table first), and a backup taken at a later migration level
 * than this code knows.
 */
export async function restoreBackup(
  handle: DatabaseHandle,
  file: string,
  options: { force: boolean },
): Promise<BackupHeader> {
  const lines = backupLines(file);
  const header = parseHeader((await lines.next()).value ?? undefined);
  const known = tablesInDependencyOrder();
  const unknown = Object.keys(header.tables).filter((table) => !known.includes(table));
  const level = await migrationLevel(handle.db);
  if (level === undefined) throw new BackupError('The target database is not migrated');
  if (header.migrations > level) {
    throw new BackupError(
      `The backup is from a newer version (migration level ${header.migrations}, this code knows ${level}): upgrade first`,
    );
  }
  if (unknown.length) throw new BackupError(`The backup has tables this version does not know: ${unknown.join(', ')}`);

  await handle.db.transaction(async (tx) => {
    const occupied = await nonEmptyTables(tx);
    if (occupied.length && !options.force) {
      throw new BackupError(
        `The target database already holds data (${occupied.join(', ')}); pass --force to replace it`,
      );
    }
    if (occupied.length) {
      await tx.execute(
        sql`truncate ${sql.join(
          known.map((table) => sql.identifier(table)),
          sql`, `,
        )} cascade`,
      );
    }
    let section: TableSection | undefined;
    let left = 0;
    let batch: string[] = [];
    const flush = async () => {
      if (section && batch.length) await insertRows(tx, section, batch);
      batch = [];
    };
    for await (const line of lines) {
      if (left === 0) {
        section = JSON.parse(line) as TableSection;
        if (header.tables[section.table] !== section.rows) throw new BackupError('The backup is damaged');
        left = section.rows;
        continue;
      }
      batch.push(line);
      left -= 1;
      if (batch.length >= INSERT_ROWS || left === 0) await flush();
    }
    if (left !== 0) throw new BackupError('The backup is truncated');
    for (const [table, rows] of Object.entries(header.tables)) {
      const [count] = await query<{ count: number }>(
        tx,
        sql`select count(*)::int as count from ${sql.identifier(table)}`,
      );
      if (count?.count !== rows)
        throw new BackupError(`Table ${table}: ${count?.count} rows restored, ${rows} expected`);
    }
  });
  return header;
}
