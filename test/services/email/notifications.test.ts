// Notifications from the bus, the templates and the offline .eml transport, on a real state db.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBus, type EventBus } from '../../../src/services/events/bus.js';
import { openState, type StateDb } from '../../../src/services/state/db.js';
import { notify, notifierFor, startNotifications } from '../../../src/services/email/index.js';
import { emlTransport, toEml } from '../../../src/services/email/eml.js';
import { listOutbox } from '../../../src/services/email/outbox-store.js';
import { renderNotification } from '../../../src/services/email/templates.js';
import { approvalHint } from '../../../src/commands/defs/runs.js';
import { emailSettings } from '../../../src/services/email/config.js';
import type { OutboxEmail } from '../../../src/services/email/types.js';
import { tempDir } from '../../helpers/tmp.js';

let root: string;
let cleanup: () => void;
let state: StateDb;
let bus: EventBus;

const project = (r: string) => ({ root: r, env: {}, config: { email: { to: ['ops@example.com'], from: null, subjectPrefix: '[agentdeck]' } }, secrets: [] });
const tick = () => new Promise((r) => setImmediate(r));

beforeEach(() => {
  ({ dir: root, cleanup } = tempDir('agentdeck-notify-'));
  state = openState(root);
  bus = createBus({ state });
});
afterEach(() => {
  bus.close();
  state.close();
  cleanup();
});

async function settle(stop: () => void, notifier: { idle(ms?: number): Promise<void> }) {
  await tick();
  await tick();
  await notifier.idle(5000);
  stop();
}

