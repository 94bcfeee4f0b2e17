// Database maintenance: a performance report from the statistics views, and the plans (with the
// exact SQL, which is what an approval binds to) for optimizing a table and VACUUM FULL.
import type { Db } from '../../services/postgres/types.js';
import { q } from './generate.js';

export interface SlowQuery {
  readonly query: string;
  readonly calls: number;
  readonly meanMs: number;
  readonly totalMs: number;
}

export interface PerformanceReport {
  /** Null when pg_stat_statements is not installed (or not preloaded). */
  readonly slowQueries: SlowQuery[] | null;
  readonly seqScanHeavy: { table: string; seqScans: number; indexScans: number; rows: number; rowsReadBySeqScans: number }[];
  readonly unusedIndexes: { index: string; table: string; bytes: number }[];
  readonly duplicateIndexes: { table: string; indexes: string[] }[];
  readonly bloat: { table: string; liveRows: number; deadRows: number; deadPercent: number }[];
}

/** SQL that is true when the schema in `col` is a user schema (not a system or migration-history one). */
function userSchemas(col: string): string {
  return `${col} not in ('pg_catalog', 'information_schema', 'supabase_migrations') and ${col} not like 'pg\\_%'`;
}

const USER_TABLES = userSchemas('schemaname');

export interface AnalyzeOptions {
  /** Tables smaller than this are never "sequential-scan heavy" (default 1000 rows). */
  readonly minRows?: number;
}

async function slowQueries(db: Db): Promise<SlowQuery[] | null> {
  const { rows: ext } = await db.query(`select 1 from pg_extension where extname = 'pg_stat_statements'`);
  if (ext.length === 0) return null;
  try {
    const { rows } = await db.query<{ query: string; calls: string | number; mean: number; total: number }>(
      `select query, calls, mean_exec_time as mean, total_exec_time as total from pg_stat_statements
        where query not ilike '%pg_stat_statements%' order by mean_exec_time desc limit 10`,
    );
    return rows.map((r) => ({ query: r.query.replace(/\s+/g, ' ').slice(0, 200), calls: Number(r.calls), meanMs: Number(r.mean), totalMs: Number(r.total) }));
  } catch {
    return null; // installed but not in shared_preload_libraries
  }
}

export async function analyzePerformance(db: Db, options: AnalyzeOptions = {}): Promise<PerformanceReport> {
  // Statistics reach the views at the next flush; ask for it so the report is current (Postgres 15+).
  await db.query('select pg_stat_force_next_flush()').catch(() => undefined);
  const seq = await db.query<{ t: string; seq_scan: string; idx_scan: string; n_live_tup: string; seq_tup_read: string }>(
    `select schemaname || '.' || relname as t, seq_scan, coalesce(idx_scan, 0) as idx_scan, n_live_tup, seq_tup_read
       from pg_stat_user_tables
      where ${USER_TABLES} and seq_scan > coalesce(idx_scan, 0) and n_live_tup >= $1
      order by seq_tup_read desc limit 10`,
    [options.minRows ?? 1000],
  );
  const unused = await db.query<{ idx: string; t: string; bytes: string }>(
    `select s.schemaname || '.' || s.indexrelname as idx, s.schemaname || '.' || s.relname as t, pg_relation_size(s.indexrelid) as bytes
       from pg_stat_user_indexes s join pg_index i on i.indexrelid = s.indexrelid
      where ${userSchemas('s.schemaname')}
        and s.idx_scan = 0 and not i.indisunique and not i.indisprimary
      order by pg_relation_size(s.indexrelid) desc, 1`,
  );
  const dup = await db.query<{ t: string; idx: string[] }>(
    `select i.indrelid::regclass::text as t, array_agg(i.indexrelid::regclass::text order by i.indexrelid::regclass::text) as idx
       from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
      where ${userSchemas('n.nspname')}
      group by i.indrelid, i.indkey::text, i.indclass::text, coalesce(pg_get_expr(i.indexprs, i.indrelid), ''), coalesce(pg_get_expr(i.indpred, i.indrelid), '')
     having count(*) > 1`,
  );
  const bloat = await db.query<{ t: string; live: string; dead: string }>(
    `select schemaname || '.' || relname as t, n_live_tup as live, n_dead_tup as dead
       from pg_stat_user_tables where ${USER_TABLES} and n_dead_tup > 0 order by n_dead_tup desc limit 10`,
  );
  return {
    slowQueries: await slowQueries(db),
    seqScanHeavy: seq.rows.map((r) => ({ table: r.t, seqScans: Number(r.seq_scan), indexScans: Number(r.idx_scan), rows: Number(r.n_live_tup), rowsReadBySeqScans: Number(r.seq_tup_read) })),
    unusedIndexes: unused.rows.map((r) => ({ index: r.idx, table: r.t, bytes: Number(r.bytes) })),
    duplicateIndexes: dup.rows.map((r) => ({ table: r.t, indexes: r.idx })),
    bloat: bloat.rows.map((r) => {
      const live = Number(r.live);
      const dead = Number(r.dead);
      return { table: r.t, liveRows: live, deadRows: dead, deadPercent: Math.round((100 * dead) / Math.max(1, live + dead)) };
    }),
  };
}

