import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { insertApproval } from '../../../src/agents/orchestrator/approvals-repo.js';
import { inferTicketKind, ticketTitle } from '../../../src/agents/orchestrator/commands-core.js';
import { insertDeployment } from '../../../src/agents/stage/deployments.js';
import { getTicket } from '../../../src/services/state/tickets.js';
import { makeContext, type TestContext } from '../../helpers/context.js';

let t: TestContext;
beforeEach(() => {
  // No context run of its own: the status views count only what the tests start.
  t = makeContext({ run: false, config: { agents: { concurrency: { bughunter: 2, migrator: 1 } } } });
});
afterEach(() => t.cleanup());

const year = new Date().getUTCFullYear();
const run = (line: string) => t.engine.dispatch(line, { initiator: 'you' });

describe('ticket kinds and titles', () => {
  it.each([
    ['AI estimates are generated but not persisting to database', 'BUG'],
    ['login page returns 500', 'BUG'],
    ['Fix the broken export', 'BUG'],
    ['checkout crashes on submit', 'BUG'],
    ['error when saving a contact', 'BUG'],
    ['add a customer portal login', 'FEAT'],
    ['New dashboard widget for revenue', 'FEAT'],
    ['feature: dark mode', 'FEAT'],
    ['rename the contacts table columns', 'TASK'],
    ['upgrade dependencies', 'TASK'],
  ])('%s -> %s', (text, kind) => {
    expect(inferTicketKind(text)).toBe(kind);
  });

  it('titles a ticket with its first sentence, clipped to 80 characters', () => {
    expect(ticketTitle('Login fails. Users see a blank page after submitting.')).toBe('Login fails');
    expect(ticketTitle('first line\nsecond line')).toBe('first line');
    expect(ticketTitle('x'.repeat(100))).toHaveLength(80);
    expect(ticketTitle('!!!')).toBe('!!!');
  });
});

describe('create ticket', () => {
  it('files a ticket with a readable id by kind and announces it in the seed style', async () => {
    const first = await run('@agent create ticket "AI estimates are generated but not persisting to database. Voice agent says success but no record created."');
    expect(first).toMatchObject({ ok: true, status: 'done', message: `Ticket created: BUG-${year}-001` });
    const second = await run('create ticket add a customer portal login --priority high');
    expect(second.message).toBe(`Ticket created: FEAT-${year}-002`);
    const third = await run('create ticket "login page returns 500" --kind task');
    expect(third.message).toBe(`Ticket created: TASK-${year}-003`);

    expect(t.lines()).toContain(`[ORCHESTRATOR] ✓ Ticket created: BUG-${year}-001`);
    const stored = getTicket(t.state, `FEAT-${year}-002`)!;
    expect(stored).toMatchObject({ kind: 'FEAT', title: 'add a customer portal login', priority: 'high', status: 'open', createdBy: 'you' });
    expect(getTicket(t.state, `BUG-${year}-001`)!.title).toBe('AI estimates are generated but not persisting to database');
    const ticketEvent = t.events.find((e) => e.kind === 'ticket' && e.ticketId === `BUG-${year}-001`)!;
    expect(ticketEvent.data).toEqual({ ticket: { id: `BUG-${year}-001`, kind: 'BUG', title: 'AI estimates are generated but not persisting to database', status: 'open', priority: 'normal' } });
    expect(ticketEvent.runId).toMatch(/^RUN-/);
  });

  it('stores the description with secrets redacted', async () => {
    const token = 'sbp_0123456789abcdef0123456789abcdef01234567';
    const r = await run(`create ticket "deploys fail since the token ${token} was rotated"`);
    const stored = getTicket(t.state, (r.data as { ticket: { id: string } }).ticket.id)!;
    expect(stored.description).toBe('deploys fail since the token [redacted] was rotated');
    expect(stored.title).not.toContain(token);
  });

  it('refuses an empty description and an unknown kind with a usage error', async () => {
    expect((await run('create ticket')).error?.code).toBe('usage');
    const bad = await run('create ticket something --kind epic');
    expect(bad.error?.code).toBe('usage');
    expect(bad.message).toContain('bug, feature or task');
  });
});

