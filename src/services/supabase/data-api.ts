// The Data API rule (Supabase, since 2026-05-30 for new projects and 2026-10-30 for all): a table
// in an exposed schema is visible to PostgREST and GraphQL only through explicit GRANTs to the
// API roles. The generator grants; the scan and the security audit report tables without any.

/** The schemas the Data API exposes by default. */
export const EXPOSED_SCHEMAS: readonly string[] = ['public'];

/** The roles the Data API connects as. */
export const DATA_API_ROLES = ['anon', 'authenticated', 'service_role'] as const;
export type DataApiRole = (typeof DATA_API_ROLES)[number];

/** How a scan and a dry run say it, after the table's name. */
export const NOT_IN_DATA_API = 'not visible to the Data API: no grant to anon, authenticated or service_role (required since 2026 for tables in exposed schemas)';

export function isExposed(table: string): boolean {
  return EXPOSED_SCHEMAS.includes(table.split('.')[0] ?? 'public');
}

export function sqlList(values: readonly string[]): string {
  return values.map((s) => `'${s.replace(/'/g, "''")}'`).join(', ');
}

/**
 * Tables, views and materialized views in the schemas of `schemaList` (a SQL list) that none of the API roles may read or write:
 * rows `{schema, name}`. On a database without the API roles (a bare Postgres, not shaped like a
 * Supabase project) the rule does not apply and there are no rows.
 */
export function noDataApiGrantsSql(schemaList: string = sqlList(EXPOSED_SCHEMAS)): string {
  return `select n.nspname as schema, c.relname as name
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p', 'v', 'm', 'f') and n.nspname in (${schemaList})
  and exists (select 1 from pg_roles where rolname = 'authenticated')
  and not exists (
    select 1 from pg_roles r
    where r.rolname in (${sqlList(DATA_API_ROLES)})
      and has_table_privilege(r.oid, c.oid, 'SELECT, INSERT, UPDATE, DELETE')
  )
order by 1, 2`;
}
