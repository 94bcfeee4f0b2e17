// The migration spec (no model): grammar, clear errors, and the SQL and rollback it generates,
// which must themselves pass the safety check.
import { describe, expect, it } from 'vitest';
import { generateMigration, lookupFromCatalog, q } from '../../../src/agents/migrator/generate.js';
import { checkMigration } from '../../../src/agents/migrator/safety.js';
import { looksLikeSpec, parseSpec, SpecError } from '../../../src/agents/migrator/spec.js';

const CATALOG = [
  'relation table public.customers rls=false force=false',
  'relation table public.secure rls=true force=false',
  'column public.customers.id uuid not null default gen_random_uuid()',
  'column public.customers.phone text',
  'column public.customers.score integer not null default 0',
];
const schema = lookupFromCatalog(CATALOG);

describe('migration spec', () => {
  it('parses a create table with typed columns, keys, defaults and references', () => {
    const [change] = parseSpec(
      "create table customer_preferences (id uuid pk default gen_random_uuid(), customer_id uuid not null references customers on delete cascade, prefs jsonb not null default '{}'::jsonb, total numeric(12,2), tags text[] unique)",
    );
    expect(change).toEqual({
      op: 'create_table',
      table: 'public.customer_preferences',
      columns: [
        { name: 'id', type: 'uuid', primaryKey: true, notNull: false, unique: false, default: 'gen_random_uuid()' },
        { name: 'customer_id', type: 'uuid', primaryKey: false, notNull: true, unique: false, references: { table: 'public.customers', column: 'id', onDelete: 'cascade' } },
        { name: 'prefs', type: 'jsonb', primaryKey: false, notNull: true, unique: false, default: "'{}'::jsonb" },
        { name: 'total', type: 'numeric(12,2)', primaryKey: false, notNull: false, unique: false },
        { name: 'tags', type: 'text[]', primaryKey: false, notNull: false, unique: true },
      ],
    });
  });

  it('parses every change kind, joined with ;', () => {
    const changes = parseSpec(
      'create table crm.notes with id bigserial primary key, body text; add column customers.vip bool not null default false; drop column customers.phone; ' +
        'add unique index on customers (phone, vip); add index on customers (score); add foreign key crm.notes.customer_id references customers(id) on delete set null; ' +
        'enable rls on customers policy owner_reads for select to authenticated using (auth.uid() = id); enable rls on crm.notes',
    );
    expect(changes.map((c) => c.op)).toEqual(['create_table', 'add_column', 'drop_column', 'add_index', 'add_index', 'add_foreign_key', 'enable_rls', 'enable_rls']);
    expect(changes[1]).toMatchObject({ table: 'public.customers', column: { name: 'vip', type: 'boolean', default: 'false', notNull: true } });
    expect(changes[3]).toMatchObject({ unique: true, columns: ['phone', 'vip'] });
    expect(changes[5]).toMatchObject({ table: 'crm.notes', column: 'customer_id', references: { table: 'public.customers', column: 'id', onDelete: 'set null' } });
    expect(changes[6]).toMatchObject({ policy: { name: 'owner_reads', command: 'select', role: 'authenticated', using: '(auth.uid() = id)' } });
  });

  it.each([
    ['create table x (id varchar2)', /unknown type "varchar2": accepted text, varchar/],
    ['create table 1x (id int)', /table "1x" is not a plain identifier/],
    ['create table x ()', /name at least one column/],
    ['add column customers int', /"customers" should be <table>.<column>/],
    ['create table x (id int pk, y int sparkly)', /column y: unexpected "sparkly"; accepted: pk, not null/],
    ['create table x (id int default)', /"default" needs a value/],
    ['add foreign key a.b c', /expected "references <table>"/],
    ['add foreign key a.b references c on delete explode', /"on delete" takes cascade, restrict, set null, no action/],
    ['enable rls on x policy p for read', /"read" is not one of select, insert, update, delete, all/],
    ['enable rls on x policy p for select using (true; drop table y)', /must not contain ";"/],
    ['create table x (id int default 1;drop)', /must not contain ";"/],
    ['rename table x', /is not a spec change/],
    ['drop column a.b extra', /unexpected "extra"/],
  ])('rejects %j with a clear line', (spec, message) => {
    expect(() => parseSpec(spec)).toThrow(SpecError);
    expect(() => parseSpec(spec)).toThrow(message);
  });

  it('tells spec text from free text', () => {
    expect(looksLikeSpec('create table x (id int)')).toBe(true);
    expect(looksLikeSpec('  Enable RLS on x')).toBe(true);
    expect(looksLikeSpec('Add customer preferences table with JSONB column')).toBe(false);
  });

  it('quotes reserved and unusual identifiers only', () => {
    expect(q('customers')).toBe('customers');
    expect(q('order')).toBe('"order"');
    expect(q('Weird"Name')).toBe('"Weird""Name"');
  });
});

