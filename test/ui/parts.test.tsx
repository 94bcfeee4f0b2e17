// The dashboard's supporting parts: the plain logger, history, the detail reader, help, the status
// line, confirmations of destructive commands, the synthetic stream hook.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { render } from 'ink-testing-library';
import { createBus } from '../../src/services/events/bus.js';
import { connectStore, createDeckStore, initialState } from '../../src/store/index.js';
import { readRunDetail, readTicketDetail } from '../../src/store/ui-detail.js';
import { publishHealth } from '../../src/store/ui-health.js';
import { confirmOf, defaultCommands } from '../../src/ui/commands.js';
import { detailLines } from '../../src/ui/detail.js';
import { helpLines, keymapLines } from '../../src/ui/help.js';
import { runPlainLogger } from '../../src/ui/plain-logger.js';
import { historyFile, loadHistory, pushHistory, HISTORY_LIMIT } from '../../src/ui/state/history.js';
import { fitOutcome, statusOf, Footer } from '../../src/ui/components/StatusLine.js';
import { tooSmallText } from '../../src/ui/components/TooSmall.js';
import { topBorder } from '../../src/ui/components/Pane.js';
import { healthLight, lastDeploymentText, activeAgents } from '../../src/ui/components/Header.js';
import { agentRow } from '../../src/ui/components/AgentsPane.js';
import { queueRow } from '../../src/ui/components/QueuePane.js';
import { syntheticFromEnv, startSynthetic } from '../../src/ui/synthetic.js';
import { stripAnsi } from '../../src/ui/format/text.js';
import type { ApprovalPending } from '../../src/agents/types.js';
import { makeContext, type TestContext } from '../helpers/context.js';
import { plain, waitFor } from './harness.js';

const dirs: string[] = [];
const contexts: TestContext[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  for (const t of contexts.splice(0)) t.cleanup();
});
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'agentdeck-ui-'));
  dirs.push(d);
  return d;
};

describe('plain logger (not a TTY)', () => {
  test('prints each new line once in the user style, and approvals waiting', () => {
    const bus = createBus();
    const store = createDeckStore();
    const ingestion = connectStore(store, bus, { flushMs: 1_000_000, logCapacity: 3 });
    const out: string[] = [];
    const stop = runPlainLogger(store, { write: (l) => out.push(l) });
    bus.emit({ agent: 'migrator', kind: 'log', level: 'success', message: 'Migration ready: 001_init.sql' });
    bus.emit({ agent: 'ops', kind: 'log', level: 'warn', message: 'High memory use on API server' });
    ingestion.flush();
    expect(out).toEqual(['[MIGRATOR] ✓ Migration ready: 001_init.sql', '[OPS] ⚠ High memory use on API server']);
    // A burst larger than the ring: the skipped lines are counted, not lost silently.
    for (let i = 0; i < 5; i++) bus.emit({ agent: 'bughunter', kind: 'log', level: 'error', message: `boom ${i}` });
    bus.emit({ agent: 'stage', kind: 'approval', level: 'info', message: 'approval needed', data: { approval: { id: 'APR-0001', summary: 'Deploy to production', status: 'pending', target: 'production', tool: 'deploy' } } });
    ingestion.flush();
    expect(out).toContain('… 3 lines not shown (all are in .agentdeck/state.db)');
    expect(out).toContain('[BUGHUNTER] ✗ boom 4');
    expect(out.some((l) => l.startsWith('[APPROVAL] ⚑ APR-0001 waits for you'))).toBe(true);
    stop();
    bus.emit({ agent: 'ops', kind: 'log', level: 'info', message: 'after stop' });
    ingestion.flush();
    expect(out.join('\n')).not.toContain('after stop');
    ingestion.stop();
  });

  test('replay prints what the store already holds', () => {
    const store = createDeckStore({ logs: [{ id: 1, ts: 0, agent: 'stage', level: 'success', message: 'All changes ready for review' }], logTotal: 1 });
    const out: string[] = [];
    runPlainLogger(store, { write: (l) => out.push(l), replay: true })();
    expect(out).toEqual(['[STAGE] ✓ All changes ready for review']);
  });

  test('log lines from data are printed inert, on one line', () => {
    const store = createDeckStore({
      logs: [{ id: 1, ts: 0, agent: 'stage', level: 'info', message: 'out \u001b]52;c;ZXZpbA==\u0007\nforged' }],
      logTotal: 1,
    });
    const out: string[] = [];
    runPlainLogger(store, { write: (l) => out.push(l), replay: true })();
    expect(out[0]).toBe('[STAGE] out \\u001b]52;c;ZXZpbA==\\u0007 forged');
    for (const ch of ['\u001b', '\u0007', '\n']) expect(out.join(' ')).not.toContain(ch);
  });
});

