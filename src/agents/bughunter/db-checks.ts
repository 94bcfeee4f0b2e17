// Database findings on the target database: `*_id` columns without a foreign key, foreign keys
// without an index on their columns, tables with row level security disabled, and tables in an
// exposed schema the Data API cannot see (no grant to anon, authenticated or service_role).
import { NOT_IN_DATA_API, noDataApiGrantsSql } from '../../services/supabase/data-api.js';
import type { Finding } from './findings.js';

/** Runs one read-only query and returns its rows. */
export type Query = (sql: string) => Promise<Record<string, unknown>[]>;

const SCHEMA_FILTER = `n.nspname = 'public'`;

export const MISSING_FK_SQL = `
select n.nspname as schema, c.relname as table, a.attname as column
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
  and a.attname like '%\\_id' escape '\\'
  and ${SCHEMA_FILTER}
  and not exists (
    select 1 from pg_constraint k
    where k.contype = 'f' and k.conrelid = c.oid and a.attnum = any (k.conkey)
  )
order by 1, 2, 3`;

export const FK_WITHOUT_INDEX_SQL = `
select n.nspname as schema, c.relname as table, k.conname as constraint,
  (select string_agg(a.attname, ',' order by x.ord)
     from unnest(k.conkey) with ordinality as x(attnum, ord)
     join pg_attribute a on a.attrelid = k.conrelid and a.attnum = x.attnum) as columns
from pg_constraint k
join pg_class c on c.oid = k.conrelid
join pg_namespace n on n.oid = c.relnamespace
where k.contype = 'f' and ${SCHEMA_FILTER}
  and not exists (
    select 1 from pg_index i
    where i.indrelid = k.conrelid
      and (i.indkey::text || ' ') like (array_to_string(k.conkey, ' ') || ' %')
  )
order by 1, 2, 3`;

export const RLS_DISABLED_SQL = `
select n.nspname as schema, c.relname as table
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p') and ${SCHEMA_FILTER} and not c.relrowsecurity
order by 1, 2`;

export async function databaseFindings(query: Query): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const r of await query(MISSING_FK_SQL)) {
    findings.push({
      source: 'database',
      severity: 'high',
      location: `${String(r.schema)}.${String(r.table)}.${String(r.column)}`,
      message: `${String(r.column)} looks like a reference but has no foreign key`,
      rule: 'missing-foreign-key',
    });
  }
  for (const r of await query(FK_WITHOUT_INDEX_SQL)) {
    const first = String(r.columns).split(',')[0];
    findings.push({
      source: 'database',
      severity: 'medium',
      location: `${String(r.schema)}.${String(r.table)}.${first}`,
      message: `foreign key ${String(r.constraint)} (${String(r.columns)}) has no index: joins and deletes scan the table`,
      rule: 'foreign-key-without-index',
    });
  }
  for (const r of await query(RLS_DISABLED_SQL)) {
    findings.push({
      source: 'database',
      severity: 'high',
      location: `${String(r.schema)}.${String(r.table)}`,
      message: 'row level security is disabled: every role with table access sees every row',
      rule: 'rls-disabled',
    });
  }
  for (const r of await query(noDataApiGrantsSql())) {
    findings.push({
      source: 'database',
      severity: 'medium',
      location: `${String(r.schema)}.${String(r.name)}`,
      message: NOT_IN_DATA_API,
      rule: 'not-visible-to-data-api',
    });
  }
  return findings;
}
