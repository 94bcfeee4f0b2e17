// Generated migrations follow the 2026 Data API rule (RLS, explicit policies, explicit grants, an
// index on each foreign key), pass the project's own scan and security audit with 0 findings on a
// database shaped like Supabase's, roll back to nothing, and never share a slug.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFindings } from '../../../src/agents/bughunter/db-checks.js';
import { listMigrations, writeMigration } from '../../../src/agents/migrator/files.js';
import { generateMigration, lookupFromCatalog, type SchemaLookup } from '../../../src/agents/migrator/generate.js';
import { openScratch } from '../../../src/agents/migrator/scratch.js';
import { checkMigration } from '../../../src/agents/migrator/safety.js';
import { parseSpec } from '../../../src/agents/migrator/spec.js';
import { runCatalogLints } from '../../../src/agents/ops/security-lints.js';
import type { Db } from '../../../src/services/postgres/types.js';
import { tempDir } from '../../helpers/tmp.js';

const EMPTY: SchemaLookup = lookupFromCatalog([]);

/** Runs a generated script the way it was written: one chunk at a time (CONCURRENTLY needs its own). */
async function apply(db: Db, sql: string): Promise<void> {
  for (const chunk of sql.split('\n\n')) if (chunk.trim()) await db.exec(chunk);
}

describe('generated migrations and the Data API rule', () => {
  it('a new table gets RLS, owner policies, grants and an index on its foreign keys; the rollback undoes each', () => {
    const out = generateMigration(parseSpec('create table notes (id bigserial pk, user_id uuid not null references auth.users, body text)'), EMPTY);
    expect(out.up).toContain('alter table public.notes enable row level security;');
    expect(out.up).toContain('create index if not exists notes_user_id_idx on public.notes (user_id);');
    expect(out.up).toContain('grant select, insert, update, delete on table public.notes to service_role;');
    expect(out.up).toContain('grant select, insert, update, delete on table public.notes to authenticated;');
    expect(out.up).toContain('create policy notes_owner_select on public.notes for select to authenticated using ((select auth.uid()) = user_id);');
    expect(out.up).not.toMatch(/to anon/);
    expect(out.down.split('\n').filter(Boolean)).toEqual([
      'drop policy if exists notes_owner_delete on public.notes;',
      'drop policy if exists notes_owner_update on public.notes;',
      'drop policy if exists notes_owner_insert on public.notes;',
      'drop policy if exists notes_owner_select on public.notes;',
      'revoke select, insert, update, delete on table public.notes from authenticated;',
      'revoke select, insert, update, delete on table public.notes from service_role;',
      'drop index if exists public.notes_user_id_idx;',
      'drop table if exists public.notes;',
    ]);
  });

  it("the spec's own policies decide the grants: a read policy for anon grants anon select only", () => {
    const out = generateMigration(parseSpec('create table posts (id bigserial pk, title text); enable rls on posts policy anyone_reads for select to anon using (true)'), EMPTY);
    expect(out.up).toContain('grant select on table public.posts to anon;');
    expect(out.up).not.toContain('posts_service_role_all');
    expect(out.up.match(/enable row level security/g)).toHaveLength(1);
    expect(out.up).toContain('create policy anyone_reads on public.posts for select to anon using (true);');
  });

  it('a table without an owner column stays with the service role, and says why in the SQL', () => {
    const out = generateMigration(parseSpec('create table audit_log (id bigserial pk, at timestamptz not null default now())'), EMPTY);
    expect(out.up).toContain('-- No owner column: only the service role (server code) may use public.audit_log.');
    expect(out.up).toContain('create policy audit_log_service_role_all on public.audit_log for all to service_role using (true) with check (true);');
    expect(out.up).not.toMatch(/to (anon|authenticated);/);
  });

  it('a table outside the exposed schemas gets no Data API grants', () => {
    const out = generateMigration(parseSpec('create table private.jobs (id bigserial pk)'), EMPTY);
    expect(out.up).not.toContain('grant');
  });

  it('every generated migration passes the safety check', async () => {
    const out = generateMigration(parseSpec('create table notes (id bigserial pk, user_id uuid not null references auth.users, body text)'), EMPTY);
    expect((await checkMigration(out.up)).findings).toEqual([]);
  });
});

