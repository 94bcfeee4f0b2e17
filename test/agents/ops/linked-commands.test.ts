// The Ops commands on a linked project, through the engine's dispatch path, against the local
// fake Management API (which checks every request against the vendored spec) and, for the logical
// dumps, Debian's PostgreSQL 15 as the project's database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandResult } from '../../../src/agents/types.js';
import { toolFor } from '../../../src/agents/ops/pg-backup.js';
import type { FakeManagementApi } from '../../fakes/management-api/server.js';
import type { TestContext } from '../../helpers/context.js';
import { useLinkedProject } from './linked-setup.js';
import { startPg15, type Pg15 } from './pg15.js';

const linked = useLinkedProject();
let fake: FakeManagementApi;
let t: TestContext;
beforeAll(() => {
  ({ fake, t } = linked);
});

function run(line: string): Promise<CommandResult> {
  return linked.run(line);
}

async function approved(line: string, confirm?: string): Promise<CommandResult> {
  const waiting = await run(line);
  expect(waiting.status, waiting.message).toBe('waiting_approval');
  const r = await run(`approve ${waiting.approvalId}${confirm ? ` --confirm ${confirm}` : ''}`);
  // `approve` answers "Approved APR-0001; " followed by the resumed command's own line.
  expect(r.message).toMatch(new RegExp(`^Approved ${waiting.approvalId}; `));
  return { ...r, message: r.message.replace(/^Approved \S+; /, '') };
}

function progressOf(operation: string): string[] {
  return t.events.filter((e) => (e.data as { progress?: { operation: string } } | undefined)?.progress?.operation === operation).map((e) => e.message);
}

describe('backups on the platform', () => {
  it('lists platform backups', async () => {
    const r = await run('backup list');
    expect(r.message).toBe('2 backups of project abcdefghijklmnopqrst (2 on the platform, point-in-time recovery on, 0 made by agentdeck)');
    expect(r.lines?.[1]).toMatch(/^102\s+platform\s+physical\s+COMPLETED/);
    const json = await run('backup list --output json');
    expect((json.data as { platform: { pitrEnabled: boolean } }).platform.pitrEnabled).toBe(true);
  });

  it('gets one, or says which exist', async () => {
    expect((await run('backup get 101')).message).toBe('platform backup 101: COMPLETED, 2026-11-18T04:00:00.000Z');
    const missing = await run('backup get 999');
    expect(missing.ok).toBe(false);
    expect(missing.message).toBe('no platform backup 999 on project abcdefghijklmnopqrst (recent: 101, 102): see "backup list"');
  });

  it('restores after a typed approval and follows the restore', async () => {
    const r = await approved('backup restore 102', '102');
    expect(r.ok, r.message).toBe(true);
    expect(r.message).toBe('project abcdefghijklmnopqrst restored from platform backup 102');
    expect(fake.requests.filter((q) => q.operationId === 'v1-restore-physical-backup').map((q) => q.body)).toEqual([{ id: 102 }]);
    const lines = progressOf('restore of backup 102');
    expect(lines[0]).toMatch(/RESTORING \(check 1/);
    expect(lines.at(-1)).toMatch(/ACTIVE_HEALTHY after \d+ s/);
  });

  it('reports a restore the platform failed', async () => {
    fake.state.restoreFails = true;
    const r = await approved('backup restore 101', '101');
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/restore of backup 101 failed on the platform \(project status RESTORE_FAILED\)/);
  });

  it('dry run shows what a restore would do without asking', async () => {
    const r = await run('backup restore 101 --dry-run');
    expect(r.ok).toBe(true);
    expect(r.message).toMatch(/^dry run: would restore project abcdefghijklmnopqrst from platform backup 101/);
    expect(fake.requests.some((q) => q.operationId === 'v1-restore-physical-backup')).toBe(false);
  });

  it('refuses to delete a platform backup', async () => {
    const r = await run('backup delete 101');
    expect(r.message).toMatch(/^platform backup 101 cannot be deleted/);
  });

  it('needs the direct connection to dump a linked project', async () => {
    const r = await run('backup create');
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/set SUPABASE_DB_URL/);
  });

  it('point-in-time restore checks the window, then restores after approval', async () => {
    const outside = await run('backup pitr restore --time 2020-01-01T00:00:00Z');
    expect(outside.message).toMatch(/^2020-01-01T00:00:00.000Z is outside the recovery window of project abcdefghijklmnopqrst: choose a time from 2025-/);
    const inside = new Date(1_763_500_000 * 1000).toISOString();
    const r = await approved(`backup pitr restore --time ${inside}`, fake.ref);
    expect(r.ok, r.message).toBe(true);
    expect(fake.requests.find((q) => q.operationId === 'v1-restore-pitr-backup')?.body).toEqual({ recovery_time_target_unix: 1_763_500_000 });
    fake.state.backups.pitr_enabled = false;
    expect((await run(`backup pitr restore --time ${inside}`)).message).toMatch(/point-in-time recovery is not enabled on project .*: add the PITR add-on/);
  });

  it('shows and sets the platform backup schedule', async () => {
    expect((await run('backup schedule list')).message).toBe('daily platform backup at 04:00 UTC on project abcdefghijklmnopqrst');
    const r = await run('backup schedule create 3:30');
    expect(r.message).toBe('daily backup of project abcdefghijklmnopqrst scheduled at 03:30 UTC');
    expect(fake.requests.find((q) => q.operationId === 'v1-update-backup-schedule')?.body).toEqual({ schedule_for: '03:30:00' });
    fake.state.scheduleAllowed = false;
    const denied = await run('backup schedule list');
    expect(denied.message).toMatch(/^read the backup schedule failed \(HTTP 402: Feature requires a higher plan\): this needs a higher plan/);
  });
});

