// Our own security audit: catalog queries that report findings under the names of the Supabase
// database linter (the platform's security advisor), so local and platform findings read alike.
// They run on any Postgres (PGlite locally, the platform's query endpoint for a linked project).
import { EXPOSED_SCHEMAS, noDataApiGrantsSql, sqlList } from '../../services/supabase/data-api.js';

export type LintLevel = 'ERROR' | 'WARN' | 'INFO';

export interface Finding {
  readonly name: string;
  readonly title: string;
  readonly level: LintLevel;
  /** `public.leads`, `public.touch_updated_at(...)`, `database`... */
  readonly object: string;
  readonly detail: string;
  readonly remediation: string;
  /** 'catalog' (our queries) or 'advisor' (the platform's) or 'platform' (settings such as SSL). */
  readonly source: 'catalog' | 'advisor' | 'platform';
}

export type QueryRows = (sql: string) => Promise<Record<string, unknown>[]>;

const DOCS = 'https://supabase.com/docs/guides/database/database-linter?lint=';

interface Lint {
  readonly name: string;
  readonly number: string;
  readonly title: string;
  readonly level: LintLevel;
  /** Rows with `schema` and `name`. `$SCHEMAS` is replaced by the exposed schemas as a SQL list. */
  readonly sql: string;
  readonly detail: (object: string) => string;
  readonly fix: string;
}

export const LINTS: readonly Lint[] = [
  {
    name: 'rls_disabled_in_public',
    number: '0013',
    title: 'RLS Disabled in Public',
    level: 'ERROR',
    sql: `select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relkind in ('r', 'p') and n.nspname in ($SCHEMAS) and not c.relrowsecurity order by 1, 2`,
    detail: (o) => `Table ${o} is exposed to the API, but row level security is not enabled.`,
    fix: 'Enable RLS (ALTER TABLE ... ENABLE ROW LEVEL SECURITY) and add policies for the roles that may read or write it.',
  },
  {
    name: 'policy_exists_rls_disabled',
    number: '0007',
    title: 'Policy Exists RLS Disabled',
    level: 'ERROR',
    sql: `select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relkind in ('r', 'p') and n.nspname in ($SCHEMAS) and not c.relrowsecurity
            and exists (select 1 from pg_policy p where p.polrelid = c.oid) order by 1, 2`,
    detail: (o) => `Table ${o} has RLS policies, but row level security is disabled, so they are not applied.`,
    fix: 'Enable RLS on the table so its policies take effect, or drop the policies if they are not wanted.',
  },
  {
    name: 'rls_enabled_no_policy',
    number: '0008',
    title: 'RLS Enabled No Policy',
    level: 'INFO',
    sql: `select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relkind in ('r', 'p') and n.nspname in ($SCHEMAS) and c.relrowsecurity
            and not exists (select 1 from pg_policy p where p.polrelid = c.oid) order by 1, 2`,
    detail: (o) => `Table ${o} has RLS enabled but no policies, so the API can read nothing from it.`,
    fix: 'Add policies for the roles that should see rows, or leave it as is if only the service role uses it.',
  },
  {
    name: 'security_definer_view',
    number: '0010',
    title: 'Security Definer View',
    level: 'ERROR',
    sql: `select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relkind = 'v' and n.nspname in ($SCHEMAS)
            and not coalesce(array_to_string(c.reloptions, ',') ~* 'security_invoker=(true|on|1)', false) order by 1, 2`,
    detail: (o) => `View ${o} runs with its owner's permissions (no security_invoker), bypassing the caller's RLS.`,
    fix: 'ALTER VIEW ... SET (security_invoker = true), or move the view out of the exposed schemas.',
  },
  {
    name: 'function_search_path_mutable',
    number: '0011',
    title: 'Function Search Path Mutable',
    level: 'WARN',
    sql: `select n.nspname as schema, p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' as name
          from pg_proc p join pg_namespace n on n.oid = p.pronamespace
          where n.nspname in ($SCHEMAS) and p.prokind in ('f', 'p')
            and not exists (select 1 from unnest(coalesce(p.proconfig, '{}'::text[])) c where c like 'search_path=%')
            and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e') order by 1, 2`,
    detail: (o) => `Function ${o} does not set search_path, so a caller can change what its names resolve to.`,
    fix: "Pin it: ALTER FUNCTION ... SET search_path = '' (and schema-qualify the names it uses).",
  },
  {
    name: 'auth_users_exposed',
    number: '0002',
    title: 'Exposed Auth Users',
    level: 'ERROR',
    sql: `select distinct n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          join pg_rewrite r on r.ev_class = c.oid join pg_depend d on d.objid = r.oid
          where c.relkind in ('v', 'm') and n.nspname in ($SCHEMAS)
            and d.refobjid = coalesce(to_regclass('auth.users')::oid, 0) order by 1, 2`,
    detail: (o) => `View ${o} exposes auth.users (emails, metadata) through the API.`,
    fix: 'Drop the view or move it out of the exposed schemas; expose only the columns needed through a security-invoker view over a public profile table.',
  },
  {
    name: 'rls_references_user_metadata',
    number: '0015',
    title: 'RLS references user metadata',
    level: 'ERROR',
    sql: `select schemaname as schema, tablename || ' (' || policyname || ')' as name from pg_policies
          where schemaname in ($SCHEMAS)
            and (coalesce(qual, '') ilike '%user_metadata%' or coalesce(with_check, '') ilike '%user_metadata%') order by 1, 2`,
    detail: (o) => `Policy on ${o} trusts user_metadata, which users can edit themselves.`,
    fix: 'Use app_metadata (set by the server only) or a table you control in the policy instead.',
  },
  {
    // Not one of the advisor's lints: the 2026 Data API rule (tables need explicit grants).
    name: 'table_not_in_data_api',
    number: '',
    title: 'Not visible to the Data API',
    level: 'WARN',
    sql: noDataApiGrantsSql('$SCHEMAS'),
    detail: (o) => `${o} is in an exposed schema but no API role (anon, authenticated, service_role) has a grant on it, so supabase-js and GraphQL cannot see it.`,
    fix: 'GRANT the privileges each role needs (e.g. GRANT SELECT, INSERT, UPDATE, DELETE ON ... TO authenticated, service_role) alongside its RLS policies. https://supabase.com/docs/guides/api/securing-your-api',
  },
  {
    name: 'extension_in_public',
    number: '0014',
    title: 'Extension in Public',
    level: 'WARN',
    sql: `select n.nspname as schema, e.extname as name from pg_extension e join pg_namespace n on n.oid = e.extnamespace
          where n.nspname = 'public' and e.extname <> 'plpgsql' order by 1, 2`,
    detail: (o) => `Extension ${o} is installed in the public schema, exposing its objects to the API.`,
    fix: 'Install it in a separate schema: CREATE SCHEMA extensions; ALTER EXTENSION ... SET SCHEMA extensions.',
  },
  {
    name: 'materialized_view_in_api',
    number: '0016',
    title: 'Materialized View in API',
    level: 'WARN',
    sql: `select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relkind = 'm' and n.nspname in ($SCHEMAS) order by 1, 2`,
    detail: (o) => `Materialized view ${o} is readable through the API and has no RLS.`,
    fix: 'Revoke select from anon and authenticated, or move it out of the exposed schemas.',
  },
  {
    name: 'foreign_table_in_api',
    number: '0017',
    title: 'Foreign Table in API',
    level: 'WARN',
    sql: `select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where c.relkind = 'f' and n.nspname in ($SCHEMAS) order by 1, 2`,
    detail: (o) => `Foreign table ${o} is readable through the API and has no RLS.`,
    fix: 'Revoke select from anon and authenticated, or move it out of the exposed schemas.',
  },
];

