// Ops on today's Management API, against the spec-checked fake (the vendored spec plus the
// hand-written newer operations): network restrictions reviewed before they apply, advisors
// through the v2 run endpoint (else v1), network bans and SSL in the audit, reads through the
// read-only query endpoint, honest lines where the platform offers no public endpoint, and every
// remote command answering one clear line for each way the platform can fail.
import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../../../src/agents/types.js';
import type { Fault } from '../../fakes/management-api/server.js';
import { useLinkedProject } from './linked-setup.js';

const REF = 'abcdefghijklmnopqrst';
const linked = useLinkedProject({ SUPABASE_API_TIMEOUT_MS: '300', SUPABASE_API_BACKOFF_MS: '5' });
const run = (line: string): Promise<CommandResult> => linked.run(line);

async function approved(line: string): Promise<CommandResult> {
  const waiting = await run(line);
  expect(waiting.status, waiting.message).toBe('waiting_approval');
  const r = await run(`approve ${waiting.approvalId}`);
  return { ...r, message: r.message.replace(/^Approved \S+; /, '') };
}

describe('network restrictions with the review step', () => {
  it('list shows a change pending review', async () => {
    linked.fake.state.network.pending_change = { config: { dbAllowedCidrs: ['0.0.0.0/0', '198.51.100.7/32'], dbAllowedCidrsV6: ['::/0'] }, requested_at: '2026-12-01T09:00:00.000Z', requested_by: 'ada@example.com' };
    const r = await run('network restrictions list');
    expect(r.message).toBe(
      `2 allowed CIDRs on project ${REF} (applied); the database is open to every address; a change requested at 2026-12-01T09:00:00.000Z by ada@example.com waits for review (+198.51.100.7/32): "network restrictions add|rm" here applies a change after your approval`,
    );
    expect(r.lines?.join('\n')).toMatch(/198\.51\.100\.7\/32\s+IPv4\s+pending review \(requested 2026-12-01T09:00:00\.000Z\)/);
  });

  it('an approved change is requested, then applied through the review endpoint for exactly that change', async () => {
    const r = await approved('network restrictions add 203.0.113.0/24');
    expect(r.ok, r.message).toBe(true);
    expect(r.message).toBe(`network restrictions applied on project ${REF}: allowed 203.0.113.0/24`);
    const review = linked.fake.requests.filter((q) => q.operationId === 'v1-review-network-restrictions');
    expect(review).toHaveLength(1);
    expect(review[0]?.body).toEqual({ action: 'apply', requested_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(linked.fake.state.network.config.dbAllowedCidrs).toContain('203.0.113.0/24');
    expect(linked.fake.state.network.pending_change).toBeUndefined();
    expect(linked.fake.state.network.status).toBe('applied');
  });

  it('a superseded change (409) is one clear line, and nothing is applied', async () => {
    linked.fake.inject({ kind: 'status', status: 409, match: 'v1-review-network-restrictions' });
    const r = await approved('network restrictions add 203.0.113.0/24');
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(new RegExp(`^the network change requested at \\S+ on project ${REF} was superseded by a newer one: nothing applied; see "network restrictions list" and run the command again$`));
    expect(linked.fake.state.network.config.dbAllowedCidrs).not.toContain('203.0.113.0/24');
  });

  it('a pending change that is not the approved one is never applied', async () => {
    // Someone else's newer request lands between our request and our review.
    const realPatch = linked.fake.state.handle.bind(linked.fake.state);
    linked.fake.state.handle = (op, body, query) => {
      const answer = realPatch(op, body, query);
      if (op.operationId === 'v1-patch-network-restrictions') linked.fake.state.network.pending_change = { config: { dbAllowedCidrs: ['0.0.0.0/0'], dbAllowedCidrsV6: [] }, requested_at: '2099-01-01T00:00:00.000Z' };
      return answer;
    };
    const r = await approved('network restrictions add 203.0.113.0/24');
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/is not the one approved here: nothing applied/);
    expect(linked.fake.requests.some((q) => q.operationId === 'v1-review-network-restrictions')).toBe(false);
  });
});

describe('security audit on today\'s platform', () => {
  it('uses the v2 advisors run, adds network bans and SSL, and reads through the read-only endpoint', async () => {
    linked.fake.state.bans = ['192.0.2.10', '192.0.2.11'];
    const r = await run('security audit --output json');
    expect(r.ok, r.message).toBe(true);
    const findings = (r.data as { findings: { name: string; detail: string; source: string }[] }).findings;
    expect(findings).toContainEqual(expect.objectContaining({ name: 'rls_disabled_in_public', source: 'advisor' }));
    expect(findings).toContainEqual(expect.objectContaining({ name: 'ssl_not_enforced', source: 'platform' }));
    expect(findings).toContainEqual(expect.objectContaining({ name: 'network_bans', detail: expect.stringContaining('bans 2 addresses after repeated failed logins: 192.0.2.10, 192.0.2.11') }));
    const ops = linked.fake.requests.map((q) => q.operationId);
    expect(ops).toContain('v2-run-advisors');
    expect(ops).not.toContain('v1-get-security-advisors');
    expect(ops).toContain('v1-read-only-query');
    expect(ops).not.toContain('v1-run-a-query');
  });

  it('falls back to the v1 advisors when v2 does not answer', async () => {
    linked.fake.state.advisorsV2 = false;
    const r = await run('security audit --output json');
    expect(r.ok, r.message).toBe(true);
    expect((r.data as { findings: { name: string }[] }).findings.map((f) => f.name)).toContain('rls_disabled_in_public');
    expect(linked.fake.requests.map((q) => q.operationId)).toEqual(expect.arrayContaining(['v2-run-advisors', 'v1-get-security-advisors']));
  });

  it('is incomplete, never clean, when a source cannot be read', async () => {
    linked.fake.inject({ kind: 'status', status: 403, match: 'v2-run-advisors' });
    linked.fake.inject({ kind: 'status', status: 403, match: 'v1-list-all-network-bans' });
    const r = await run('security audit');
    expect(r.ok).toBe(false);
    expect(r.status).toBe('incomplete');
    expect(r.message).toMatch(/^incomplete: security advisors could not run \(run the advisors failed \(HTTP 403/);
    expect(r.message).toContain('network bans could not run (read network bans failed (HTTP 403');
    expect((r.data as { incomplete: { check: string }[] }).incomplete.map((n) => n.check).sort()).toEqual(['network bans', 'security advisors']);
  });
});

describe('what the platform does not offer', () => {
  it('restore by id refused by the internal endpoint says what to do instead', async () => {
    linked.fake.inject({ kind: 'status', status: 403, match: 'v1-restore-physical-backup' });
    const waiting = await run('backup restore 102');
    const r = await run(`approve ${waiting.approvalId} --confirm 102`);
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/the platform refused to restore backup 102 \(HTTP 403\): restore by id is an internal endpoint that may refuse access tokens; restore it in the dashboard \(Database > Backups\), or use "backup pitr restore <time>"/);
  });

  it('delete of a platform backup names the missing endpoint', async () => {
    expect((await run('backup delete 101')).message).toBe(
      "platform backup 101 cannot be deleted: the platform has no endpoint to delete backups and keeps them for the plan's retention period; only backups agentdeck made can be deleted",
    );
  });
});

/** The commands that call the platform and answer without an approval. */
const REMOTE = [
  'backup list',
  'backup get 101',
  'backup schedule list',
  'backup schedule create 05:00',
  'backup pitr restore --time 2025-11-14T00:00:00Z --dry-run',
  'db replicas list',
  'db config set work_mem=8MB --dry-run',
  'network restrictions list',
  'network restrictions add 203.0.113.9/32 --dry-run',
  'security policies list',
  'security audit',
];

const FAULTS: readonly [string, Fault][] = [
  ['401', { kind: 'status', status: 401, times: 20 }],
  ['403', { kind: 'status', status: 403, times: 20 }],
  ['404', { kind: 'status', status: 404, times: 20 }],
  ['409', { kind: 'status', status: 409, times: 20 }],
  ['422', { kind: 'status', status: 422, times: 20 }],
];

/**
 * The commands that change the platform: each asks first (or, for a replica, answers at once);
 * the failure is injected after the approval was filed, so it meets the change itself.
 */
const CHANGES: readonly (readonly [line: string, confirm: string | null])[] = [
  ['backup restore 102', '102'],
  [`backup pitr restore --time ${new Date(1_763_500_000 * 1000).toISOString()}`, REF],
  ['db replicas create --region eu-west-2', null],
  [`db replicas delete ${REF}-rr-eu-west-2-abc`, null],
  ['db config set work_mem=8MB', null],
  ['network restrictions add 203.0.113.9/32', null],
  ['network restrictions rm 10.0.0.0/8', null],
];

const CHANGE_FAULTS: readonly [string, Fault][] = [
  ...FAULTS,
  ['429 beyond retries', { kind: 'status', status: 429, times: 50, resetSeconds: 120 }],
  ['5xx', { kind: 'status', status: 503, times: 20 }],
  ['no answer', { kind: 'timeout', times: 20 }],
  ['dropped connection', { kind: 'drop', times: 20 }],
];

describe('every change to the platform fails in one clear line, and nothing says it happened', () => {
  it.each(CHANGES.flatMap(([line, confirm]) => CHANGE_FAULTS.map(([name, fault]) => [line, name, confirm, fault] as const)))(
    '%s on %s',
    async (line, _name, confirm, fault) => {
      if (line.startsWith('db replicas delete')) {
        const id = `${REF}-rr-eu-west-2-abc`;
        const primary = linked.fake.state.pooler[0] as Record<string, unknown>;
        linked.fake.state.pooler.push({ ...primary, identifier: id, database_type: 'READ_REPLICA', db_host: `${id}.pooler.supabase.com` });
      }
      const first = await run(line);
      let r: CommandResult;
      if (first.status === 'waiting_approval') {
        linked.fake.inject(fault);
        r = await run(`approve ${first.approvalId}${confirm ? ` --confirm ${confirm}` : ''}`);
      } else {
        // Answers without an approval: run it again with the fault in place.
        expect(first.ok, first.message).toBe(true);
        linked.fake.reset();
        linked.fake.inject(fault);
        r = await run(line);
      }
      expect(r.ok, r.message).toBe(false);
      expect(['failed', 'incomplete']).toContain(r.status);
      const message = r.message.replace(/^Approved \S+; /, '');
      expect(message).not.toContain('\n');
      expect(message).toMatch(/failed \(HTTP \d{3}|rate limited|Supabase platform had an error|no answer|could not reach|timed out|refused/);
      expect(message).not.toMatch(/restored|removed|applied|changed|created/i);
      expect(JSON.stringify(r)).not.toContain(linked.fake.token);
    },
  );
});

describe('every remote command fails in one clear line', () => {
  it.each(REMOTE.flatMap((line) => FAULTS.map(([name, fault]) => [line, name, fault] as const)))('%s on %s', async (line, _name, fault) => {
    linked.fake.inject(fault);
    const r = await run(line);
    expect(r.ok).toBe(false);
    expect(['failed', 'incomplete']).toContain(r.status);
    expect(r.message).not.toContain('\n');
    expect(r.message).toMatch(/failed \(HTTP \d{3}/);
    expect(r.message).not.toContain(linked.fake.token);
  });

  it.each([
    ['backup list', '5xx', { kind: 'status', status: 503, times: 20 }],
    ['backup schedule create 05:00', '5xx', { kind: 'status', status: 500, times: 20 }],
    ['db replicas list', 'dropped connection', { kind: 'drop', times: 20 }],
    ['backup schedule create 05:00', 'dropped connection', { kind: 'drop', times: 20 }],
  ] as const)('%s on %s', async (line, _name, fault) => {
    linked.fake.inject(fault as Fault);
    const r = await run(line);
    expect(r.ok).toBe(false);
    expect(r.message).not.toContain('\n');
    expect(r.message).toMatch(/Supabase platform had an error|no answer|could not reach|timed out/);
  });

  it('429 beyond its retries says when to try again', async () => {
    linked.fake.inject({ kind: 'status', status: 429, times: 50, resetSeconds: 120 });
    const r = await run('backup list');
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/rate limited \(120 requests\/minute\); try again in \d+ s/);
  });
});