describe('replicas, config and network', () => {
  it('creates a replica, follows its setup, lists it and deletes it after approval', async () => {
    expect((await run('db replicas list')).message).toBe('0 read replicas on project abcdefghijklmnopqrst');
    const created = await run('db replicas create --region eu-west-2');
    expect(created.ok, created.message).toBe(true);
    const id = (created.data as { replica: { id: string } }).replica.id;
    expect(id).toMatch(/^abcdefghijklmnopqrst-rr-eu-west-2-/);
    expect(progressOf('read replica in eu-west-2')[0]).toMatch(/setting up/);
    const list = await run('db replicas list --output yaml');
    expect(list.lines?.join('\n')).toContain(`id: ${id}`);
    const deleted = await approved(`db replicas delete ${id}`);
    expect(deleted.message).toBe(`read replica ${id} removed`);
    expect((await run('db replicas delete nope-rr')).message).toBe('no read replica nope-rr on project abcdefghijklmnopqrst: see "db replicas list"');
  });

  it('merges config changes into the current overrides after approval', async () => {
    const dry = await run('db config set work_mem=8MB max_connections=100 --dry-run');
    expect(dry.message).toMatch(/^dry run: would change Postgres config of project .*: work_mem default -> 8MB$/);
    expect(dry.lines?.[0]).toMatch(/^SETTING\s+CURRENT\s+NEW/);
    const r = await approved('db config set work_mem=8MB statement_timeout=30s');
    expect(r.ok, r.message).toBe(true);
    expect(fake.requests.find((q) => q.operationId === 'v1-update-postgres-config')?.body).toEqual({ max_connections: 100, statement_timeout: '30s', work_mem: '8MB' });
    expect((await run('db config set shared_bufers=1GB')).message).toMatch(/^shared_bufers is not a setting the platform accepts \(accepted: effective_cache_size, /);
    expect((await run('db config set max_connections=lots')).message).toBe('max_connections=lots: expected a whole number from 1 to 262143');
  });

  it('adds and removes CIDRs after approval and follows them until applied', async () => {
    expect((await run('network restrictions list')).message).toBe('2 allowed CIDRs on project abcdefghijklmnopqrst (applied); the database is open to every address');
    const added = await approved('network restrictions add 203.0.113.0/24 2001:db8::/32');
    expect(added.ok, added.message).toBe(true);
    expect(fake.requests.find((q) => q.operationId === 'v1-patch-network-restrictions')?.body).toEqual({
      add: { dbAllowedCidrs: ['203.0.113.0/24'], dbAllowedCidrsV6: ['2001:db8::/32'] },
    });
    expect(progressOf('network restrictions').at(-1)).toMatch(/applied after/);
    const again = await run('network restrictions add 203.0.113.0/24');
    expect(again.message).toBe('already allowed on project abcdefghijklmnopqrst: 203.0.113.0/24');
    const waiting = await run('network restrictions rm 0.0.0.0/0 ::/0 203.0.113.0/24 2001:db8::/32');
    expect(waiting.message).toMatch(/every connection will be refused/);
    const bad = await run('network restrictions add 300.1.1.1/8');
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/"300\.1\.1\.1\/8" is not a CIDR/);
  });
});