describe('history', () => {
  test('persists redacted lines and reloads them; repeats are not stored twice', () => {
    const path = join(tmp(), '.agentdeck', 'history');
    expect(loadHistory(path)).toEqual([]);
    const file = historyFile(path);
    let h = pushHistory([], 'status');
    file.append('status', h);
    const secret = 'set key sbp_0123456789abcdef0123456789abcdef01234567';
    h = pushHistory(h, secret);
    file.append(secret, h);
    expect(pushHistory(h, secret)).toBe(h);
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('sbp_0123456789');
    expect(loadHistory(path)).toHaveLength(2);
    expect(loadHistory(path)[0]).toBe('status');
  });

  test('the file is trimmed to the limit when it grows past twice that', () => {
    const path = join(tmp(), 'history');
    writeFileSync(path, '');
    const many = Array.from({ length: HISTORY_LIMIT * 2 + 1 }, (_, i) => `cmd ${i}`);
    historyFile(path).append('last', many);
    expect(loadHistory(path)).toHaveLength(HISTORY_LIMIT);
    expect(pushHistory(many, 'x')).toHaveLength(HISTORY_LIMIT);
    // An unwritable place does not throw.
    const blocker = join(tmp(), 'a-file');
    writeFileSync(blocker, '');
    expect(() => historyFile(join(blocker, 'sub', 'history')).append('x', ['x'])).not.toThrow();
  });
});

describe('detail view', () => {
  test('a run shows its steps by phase with gates, its approval and its log lines', async () => {
    const t = makeContext({ run: false });
    contexts.push(t);
    const ctx = t.engine.context({ agent: 'stage', run: true, ticketId: null, line: 'deploy production' });
    await ctx.step('UNDERSTAND', 'Read the request', async () => ({ confidence: 0.99 }));
    await ctx.step('VALIDATE', 'Run the tests', async () => ({ passed: true, coverage: 60 }));
    ctx.log('success', 'Tests passed');
    let approvalId = '';
    try {
      await ctx.requireApproval({ tool: 'deploy', args: {}, target: 'production', summary: 'Deploy to production', confirmText: 'BUG-2026-001' });
    } catch (err) {
      approvalId = (err as ApprovalPending).approvalId;
    }
    t.bus.flush();
    const doc = readRunDetail(t.state, ctx.runId!);
    expect(doc.found).toBe(true);
    const text = doc.sections.flatMap((s) => [s.title, ...s.lines]).join('\n');
    expect(text).toContain('UNDERSTAND gate: passed');
    expect(text).toContain('✓ Read the request');
    expect(text).toContain('VALIDATE   gate: FAILED (test coverage 60% is below 80%)');
    expect(text).toContain(`⚑ ${approvalId} pending → production: Deploy to production (type BUG-2026-001 to confirm)`);
    expect(text).toContain('[STAGE] ✓ Tests passed');
    expect(readRunDetail(t.state, 'RUN-9999').found).toBe(false);
    expect(readTicketDetail(t.state, 'BUG-2026-999').found).toBe(false);
  });

  test('a ticket shows its runs; result lines of a command on it are shown as a diff', async () => {
    const t = makeContext({ run: false });
    contexts.push(t);
    const r = await t.engine.dispatch('create ticket "totals are wrong" --priority high', { initiator: 'you' });
    expect(r.ok).toBe(true);
    const id = /(BUG|FEAT|TASK)-\d{4}-\d{3}/.exec(r.message)![0];
    t.bus.flush();
    const doc = readTicketDetail(t.state, id);
    const text = doc.sections.flatMap((s) => [s.title, ...s.lines]).join('\n');
    expect(text).toContain('totals are wrong');
    expect(text).toContain('high');
    const lines = detailLines({ kind: 'ticket', id }, initialState(), doc, {
      line: `review ${id}`,
      ok: true,
      status: 'done',
      message: 'diff',
      lines: ['--- a/x', '+++ b/x', '@@ -1 +1 @@', '-old', '+new'],
      at: 0,
    });
    expect(lines.map(stripAnsi)).toContain(`Result of "review ${id}"`);
    expect(lines.find((l) => l.includes('+new'))).toContain('\u001B[32m');
    expect(lines.find((l) => l.includes('-old'))).toContain('\u001B[31m');
  });

  test('without a state db the store\'s view is shown', () => {
    const s = {
      ...initialState(),
      tickets: [{ id: 'BUG-2026-001', kind: 'BUG', title: 'a', status: 'open', priority: 'low', updatedAt: 0 }],
      runs: [{ id: 'RUN-0001', status: 'running', line: 'fix ticket BUG-2026-001', phase: 'PLAN', updatedAt: 0 }],
      approvals: [{ id: 'APR-0001', runId: 'RUN-0001', summary: 'Deploy', status: 'pending', target: 'staging', tool: 'deploy' }],
    };
    expect(detailLines({ kind: 'ticket', id: 'BUG-2026-001' }, s, null, null).map(stripAnsi)[1]).toContain('a · BUG · low · open');
    const run = detailLines({ kind: 'run', id: 'RUN-0001' }, s, null, null).map(stripAnsi);
    expect(run[1]).toContain('fix ticket BUG-2026-001 · running · PLAN');
    expect(run.some((l) => l.includes('⚑ APR-0001 waits for you'))).toBe(true);
    expect(detailLines({ kind: 'run', id: 'RUN-0404' }, s, null, null).map(stripAnsi)[1]).toContain('not in the store');
  });
});