export function remediationUrl(name: string): string {
  const lint = LINTS.find((l) => l.name === name);
  if (lint && !lint.number) return '';
  return lint ? `${DOCS}${lint.number}_${lint.name}` : `${DOCS}${name}`;
}

/** Runs every lint and returns its findings, most severe first. */
export async function runCatalogLints(query: QueryRows, schemas: readonly string[] = EXPOSED_SCHEMAS): Promise<Finding[]> {
  const findings: Finding[] = [];
  const list = sqlList(schemas);
  for (const lint of LINTS) {
    const rows = await query(lint.sql.replace('$SCHEMAS', list));
    for (const r of rows) {
      const object = `${String(r.schema)}.${String(r.name)}`;
      findings.push({
        name: lint.name,
        title: lint.title,
        level: lint.level,
        object,
        detail: lint.detail(object),
        remediation: `${lint.fix} ${remediationUrl(lint.name)}`.trim(),
        source: 'catalog',
      });
    }
  }
  return sortFindings(findings);
}

const RANK: Record<LintLevel, number> = { ERROR: 0, WARN: 1, INFO: 2 };

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => RANK[a.level] - RANK[b.level] || a.name.localeCompare(b.name) || a.object.localeCompare(b.object));
}

/** Merges findings of several sources; the same lint on the same object is kept once. */
export function mergeFindings(...lists: readonly (readonly Finding[])[]): Finding[] {
  const seen = new Map<string, Finding>();
  for (const f of lists.flat()) {
    const key = `${f.name} ${f.object}`;
    if (!seen.has(key)) seen.set(key, f);
  }
  return sortFindings([...seen.values()]);
}

export const POLICIES_SQL = `select schemaname as schema, tablename as table, policyname as policy, permissive, roles::text[] as roles, cmd, qual, with_check
  from pg_policies order by 1, 2, 3`;

export interface PolicyRow {
  readonly schema: string;
  readonly table: string;
  readonly policy: string;
  readonly permissive: string;
  readonly roles: string[];
  readonly cmd: string;
  readonly qual: string | null;
  readonly with_check: string | null;
}

/** Postgres arrays arrive as arrays (pg, PGlite, the platform's JSON) or as `{a,b}` text. */
function textArray(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') return v.replace(/^\{|\}$/g, '').split(',').filter(Boolean).map((s) => s.replace(/^"|"$/g, ''));
  return [];
}

export function toPolicyRows(rows: readonly Record<string, unknown>[]): PolicyRow[] {
  return rows.map((r) => ({
    schema: String(r.schema),
    table: String(r.table),
    policy: String(r.policy),
    permissive: String(r.permissive),
    roles: textArray(r.roles),
    cmd: String(r.cmd),
    qual: r.qual === null || r.qual === undefined ? null : String(r.qual),
    with_check: r.with_check === null || r.with_check === undefined ? null : String(r.with_check),
  }));
}
