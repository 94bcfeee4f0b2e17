// Dry runs in a real scratch PGlite: replay, measure, roll back, compare catalogs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeDryRun, dryRun } from '../../../src/agents/migrator/dry-run.js';
import { listMigrations, slugify, versionAt, writeMigration } from '../../../src/agents/migrator/files.js';
import { tempDir } from '../../helpers/tmp.js';

const tmp = tempDir('agentdeck-dryrun-');
afterAll(() => tmp.cleanup());

function project(name: string, files: Record<string, string>): string {
  const root = join(tmp.dir, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const BASE = {
  'supabase/migrations/20250101000000_customers.sql': `create table public.customers (
  id uuid primary key default gen_random_uuid(),
  owner uuid references auth.users (id),
  email text not null
);
grant select on public.customers to authenticated;
insert into public.customers (email) values ('a@example.com'), ('b@example.com');
`,
  'supabase/migrations/20250102000000_estimates.sql': 'create table public.estimates (id bigserial primary key, customer_id uuid, total numeric);\n',
};

describe('dry run', () => {
  it('replays the existing migrations, applies the new one, reports its change, and checks its rollback', async () => {
    const root = project('good', {
      ...BASE,
      'supabase/migrations/20250103000000_vip.sql': "alter table public.customers add column vip boolean not null default false;\nupdate public.customers set vip = true where email like 'a%';\n",
      'supabase/rollbacks/20250103000000_vip.down.sql': 'alter table public.customers drop column vip;\n',
    });
    const files = listMigrations(root);
    expect(files.map((f) => f.version)).toEqual(['20250101000000', '20250102000000', '20250103000000']);
    const report = await dryRun(files.slice(0, 2), files.slice(2), { root: tmp.dir });
    expect(report.ok).toBe(true);
    expect(report.base.map((b) => [b.file, b.ok, b.rowsAffected])).toEqual([
      ['supabase/migrations/20250101000000_customers.sql', true, 2],
      ['supabase/migrations/20250102000000_estimates.sql', true, 0],
    ]);
    const [c] = report.candidates;
    expect(c!.outcome).toMatchObject({ ok: true, statements: 2, rowsAffected: 1, transactional: true });
    expect(c!.change.added).toEqual(['column public.customers.vip boolean not null default false']);
    expect(c!.change.removed).toEqual([]);
    expect(c!.rollback).toMatchObject({ file: 'supabase/rollbacks/20250103000000_vip.down.sql', restored: true });
    expect(report.baseCatalog).toContain('relation table public.estimates rls=false force=false');
    const lines = describeDryRun(report);
    expect(lines).toContain('    + column public.customers.vip boolean not null default false');
    expect(lines.some((l) => l.includes('✓ rollback supabase/rollbacks/20250103000000_vip.down.sql restores the schema'))).toBe(true);
  });

  it('reports a failing statement with file and line, and a rollback that leaves the schema changed', async () => {
    const root = project('bad', {
      ...BASE,
      'supabase/migrations/20250103000000_index.sql': 'create index estimates_total_idx on public.estimates (total);\n',
      'supabase/rollbacks/20250103000000_index.down.sql': 'select 1;\n',
      'supabase/migrations/20250104000000_broken.sql': '-- adds a column\nalter table public.estimates\n  add column note text;\nalter table public.estimates\n  add column total_v2 numeric references public.nowhere (id);\n',
    });
    const files = listMigrations(root);
    const report = await dryRun(files.slice(0, 2), files.slice(2), { root: tmp.dir });
    expect(report.ok).toBe(false);
    const [index, broken] = report.candidates;
    expect(index!.safety!.findings.map((f) => f.rule)).toEqual(['index_without_concurrently']);
    expect(index!.rollback).toMatchObject({ restored: false });
    expect(index!.rollback!.leftover.added).toEqual(['index CREATE INDEX estimates_total_idx ON public.estimates USING btree (total)']);
    expect(broken!.outcome.ok).toBe(false);
    expect(broken!.outcome.error).toMatchObject({ file: 'supabase/migrations/20250104000000_broken.sql', line: 4, code: '42P01' });
    expect(broken!.outcome.error!.message).toContain('relation "public.nowhere" does not exist');
    // The failed migration ran in a transaction: its first statement left nothing behind.
    expect(broken!.change).toEqual({ added: [], removed: [] });
    expect(report.errors).toBe(2);
    const lines = describeDryRun(report);
    expect(lines).toContain('✗ supabase/migrations/20250104000000_broken.sql:4: relation "public.nowhere" does not exist');
    expect(lines.some((l) => l.startsWith('  ✗ rollback supabase/rollbacks/20250103000000_index.down.sql leaves the schema changed'))).toBe(true);
  });

  it('stops at an existing migration that does not apply, naming its file and line', async () => {
    const root = project('base-broken', {
      'supabase/migrations/20250101000000_a.sql': 'create table a (id int);\n\nselect * from missing_table;\n',
      'supabase/migrations/20250102000000_b.sql': 'create table b (id int);\n',
    });
    const files = listMigrations(root);
    const report = await dryRun(files, [], { root: tmp.dir });
    expect(report.ok).toBe(false);
    expect(report.base).toHaveLength(1);
    expect(report.base[0]!.error).toMatchObject({ line: 3, file: 'supabase/migrations/20250101000000_a.sql' });
    expect(describeDryRun(report)[1]).toBe('✗ supabase/migrations/20250101000000_a.sql:3: relation "missing_table" does not exist');
  });

  it('says when a migration has no rollback, and runs CONCURRENTLY statements outside a transaction', async () => {
    const root = project('no-rollback', {
      ...BASE,
      'supabase/migrations/20250103000000_concurrent.sql': 'create index concurrently if not exists estimates_customer_idx on public.estimates (customer_id);\n',
      'supabase/migrations/20250104000000_syntax.sql': 'select 1;\ncreate tabel nope (id int);\n',
    });
    const files = listMigrations(root);
    const report = await dryRun(files.slice(0, 2), files.slice(2), { root: tmp.dir });
    const [concurrent, syntax] = report.candidates;
    expect(concurrent!.outcome).toMatchObject({ ok: true, transactional: false });
    expect(concurrent!.safety!.findings).toEqual([]);
    expect(concurrent!.rollback).toMatchObject({ file: null, restored: false });
    expect(syntax!.outcome.error).toMatchObject({ line: 2 });
    expect(syntax!.outcome.error!.message).toContain('syntax error: syntax error at or near "tabel"');
    expect(syntax!.safety).toBeNull();
    const lines = describeDryRun(report);
    expect(lines).toContain('  ⚠ no rollback file: this migration cannot be undone automatically');
    expect(lines.some((l) => l.includes('(runs outside a transaction)'))).toBe(true);
  });
});

describe('migration files', () => {
  it('names files as the Supabase CLI does and keeps versions increasing', () => {
    const root = join(tmp.dir, 'files');
    const at = new Date('2026-03-04T05:06:07Z');
    expect(versionAt(at)).toBe('20260304050607');
    expect(slugify('  Add Customer-Preferences table!! ')).toBe('add_customer_preferences_table');
    expect(slugify('!!!')).toBe('migration');
    const a = writeMigration(root, 'first', 'select 1;\n', 'select 2;\n', at);
    const b = writeMigration(root, 'second', 'select 1;\n', 'select 2;\n', at);
    expect(a.file).toBe('supabase/migrations/20260304050607_first.sql');
    expect(a.rollbackFile).toBe('supabase/rollbacks/20260304050607_first.down.sql');
    expect(b.version).toBe('20260304050608');
    expect(listMigrations(root).map((m) => [m.name, m.rollbackPath !== null])).toEqual([
      ['first', true],
      ['second', true],
    ]);
  });
});