describe('help, status and small parts', () => {
  test('help lists every mode\'s keys and the registry\'s commands', () => {
    const keys = keymapLines().map(stripAnsi).join('\n');
    for (const title of ['Dashboard keys', 'At the prompt', 'Typing a log filter', 'In a dialog', 'In help', 'In a detail view']) expect(keys).toContain(title);
    const all = helpLines(100, defaultCommands().overview!).map(stripAnsi).join('\n');
    expect(all).toContain('create ticket');
    expect(all).toContain('approve');
  });

  test('the status line says what is happening, in order of urgency', () => {
    const base = { promptError: null, promptHint: null, pending: [], outcome: null, notice: null, mode: 'normal' as const };
    expect(statusOf(base, 0)).toBeNull();
    expect(statusOf({ ...base, promptError: 'bad' }, 0)).toEqual({ text: '✗ bad', color: 'red' });
    expect(statusOf({ ...base, promptHint: 'Tab: a · b', mode: 'prompt' }, 0)?.text).toBe('Tab: a · b');
    expect(statusOf({ ...base, pending: [{ seq: 1, line: 'fix', startedAt: 0 }, { seq: 2, line: 'test', startedAt: 0 }] }, 2000)?.text).toMatch(/running: test {2}2s \(\+1 more\)/);
    expect(statusOf({ ...base, notice: 'hi' }, 0)).toEqual({ text: 'hi', color: 'yellow' });
    const outcome = { line: 'x', ok: false, status: 'waiting_approval', message: 'waits', lines: ['a'], at: 0 };
    expect(statusOf({ ...base, outcome }, 0)).toEqual({ text: '⚑ waits', color: 'yellow', outcome: { more: true } });
    // A result with more lines, or one that does not fit, says `o` shows it all.
    expect(fitOutcome('⚑ waits', 40, true)).toBe('⚑ waits  (o: all)');
    expect(fitOutcome('✓ done', 40, false)).toBe('✓ done');
    const long = fitOutcome(`⚠ needs a model: work in ${'/very/long/path'.repeat(8)}`, 60, false);
    expect(long).toMatch(/… {2}\(o: all\)$/);
    expect([...long].length).toBeLessThanOrEqual(60);
    expect(statusOf({ ...base, outcome: { ...outcome, status: 'needs_model', lines: [] } }, 0)?.text).toBe('⚠ waits');
    expect(statusOf({ ...base, outcome: { ...outcome, status: 'failed', lines: [] } }, 0)?.color).toBe('red');
    expect(statusOf({ ...base, outcome: { ...outcome, ok: true, status: 'done', lines: [] } }, 0)?.text).toBe('✓ waits');
  });

  test('the footer changes with the mode (ink-testing-library)', () => {
    const r = render(<Footer mode="prompt" width={100} />);
    expect(r.lastFrame()).toContain('Enter run  Tab complete');
    r.rerender(<Footer mode="dialog" width={100} />);
    expect(r.lastFrame()).toContain('Esc cancel');
    r.unmount();
  });

  test('header, pane and row texts', () => {
    expect(tooSmallText(70, 20)).toContain('at least 80x24 (this terminal is 70x20)');
    const border = topBorder('2 Queue', '3 items', 30);
    expect([...border]).toHaveLength(30);
    expect(border).toMatch(/^╭─ 2 Queue ─+ 3 items ─╮$/);
    expect([...topBorder('a very long title indeed', 'info', 12)]).toHaveLength(12);
    expect(healthLight(null).label).toBe('CHECKING');
    expect(healthLight([{ name: 'db', status: 'failing' }]).color).toBe('red');
    expect(healthLight([{ name: 'db', status: 'not_configured' }]).label).toBe('NOT CONFIGURED');
    expect(healthLight([{ name: 'db', status: 'ok' }, { name: 'x', status: 'not_configured' }])).toEqual({ color: 'green', label: 'OK · 1 NOT CONFIGURED' });
    expect(healthLight([{ name: 'db', status: 'ok' }, { name: 'x', status: 'ok' }])).toEqual({ color: 'green', label: 'OPTIMAL' });
    expect(healthLight([{ name: 'db', status: 'ok' }, { name: 'x', status: 'not_configured' }, { name: 'y', status: 'failing' }]).color).toBe('red');
    const s = initialState();
    expect(lastDeploymentText(s, 0)).toBe('none');
    expect(lastDeploymentText({ ...s, lastDeployment: { id: 'd', env: 'staging', status: 'done', ts: 0 } }, 2 * 3600_000)).toBe('staging 2 hours ago');
    expect(lastDeploymentText({ ...s, lastDeployment: { id: 'd', env: 'production', status: 'failed', ts: 0 } }, 60_000)).toBe('production failed 1m ago');
    const busy = { ...s, agents: { ...s.agents, migrator: { kind: 'migrator' as const, state: 'working' as const, since: 0, runId: 'RUN-0007', phase: 'EXECUTE', step: 'apply', waitingFor: null } } };
    expect(activeAgents(busy)).toBe('1/6');
    const row = stripAnsi(agentRow(busy.agents.migrator, 70, 65_000));
    expect(row).toMatch(/● Migrator\s+working\s+RUN-0007 {2}EXECUTE · apply\s+1m05s/);
    expect(stripAnsi(agentRow({ kind: 'ops', state: 'waiting_lock', since: 0, waitingFor: 'db:local' }, 70, 1000))).toContain('waits: db:local');
    expect(queueRow({ kind: 'run', id: 'r', run: { id: 'r', status: 'waiting_approval', line: 'deploy', updatedAt: 0, waitingFor: 'approval APR-1' }, active: true }, 80).paint).toBe('magenta');
    expect(queueRow({ kind: 'approval', id: 'a', approval: { id: 'APR-1', summary: 'Deploy', status: 'pending', target: 'production', tool: 'deploy' } }, 80).text).toContain('⚑ APPROVAL APR-1');
  });
});