describe('generating SQL from the spec', () => {
  it('uses lock-friendly forms on existing tables, so the result passes the safety check', async () => {
    const out = generateMigration(
      parseSpec('add column customers.owner_id uuid references customers; add index on customers (score); add foreign key customers.id references customers; enable rls on customers policy p for all using (true)'),
      schema,
    );
    expect(out.up).toContain('create index concurrently if not exists customers_score_idx on public.customers (score);');
    expect(out.up).toContain('add constraint customers_owner_id_fkey foreign key (owner_id) references public.customers (id) not valid;');
    expect(out.up).toContain('validate constraint customers_owner_id_fkey;');
    expect(out.up).toContain('alter table public.customers enable row level security;');
    expect(out.up).toContain('create policy p on public.customers for all using (true);');
    const report = await checkMigration(out.up);
    expect(report.findings).toEqual([]);
    // Every foreign key gets an index, built without blocking writes on an existing table.
    expect(out.up).toContain('create index concurrently if not exists customers_owner_id_idx on public.customers (owner_id);');
    expect(out.down.split('\n').filter(Boolean)).toEqual([
      'drop policy if exists p on public.customers;',
      'alter table public.customers disable row level security;',
      'drop index if exists public.customers_id_idx;',
      'alter table public.customers drop constraint if exists customers_id_fkey;',
      'drop index if exists public.customers_score_idx;',
      'drop index if exists public.customers_owner_id_idx;',
      'alter table public.customers drop constraint if exists customers_owner_id_fkey;',
      'alter table public.customers drop column if exists owner_id;',
    ]);
  });

  it('creates tables with inline keys, and rolls a dropped column back to its definition', () => {
    const out = generateMigration(parseSpec('create table "order" with id int pk, "user" text; drop column customers.score'.replace(/"/g, '')), schema);
    expect(out.up).toContain('create table public."order" (\n  id integer primary key,\n  "user" text\n);');
    expect(out.down).toContain('alter table public.customers add column score integer not null default 0;');
    expect(out.down.indexOf('add column score')).toBeLessThan(out.down.indexOf('drop table if exists public."order"'));
  });

  it('leaves RLS alone in the rollback when it was already enabled', () => {
    const out = generateMigration(parseSpec('enable rls on secure policy p for select using (true)'), schema);
    expect(out.up).not.toContain('enable row level security');
    expect(out.down).not.toContain('disable row level security');
  });

  it.each([
    ['add column nowhere.x int', /table public.nowhere does not exist/],
    ['create table customers (id int)', /public.customers already exists/],
    ['drop column customers.nope', /public.customers.nope does not exist/],
    ['add column customers.phone text', /public.customers.phone already exists/],
    ['add foreign key customers.id references ghosts', /table public.ghosts does not exist/],
  ])('refuses %j against the current schema', (spec, message) => {
    expect(() => generateMigration(parseSpec(spec), schema)).toThrow(message);
  });
});
