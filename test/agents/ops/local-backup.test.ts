// Local backups through the engine's dispatch path (as `agentdeck run` uses it): the real local
// PostgreSQL server (pg_dump -Fc / pg_restore), real archives on disk, a real state db, approvals
// through `approve`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalDb } from '../../../src/agents/ops/local-open.js';
import { stopLocalServer } from '../../../src/services/postgres/index.js';
import type { CommandResult } from '../../../src/agents/types.js';
import { makeContext, type TestContext } from '../../helpers/context.js';

const PLATFORM_VARS = ['SUPABASE_ACCESS_TOKEN', 'SUPABASE_PROJECT_REF', 'SUPABASE_DB_URL', 'DATABASE_URL', 'SUPABASE_API_URL', 'AGENTDECK_OPS_TARGET'];
const saved: Record<string, string | undefined> = {};

let t: TestContext;

async function sql(text: string): Promise<Record<string, unknown>[]> {
  const db = await openLocalDb(t.root, {});
  try {
    if (!/^\s*select/i.test(text)) {
      await db.exec(text);
      return [];
    }
    return await db.query(text);
  } finally {
    await db.close();
  }
}

function run(line: string): Promise<CommandResult> {
  return t.engine.dispatch(line, { initiator: 'you' });
}

beforeAll(async () => {
  for (const k of PLATFORM_VARS) {
    saved[k] = process.env[k];
    delete process.env[k];
  }
  t = makeContext({ agent: 'ops' });
  await sql(`create table leads (id int primary key, name text not null);
             insert into leads select g, 'lead ' || g from generate_series(1, 50) g;`);
});

afterAll(async () => {
  await stopLocalServer(t.root);
  t.cleanup();
  for (const k of PLATFORM_VARS) if (saved[k] !== undefined) process.env[k] = saved[k];
});

describe('local backups', () => {
  let first = '';

  it('creates a checksummed archive with a state db row', async () => {
    const r = await run('backup create --label "before cleanup" --output json');
    expect(r.status).toBe('done');
    const data = r.data as { id: string; checksum: string; path: string; sizeBytes: number; status: string };
    expect(data.id).toMatch(/^bk-\d{8}-\d{6}/);
    expect(data.status).toBe('completed');
    expect(data.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(data.sizeBytes).toBeGreaterThan(1000);
    const sidecar = JSON.parse(readFileSync(join(t.root, '.agentdeck', 'backups', `${data.id}.json`), 'utf8')) as { checksum: string };
    expect(sidecar.checksum).toBe(data.checksum);
    expect(JSON.parse(r.lines!.join('\n'))).toMatchObject({ id: data.id });
    first = data.id;
  });

  it('lists and shows it', async () => {
    const list = await run('backup list');
    expect(list.message).toMatch(/^1 backup of the local database/);
    expect(list.lines?.[0]).toMatch(/^ID\s+SOURCE\s+KIND\s+STATUS/);
    expect(list.lines?.[1]).toContain(first);
    const get = await run(`backup get ${first} --output yaml`);
    expect(get.ok).toBe(true);
    expect(get.lines?.join('\n')).toContain(`id: ${first}`);
    expect(get.lines?.join('\n')).toContain('checksumOk: true');
  });

  it('round trip: change the data, restore after approval, the data is back', async () => {
    await sql(`delete from leads where id > 10; update leads set name = 'changed'`);
    expect((await sql('select count(*)::int as n from leads'))[0]?.n).toBe(10);

    const waiting = await run(`backup restore ${first}`);
    expect(waiting.status).toBe('waiting_approval');
    expect(waiting.approvalId).toBeTruthy();
    // Nothing changed while waiting.
    expect((await sql('select count(*)::int as n from leads'))[0]?.n).toBe(10);

    const done = await run(`approve ${waiting.approvalId} --confirm ${first}`);
    expect(done.ok).toBe(true);
    expect((await sql('select count(*)::int as n from leads'))[0]?.n).toBe(50);
    expect((await sql("select count(*)::int as n from leads where name = 'changed'"))[0]?.n).toBe(0);

    // A safety backup of the replaced data was taken first.
    const list = await run('backup list --output json');
    const rows = (list.data as { backups: { id: string; label: string | null }[] }).backups;
    expect(rows).toHaveLength(2);
    expect(rows.find((b) => b.id !== first)?.label).toBe(`before restoring ${first}`);
  });

  it('a pg_dump archive; the safety backup is skipped only when a backup of the same state exists, and says so', async () => {
    const created = await run('backup create --output json');
    const id = (created.data as { id: string }).id;
    expect((created.data as { kind: string }).kind).toBe('pg_dump');
    expect(readFileSync(join(t.root, (created.data as { path: string }).path)).subarray(0, 5).toString()).toBe('PGDMP');
    const count = async (): Promise<number> => ((await run('backup list --output json')).data as { backups: unknown[] }).backups.length;
    const before = await count();
    // Nothing written since the backup: it is the safety backup.
    const same = await run(`backup restore ${id}`);
    const done = await run(`approve ${same.approvalId} --confirm ${id}`);
    expect(done.ok).toBe(true);
    expect(done.message).toContain(`no safety backup taken: backup ${id} already holds the data it replaced`);
    expect(await count()).toBe(before);
    // After a write, a restore takes a safety backup again.
    await sql(`insert into leads values (1000, 'new')`);
    const changed = await run(`backup restore ${id}`);
    const again = await run(`approve ${changed.approvalId} --confirm ${id}`);
    expect(again.ok).toBe(true);
    expect(again.message).toMatch(/safety backup bk-\S+ holds the data it replaced/);
    expect(await count()).toBe(before + 1);
    expect((await sql('select count(*)::int as n from leads where id = 1000'))[0]?.n).toBe(0);
  });

  it('refuses to restore a corrupt archive', async () => {
    const created = await run('backup create');
    const id = (created.data as { id: string; path: string }).id;
    const path = join(t.root, (created.data as { path: string }).path);
    const bytes = readFileSync(path);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10]! + 1) % 256;
    writeFileSync(path, bytes);
    const r = await run(`backup restore ${id}`);
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/is corrupt: checksum .* does not match the recorded/);
    const get = await run(`backup get ${id}`);
    expect(get.message).toMatch(/is corrupt/);
  });

  it('deletes a backup after approval', async () => {
    const created = await run('backup create');
    const id = (created.data as { id: string }).id;
    const waiting = await run(`backup delete ${id}`);
    expect(waiting.status).toBe('waiting_approval');
    const done = await run(`approve ${waiting.approvalId}`);
    expect(done.ok).toBe(true);
    const missing = await run(`backup get ${id}`);
    expect(missing.ok).toBe(false);
    expect(missing.message).toBe(`no backup ${id} of the local database: see "backup list"`);
  });

  it('the plan\'s phrasings use the same code paths', async () => {
    const a = await run('system backup create');
    expect(a.ok).toBe(true);
    expect(a.message).toMatch(/created .* by system backup create$/);
    const b = await run('db create backup');
    expect(b.ok).toBe(true);
    const waiting = await run(`system restore from ${(a.data as { id: string }).id}`);
    expect(waiting.status).toBe('waiting_approval');
  });

  it('platform-only commands say a linked project is needed', async () => {
    for (const line of ['db replicas list', 'network restrictions list', 'backup pitr restore --time 2026-11-20T10:00:00Z', 'db config set max_connections=200']) {
      const r = await run(line);
      expect(r.ok).toBe(false);
      expect(r.message).toMatch(/needs a linked Supabase project: set SUPABASE_ACCESS_TOKEN and SUPABASE_PROJECT_REF/);
    }
  });
});