describe('commands at the prompt', () => {
  test('destructive commands without an approval policy ask first; others do not', () => {
    expect(confirmOf('agents purge logs --older-than 7')).toMatchObject({ summary: expect.stringContaining('destroys or overwrites data') });
    expect(confirmOf('create ticket x')).toBeNull();
    expect(confirmOf('not a command at all, just words')).toBeNull();
    expect(confirmOf('backup restore')).toBeNull(); // governed by an approval instead
    const api = defaultCommands();
    expect(api.complete('create tic')).toEqual({ line: 'create ticket ', candidates: ['ticket'] });
    expect(api.parse('create ticket --priority extreme x').ok).toBe(false);
  });
});

describe('synthetic stream and health', () => {
  test('the env hook is read strictly; the stream keeps its rate and stops at its total', async () => {
    expect(syntheticFromEnv({})).toBeNull();
    expect(syntheticFromEnv({ AGENTDECK_SYNTHETIC_EVENTS: 'lots' })).toBeNull();
    expect(syntheticFromEnv({ AGENTDECK_SYNTHETIC_EVENTS: '5000' })).toEqual({ perSecond: 5000, total: undefined });
    expect(syntheticFromEnv({ AGENTDECK_SYNTHETIC_EVENTS: '10', AGENTDECK_SYNTHETIC_TOTAL: '3' })).toEqual({ perSecond: 10, total: 3 });
    const bus = createBus();
    let n = 0;
    bus.subscribe(() => n++);
    let done = 0;
    startSynthetic(bus, { perSecond: 10_000, total: 250, onDone: (k) => (done = k) });
    await waitFor(() => expect(done).toBe(250));
    expect(n).toBe(250);
    const stop = startSynthetic(bus, { perSecond: 1000 });
    stop();
    const before = n;
    await new Promise((r) => setTimeout(r, 30));
    expect(n).toBe(before);
  });

  test('health checks become a health event the header reads', async () => {
    const root = tmp();
    const bus = createBus();
    const store = createDeckStore();
    const ingestion = connectStore(store, bus, { flushMs: 1_000_000 });
    const checks = await publishHealth(bus, root, {}, { checks: [{ id: 'x', label: 'Thing', run: async () => ({ status: 'failing', detail: 'down' }) }] });
    ingestion.flush();
    expect(checks).toEqual([{ name: 'Thing', status: 'failing', reason: 'down' }]);
    expect(store.getState().health).toEqual(checks);
    expect(plain(store.getState().logs.at(-1)?.message ?? '')).toBe('health: Thing failing (down)');
    await publishHealth(bus, root, {}, { checks: [{ id: 'y', label: 'Fine', run: async () => ({ status: 'ok', detail: 'up' }) }] });
    ingestion.flush();
    expect(healthLight(store.getState().health).label).toBe('OPTIMAL');
    ingestion.stop();
  });
});
