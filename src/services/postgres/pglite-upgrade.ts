// The one-time move of a project's local database from PGlite (`.agentdeck/pglite/`) to the local
// PostgreSQL server. The PGlite directory is the backup: it is never changed, and is renamed to
// `pglite.before-postgres-<time>` only once the server holds the same schema and rows.
//
// The schema is rebuilt from what was applied (the statements the history table recorded, in
// order); the rows are copied table by table with triggers and foreign-key checks off; sequences
// are set to where they were. When the rebuilt schema differs from PGlite's (a change made outside
// the migrations), nothing is moved and the reason is reported.
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { snapshotCatalog, diffCatalog, describeDiff } from './catalog.js';
import { openPglite } from './pglite.js';
import { BOOTSTRAP_SCHEMAS } from './supabase-bootstrap.js';
import type { DbExecutor } from './types.js';

export interface PgliteUpgrade {
  readonly moved: boolean;
  /** Where the PGlite directory was kept (moved), or why nothing was moved. */
  readonly detail: string;
}

export function pgliteDir(root: string): string {
  return join(root, '.agentdeck', 'pglite');
}

const quoteIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/**
 * Copies the PGlite database at `root` into `target`: a freshly bootstrapped, empty database on
 * one connection, inside a transaction the caller commits only when this returns `moved`.
 */
export async function upgradeFromPglite(root: string, target: DbExecutor): Promise<PgliteUpgrade> {
  const dir = pgliteDir(root);
  const source = openPglite({ dataDir: dir, target: 'local' });
  try {
    const history = (await source.query<{ t: string | null }>(`select to_regclass('supabase_migrations.schema_migrations')::text as t`)).rows[0]?.t
      ? (await source.query<{ version: string; name: string | null; statements: string[] | null }>(
          'select version, name, statements from supabase_migrations.schema_migrations order by version',
        )).rows
      : [];
    for (const h of history) {
      for (const statement of h.statements ?? []) await target.exec(statement);
      await target.query('insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)', [h.version, h.name, h.statements]);
    }
    // The bootstrap's own objects (its schemas and extensions) are only on the server's side.
    const own = async (db: DbExecutor): Promise<string[]> => (await snapshotCatalog(db, BOOTSTRAP_SCHEMAS)).filter((l) => !l.startsWith('extension '));
    const diff = diffCatalog(await own(source), await own(target));
    if (diff.added.length > 0 || diff.removed.length > 0) {
      return {
        moved: false,
        detail: `the PGlite database has changes made outside its recorded migrations (${describeDiff(diff).slice(0, 3).join('; ')})`,
      };
    }
    const tables = (
      await source.query<{ schema: string; name: string; columns: string[] }>(
        `select n.nspname as schema, c.relname as name,
                array(select quote_ident(a.attname) from pg_attribute a
                       where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
                       order by a.attnum) as columns
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relkind in ('r', 'p') and n.nspname <> all($1::text[])
            and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'`,
        [['supabase_migrations', 'extensions']],
      )
    ).rows;
    await target.exec(`set session_replication_role = replica`);
    for (const t of tables) {
      const name = `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;
      const cols = t.columns.join(', ');
      const rows = (await source.query<{ j: unknown }>(`select coalesce(json_agg(x), '[]'::json) as j from (select ${cols} from ${name}) x`)).rows[0]?.j;
      if (!Array.isArray(rows) || rows.length === 0) continue;
      await target.query(`insert into ${name} (${cols}) overriding system value select ${cols} from json_populate_recordset(null::${name}, $1::json)`, [JSON.stringify(rows)]);
    }
    await target.exec(`set session_replication_role = origin`);
    const sequences = (
      await source.query<{ name: string; value: string | null; called: boolean }>(
        `select quote_ident(schemaname) || '.' || quote_ident(sequencename) as name, last_value::text as value, last_value is not null as called
           from pg_sequences where schemaname <> all($1::text[])`,
        [['pg_catalog', 'information_schema']],
      )
    ).rows;
    for (const s of sequences) if (s.value !== null) await target.query('select setval($1::regclass, $2::bigint, $3)', [s.name, s.value, s.called]);
  } finally {
    await source.close();
  }
  return { moved: true, detail: dir };
}

/** After the copy is committed: the PGlite directory is kept, renamed, as the backup. */
export function keepPglite(root: string): string {
  const dir = pgliteDir(root);
  const kept = `${dir}.before-postgres-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(dir, kept);
  return kept;
}

/** Whether the project has a PGlite database not yet moved to the server. */
export function hasPglite(root: string): boolean {
  return existsSync(join(pgliteDir(root), 'PG_VERSION'));
}