describe('bus events become emails', () => {
  it('a pending approval, a failed run and a finished deployment: one email each, even when repeated', async () => {
    const { notifier, stop } = startNotifications({ state, project: project(root), bus });
    const approval = { approval: { id: 'APR-0007', runId: 'run-1', summary: 'deploy BUG-2026-001 to production', status: 'pending', target: 'production', tool: 'deploy', confirmText: 'BUG-2026-001', detail: ['  a1b2c3 Fix estimate persistence'] } };
    bus.emit({ agent: 'orchestrator', runId: 'run-1', kind: 'approval', level: 'warn', message: 'Approval APR-0007 waiting', data: approval });
    bus.emit({ agent: 'orchestrator', runId: 'run-1', kind: 'approval', level: 'warn', message: 'Approval APR-0007 waiting', data: approval });
    bus.emit({ agent: 'orchestrator', runId: 'run-1', kind: 'approval', level: 'success', message: 'Approved', data: { approval: { ...approval.approval, status: 'approved' } } });
    bus.emit({ agent: 'orchestrator', runId: 'run-2', kind: 'run', level: 'error', message: 'run-2 failed: tests failed (3 of 120)', data: { run: { id: 'run-2', status: 'failed', line: 'deploy BUG-2026-001 to staging' } } });
    bus.emit({ agent: 'orchestrator', runId: 'run-3', kind: 'run', level: 'success', message: 'run-3 done', data: { run: { id: 'run-3', status: 'done', line: 'backup list' } } });
    bus.emit({ agent: 'stage', runId: 'run-4', kind: 'deployment', level: 'success', message: 'deployed', data: { deployment: { id: 'DEP-0003', env: 'staging', status: 'succeeded', ticketId: 'BUG-2026-001', ts: 1 }, url: 'https://staging.example.com' } });
    bus.emit({ agent: 'stage', runId: 'run-4', kind: 'deployment', level: 'info', message: 'deploying', data: { deployment: { id: 'DEP-0004', env: 'staging', status: 'running', ts: 1 } } });
    bus.emit({ agent: 'stage', kind: 'deployment', level: 'info', message: 'no payload' });
    await settle(stop, notifier);
    const rows = listOutbox(state).sort((a, b) => a.subject.localeCompare(b.subject));
    expect(rows.map((r) => [r.reason, r.subject, r.status])).toEqual([
      ['approval_waiting', '[agentdeck] Approval waiting: deploy BUG-2026-001 to production', 'sent'],
      ['deployment_finished', '[agentdeck] Deployment DEP-0003 to staging finished', 'sent'],
      ['run_failed', '[agentdeck] Run run-2 failed: deploy BUG-2026-001 to staging', 'sent'],
    ]);
    // The exact line that works (with the typed confirmation production asks for), as the console shows it.
    expect(rows[0]!.text).toContain('`approve APR-0007 --confirm BUG-2026-001` or `reject APR-0007`');
    expect(rows[0]!.text).toContain(approvalHint('APR-0007', 'BUG-2026-001'));
    expect(rows[0]!.html).toContain('approve APR-0007 --confirm BUG-2026-001');
    expect(rows[0]!.text).toContain('\n  a1b2c3 Fix estimate persistence\n');
    expect(rows[1]!.text).toContain('Link: https://staging.example.com');
    expect(rows[2]!.text).toContain('tests failed (3 of 120)');
    // The notifier tells the log what it did.
    bus.flush();
    const lines = (state.db.prepare("SELECT message FROM events WHERE kind = 'log'").all() as { message: string }[]).map((r) => r.message);
    expect(lines.filter((l) => l.startsWith('Email written to '))).toHaveLength(3);
  });

  it('a deploy that only merged (no deploy command) is mailed as merged, never as a finished deployment', async () => {
    const { notifier, stop } = startNotifications({ state, project: project(root), bus });
    const summary = 'BUG-2026-001 merged into staging; no deploy command configured for staging (set deploy.staging in agentdeck.config.json)';
    bus.emit({ agent: 'stage', runId: 'run-5', kind: 'deployment', level: 'warn', message: 'merged', data: { deployment: { id: 'DEP-0005', env: 'staging', status: 'merged', ticketId: 'BUG-2026-001', ts: 1 }, summary } });
    await settle(stop, notifier);
    const [row] = listOutbox(state);
    expect(row!.subject).toBe('[agentdeck] Deployment DEP-0005 to staging only merged (nothing deployed)');
    expect(row!.text).toContain(summary);
    expect(row!.text).toContain('Status: merged');
    expect(row!.text).not.toContain('finished');
  });

  it('after an emergency rollback, the incident report carries the written report and what the run did', async () => {
    const { notifier, stop } = startNotifications({ state, project: project(root), bus });
    const t0 = Date.parse('2026-03-01T10:00:00Z');
    const reportPath = join(root, 'incident.md');
    writeFileSync(reportPath, '# Incident: emergency rollback of DEP-0005\n\n- Reverted by: abc123\n');
    const run = (status: string) => ({ run: { id: 'run-9', status, line: 'emergency rollback last deployment', commandId: 'emergency rollback last deployment' } });
    bus.emit({ agent: 'orchestrator', runId: 'run-9', kind: 'run', level: 'debug', message: 'started', ts: t0, data: run('running') });
    bus.emit({ agent: 'orchestrator', runId: 'run-9', kind: 'log', level: 'warn', message: 'Emergency rollback initiated', ts: t0 });
    bus.emit({ agent: 'orchestrator', runId: 'run-9', kind: 'log', level: 'debug', message: 'noise', ts: t0 + 1 });
    bus.emit({ agent: 'migrator', runId: 'run-9', kind: 'log', level: 'success', message: 'Rolling back database migration', ts: t0 + 20_000 });
    bus.emit({ agent: 'stage', runId: 'run-9', kind: 'deployment', level: 'success', message: 'rolled back', ts: t0 + 46_000, data: { deployment: { id: 'DEP-0005', env: 'production', status: 'rolled_back', ts: t0 }, cause: 'error rate 14%' } });
    bus.emit({ agent: 'orchestrator', runId: 'run-9', kind: 'log', level: 'success', message: 'Incident report generated: incident.md', ts: t0 + 47_000, data: { incident: { path: reportPath, subject: 'Incident' } } });
    bus.emit({ agent: 'orchestrator', runId: 'run-9', kind: 'run', level: 'success', message: 'done', ts: t0 + 48_000, data: run('done') });
    await settle(stop, notifier);
    const rows = listOutbox(state);
    expect(rows).toHaveLength(1);
    const report = rows[0]!;
    expect(report.reason).toBe('incident_report');
    expect(report.subject).toBe('[agentdeck] Incident report: emergency rollback of DEP-0005');
    expect(report.text).toContain('because: error rate 14%');
    expect(report.text).toContain('Rollback took: 47.0 s');
    expect(report.text).toContain(`Report: ${reportPath}`);
    expect(report.text).toContain('- [ORCHESTRATOR] Emergency rollback initiated');
    expect(report.text).toContain('- [MIGRATOR] Rolling back database migration');
    expect(report.text).toContain('- Reverted by: abc123');
    expect(report.html).toContain('<pre style="white-space:pre-wrap"># Incident: emergency rollback of DEP-0005');
    expect(report.text).not.toContain('noise');
  });

  it('a plain rollback is a deployment notice, not an incident; a missing report file still sends the report', async () => {
    const { notifier, stop } = startNotifications({ state, project: project(root), bus });
    bus.emit({ agent: 'stage', runId: 'run-3', kind: 'deployment', level: 'success', message: 'rolled back', data: { deployment: { id: 'DEP-0002', env: 'staging', status: 'rolled_back', ts: 1 } } });
    bus.emit({ agent: 'orchestrator', runId: 'run-4', kind: 'log', level: 'success', message: 'Incident report generated', data: { incident: { path: join(root, 'gone.md') } } });
    bus.emit({ agent: 'orchestrator', runId: 'run-5', kind: 'approval', level: 'warn', message: 'Reminder', data: { approval: { id: 'APR-1', summary: 's', status: 'pending', target: 'local', tool: 't' }, reminder: true } });
    await settle(stop, notifier);
    const subjects = listOutbox(state).map((r) => r.subject).sort();
    expect(subjects).toEqual(['[agentdeck] Deployment DEP-0002 to staging was rolled back', '[agentdeck] Incident report: emergency rollback of last deployment']);
  });

  it('an emergency rollback run without a deployment event still gets its report', async () => {
    const { notifier, stop } = startNotifications({ state, project: project(root), bus });
    bus.emit({ agent: 'stage', runId: 'run-5', kind: 'log', level: 'success', message: 'Restored previous code version' });
    bus.emit({ agent: 'stage', runId: 'run-5', kind: 'run', level: 'success', message: 'done', data: { run: { id: 'run-5', status: 'done', line: 'emergency rollback last deployment' } } });
    await settle(stop, notifier);
    expect(listOutbox(state).map((r) => r.subject)).toEqual(['[agentdeck] Incident report: emergency rollback of last deployment']);
  });

  it('notify() works from anywhere once started, and falls back to the cwd project after stop', async () => {
    const { notifier, stop } = startNotifications({ state, project: project(root) });
    const q = notify('message', { message: 'from anywhere', runId: 'r-1' });
    expect(q.created).toBe(true);
    await notifier.idle(5000);
    stop();
    expect(listOutbox(state)[0]).toMatchObject({ subject: '[agentdeck] from anywhere', status: 'sent' });
    // A notifier opened on demand for a project root shares nothing with the one above.
    const other = tempDir('agentdeck-notify-other-');
    try {
      const n = notifierFor(other.dir);
      expect(notifierFor(other.dir)).toBe(n);
      expect(n.settings).toMatchObject({ mode: 'eml', to: ['admin@localhost'] });
      n.close();
    } finally {
      other.cleanup();
    }
  });
});

