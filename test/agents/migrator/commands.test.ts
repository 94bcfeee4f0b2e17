// The Migrator's commands through the real engine, against every target: the local PostgreSQL
// server (the default), the PGlite fallback (where no server binary exists; forced here with
// AGENTDECK_LOCAL_ENGINE=pglite) and PostgreSQL 15 started by the test setup (selected by
// DATABASE_URL in the project's .env).
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateCreate } from '../../../src/commands/defs/migrate.js';
import { createClaudeRuntime } from '../../../src/agents/runtime/claude.js';
import { openTarget, stopLocalServer, type Db } from '../../../src/services/postgres/index.js';
import { makeContext, type TestContext } from '../../helpers/context.js';
import { pg15Url } from '../../setup/postgres15.js';

/** A database of its own on the shared PostgreSQL 15 server. */
async function freshPg15Database(): Promise<string> {
  const server = pg15Url();
  const name = `agentdeck_${process.pid}_${Date.now()}`;
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

const TARGETS = [
  { name: 'the local PostgreSQL server', pg: false, pglite: false },
  { name: 'the local PGlite fallback', pg: false, pglite: true },
  { name: 'PostgreSQL 15', pg: true, pglite: false },
] as const;

describe.each(TARGETS)('Migrator against $name', (target) => {
  let t: TestContext;
  let db: Db;
  const run = (line: string) => t.engine.dispatch(line, { initiator: 'you' });

  beforeAll(async () => {
    if (target.pglite) process.env.AGENTDECK_LOCAL_ENGINE = 'pglite';
    t = makeContext({ agent: 'migrator' });
    if (target.pg) write(t.root, '.env', `DATABASE_URL=${await freshPg15Database()}\n`);
    // Held open for the whole file: the local database's worker stays up between commands.
    db = openTarget({ root: t.root, env: {} });
    write(t.root, 'supabase/migrations/20250101000000_customers.sql', `create table public.customers (
  id bigint generated always as identity primary key,
  email text not null,
  phone text
);
insert into public.customers (email) select 'c' || g || '@example.com' from generate_series(1, 2000) g;
`);
    write(t.root, 'supabase/rollbacks/20250101000000_customers.down.sql', 'drop table public.customers;\n');
    write(t.root, 'supabase/migrations/20250102000000_notes.sql', 'create table public.notes (id bigserial primary key, customer_id bigint, body text);\n');
  });

  afterAll(async () => {
    await db?.close();
    await stopLocalServer(t.root);
    t?.cleanup();
    delete process.env.AGENTDECK_LOCAL_ENGINE;
  });

  it('migrate status lists pending migrations before anything is applied', async () => {
    const r = await run('migrate status');
    expect(r.status).toBe('done');
    expect(r.message).toBe(`0 applied, 2 pending, 0 unknown on ${db.target}`);
    expect(r.lines).toEqual(['pending  20250101000000  customers', 'pending  20250102000000  notes']);
  });

  it('migrate execute --dry-run reports without touching the target', async () => {
    const r = await run('migrate execute --dry-run');
    expect(r.message).toMatch(/^Dry run successful/);
    expect(r.status).toBe('done');
    expect(r.message).toMatch(/^Dry run successful - 0 errors, 2 migration\(s\), .+, 2000 rows affected(; 2 table\(s\) not visible to the Data API)?$/);
    expect(r.lines).toContain('    + relation table public.notes rls=false force=false');
    expect(r.lines?.some((l) => l.startsWith('✓ supabase/migrations/20250101000000_customers.sql: 2 statement(s) in'))).toBe(true);
    expect(t.lines()).toContain('[MIGRATOR] ✓ Impact: 2000 rows affected');
    const { rows } = await db.query(`select to_regclass('public.customers')::text as t`);
    expect(rows[0]).toEqual({ t: null });
  });

  it('migrate execute applies pending migrations and records them as the Supabase CLI does', async () => {
    const r = await run('migrate execute');
    expect(r.message).toBe(`Applied 2 migration(s) to ${db.target}`);
    expect(r.status).toBe('done');
    const { rows } = await db.query<{ version: string; name: string; statements: string[] }>(
      'select version, name, statements from supabase_migrations.schema_migrations order by version',
    );
    expect(rows.map((x) => [x.version, x.name, x.statements.length])).toEqual([
      ['20250101000000', 'customers', 2],
      ['20250102000000', 'notes', 1],
    ]);
    expect(rows[1]!.statements[0]).toBe('create table public.notes (id bigserial primary key, customer_id bigint, body text)');
    const status = await run('migrate status');
    expect(status.message).toBe(`2 applied, 0 pending, 0 unknown on ${db.target}`);
    const again = await run('migrate execute');
    expect(again.message).toBe(`Nothing to apply: 2 migration(s) already applied on ${db.target}`);
    const latest = await run('migrate execute --dry-run');
    expect(latest.status).toBe('done');
    expect(latest.lines?.[0]).toBe(`nothing pending on ${db.target}; dry-ran the latest migration`);
    expect(latest.message).toMatch(/^Dry run successful - 0 errors, 1 migration\(s\)/);
  });

  it('refuses to execute a pending migration that does not parse, naming file and line', async () => {
    write(t.root, 'supabase/migrations/20250102120000_typo.sql', 'select 1;\nalter tabel public.notes add column x int;\n');
    const r = await run('migrate execute');
    expect(r.status).toBe('failed');
    expect(r.message).toBe('syntax error in supabase/migrations/20250102120000_typo.sql:2: syntax error at or near "tabel"');
    const { rmSync } = await import('node:fs');
    rmSync(join(t.root, 'supabase/migrations/20250102120000_typo.sql'));
  });

  it('reports unknown versions that are in the history table without a file', async () => {
    await db.query(`insert into supabase_migrations.schema_migrations (version, name) values ('20240101000000', 'elsewhere')`);
    const r = await run('migrate status');
    expect(r.message).toBe(`2 applied, 0 pending, 1 unknown on ${db.target}`);
    expect(r.lines).toContain('unknown  20240101000000  elsewhere  (in the history table, no file here)');
    await db.query(`delete from supabase_migrations.schema_migrations where version = '20240101000000'`);
  });

  it('rolls back a failing migration and names its file and line', async () => {
    write(t.root, 'supabase/migrations/20250103000000_broken.sql', 'alter table public.notes add column title text;\n\nalter table public.nowhere add column x int;\n');
    const r = await run('migrate execute');
    expect(r.status).toBe('failed');
    expect(r.message).toBe('supabase/migrations/20250103000000_broken.sql:3: relation "public.nowhere" does not exist (rolled back; 0 earlier migration(s) stay applied)');
    const { rows } = await db.query(`select column_name from information_schema.columns where table_name = 'notes' and column_name = 'title'`);
    expect(rows).toEqual([]);
    write(t.root, 'supabase/migrations/20250103000000_broken.sql', 'alter table public.notes add column title text;\n');
    const fixed = await run('migrate execute');
    expect(fixed.status).toBe('done');
  });

  it('a destructive migration waits for an approval bound to its SQL, then applies', async () => {
    write(t.root, 'supabase/migrations/20250104000000_drop_phone.sql', 'alter table public.customers drop column phone;\n');
    const waiting = await run('migrate execute');
    expect(waiting.status).toBe('waiting_approval');
    expect(waiting.approvalId).toBeTruthy();
    expect(waiting.message).toContain('drops column public.customers.phone');
    expect(t.lines().some((l) => l.includes('HIGH supabase/migrations/20250104000000_drop_phone.sql:1: drops column public.customers.phone'))).toBe(true);
    const before = await db.query(`select 1 from information_schema.columns where table_name = 'customers' and column_name = 'phone'`);
    expect(before.rows).toHaveLength(1);

    const approved = await run(`approve ${waiting.approvalId}`);
    expect(approved.ok).toBe(true);
    const after = await db.query(`select 1 from information_schema.columns where table_name = 'customers' and column_name = 'phone'`);
    expect(after.rows).toHaveLength(0);
    const status = await run('migrate status');
    expect(status.message).toMatch(/^4 applied, 0 pending/);
  });

  it('migrate "<spec>" writes a migration and rollback that dry-run cleanly, and execute applies it', async () => {
    const r = await run(
      'migrate "create table customer_preferences (id uuid pk default gen_random_uuid(), customer_id bigint not null references customers on delete cascade, prefs jsonb not null default \'{}\'::jsonb); add index on notes (customer_id)"',
    );
    expect(r.status).toBe('done');
    expect(r.message).toMatch(/^Migration ready: supabase\/migrations\/\d{14}_create_customer_preferences_and_index_notes_customer_id\.sql \(rollback supabase\/rollbacks\/\d{14}_create_customer_preferences_and_index_notes_customer_id\.down\.sql\)$/);
    const data = r.data as { file: string; rollbackFile: string; needsApproval: boolean };
    expect(data.needsApproval).toBe(false);
    expect(readFileSync(join(t.root, data.file), 'utf8')).toContain('create index concurrently if not exists notes_customer_id_idx on public.notes (customer_id);');
    expect(readFileSync(join(t.root, data.rollbackFile), 'utf8')).toContain('drop table if exists public.customer_preferences;');
    expect(r.lines?.some((l) => l.includes('restores the schema'))).toBe(true);
    expect(t.lines()).toContain('[MIGRATOR] ✓ Analyzing current schema');
    expect(t.lines().some((l) => l.startsWith('[MIGRATOR] ✓ Migration ready: supabase/migrations/'))).toBe(true);

    // The generated SQL grants to the Data API roles, which a Supabase database has (the local
    // database gets them from its Supabase bootstrap; created here where that is not yet so).
    expect(readFileSync(join(t.root, data.file), 'utf8')).toContain('grant select, insert, update, delete on table public.customer_preferences to service_role;');
    await db.exec(`do $$ begin
      if not exists (select 1 from pg_roles where rolname = 'service_role') then create role service_role nologin bypassrls; end if;
    end $$;`);
    const applied = await run('migrate execute');
    expect(applied.status).toBe('done');
    expect(applied.lines?.[0]).toMatch(/create_customer_preferences.*\(outside a transaction\)$/);
    const { rows } = await db.query(`select indexname from pg_indexes where tablename = 'notes' and indexname = 'notes_customer_id_idx'`);
    expect(rows).toHaveLength(1);
  });

  it('db analyze performance finds sequential scans, unused and duplicate indexes, and dead rows', async () => {
    await db.exec('create index customers_email_a on public.customers (email); create index customers_email_b on public.customers (email);');
    await db.transaction(async (tx) => {
      for (let i = 0; i < 5; i++) await tx.query(`select count(*) from public.customers where phone_missing_is_fine is null`).catch(() => undefined);
      return undefined;
    }).catch(() => undefined);
    await db.transaction(async (tx) => {
      for (let i = 0; i < 5; i++) await tx.query(`select count(*) from public.customers where id::text like '1%'`);
      await tx.query(`delete from public.customers where id > 1500`);
      await tx.query('select pg_stat_force_next_flush()');
    });
    if (target.pg) await db.exec('create extension if not exists pg_stat_statements');
    const r = await run('db analyze performance');
    expect(r.status).toBe('done');
    const report = r.data as {
      slowQueries: unknown[] | null;
      seqScanHeavy: { table: string }[];
      unusedIndexes: { index: string }[];
      duplicateIndexes: { table: string; indexes: string[] }[];
      bloat: { table: string; deadRows: number }[];
    };
    expect(report.seqScanHeavy.map((s) => s.table)).toContain('public.customers');
    expect(report.unusedIndexes.map((u) => u.index)).toEqual(expect.arrayContaining(['public.customers_email_a', 'public.customers_email_b']));
    expect(report.duplicateIndexes).toContainEqual({ table: 'customers', indexes: ['customers_email_a', 'customers_email_b'] });
    expect(report.bloat.find((b) => b.table === 'public.customers')?.deadRows).toBe(500);
    if (target.pg) expect(Array.isArray(report.slowQueries)).toBe(true);
    else expect(r.lines?.[0]).toBe('pg_stat_statements is not available: showing table and index statistics instead');
    expect(r.lines).toContain('  customers: customers_email_a, customers_email_b');
  });

  it('db optimize table shows its plan, waits for an approval, then runs it', async () => {
    const dry = await run('db optimize table customers --dry-run');
    expect(dry.status).toBe('done');
    expect(dry.message).toBe(`Plan for db optimize table on ${db.target}: 2 statement(s), nothing run (dry run)`);
    expect(dry.lines).toContain('  vacuum (analyze) public.customers;');
    expect(dry.lines).toContain(`  reindex table${target.pglite ? '' : ' concurrently'} public.customers;`);

    const waiting = await run('db optimize table public.customers');
    expect(waiting.status).toBe('waiting_approval');
    const done = await run(`approve ${waiting.approvalId}`);
    expect(done.ok).toBe(true);
    const { rows } = await db.query<{ dead: string | number }>(`select n_dead_tup as dead from pg_stat_user_tables where relname = 'customers'`);
    expect(Number(rows[0]!.dead)).toBe(0);

    const missing = await run('db optimize table ghosts');
    expect(missing.status).toBe('failed');
    expect(missing.message).toBe(`table ghosts does not exist on ${db.target}`);
  });

  it('db vacuum full lists every table it rewrites and needs an approval', async () => {
    const dry = await run('db vacuum full --dry-run');
    expect(dry.status).toBe('done');
    expect(dry.lines).toContain('  vacuum (full, analyze) public.customers;');
    expect(dry.lines).toContain('  vacuum (full, analyze) supabase_migrations.schema_migrations;');
    const waiting = await run('db vacuum full');
    expect(waiting.status).toBe('waiting_approval');
    const rejected = await run(`reject ${waiting.approvalId} not now`);
    expect(rejected.ok).toBe(true);
  });
});

describe('Migrator without a model', () => {
  let t: TestContext;
  beforeAll(() => {
    t = makeContext({ agent: 'migrator' });
  });
  afterAll(() => t.cleanup());

  it('free text ends needs_model and shows the spec', async () => {
    const r = await t.engine.dispatch('migrate "Add customer preferences table with JSONB column"', { initiator: 'you' });
    expect(r.status).toBe('needs_model');
    expect(r.message).toMatch(/^Writing a migration from a description in words needs a model runtime/);
    expect(r.lines).toContain('  drop column <table>.<column>');
  });

  it('a bad spec gets one line naming the problem and what is accepted', async () => {
    const r = await t.engine.dispatch('migrate "create table x (id strange)"', { initiator: 'you' });
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/^migration spec: unknown type "strange": accepted text, varchar/);
  });

  it('an empty project has nothing to dry-run', async () => {
    const r = await t.engine.dispatch('migrate execute --dry-run', { initiator: 'you' });
    expect(r.status).toBe('done');
    expect(r.message).toBe('No migrations in supabase/migrations');
  });

  it('generate migration with words that are not a spec needs a model', async () => {
    const r = await t.engine.dispatch('generate migration add a preferences table for customers', { initiator: 'you' });
    expect(r.status).toBe('needs_model');
  });

  it('generate migration <name> writes an empty pair; <name>: <spec> generates from the spec', async () => {
    const empty = await t.engine.dispatch('generate migration add_customer_preferences', { initiator: 'you' });
    expect(empty.status).toBe('done');
    expect(empty.message).toMatch(/^Created empty migration supabase\/migrations\/\d{14}_add_customer_preferences\.sql and rollback supabase\/rollbacks\/\d{14}_add_customer_preferences\.down\.sql$/);
    const named = await t.engine.dispatch('generate migration audit_log: create table audit_log (id bigserial pk, at timestamptz not null default now())', { initiator: 'you' });
    expect(named.status).toBe('done');
    expect(named.message).toMatch(/^Migration ready: supabase\/migrations\/\d{14}_audit_log\.sql/);
    const status = await t.engine.dispatch('migrate status', { initiator: 'you' });
    expect(status.message).toBe('0 applied, 2 pending, 0 unknown on local');
  });

  it('a spec that names a missing table fails in one line, and writes nothing', async () => {
    const r = await t.engine.dispatch('migrate "add column ghosts.x int"', { initiator: 'you' });
    expect(r.status).toBe('failed');
    expect(r.message).toBe('migration spec: add column x: table public.ghosts does not exist in the schema the existing migrations build');
    const status = await t.engine.dispatch('migrate status', { initiator: 'you' });
    expect(status.message).toBe('0 applied, 2 pending, 0 unknown on local');
  });

  it('a migration whose dry run fails is reported with its file and line', async () => {
    // A policy expression that does not type-check: the spec passes it through, the dry run catches it.
    const r = await t.engine.dispatch('migrate "enable rls on audit_log policy p for select using (at = 1)"', { initiator: 'you' });
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/^supabase\/migrations\/\d{14}_rls_audit_log\.sql was written but its dry run failed/);
    expect(r.lines?.some((l) => /✗ supabase\/migrations\/\d{14}_rls_audit_log\.sql:\d+: operator does not exist: timestamp with time zone = integer/.test(l))).toBe(true);
  });

  it('existing migrations that do not apply stop a new one', async () => {
    write(t.root, 'supabase/migrations/20000101000000_broken.sql', 'create table broken (id int references nowhere);\n');
    const r = await t.engine.dispatch('migrate "create table fine (id int pk)"', { initiator: 'you' });
    expect(r.status).toBe('failed');
    expect(r.message).toBe('the existing migrations do not apply cleanly; fix them first');
    expect(r.lines).toContain('✗ supabase/migrations/20000101000000_broken.sql:1: relation "nowhere" does not exist');
  });
});

