// Catalog snapshots: the user-visible schema as sorted text lines, one per object, so two
// snapshots compare with a set difference (did a migration's rollback put the schema back?).
import { createHash } from 'node:crypto';
import type { DbExecutor } from './types.js';

/** Schemas that are Postgres's own or agentdeck's bookkeeping, never part of the app's schema. */
export const SYSTEM_SCHEMAS = ['pg_catalog', 'information_schema', 'pg_toast', 'supabase_migrations'];

const USER_NS = `n.nspname <> all($1::text[]) and n.nspname not like 'pg\\_temp\\_%' and n.nspname not like 'pg\\_toast\\_temp\\_%'`;

/** One query per object kind; each row becomes one line `<kind> <text>`. */
const QUERIES: readonly (readonly [string, string])[] = [
  ['schema', `select n.nspname as line from pg_namespace n where ${USER_NS}`],
  ['extension', `select e.extname as line from pg_extension e where e.extname <> 'plpgsql'`],
  [
    'relation',
    `select case c.relkind when 'r' then 'table' when 'p' then 'table' when 'v' then 'view'
                 when 'm' then 'materialized-view' when 'S' then 'sequence' else 'foreign-table' end || ' ' || n.nspname || '.' || c.relname ||
            case when c.relkind in ('r','p') then ' rls=' || c.relrowsecurity || ' force=' || c.relforcerowsecurity else '' end as line
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r','p','v','m','S','f') and ${USER_NS}`,
  ],
  [
    'column',
    `select n.nspname || '.' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) ||
            case when a.attnotnull then ' not null' else '' end ||
            coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') as line
       from pg_attribute a
       join pg_class c on c.oid = a.attrelid
       join pg_namespace n on n.oid = c.relnamespace
       left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where a.attnum > 0 and not a.attisdropped and c.relkind in ('r','p','v','m','f') and ${USER_NS}`,
  ],
  [
    'constraint',
    // contype 'n' (NOT NULL as a constraint, Postgres 18) is already in the column lines.
    `select n.nspname || '.' || c.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid) as line
       from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
      where k.contype <> 'n' and ${USER_NS}`,
  ],
  [
    'index',
    `select pg_get_indexdef(i.indexrelid) as line
       from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace
      where ${USER_NS}`,
  ],
  [
    'policy',
    // In CREATE POLICY's words (`as permissive for UPDATE to authenticated`), not pg_policy's codes.
    `select n.nspname || '.' || c.relname || ' ' || p.polname || ' as ' || case when p.polpermissive then 'permissive' else 'restrictive' end ||
            ' for ' || case p.polcmd when 'r' then 'SELECT' when 'a' then 'INSERT' when 'w' then 'UPDATE' when 'd' then 'DELETE' else 'ALL' end ||
            ' to ' || array_to_string(array(select coalesce((select rolname from pg_roles where oid = r), 'public') from unnest(p.polroles) r order by 1), ', ') ||
            coalesce(' using ' || pg_get_expr(p.polqual, p.polrelid), '') ||
            coalesce(' check ' || pg_get_expr(p.polwithcheck, p.polrelid), '') as line
       from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
      where ${USER_NS}`,
  ],
  [
    'function',
    `select n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') ' || md5(coalesce(p.prosrc, '')) as line
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where ${USER_NS} and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')`,
  ],
  [
    'trigger',
    `select pg_get_triggerdef(t.oid) as line
       from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
      where not t.tgisinternal and ${USER_NS}`,
  ],
  [
    'type',
    `select n.nspname || '.' || t.typname || ' enum(' || array_to_string(array(select e.enumlabel from pg_enum e where e.enumtypid = t.oid order by e.enumsortorder), ',') || ')' as line
       from pg_type t join pg_namespace n on n.oid = t.typnamespace
      where t.typtype = 'e' and ${USER_NS}`,
  ],
];

/** Sorted lines, `<kind> <description>`. */
export type CatalogSnapshot = readonly string[];

/**
 * All the kinds in one statement and one row (a dry run takes one per migration and rollback):
 * prepared once per connection, since planning this union costs more than running it, and
 * aggregated server-side, since a row per line costs more to decode than one array.
 */
const SNAPSHOT_SQL = `select coalesce(array_agg(line), '{}') as lines from (${QUERIES.map(([kind, sql]) => `select '${kind} ' || q.line as line from (${sql}) q where q.line is not null`).join('\nunion all\n')}) s`;

export async function snapshotCatalog(db: DbExecutor, excludeSchemas: readonly string[] = []): Promise<CatalogSnapshot> {
  const exclude = [...SYSTEM_SCHEMAS, ...excludeSchemas];
  const { rows } = await db.query<{ lines: string[] }>(SNAPSHOT_SQL, [exclude], { prepare: 'agentdeck_catalog_snapshot' });
  return [...(rows[0]?.lines ?? [])].sort();
}

/** A short fingerprint of a snapshot: equal snapshots have equal fingerprints. */
export function fingerprint(snapshot: CatalogSnapshot): string {
  return createHash('sha256').update(snapshot.join('\n')).digest('hex');
}

export interface CatalogDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

export function diffCatalog(before: CatalogSnapshot, after: CatalogSnapshot): CatalogDiff {
  const a = new Set(before);
  const b = new Set(after);
  return { added: after.filter((l) => !a.has(l)), removed: before.filter((l) => !b.has(l)) };
}

export function sameCatalog(before: CatalogSnapshot, after: CatalogSnapshot): boolean {
  if (before.length !== after.length) return false;
  return fingerprint(before) === fingerprint(after);
}

/** `+ table public.x` / `- column public.x.y text` lines for humans. */
export function describeDiff(diff: CatalogDiff): string[] {
  return [...diff.removed.map((l) => `- ${l}`), ...diff.added.map((l) => `+ ${l}`)];
}