describe('templates', () => {
  it('renders text and escaped HTML for every kind', () => {
    const kinds = [
      renderNotification('deployment_finished', { deploymentId: 'D1', env: 'production', status: 'failed' }),
      renderNotification('deployment_finished', { deploymentId: 'D2', env: 'staging', status: 'rolled_back', commit: 'abc123' }),
      renderNotification('approval_waiting', { approvalId: 'A1', summary: 'drop table <users>' }),
      renderNotification('run_failed', { runId: 'R1', command: 'migrate execute', error: 'syntax error at "&"' }),
      renderNotification('incident_report', { deploymentId: 'D3', durationMs: 800 }),
      renderNotification('message', { message: `${'long '.repeat(30)}\nsecond line` }),
    ];
    expect(kinds.map((k) => k.subject)).toEqual([
      'Deployment D1 to production failed',
      'Deployment D2 to staging was rolled back',
      'Approval waiting: drop table <users>',
      'Run R1 failed: migrate execute',
      'Incident report: emergency rollback of D3',
      `${'long '.repeat(30).slice(0, 71)}…`,
    ]);
    expect(kinds[2]!.html).toContain('drop table &lt;users&gt;');
    expect(kinds[2]!.html).not.toContain('<users>');
    expect(kinds[3]!.html).toContain('syntax error at &quot;&amp;&quot;');
    expect(kinds[4]!.text).toContain('Rollback took: 800 ms');
    for (const k of kinds) expect(k.text.endsWith('-- agentdeck\n')).toBe(true);
  });

  it('refuses a payload without its required fields', () => {
    // @ts-expect-error: the missing field is the point
    expect(() => renderNotification('run_failed', { runId: 'R1' })).toThrow(/command/);
    // @ts-expect-error: not a kind
    expect(() => renderNotification('nope', {})).toThrow(/unknown notification kind/);
  });
});