describe('migrate --ticket', () => {
  let t: TestContext;
  const git = (cwd: string, ...args: string[]): string => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, encoding: 'utf8' });
  beforeAll(() => {
    t = makeContext({ agent: 'migrator' });
    git(t.root, 'init', '-q', '-b', 'main');
    write(t.root, 'README.md', 'app\n');
    git(t.root, 'add', '-A');
    git(t.root, 'commit', '-q', '-m', 'init');
  });
  afterAll(() => t.cleanup());

  it('writes the migration into the ticket\'s staged worktree and commits it there, not into the project', async () => {
    const ticket = await t.engine.dispatch('create ticket "customer preferences"', { initiator: 'you' });
    const id = (ticket.data as { ticket: { id: string } }).ticket.id;
    const r = await t.engine.dispatch(`migrate "create table prefs (id int pk, body jsonb)" --ticket ${id.toLowerCase()}`, { initiator: 'you' });
    expect(r.status).toBe('done');
    const file = /^Migration ready: (\/\S+_[A-Z]+-\d{4}-\d{3}\/supabase\/migrations\/\d{14}_create_prefs\.sql)/.exec(r.message)?.[1];
    expect(file).toContain(id);
    // The worktree is outside the project, where the project's own tools do not look.
    expect(relative(t.root, file!).startsWith('..')).toBe(true);
    const tree = file!.split('/supabase/')[0]!;
    expect(readFileSync(file!, 'utf8')).toContain('create table');
    expect(existsSync(join(t.root, 'supabase'))).toBe(false);
    expect(git(tree, 'status', '--porcelain')).toBe('');
    expect(git(tree, 'log', '-1', '--format=%s')).toMatch(/^Migration \d{14}: create table prefs/);
    // The project itself has nothing pending: the dry run takes the ticket's worktree, where the migration is.
    const dry = await t.engine.dispatch('migrate execute --dry-run', { initiator: 'you' });
    expect(dry.message).toMatch(/^Dry run successful - 0 errors, 1 migration\(s\)/);
    expect(dry.lines?.[0]).toBe(`nothing pending in the project; dry-running ${id}'s staged migrations (worktree ${tree}/)`);
    const empty = await t.engine.dispatch(`generate migration fill_me_in --ticket ${id}`, { initiator: 'you' });
    expect(empty.message).toMatch(new RegExp(`^Created empty migration /\\S+_${id}/supabase/migrations/\\d{14}_fill_me_in\\.sql`));
  });

  it('names a ticket that does not exist in one line', async () => {
    const r = await t.engine.dispatch('migrate "create table x (id int pk)" --ticket BUG-2020-999', { initiator: 'you' });
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/BUG-2020-999/);
    expect(existsSync(join(t.root, 'supabase'))).toBe(false);
  });
});

