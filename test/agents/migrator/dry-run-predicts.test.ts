// A dry run predicts the execute: for every migration set here, `migrate execute --dry-run` and
// `migrate execute` right after agree, on the default local database (the local PostgreSQL
// server) and on PostgreSQL 15 with the same Supabase bootstrap (a remote target, copied by a
// schema-only dump). The migrations are the kind a Supabase + Next.js app has.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openTarget, stopLocalServer } from '../../../src/services/postgres/index.js';
import { BOOTSTRAP_SQL } from '../../../src/services/postgres/supabase-bootstrap.js';
import { makeContext, type TestContext } from '../../helpers/context.js';
import { pg15Url } from '../../setup/postgres15.js';

const APP = join(import.meta.dirname, '..', '..', 'fixtures', 'supabase-app');

async function bootstrappedPg15(): Promise<string> {
  const name = `agentdeck_predict_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client(pg15Url());
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(pg15Url());
  url.pathname = `/${name}`;
  const c = new pg.Client(url.toString());
  await c.connect();
  await c.query(BOOTSTRAP_SQL);
  await c.end();
  return url.toString();
}

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

interface MigrationSet {
  readonly name: string;
  /** Applied with `migrate execute` before the dry run (the target's history). */
  readonly applied: readonly string[];
  /** SQL run directly on the target after that (a change made outside the migrations). */
  readonly outOfBand?: string;
  /** Pending migrations (path under supabase/ -> SQL); the app fixture's when absent. */
  readonly pending: Readonly<Record<string, string>> | 'app';
  readonly verdict: 'done' | 'failed';
}

const SETS: readonly MigrationSet[] = [
  { name: 'a Supabase app: auth.uid() policies and defaults, a security-invoker view, storage policies, a trigger on auth.users', applied: [], pending: 'app', verdict: 'done' },
  {
    name: 'a new column on an applied table, with its rollback',
    applied: ['app'],
    pending: {
      'migrations/20260104000000_bio.sql': "alter table public.profiles add column bio text not null default '';\n",
      'rollbacks/20260104000000_bio.down.sql': 'alter table public.profiles drop column bio;\n',
    },
    verdict: 'done',
  },
  {
    name: 'a table created on the target outside the migrations',
    applied: ['app'],
    outOfBand: 'create table public.invoices (id bigint primary key)',
    pending: {
      'migrations/20260104000000_invoices.sql': 'create table public.invoices (id bigint generated always as identity primary key, total numeric);\n',
      'rollbacks/20260104000000_invoices.down.sql': 'drop table public.invoices;\n',
    },
    verdict: 'failed',
  },
  {
    name: 'an extension only a full Supabase database has',
    applied: [],
    pending: { 'migrations/20260104000000_webhooks.sql': 'create extension if not exists pg_net with schema extensions;\n' },
    verdict: 'failed',
  },
];

const TARGETS = [
  { name: 'the local PostgreSQL server', pg15: false },
  { name: 'PostgreSQL 15 with the same bootstrap', pg15: true },
] as const;

const contexts: TestContext[] = [];
afterAll(async () => {
  for (const t of contexts) {
    await stopLocalServer(t.root);
    t.cleanup();
  }
});

function addApp(root: string): void {
  cpSync(join(APP, 'migrations'), join(root, 'supabase', 'migrations'), { recursive: true });
  cpSync(join(APP, 'rollbacks'), join(root, 'supabase', 'rollbacks'), { recursive: true });
}

describe.each(TARGETS)('on $name', { timeout: 120_000 }, (target) => {
  it.each(SETS)('dry run and execute agree: $name', async (set) => {
    const t = makeContext({ agent: 'migrator' });
    contexts.push(t);
    if (target.pg15) write(t.root, '.env', `SUPABASE_DB_URL=${await bootstrappedPg15()}\n`);
    const run = (line: string) => t.engine.dispatch(line, { initiator: 'you' });
    if (set.applied.includes('app')) {
      addApp(t.root);
      expect((await run('migrate execute')).status).toBe('done');
    }
    if (set.outOfBand) {
      const db = openTarget({ root: t.root, env: {} });
      await db.exec(set.outOfBand);
      await db.close();
    }
    if (set.pending === 'app') addApp(t.root);
    else for (const [path, sql] of Object.entries(set.pending)) write(t.root, join('supabase', path), sql);

    const dry = await run('migrate execute --dry-run');
    const exec = await run('migrate execute');
    expect({ dry: dry.status, exec: exec.status }).toEqual({ dry: set.verdict, exec: set.verdict });
    if (set.verdict === 'done') expect(dry.lines?.[0]).toMatch(/^Dry run on a copy of /);
    if (set.pending !== 'app' && Object.keys(set.pending)[0]!.includes('webhooks') && !target.pg15) {
      // On the local database the failure names the migration, the line, the extension and the way out.
      expect(exec.message).toContain('supabase/migrations/20260104000000_webhooks.sql:1');
      expect(exec.message).toContain('needs the extension pg_net, which the local database cannot provide');
      expect(exec.message).toContain('SUPABASE_DB_URL');
      expect(dry.lines?.join('\n')).toContain('needs the extension pg_net');
    }
  });
});

describe('the bootstrap makes the local database a Supabase one', { timeout: 120_000 }, () => {
  it('has the roles, auth helpers reading the JWT settings, storage helpers and the realtime publication', async () => {
    const t = makeContext({ agent: 'migrator' });
    contexts.push(t);
    const db = openTarget({ root: t.root, env: {} });
    try {
      const roles = await db.query<{ rolname: string }>(
        `select rolname from pg_roles where rolname in ('anon','authenticated','service_role','authenticator','supabase_admin') order by 1`,
      );
      expect(roles.rows.map((r) => r.rolname)).toEqual(['anon', 'authenticated', 'authenticator', 'service_role', 'supabase_admin']);
      const claims = await db.transaction(async (tx) => {
        await tx.exec(`select set_config('request.jwt.claims', '{"sub":"5f0c9d5e-3c3e-4a4e-9a38-1f3f0c6b0d11","role":"authenticated","email":"a@example.com"}', true)`);
        return (await tx.query(`select auth.uid()::text as uid, auth.role() as role, auth.email() as email, auth.jwt() ->> 'email' as jwt_email`)).rows[0];
      });
      expect(claims).toEqual({ uid: '5f0c9d5e-3c3e-4a4e-9a38-1f3f0c6b0d11', role: 'authenticated', email: 'a@example.com', jwt_email: 'a@example.com' });
      const sub = await db.transaction(async (tx) => {
        await tx.exec(`select set_config('request.jwt.claim.sub', '0b0b0b0b-0000-4000-8000-000000000001', true)`);
        return (await tx.query(`select auth.uid()::text as uid`)).rows[0];
      });
      expect(sub).toEqual({ uid: '0b0b0b0b-0000-4000-8000-000000000001' });
      const files = await db.query(`select storage.foldername('u1/photos/cat.png') as folders, storage.filename('u1/photos/cat.png') as file, storage.extension('u1/photos/cat.png') as ext`);
      expect(files.rows[0]).toEqual({ folders: ['u1', 'photos'], file: 'cat.png', ext: 'png' });
      const misc = await db.query(
        `select (select count(*)::int from pg_publication where pubname = 'supabase_realtime') as publications,
                to_regclass('supabase_migrations.schema_migrations')::text as history,
                (select nspname from pg_namespace where nspname = 'extensions') as extensions,
                has_schema_privilege('authenticated', 'storage', 'usage') as storage_usage`,
      );
      expect(misc.rows[0]).toEqual({ publications: 1, history: 'supabase_migrations.schema_migrations', extensions: 'extensions', storage_usage: true });
      // The 2026 Data API rule: a new table in public has no grants until a migration gives them.
      await db.exec('create table public.plain (id int)');
      const grants = await db.query(`select has_table_privilege('anon', 'public.plain', 'select') as anon, has_table_privilege('authenticated', 'public.plain', 'select') as authed`);
      expect(grants.rows[0]).toEqual({ anon: false, authed: false });
    } finally {
      await db.close();
    }
  });
});