describe('generated schema on a Supabase-shaped database', () => {
  let db: Db;
  const project = tempDir();
  beforeAll(async () => {
    db = await openScratch(project.dir);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    project.cleanup();
  });
  const query = async (sql: string): Promise<Record<string, unknown>[]> => (await db.query<Record<string, unknown>>(sql)).rows;

  it('passes the scan and the security audit with 0 findings, and its rollbacks leave nothing behind', async () => {
    const first = generateMigration(parseSpec('create table customers (id uuid pk default gen_random_uuid(), user_id uuid not null references auth.users, name text not null)'), EMPTY);
    await apply(db, first.up);
    const afterFirst = lookupFromCatalog(['relation table public.customers rls=true force=false', 'column public.customers.id uuid not null']);
    const second = generateMigration(
      parseSpec("create table customer_preferences (id uuid pk default gen_random_uuid(), customer_id uuid not null references customers on delete cascade, prefs jsonb not null default '{}'::jsonb); add column customers.referrer_id uuid references customers"),
      afterFirst,
    );
    await apply(db, second.up);

    expect(await databaseFindings(query)).toEqual([]);
    expect(await runCatalogLints(query)).toEqual([]);

    await apply(db, second.down);
    await apply(db, first.down);
    expect(await query("select relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind in ('r', 'i')")).toEqual([]);
    expect(await query("select * from pg_policies where schemaname = 'public'")).toEqual([]);
  });

  it('reports a table nobody granted as not visible to the Data API, in the scan and the audit', async () => {
    await db.exec('create table public.hidden (id bigint primary key); alter table public.hidden enable row level security; create policy hidden_read on public.hidden for select to authenticated using (true);');
    try {
      const scan = await databaseFindings(query);
      expect(scan).toEqual([expect.objectContaining({ rule: 'not-visible-to-data-api', location: 'public.hidden', message: expect.stringContaining('not visible to the Data API') })]);
      const audit = await runCatalogLints(query);
      expect(audit.map((f) => `${f.name} ${f.object}`)).toEqual(['table_not_in_data_api public.hidden']);
      await db.exec('grant select on public.hidden to authenticated;');
      expect(await databaseFindings(query)).toEqual([]);
      expect(await runCatalogLints(query)).toEqual([]);
    } finally {
      await db.exec('drop table public.hidden;');
    }
  });
});

describe('migration slugs', () => {
  it('a chosen name that is taken is refused in one line; a derived one is numbered', () => {
    const { dir, cleanup } = tempDir('agentdeck-slug-');
    try {
      mkdirSync(join(dir, 'supabase'), { recursive: true });
      const a = writeMigration(dir, 'add_customer_notes', '-- up\n', '-- down\n');
      expect(a.file).toMatch(/^supabase\/migrations\/\d{14}_add_customer_notes\.sql$/);
      expect(() => writeMigration(dir, 'add_customer_notes', '-- up\n', '-- down\n')).toThrow(
        /^a migration named add_customer_notes already exists \(supabase\/migrations\/\d{14}_add_customer_notes\.sql\): edit that one, or give this one another name$/,
      );
      expect(() => writeMigration(dir, 'Add customer notes!', '-- up\n', '-- down\n')).toThrow(/already exists/);
      const b = writeMigration(dir, 'add_customer_notes', '-- up\n', '-- down\n', new Date(), 'number');
      const c = writeMigration(dir, 'add_customer_notes', '-- up\n', '-- down\n', new Date(), 'number');
      expect([b.file, c.file].map((f) => f.replace(/^.*\d{14}_/, ''))).toEqual(['add_customer_notes_2.sql', 'add_customer_notes_3.sql']);
      expect(listMigrations(dir).map((m) => m.name)).toEqual(['add_customer_notes', 'add_customer_notes_2', 'add_customer_notes_3']);
    } finally {
      cleanup();
    }
  });
});
