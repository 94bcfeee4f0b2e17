// Spec changes -> migration SQL and its rollback. Changes to tables that already exist use the
// lock-friendly forms (CREATE INDEX CONCURRENTLY, foreign keys NOT VALID then VALIDATE), so the
// generated SQL passes the safety check; the rollback undoes the changes in reverse order.
// A table created in an exposed schema follows the Data API rule of 2026: RLS on, explicit
// policies, explicit GRANTs to the API roles, and an index on each foreign key.
import type { CatalogSnapshot } from '../../services/postgres/catalog.js';
import { isExposed } from '../../services/supabase/data-api.js';
import { SpecError, type Change, type ColumnSpec, type PolicySpec, type Reference } from './spec.js';

/** What the generator needs to know about the schema the existing migrations build. */
export interface SchemaLookup {
  hasTable(table: string): boolean;
  rlsEnabled(table: string): boolean;
  /** `integer not null default 0`, or null when the column does not exist. */
  columnDefinition(table: string, column: string): string | null;
}

/** Reads the lookup from a catalog snapshot's `table ...` and `column ...` lines. */
export function lookupFromCatalog(snapshot: CatalogSnapshot): SchemaLookup {
  const tables = new Map<string, boolean>();
  const columns = new Map<string, string>();
  for (const line of snapshot) {
    const table = /^relation table (\S+) rls=(\w+)/.exec(line);
    if (table) tables.set(table[1]!, table[2] === 'true');
    const column = /^column (\S+) (.+)$/.exec(line);
    if (column) columns.set(column[1]!, column[2]!);
  }
  return {
    hasTable: (t) => tables.has(t),
    rlsEnabled: (t) => tables.get(t) === true,
    columnDefinition: (t, c) => columns.get(`${t}.${c}`) ?? null,
  };
}

const RESERVED = new Set(
  ('all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate collation column ' +
    'concurrently constraint create cross current_catalog current_date current_role current_schema current_time ' +
    'current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign freeze ' +
    'from full grant group having ilike in initially inner intersect into is isnull join lateral leading left like limit ' +
    'localtime localtimestamp natural not notnull null offset on only or order outer overlaps placing primary references ' +
    'returning right select session_user similar some symmetric system_user table tablesample then to trailing true union ' +
    'unique user using variadic verbose when where window with').split(' '),
);

