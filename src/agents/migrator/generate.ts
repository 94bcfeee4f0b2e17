// Spec changes -> migration SQL and its rollback. Changes to tables that already exist use the
// lock-friendly forms (CREATE INDEX CONCURRENTLY, foreign keys NOT VALID then VALIDATE), so the
// generated SQL passes the safety check; the rollback undoes the changes in reverse order.
import type { CatalogSnapshot } from '../../services/postgres/catalog.js';
import { SpecError, type Change, type ColumnSpec, type Reference } from './spec.js';

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

export function generateMigration(changes: readonly Change[], schema: SchemaLookup): GeneratedMigration {
  const created = new Set<string>();
  const exists = (t: string): boolean => created.has(t) || schema.hasTable(t);
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
        break;
      }
      case 'enable_rls': {
        need(c.table, 'enable rls');
        if (!schema.rlsEnabled(c.table)) {
          up.push(`alter table ${qt(c.table)} enable row level security;`);
          down.push(`alter table ${qt(c.table)} disable row level security;`);
        }
        const p = c.policy;
        if (p) {
          const parts = [`create policy ${q(p.name)} on ${qt(c.table)}`, `for ${p.command}`];
          if (p.role) parts.push(`to ${q(p.role)}`);
          if (p.using) parts.push(`using ${p.using}`);
          if (p.check) parts.push(`with check ${p.check}`);
          up.push(`${parts.join(' ')};`);
          down.push(`drop policy if exists ${q(p.name)} on ${qt(c.table)};`);
        }
        break;
      }
    }
  }
  return { up: `${up.join('\n\n')}\n`, down: `${down.reverse().join('\n')}\n` };
}