export function describePerformance(r: PerformanceReport): string[] {
  const lines: string[] = [];
  if (r.slowQueries === null) lines.push('pg_stat_statements is not available: showing table and index statistics instead');
  else if (r.slowQueries.length === 0) lines.push('No queries recorded by pg_stat_statements yet');
  else {
    lines.push('Slowest queries (mean time):');
    for (const s of r.slowQueries) lines.push(`  ${s.meanMs.toFixed(1)} ms x ${s.calls}  ${s.query}`);
  }
  lines.push(r.seqScanHeavy.length ? 'Tables read mostly by sequential scans (an index may help):' : 'No table is read mostly by sequential scans');
  for (const t of r.seqScanHeavy) lines.push(`  ${t.table}: ${t.seqScans} seq scans vs ${t.indexScans} index scans, ${t.rows} rows`);
  lines.push(r.unusedIndexes.length ? 'Unused indexes (never scanned since statistics reset):' : 'No unused indexes');
  for (const i of r.unusedIndexes) lines.push(`  ${i.index} on ${i.table} (${i.bytes} bytes)`);
  lines.push(r.duplicateIndexes.length ? 'Duplicate indexes (same columns, one can go):' : 'No duplicate indexes');
  for (const d of r.duplicateIndexes) lines.push(`  ${d.table}: ${d.indexes.join(', ')}`);
  lines.push(r.bloat.length ? 'Dead rows (bloat estimate):' : 'No dead rows recorded');
  for (const b of r.bloat) lines.push(`  ${b.table}: ${b.deadRows} dead / ${b.liveRows} live (${b.deadPercent}%)`);
  return lines;
}

export interface MaintenancePlan {
  readonly tables: readonly string[];
  /** The statements, run one by one outside a transaction (VACUUM cannot run in one). */
  readonly statements: readonly string[];
  readonly notes: readonly string[];
}

/** A table name from the command line, resolved to `schema.table`; null when there is no such table. */
async function resolveTable(db: Db, name: string): Promise<{ schema: string; table: string; live: number; dead: number; bytes: number } | null> {
  const { rows } = await db.query<{ nspname: string; relname: string; live: string | null; dead: string | null; bytes: string }>(
    `select n.nspname, c.relname, s.n_live_tup as live, s.n_dead_tup as dead, pg_total_relation_size(c.oid) as bytes
       from pg_class c join pg_namespace n on n.oid = c.relnamespace left join pg_stat_user_tables s on s.relid = c.oid
      where c.oid = to_regclass($1) and c.relkind in ('r', 'p', 'm')`,
    [name],
  );
  const r = rows[0];
  return r ? { schema: r.nspname, table: r.relname, live: Number(r.live ?? 0), dead: Number(r.dead ?? 0), bytes: Number(r.bytes) } : null;
}

export class NoSuchTable extends Error {}

export async function planOptimize(db: Db, name: string): Promise<MaintenancePlan> {
  const t = await resolveTable(db, name);
  if (!t) throw new NoSuchTable(`table ${name} does not exist on ${db.target}`);
  const qualified = `${q(t.schema)}.${q(t.table)}`;
  const deadPercent = Math.round((100 * t.dead) / Math.max(1, t.live + t.dead));
  // REINDEX CONCURRENTLY keeps the table writable on a server; PGlite has no concurrent sessions to protect.
  const concurrently = db.kind === 'pg' ? ' concurrently' : '';
  const statements = [deadPercent >= 20 ? `vacuum (analyze) ${qualified}` : `analyze ${qualified}`, `reindex table${concurrently} ${qualified}`];
  return {
    tables: [`${t.schema}.${t.table}`],
    statements,
    notes: [`${t.schema}.${t.table}: ${t.live} live rows, ${t.dead} dead (${deadPercent}%), ${t.bytes} bytes with indexes`],
  };
}

export async function planVacuumFull(db: Db): Promise<MaintenancePlan> {
  // Only tables this role may vacuum: on Supabase the auth and storage tables belong to other roles.
  const { rows } = await db.query<{ nspname: string; relname: string; bytes: string }>(
    `select n.nspname, c.relname, pg_total_relation_size(c.oid) as bytes
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'm') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
        and pg_has_role(c.relowner, 'USAGE')
      order by 1, 2`,
  );
  const total = rows.reduce((sum, r) => sum + Number(r.bytes), 0);
  return {
    tables: rows.map((r) => `${r.nspname}.${r.relname}`),
    statements: rows.map((r) => `vacuum (full, analyze) ${q(r.nspname)}.${q(r.relname)}`),
    notes: [`${rows.length} table(s), ${total} bytes: each is rewritten under an ACCESS EXCLUSIVE lock (reads and writes wait)`],
  };
}

export async function runPlan(db: Db, plan: MaintenancePlan, signal?: AbortSignal): Promise<number> {
  const started = performance.now();
  for (const sql of plan.statements) {
    signal?.throwIfAborted();
    await db.exec(sql);
  }
  return performance.now() - started;
}