/** An identifier as SQL: plain when it can be, double-quoted otherwise. */
export function q(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** `schema.table` as SQL. */
function qt(table: string): string {
  return table.split('.').map(q).join('.');
}

function shortName(table: string): string {
  return table.split('.').pop()!;
}

/** A constraint or index name as Postgres would build it, within its 63-byte limit. */
function objectName(table: string, columns: readonly string[], suffix: string): string {
  return `${shortName(table)}_${columns.join('_')}`.slice(0, 63 - suffix.length - 1) + `_${suffix}`;
}

function referenceSql(r: Reference): string {
  return `references ${qt(r.table)} (${q(r.column)})${r.onDelete ? ` on delete ${r.onDelete}` : ''}`;
}

function columnSql(c: ColumnSpec, inlineReference: boolean): string {
  const parts = [q(c.name), c.type];
  if (c.primaryKey) parts.push('primary key');
  if (c.notNull && !c.primaryKey) parts.push('not null');
  if (c.unique) parts.push('unique');
  if (c.default !== undefined) parts.push(`default ${c.default}`);
  if (c.references && inlineReference) parts.push(referenceSql(c.references));
  return parts.join(' ');
}

export interface GeneratedMigration {
  readonly up: string;
  readonly down: string;
}

/** A foreign key on an existing table: added NOT VALID, validated with a weaker lock. */
function foreignKeySql(table: string, column: string, r: Reference): { up: string[]; down: string } {
  const name = objectName(table, [column], 'fkey');
  return {
    up: [
      `alter table ${qt(table)} add constraint ${q(name)} foreign key (${q(column)}) ${referenceSql(r)} not valid;`,
      `alter table ${qt(table)} validate constraint ${q(name)};`,
    ],
    down: `alter table ${qt(table)} drop constraint if exists ${q(name)};`,
  };
}

const PRIVILEGES: Record<PolicySpec['command'], readonly string[]> = {
  select: ['select'],
  insert: ['insert'],
  // An update or delete with a WHERE reads the rows it matches.
  update: ['select', 'update'],
  delete: ['select', 'delete'],
  all: ['select', 'insert', 'update', 'delete'],
};
const ALL_PRIVILEGES = PRIVILEGES.all;

/** A column that names the owning user: `user_id`/`owner_id` as uuid, or a uuid referencing auth.users. */
function ownerColumn(columns: readonly ColumnSpec[]): ColumnSpec | undefined {
  return (
    columns.find((c) => c.type === 'uuid' && c.references?.table === 'auth.users') ??
    columns.find((c) => c.type === 'uuid' && (c.name === 'user_id' || c.name === 'owner_id'))
  );
}

function policySql(table: string, p: PolicySpec): string {
  const parts = [`create policy ${q(p.name)} on ${qt(table)}`, `for ${p.command}`];
  if (p.role) parts.push(`to ${q(p.role)}`);
  if (p.using) parts.push(`using ${p.using}`);
  if (p.check) parts.push(`with check ${p.check}`);
  return `${parts.join(' ')};`;
}

/**
 * RLS, policies and grants for a table created in an exposed schema. The spec's own policies for
 * it decide which API roles get which privileges; without any, a table with an owner column gets
 * owner-only policies for `authenticated`, and any other table stays with `service_role` (stated
 * in the SQL, so the choice is visible). Returns the up statements and their rollback.
 */
function dataApiAccess(table: string, columns: readonly ColumnSpec[], specPolicies: readonly PolicySpec[]): { up: string[]; down: string[]; policies: readonly PolicySpec[] } {
  const up = [`-- Data API (2026): tables in exposed schemas are visible only through explicit grants.`, `alter table ${qt(table)} enable row level security;`];
  const down: string[] = [];
  let policies = specPolicies;
  const own: string[] = [];
  if (policies.length === 0) {
    const owner = ownerColumn(columns);
    const t = shortName(table);
    if (owner) {
      const mine = `(select auth.uid()) = ${q(owner.name)}`;
      policies = [
        { name: `${t}_owner_select`, command: 'select', role: 'authenticated', using: `(${mine})` },
        { name: `${t}_owner_insert`, command: 'insert', role: 'authenticated', check: `(${mine})` },
        { name: `${t}_owner_update`, command: 'update', role: 'authenticated', using: `(${mine})`, check: `(${mine})` },
        { name: `${t}_owner_delete`, command: 'delete', role: 'authenticated', using: `(${mine})` },
      ];
      // Created here with the table; spec policies are created by their own change.
      own.push(...policies.map((p) => policySql(table, p)));
      up.push(`-- Each signed-in user reads and writes only the rows whose ${owner.name} is theirs.`);
    } else {
      const p: PolicySpec = { name: `${t}_service_role_all`, command: 'all', role: 'service_role', using: '(true)', check: '(true)' };
      policies = [p];
      own.push(policySql(table, p));
      up.push(
        `-- No owner column: only the service role (server code) may use ${table}. To expose it to signed-in`,
        `-- users, add a policy (enable rls on ${shortName(table)} policy <name> for select to authenticated using (...))`,
        `-- and grant them the privileges it allows.`,
      );
    }
  }
  const grants = new Map<string, Set<string>>([['service_role', new Set(ALL_PRIVILEGES)]]);
  for (const p of policies) {
    const role = p.role ?? 'authenticated';
    if (role !== 'anon' && role !== 'authenticated') continue;
    const set = grants.get(role) ?? new Set<string>();
    for (const priv of PRIVILEGES[p.command]) set.add(priv);
    grants.set(role, set);
  }
  for (const [role, set] of grants) {
    const privs = ALL_PRIVILEGES.filter((x) => set.has(x)).join(', ');
    up.push(`grant ${privs} on table ${qt(table)} to ${q(role)};`);
    down.push(`revoke ${privs} on table ${qt(table)} from ${q(role)};`);
  }
  up.push(...own);
  for (const p of policies) if (!specPolicies.includes(p)) down.push(`drop policy if exists ${q(p.name)} on ${qt(table)};`);
  return { up, down, policies };
}

/** An index on each foreign key column of a new table (not needed where a key or unique index covers it). */
function foreignKeyIndexes(table: string, columns: readonly ColumnSpec[]): { up: string[]; down: string[] } {
  const up: string[] = [];
  const down: string[] = [];
  for (const c of columns) {
    if (!c.references || c.primaryKey || c.unique) continue;
    const name = objectName(table, [c.name], 'idx');
    up.push(`create index if not exists ${q(name)} on ${qt(table)} (${q(c.name)});`);
    down.push(`drop index if exists ${qt(`${table.split('.')[0]}.${name}`)};`);
  }
  return { up, down };
}

/** Tables every Supabase database has (the schema catalog of app migrations leaves them out). */
const PLATFORM_TABLES: ReadonlySet<string> = new Set(['auth.users', 'storage.buckets', 'storage.objects']);

/** An index on a foreign key column; on an existing table built without blocking writes. */
function fkIndex(table: string, column: string, fresh: boolean, down: string[]): string[] {
  const name = objectName(table, [column], 'idx');
  down.push(`drop index if exists ${qt(`${table.split('.')[0]}.${name}`)};`);
  return [`create index${fresh ? '' : ' concurrently'} if not exists ${q(name)} on ${qt(table)} (${q(column)});`];
}

export function generateMigration(changes: readonly Change[], schema: SchemaLookup): GeneratedMigration {
  const created = new Set<string>();
  /** Tables whose RLS this migration turns on. */
  const rlsOn = new Set<string>();
  const specPolicies = (t: string): PolicySpec[] =>
    changes.flatMap((c) => (c.op === 'enable_rls' && c.table === t && c.policy ? [c.policy] : []));
  const exists = (t: string): boolean => created.has(t) || schema.hasTable(t) || PLATFORM_TABLES.has(t);
  const need = (t: string, what: string): void => {
    if (!exists(t)) throw new SpecError(`${what}: table ${t} does not exist in the schema the existing migrations build`);
  };
  const up: string[] = [];
  const down: string[] = [];
  for (const c of changes) {
    switch (c.op) {
      case 'create_table': {
        if (exists(c.table)) throw new SpecError(`create table: ${c.table} already exists`);
        for (const col of c.columns) if (col.references) need(col.references.table, `column ${col.name} references`);
        up.push(`create table ${qt(c.table)} (\n${c.columns.map((col) => `  ${columnSql(col, true)}`).join(',\n')}\n);`);
        down.push(`drop table if exists ${qt(c.table)};`);
        created.add(c.table);
        const indexes = foreignKeyIndexes(c.table, c.columns);
        up.push(...indexes.up);
        down.push(...indexes.down);
        if (isExposed(c.table)) {
          const access = dataApiAccess(c.table, c.columns, specPolicies(c.table));
          up.push(access.up.join('\n'));
          down.push(...access.down);
          rlsOn.add(c.table);
        }
        break;
      }
      case 'add_column': {
        need(c.table, `add column ${c.column.name}`);
        if (schema.columnDefinition(c.table, c.column.name)) throw new SpecError(`add column: ${c.table}.${c.column.name} already exists`);
        const fresh = created.has(c.table);
        if (c.column.references) need(c.column.references.table, `column ${c.column.name} references`);
        up.push(`alter table ${qt(c.table)} add column ${columnSql(c.column, fresh)};`);
        down.push(`alter table ${qt(c.table)} drop column if exists ${q(c.column.name)};`);
        if (c.column.references && !fresh) {
          const fk = foreignKeySql(c.table, c.column.name, c.column.references);
          up.push(...fk.up);
          down.push(fk.down);
        }
        if (c.column.references && !c.column.unique && !c.column.primaryKey) up.push(...fkIndex(c.table, c.column.name, fresh, down));
        break;
      }
      case 'drop_column': {
        need(c.table, `drop column ${c.column}`);
        const definition = schema.columnDefinition(c.table, c.column);
        if (!definition) throw new SpecError(`drop column: ${c.table}.${c.column} does not exist in the schema the existing migrations build`);
        up.push(`alter table ${qt(c.table)} drop column ${q(c.column)};`);
        down.push(`-- restores the column's definition, not its data\nalter table ${qt(c.table)} add column ${q(c.column)} ${definition};`);
        break;
      }
      case 'add_index': {
        need(c.table, 'add index');
        const name = objectName(c.table, c.columns, c.unique ? 'key' : 'idx');
        const concurrently = created.has(c.table) ? '' : ' concurrently';
        up.push(`create ${c.unique ? 'unique ' : ''}index${concurrently} if not exists ${q(name)} on ${qt(c.table)} (${c.columns.map(q).join(', ')});`);
        down.push(`drop index if exists ${qt(`${c.table.split('.')[0]}.${name}`)};`);
        break;
      }
      case 'add_foreign_key': {
        need(c.table, 'add foreign key');
        need(c.references.table, 'add foreign key references');
        const fk = foreignKeySql(c.table, c.column, c.references);
        up.push(...fk.up);
        down.push(fk.down);
        up.push(...fkIndex(c.table, c.column, created.has(c.table), down));
        break;
      }
      case 'enable_rls': {
        need(c.table, 'enable rls');
        if (!schema.rlsEnabled(c.table) && !rlsOn.has(c.table)) {
          up.push(`alter table ${qt(c.table)} enable row level security;`);
          down.push(`alter table ${qt(c.table)} disable row level security;`);
          rlsOn.add(c.table);
        }
        const p = c.policy;
        if (p) {
          up.push(policySql(c.table, p));
          down.push(`drop policy if exists ${q(p.name)} on ${qt(c.table)};`);
        }
        break;
      }
    }
  }
  return { up: `${up.join('\n\n')}\n`, down: `${down.reverse().join('\n')}\n` };
}