describe('security', () => {
  it('lists policies through the query endpoint', async () => {
    fake.state.queryRows.push({
      match: 'from pg_policies order by',
      rows: [{ schema: 'public', table: 'leads', policy: 'own leads', permissive: 'PERMISSIVE', roles: ['authenticated'], cmd: 'SELECT', qual: '(owner = auth.uid())', with_check: null }],
    });
    const r = await run('security policies list');
    expect(r.message).toBe('1 RLS policy on project abcdefghijklmnopqrst');
    expect(r.lines?.[1]).toMatch(/public\.leads\s+own leads\s+SELECT\s+authenticated/);
    expect(fake.state.queries[0]).toContain('pg_policies');
  });

  it('merges our catalog lints with the advisors and SSL enforcement', async () => {
    fake.state.queryRows.push({ match: 'pg_get_function_identity_arguments', rows: [{ schema: 'public', name: 'touch()' }] });
    fake.state.queryRows.push({ match: "c.relkind in ('r', 'p') and n.nspname in ('public') and not c.relrowsecurity order", rows: [{ schema: 'public', name: 'leads' }] });
    const r = await run('security audit --output json');
    const findings = (r.data as { findings: { name: string; object: string; source: string }[] }).findings;
    expect(findings.filter((f) => f.name === 'rls_disabled_in_public')).toEqual([expect.objectContaining({ object: 'public.leads', source: 'advisor' })]);
    expect(findings).toContainEqual(expect.objectContaining({ name: 'function_search_path_mutable', object: 'public.touch()', source: 'catalog' }));
    expect(findings).toContainEqual(expect.objectContaining({ name: 'ssl_not_enforced', object: 'database', source: 'platform' }));
    expect(r.message).toBe('security audit of project abcdefghijklmnopqrst: 1 error(s), 2 warning(s), 0 info');
  });
});

describe('platform failures are one line', () => {
  it('401', async () => {
    fake.inject({ kind: 'status', status: 401 });
    const r = await run('db replicas list');
    expect(r.message).toBe('list database endpoints failed (HTTP 401: Unauthorized): the access token was rejected; set SUPABASE_ACCESS_TOKEN to a valid personal access token (dashboard > Account > Access Tokens)');
    expect(JSON.stringify(t.events)).not.toContain(fake.token);
  });

  it('403 on a restore', async () => {
    fake.inject({ kind: 'status', status: 403, match: 'v1-restore-physical-backup' });
    const r = await approved('backup restore 101', '101');
    // Restore by id is internal on the platform: the refusal says what to do instead.
    expect(r.message).toMatch(/^the platform refused to restore backup 101 \(HTTP 403\): restore by id is an internal endpoint/);
  });

  it('429 is waited out', async () => {
    fake.inject({ kind: 'status', status: 429, resetSeconds: 0 });
    expect((await run('network restrictions list')).ok).toBe(true);
  });
});

describe('logical dumps of the linked database (PostgreSQL 15)', () => {
  let pg15: Pg15;
  beforeAll(async () => {
    pg15 = await startPg15();
    process.env.SUPABASE_DB_URL = await pg15.createDatabase('ops_linked');
  }, 60_000);
  afterAll(async () => {
    delete process.env.SUPABASE_DB_URL;
    await pg15?.stop();
  });

  it('dumps with pg_dump, restores with pg_restore after approval, data is back', async () => {
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: process.env.SUPABASE_DB_URL });
    await c.connect();
    try {
      await c.query(`create table public.deals (id int primary key, amount int); insert into public.deals select g, g * 10 from generate_series(1, 100) g;
                     create schema auth; create table auth.users (id int);`);
      const created = await run('backup create --label nightly');
      expect(created.ok, created.message).toBe(true);
      const rec = created.data as { id: string; kind: string; target: string; meta: { serverVersion: string; toolVersion: string } };
      expect(rec.kind).toBe('pg_dump');
      expect(rec.target).toBe(fake.ref);
      expect(rec.meta.toolVersion).toMatch(/pg_dump \(PostgreSQL\) 15/);
      await c.query('delete from public.deals where id > 5');
      const restored = await approved(`backup restore ${rec.id}`, rec.id);
      expect(restored.ok, restored.message).toBe(true);
      expect((await c.query('select count(*)::int as n from public.deals')).rows[0].n).toBe(100);
      const list = await run('backup list --output json');
      const own = (list.data as { backups: { source: string; label: string | null }[] }).backups.filter((b) => b.source === 'agentdeck');
      expect(own.map((b) => b.label).sort()).toEqual([`before restoring ${rec.id}`, 'nightly'].sort());
    } finally {
      await c.end();
    }
  });

  it('says clearly when the direct connection does not work', async () => {
    const url = process.env.SUPABASE_DB_URL!;
    process.env.SUPABASE_DB_URL = url.replace(/\/[^/]+$/, '/no_such_database');
    try {
      const r = await run('backup create');
      expect(r.ok).toBe(false);
      expect(r.message).toMatch(/^cannot connect to the database \(database "no_such_database" does not exist\); check the connection URL$/);
    } finally {
      process.env.SUPABASE_DB_URL = url;
    }
  });

  it('refuses a pg_dump older than the server', async () => {
    await expect(toolFor('pg_dump', { num: 170002, major: 17, text: '17.2' }, process.env)).rejects.toThrow(
      /^pg_dump 15 cannot handle a PostgreSQL 17 server \(it must be 17 or newer\): install the PostgreSQL 17 client tools/,
    );
  });
});