describe('.eml files and settings', () => {
  const email: OutboxEmail = {
    id: 'id-1', reason: 'message', dedupeKey: 'k', runId: null, to: ['a@example.com', 'b@example.com'], from: 'Déploiement <d@example.com>',
    subject: 'Grüße', text: 'plain body', html: '<p>html body</p>', status: 'pending', attempts: 0, idempotencyKey: 'agentdeck-id-1',
    nextAttemptAt: null, lastError: null, providerId: null, createdAt: '2026-01-01T00:00:00.000Z', sentAt: null,
  };

  it('writes RFC 5322 mail with encoded headers and both bodies', async () => {
    const eml = toEml(email, new Date('2026-01-01T00:00:00Z'));
    expect(eml).toContain(`Subject: =?UTF-8?B?${Buffer.from('Grüße').toString('base64')}?=`);
    expect(eml).toContain('To: a@example.com, b@example.com');
    expect(eml).toContain('Date: Thu, 01 Jan 2026 00:00:00 GMT');
    expect(eml).toContain(Buffer.from('plain body').toString('base64'));
    expect(eml.split('\r\n').every((l) => l.length <= 998)).toBe(true);
    const sent = await emlTransport(root).send(email);
    expect(sent.kind).toBe('sent');
    if (sent.kind === 'sent') expect(readFileSync(sent.providerId, 'utf8')).toContain('Message-ID: <agentdeck-id-1@agentdeck.local>');
  });

  it('fails with the reason when the outbox folder cannot be written', async () => {
    const blocked = tempDir('agentdeck-blocked-');
    writeFileSync(join(blocked.dir, '.agentdeck'), 'a file, not a folder');
    const result = await emlTransport(blocked.dir).send(email);
    blocked.cleanup();
    expect(result).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/^could not write the .eml file: /) });
  });

  it('chooses Resend only with a key, and its defaults', () => {
    const base = { root, config: { email: { to: [], from: null, subjectPrefix: '[x]' } } };
    expect(emailSettings({ ...base, env: {} })).toEqual({ mode: 'eml', to: ['admin@localhost'], from: 'agentdeck <agentdeck@localhost>', subjectPrefix: '[x]', problem: null });
    expect(emailSettings({ ...base, env: { RESEND_API_KEY: 're_x' } })).toMatchObject({ mode: 'resend', from: 'agentdeck <onboarding@resend.dev>', problem: expect.stringMatching(/no recipient/) });
  });
});
