// The migration history table, the same one the Supabase CLI reads and writes, so `supabase
// migration list` and agentdeck agree about what is applied.
import { HISTORY_DDL } from '../../services/postgres/supabase-bootstrap.js';
import type { DbExecutor } from '../../services/postgres/types.js';

export const HISTORY_TABLE = 'supabase_migrations.schema_migrations';

/** As the Supabase CLI creates it: version text primary key, statements text[], name text. */
export { HISTORY_DDL };

export interface AppliedMigration {
  readonly version: string;
  readonly name: string | null;
}

/** The applied versions, oldest first; none when the history table does not exist yet. */
export async function readHistory(db: DbExecutor): Promise<AppliedMigration[]> {
  const { rows: exists } = await db.query<{ t: string | null }>(`select to_regclass('${HISTORY_TABLE}')::text as t`);
  if (!exists[0]?.t) return [];
  const { rows } = await db.query<{ version: string; name: string | null }>(`select version, name from ${HISTORY_TABLE} order by version`);
  return rows.map((r) => ({ version: String(r.version), name: r.name }));
}

export async function ensureHistory(db: DbExecutor): Promise<void> {
  await db.exec(HISTORY_DDL);
}

export async function recordApplied(db: DbExecutor, version: string, name: string, statements: readonly string[]): Promise<void> {
  await db.query(`insert into ${HISTORY_TABLE} (version, name, statements) values ($1, $2, $3)`, [version, name, [...statements]]);
}

export interface MigrationStatus<F extends { version: string }> {
  readonly applied: F[];
  readonly pending: F[];
  /** In the history table but with no file here (applied from elsewhere, or the file was removed). */
  readonly unknown: AppliedMigration[];
}

export function compareHistory<F extends { version: string }>(files: readonly F[], history: readonly AppliedMigration[]): MigrationStatus<F> {
  const done = new Set(history.map((h) => h.version));
  const local = new Set(files.map((f) => f.version));
  return {
    applied: files.filter((f) => done.has(f.version)),
    pending: files.filter((f) => !done.has(f.version)),
    unknown: history.filter((h) => !local.has(h.version)),
  };
}