describe('local security', () => {
  it('audits the catalog under the advisor lint names', async () => {
    await sql(`create table secrets (id int primary key);
               create table notes (id int primary key, owner text);
               alter table notes enable row level security;
               create table drafts (id int primary key);
               create policy drafts_owner on drafts using (true);
               create view lead_names as select name from leads;
               create function touch() returns int language sql as 'select 1';`);
    const r = await run('security audit --output json');
    expect(r.ok).toBe(true);
    const findings = (r.data as { findings: { name: string; object: string; level: string; remediation: string }[] }).findings;
    const has = (name: string, object: string) => findings.some((f) => f.name === name && f.object === object);
    expect(has('rls_disabled_in_public', 'public.secrets')).toBe(true);
    expect(has('rls_enabled_no_policy', 'public.notes')).toBe(true);
    expect(has('policy_exists_rls_disabled', 'public.drafts')).toBe(true);
    expect(has('security_definer_view', 'public.lead_names')).toBe(true);
    expect(has('function_search_path_mutable', 'public.touch()')).toBe(true);
    expect(has('rls_disabled_in_public', 'public.notes')).toBe(false);
    expect(findings[0]?.level).toBe('ERROR');
    // The advisor's lints link the linter's docs; the Data API grants check (not an advisor lint) links the API guide.
    expect(findings.every((f) => f.remediation.includes(f.name === 'table_not_in_data_api' ? 'supabase.com/docs/guides/api/securing-your-api' : 'supabase.com/docs/guides/database/database-linter'))).toBe(true);
  });

  it('lists policies', async () => {
    const r = await run('security policies list');
    expect(r.message).toBe('1 RLS policy in the local database');
    expect(r.lines?.[1]).toMatch(/public\.drafts\s+drafts_owner\s+ALL\s+public\s+true/);
  });
});
