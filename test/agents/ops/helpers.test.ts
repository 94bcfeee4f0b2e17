// The small pure parts of Ops: settings parsing, lint helpers, pg tool helpers, views, polling.
import { describe, expect, it } from 'vitest';
import { pollSettings, pollUntil } from '../../../src/agents/ops/poll.js';
import { parseSettings, POSTGRES_SETTINGS } from '../../../src/agents/ops/postgres-config.js';
import { connectionEnv, findPgTool, parseMajor, splitPassword } from '../../../src/agents/ops/pg-tools.js';
import { mergeFindings, remediationUrl, toPolicyRows, type Finding } from '../../../src/agents/ops/security-lints.js';
import { humanBytes } from '../../../src/agents/ops/views.js';
import { CommandError } from '../../../src/agents/types.js';
import { makeContext } from '../../helpers/context.js';

describe('postgres settings', () => {
  it('types each value as the platform expects', () => {
    expect(parseSettings({ max_connections: '200', hot_standby_feedback: 'on', session_replication_role: 'replica', statement_timeout: '30s', work_mem: '64 MB' })).toEqual({
      ok: true,
      values: { max_connections: 200, hot_standby_feedback: true, session_replication_role: 'replica', statement_timeout: '30s', work_mem: '64MB' },
    });
  });

  it('names what is wrong and what is accepted', () => {
    const bad = (pairs: Record<string, string>) => (parseSettings(pairs) as { error: string }).error;
    expect(bad({ max_locks_per_transaction: '5' })).toBe('max_locks_per_transaction=5: expected a whole number from 10 to 2147483640');
    expect(bad({ track_commit_timestamp: 'maybe' })).toBe('track_commit_timestamp=maybe: expected true or false');
    expect(bad({ session_replication_role: 'x' })).toBe('session_replication_role=x: expected origin, replica, local');
    expect(bad({ checkpoint_timeout: 'soon' })).toBe('checkpoint_timeout=soon: expected a duration such as 30s, 500ms or 5min');
    expect(bad({ shared_buffers: 'big' })).toBe('shared_buffers=big: expected a size such as 64MB or 1GB');
    expect(bad({ max_wal_senders: '-1' })).toBe('max_wal_senders=-1: expected a whole number from 0');
    expect(bad({ fsync: 'off' })).toMatch(/^fsync is not a setting the platform accepts/);
    expect(Object.keys(POSTGRES_SETTINGS)).toContain('restart_database');
  });
});

describe('lints and policies', () => {
  const f = (name: string, object: string, level: Finding['level'], source: Finding['source']): Finding => ({ name, object, level, source, title: name, detail: '', remediation: '' });

  it('merges sources, keeping the first of a lint on an object, most severe first', () => {
    const merged = mergeFindings([f('rls_enabled_no_policy', 'public.a', 'INFO', 'advisor')], [f('rls_disabled_in_public', 'public.b', 'ERROR', 'catalog'), f('rls_enabled_no_policy', 'public.a', 'INFO', 'catalog')]);
    expect(merged.map((x) => `${x.level} ${x.name} ${x.source}`)).toEqual(['ERROR rls_disabled_in_public catalog', 'INFO rls_enabled_no_policy advisor']);
  });

  it('links the linter documentation', () => {
    expect(remediationUrl('rls_disabled_in_public')).toBe('https://supabase.com/docs/guides/database/database-linter?lint=0013_rls_disabled_in_public');
    expect(remediationUrl('ssl_not_enforced')).toBe('https://supabase.com/docs/guides/database/database-linter?lint=ssl_not_enforced');
  });

  it('reads role arrays in every shape', () => {
    const rows = toPolicyRows([
      { schema: 'public', table: 't', policy: 'p', permissive: 'PERMISSIVE', roles: '{anon,"authenticated"}', cmd: 'ALL', qual: null },
      { schema: 'public', table: 't', policy: 'q', permissive: 'PERMISSIVE', roles: null, cmd: 'ALL', qual: 'true', with_check: 'true' },
    ]);
    expect(rows[0]?.roles).toEqual(['anon', 'authenticated']);
    expect(rows[0]?.with_check).toBeNull();
    expect(rows[1]?.roles).toEqual([]);
  });
});

describe('pg tools', () => {
  it('keeps the password out of the connection argument', () => {
    expect(splitPassword('postgres://u:p%40ss@h:5432/db')).toEqual({ url: 'postgres://u@h:5432/db', password: 'p@ss' });
    expect(connectionEnv('postgres://u:pw@h/db')).toEqual({ dbname: 'postgres://u@h/db', env: { PGPASSWORD: 'pw' } });
    expect(connectionEnv('postgres://u@h/db').env).toEqual({});
    expect(splitPassword('not a url')).toEqual({ url: 'not a url', password: null });
  });

  it('reads major versions and finds the newest tool', async () => {
    expect(parseMajor('15.14 (Debian 15.14-0+deb12u1)')).toBe(15);
    expect(parseMajor('none')).toBeNull();
    const tool = await findPgTool('pg_dump', { PATH: '' });
    expect(tool?.major).toBeGreaterThanOrEqual(15);
    const pinned = await findPgTool('pg_restore', { AGENTDECK_PG_BIN: '/usr/lib/postgresql/15/bin', PATH: '' });
    expect(pinned?.path).toBe('/usr/lib/postgresql/15/bin/pg_restore');
    expect(await findPgTool('psql', { AGENTDECK_PG_BIN: '/nonexistent', PATH: '/nonexistent' })).not.toBeNull();
  });
});

describe('views and polling', () => {
  it('prints sizes', () => {
    expect(humanBytes(null)).toBe('-');
    expect(humanBytes(512)).toBe('512 B');
    expect(humanBytes(5 * 1024 * 1024)).toBe('5.0 MB');
  });

  it('reads poll settings from the environment', () => {
    expect(pollSettings({})).toEqual({ intervalMs: 5000, timeoutMs: 1_800_000 });
    expect(pollSettings({ AGENTDECK_POLL_MS: '10', AGENTDECK_POLL_TIMEOUT_MS: 'x' })).toEqual({ intervalMs: 10, timeoutMs: 1_800_000 });
  });

  it('gives up after its limit, saying the operation goes on', async () => {
    const t = makeContext({ agent: 'ops', run: false });
    try {
      let n = 0;
      const pending = pollUntil(t.ctx, 'replica setup', async () => ({ done: false, status: `step ${++n}` }), { intervalMs: 5, timeoutMs: 12 });
      await expect(pending).rejects.toBeInstanceOf(CommandError);
      await expect(pending).rejects.toThrow(/^replica setup is still step \d after 0 min; it goes on on the platform/);
      expect(t.events.filter((e) => e.kind === 'progress').length).toBeGreaterThanOrEqual(2);
    } finally {
      t.cleanup();
    }
  });
});