describe('a PGlite fallback database held by another process', () => {
  beforeAll(() => {
    process.env.AGENTDECK_LOCAL_ENGINE = 'pglite';
  });
  afterAll(() => {
    delete process.env.AGENTDECK_LOCAL_ENGINE;
  });
  it('gives a clear line naming the holder', async () => {
    const { spawn } = await import('node:child_process');
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const t = makeContext({ agent: 'migrator' });
    try {
      write(t.root, '.agentdeck/pglite/agentdeck.lock', JSON.stringify({ pid: holder.pid, command: 'agentdeck', since: '2026-01-01T00:00:00.000Z' }));
      const r = await t.engine.dispatch('migrate status', { initiator: 'you' });
      expect(r.status).toBe('failed');
      expect(r.message).toBe(`the local database ${join(t.root, '.agentdeck', 'pglite')} is in use by process ${holder.pid} (agentdeck) since 2026-01-01T00:00:00.000Z; stop that process or wait for it to finish`);
    } finally {
      holder.kill('SIGKILL');
      t.cleanup();
    }
  });
});

describe('Migrator with a model runtime', () => {
  // The real Claude Agent SDK against the scripted CLI of the runtime's tests.
  const cli = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/fake-claude/cli.mjs');
  let t: TestContext;
  beforeAll(() => {
    chmodSync(cli, 0o755);
    t = makeContext({ agent: 'migrator', runtime: createClaudeRuntime({ pathToClaudeCodeExecutable: cli, env: { ...process.env, FAKE_CLAUDE_LOG: '' } }) });
    write(t.root, 'supabase/migrations/20250101000000_customers.sql', 'create table public.customers (id uuid primary key default gen_random_uuid(), email text);\n');
  });
  afterAll(() => t.cleanup());
  const ask = (description: string) =>
    t.engine.dispatch({ spec: migrateCreate, id: migrateCreate.id, args: { description }, raw: `migrate "${description}"` }, { initiator: 'you' });

  it('free text goes to the model; its draft is written, checked and dry-run like a spec', async () => {
    const draft = {
      name: 'customer_preferences',
      up: 'create table public.customer_preferences (id uuid primary key default gen_random_uuid(), customer_id uuid not null references public.customers (id), prefs jsonb not null default \'{}\');',
      down: 'drop table public.customer_preferences;',
    };
    const r = await ask(`Add customer preferences table with JSONB column [[structured ${JSON.stringify(draft)}]]`);
    expect(r.status).toBe('done');
    expect(r.message).toMatch(/^Migration ready: supabase\/migrations\/\d{14}_customer_preferences\.sql/);
    const data = r.data as { file: string; rollbackFile: string };
    expect(readFileSync(join(t.root, data.file), 'utf8')).toContain(draft.up);
    expect(readFileSync(join(t.root, data.rollbackFile), 'utf8')).toContain(draft.down);
    expect(r.lines?.some((l) => l.includes('restores the schema'))).toBe(true);
  });

  it('an answer that is not a migration fails in one line and writes nothing', async () => {
    const before = (await t.engine.dispatch('migrate status', { initiator: 'you' })).message;
    const r = await ask('Add a loyalty table [[structured {"sql":"nothing"}]]');
    expect(r.status).toBe('failed');
    expect(r.message).toContain('the model did not answer with a migration (name, up and down SQL)');
    expect((await t.engine.dispatch('migrate status', { initiator: 'you' })).message).toBe(before);
  });
});