describe('status', () => {
  it('lists agents, runs in flight, open tickets, approvals waiting and the last deployment', async () => {
    await run('create ticket "login page returns 500"');
    const ticket = `BUG-${year}-001`;
    // A BugHunter run in flight in this process, and a deploy waiting for approval.
    t.engine.context({ agent: 'bughunter', line: `analyze ticket ${ticket}`, ticketId: ticket });
    insertApproval(t.state, {
      runId: null,
      ticketId: ticket,
      action: { tool: 'deploy', args: { env: 'production' }, target: 'production', summary: `deploy ${ticket} to production` },
      requestedBy: 'stage',
      ttlMinutes: 60,
    });
    insertDeployment(t.state, { ticketId: ticket, env: 'staging', branch: 'staging', commitSha: 'abc123', runId: null });

    const r = await run('@agent status');
    expect(r.ok).toBe(true);
    expect(r.message).toMatch(/^\d\/6 agents active, \d+ runs? in flight, 1 open ticket, 1 approval waiting$/);
    const text = r.lines!.join('\n');
    expect(text).toMatch(/BugHunter\s+working\s+1\s+2/);
    expect(text).toMatch(/Migrator\s+idle\s+0\s+1/);
    expect(text).toMatch(/Ops\s+idle\s+0\s+-/);
    expect(text).toContain(`analyze ticket ${ticket}`);
    expect(text).toMatch(new RegExp(`${ticket}\\s+open\\s+\\d{2}:\\d{2}:\\d{2}\\s+normal\\s+login page returns 500`));
    expect(text).toContain(`deploy ${ticket} to production`);
    expect(text).toMatch(new RegExp(`Last deployment: DEPLOY-${year}-\\d+ ${ticket}: deploying to staging \\(`));

    const data = r.data as { tickets: { id: string }[]; approvals: unknown[]; lastDeployment: { env: string } };
    expect(data.tickets.map((x) => x.id)).toEqual([ticket]);
    expect(data.approvals).toHaveLength(1);
    expect(data.lastDeployment.env).toBe('staging');
  });

  it('prints json and yaml on request, an empty project as "(none)"', async () => {
    const empty = await run('status');
    expect(empty.lines!.join('\n')).toContain('(none)');
    expect(empty.lines!.join('\n')).toContain('Last deployment: none');
    await run('create ticket "add export"');
    const json = JSON.parse((await run('status --output json')).lines!.join('\n')) as { tickets: { id: string }[] };
    expect(json.tickets[0]!.id).toBe(`FEAT-${year}-001`);
    const yaml = parseYaml((await run('status --output yaml')).lines!.join('\n')) as { agents: { agent: string }[] };
    expect(yaml.agents.map((a) => a.agent)).toEqual(['orchestrator', 'bughunter', 'codesmith', 'migrator', 'stage', 'ops']);
  });
});

describe('logs and system logs', () => {
  beforeEach(() => {
    const emit = (agent: 'bughunter' | 'migrator', level: 'debug' | 'info' | 'success' | 'warn' | 'error', message: string, instance?: string) =>
      t.bus.emit({ agent, kind: 'log', level, message, ...(instance ? { instance } : {}) });
    emit('bughunter', 'debug', 'reading files');
    emit('bughunter', 'info', 'Analyzing issue...', 'bughunter-1');
    emit('bughunter', 'success', 'Root cause found: missing foreign key', 'bughunter-1');
    emit('bughunter', 'error', 'Test suite failed', 'bughunter-2');
    emit('migrator', 'warn', 'Migration touches 3 tables');
    emit('migrator', 'error', 'Migration failed: relation exists');
    t.bus.flush();
  });

  it('shows one agent, oldest first, in the seed style with times, without debug lines by default', async () => {
    const r = await run('logs bughunter');
    expect(r.message).toBe('3 log lines for bughunter');
    expect(r.lines!.map((l) => l.replace(/^\d\d:\d\d:\d\d /, ''))).toEqual([
      '[BUGHUNTER] Analyzing issue...',
      '[BUGHUNTER] ✓ Root cause found: missing foreign key',
      '[BUGHUNTER] ✗ Test suite failed',
    ]);
    expect((await run('logs bughunter --level debug')).lines).toHaveLength(4);
  });

  it('filters by level, instance and limit, and says when nothing matches', async () => {
    expect((await run('logs bughunter --level error')).lines!.map((l) => l.slice(9))).toEqual(['[BUGHUNTER] ✗ Test suite failed']);
    expect((await run('logs bughunter-1')).lines).toHaveLength(2);
    expect((await run('logs StageAgent')).message).toBe('No log lines for stage');
    expect((await run('logs migrator --level error --limit 1')).message).toBe('1 log line for migrator at error or above');
    const json = JSON.parse((await run('logs migrator --output json')).lines!.join('\n')) as { level: string; message: string }[];
    expect(json.map((e) => e.level)).toEqual(['warn', 'error']);
  });

  it('system logs covers every agent', async () => {
    const r = await run('system logs --level warn');
    expect(r.lines!.map((l) => l.slice(9))).toEqual([
      '[BUGHUNTER] ✗ Test suite failed',
      '[MIGRATOR] ⚠ Migration touches 3 tables',
      '[MIGRATOR] ✗ Migration failed: relation exists',
    ]);
    expect(r.message).toBe('3 log lines for every agent at warn or above');
  });

  it('refuses an unknown level with the accepted ones', async () => {
    const r = await run('logs bughunter --level loud');
    expect(r.error?.code).toBe('usage');
    expect(r.message).toContain('debug, info, warn or error');
  });
});

