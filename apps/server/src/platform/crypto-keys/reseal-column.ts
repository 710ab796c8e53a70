import { sql } from 'drizzle-orm';
import type { Cipher } from '../crypto.js';
import type { Database } from '../db/client.js';

const BATCH = 500;

/**
 * Re-encrypts under the active master key every value of one column that was
 * sealed by another master key (values sealed directly by the master keyring,
 * not by a user's data key). Each update applies only if the value is still
 * the one read, so concurrent runs and writers are safe.
 */
export async function resealColumn(
  db: Database,
  cipher: Cipher,
  activeKeyId: string,
  target: { table: string; column: string },
): Promise<number> {
  const table = sql.identifier(target.table);
  const column = sql.identifier(target.column);
  const current = `v1.${activeKeyId}.%`;
  let resealed = 0;
  for (;;) {
    const result = await db.execute(
      sql`select id, ${column} as value from ${table} where ${column} is not null and ${column} not like ${current} limit ${BATCH}`,
    );
    // node-postgres and PGlite both answer { rows }.
    const rows = (result as { rows: { id: string; value: string }[] }).rows;
    if (!rows.length) return resealed;
    for (const row of rows) {
      const value = cipher.encrypt(cipher.decrypt(row.value));
      await db.execute(sql`update ${table} set ${column} = ${value} where id = ${row.id} and ${column} = ${row.value}`);
      resealed += 1;
    }
  }
}