describe('health and system status', () => {
  it('checks the project credentials from its .env, reports them, and announces a health event', async () => {
    writeFileSync(join(t.root, '.env'), `DATABASE_URL=postgresql://app:s3cret-pass-word@127.0.0.1:9/app\nRESEND_API_KEY=\n`);
    const r = await run('health');
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('unhealthy');
    expect(r.message).toMatch(/^Health: \d+ ok, \d+ not configured \(.*\), \d+ failing \(.*Database.*\)$/);
    const text = r.lines!.join('\n');
    expect(text).toMatch(/✗ Database\s+failing: cannot connect with DATABASE_URL/);
    expect(text).toMatch(/✓ State db\s+ok/);
    expect(text).not.toContain('s3cret-pass-word');
    const event = t.events.find((e) => e.kind === 'health')!;
    expect(event.level).toBe('warn');
    const checks = (event.data as { checks: { name: string; status: string }[] }).checks;
    expect(checks.find((c) => c.name === 'Database')!.status).toBe('failing');
    expect(JSON.stringify(t.events)).not.toContain('s3cret-pass-word');
  });

  it('is ok when nothing fails, and system status adds the status views', async () => {
    writeFileSync(join(t.root, 'agentdeck.config.json'), '{"name":"crm"}');
    const saved = { ...process.env };
    for (const k of ['SUPABASE_URL', 'SUPABASE_SERVICE_ROLE_KEY', 'SUPABASE_ACCESS_TOKEN', 'SUPABASE_PROJECT_REF', 'SUPABASE_DB_URL', 'DATABASE_URL', 'RESEND_API_KEY']) delete process.env[k];
    try {
      const h = await run('health --output json');
      expect(h.ok).toBe(true);
      const report = JSON.parse(h.lines!.join('\n')) as { ok: boolean; results: { id: string }[] };
      expect(report.ok).toBe(true);
      expect(report.results.map((x) => x.id)).toContain('database');
      // Ok, and it names what is not configured, the local database among them.
      expect(h.message).toMatch(/^Health: \d+ ok, \d+ not configured \(.*Database.*\), 0 failing$/);
      expect(h.lines!.join('\n')).toContain('the local database under .agentdeck/ is in use');
      const s = await run('system status');
      expect(s.ok).toBe(true);
      expect(s.lines![0]).toBe('Health');
      expect(s.lines!.join('\n')).toContain('Agents (');
      expect(Object.keys(s.data as object)).toEqual(['health', 'status']);
    } finally {
      process.env = saved;
    }
  });
});

describe('help, dashboard and audit verify', () => {
  it('help shows the overview, a command, a group, and a suggestion for a typo', async () => {
    const all = await run('help');
    expect(all.ok).toBe(true);
    expect(all.lines!.join('\n')).toContain('create ticket');
    const one = await run('help create ticket');
    expect(one.lines![0]).toMatch(/^usage: create ticket/);
    expect((await run('help backup')).lines![0]).toBe('backup commands:');
    const typo = await run('help backp list');
    expect(typo).toMatchObject({ ok: false, error: { code: 'usage' } });
    expect(typo.message).toContain('did you mean "backup list"?');
  });

  it('dashboard points to the console and gives the summary numbers', async () => {
    const r = await run('dashboard');
    expect(r.ok).toBe(true);
    expect(r.message).toContain('run "agentdeck" in a terminal');
    expect(r.lines).toEqual(['Active Agents: 0/6', 'Queue Size: 0', 'Approvals Waiting: 0', 'Last Deployment: none']);
  });

  it('audit verify passes an intact chain and reports the first broken link', async () => {
    await run('create ticket "one"');
    await run('create ticket "two"');
    const good = await run('audit verify');
    expect(good.ok).toBe(true);
    expect(good.message).toMatch(/^Audit trail intact: \d+ entries verified$/);
    expect(JSON.parse((await run('audit verify --output json')).lines!.join('\n'))).toMatchObject({ ok: true });
    // Tamper behind SQLite's back: drop the guard, change the first entry.
    t.state.db.exec('DROP TRIGGER audit_no_update');
    t.state.db.exec("UPDATE audit SET result = 'done: nothing happened' WHERE seq = 1");
    const bad = await run('audit verify');
    expect(bad).toMatchObject({ ok: false, error: { code: 'audit_broken' } });
    expect(bad.message).toBe('Audit trail broken at entry 1: entry 1 was altered (its MAC does not match its content)');
    // The dropped trigger was put back, and the check says so.
    expect(bad.lines).toEqual(['Restored the append-only guard: trigger audit_no_update (it was missing)']);
    expect(() => t.state.db.exec("UPDATE audit SET result = 'again' WHERE seq = 2")).toThrow(/append-only/);
  });
});
