// The dashboard end to end inside the process: the real engine over a temp state db, the real
// bus and store, and the real Ink renderer.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { listTickets } from '../../src/services/state/tickets.js';
import { getApproval } from '../../src/agents/orchestrator/approvals-repo.js';
import { ApprovalPending } from '../../src/agents/types.js';
import { historyPath } from '../../src/ui/state/history.js';
import { buildQueue } from '../../src/ui/queue.js';
import { KEYS, plain, waitFor } from './harness.js';
import { useMounts, type Mounted } from './mount.js';

const mount = useMounts();

const screen = (m: Mounted): string => plain(m.lastFrame());
/** The log pane's rows only (left of the recent-activity pane). */
const logPane = (m: Mounted): string => {
  const rows = screen(m).split('\n');
  const top = rows.findIndex((r) => r.includes('3 Logs'));
  return rows
    .slice(top)
    .map((r) => r.split('││')[0] ?? '')
    .join('\n');
};

/** Moves the queue selection onto the row of `id`. */
async function selectInQueue(m: Mounted, id: string): Promise<void> {
  await m.press('2');
  await waitFor(() => expect(buildQueue(m.store.getState()).some((i) => i.id === id)).toBe(true));
  const index = buildQueue(m.store.getState()).findIndex((i) => i.id === id);
  await m.press('g');
  for (let i = 0; i < index; i++) await m.press('j');
  expect(m.ui.getState().selection.queue).toBe(index);
}

/** A pending approval recorded by a real run, as a handler asking for one would. */
async function pendingApproval(m: Mounted, ticketId = 'BUG-2026-001'): Promise<string> {
  const ctx = m.t.engine.context({ agent: 'stage', run: true, ticketId, line: `deploy production --ticket ${ticketId}` });
  try {
    await ctx.requireApproval({ tool: 'deploy', args: { env: 'production' }, target: 'production', summary: `Deploy ${ticketId} to production`, confirmText: ticketId });
  } catch (err) {
    if (err instanceof ApprovalPending) return err.approvalId;
    throw err;
  }
  throw new Error('no approval was requested');
}

function emitLogs(m: Mounted, n: number, from = 0): void {
  const levels = ['info', 'success', 'warn', 'error'] as const;
  for (let i = from; i < from + n; i++) m.t.bus.emit({ agent: i % 2 ? 'migrator' : 'bughunter', kind: 'log', level: levels[i % 4]!, message: `event number ${i + 1}` });
  m.flush();
}

describe('prompt line', () => {
  test('typing a command creates a ticket that appears in the queue pane', async () => {
    const m = mount();
    await m.press('@');
    expect(m.ui.getState().mode).toBe('prompt');
    await m.type('agent create ticket "login page returns 500"');
    expect(screen(m)).toContain('› @agent create ticket "login page returns 500"');
    await m.press(KEYS.enter);
    await waitFor(() => expect(screen(m)).toMatch(/BUG-\d{4}-\d{3}\s+\[\w+\]\s+login page returns 500/));
    const tickets = listTickets(m.t.state);
    expect(tickets).toHaveLength(1);
    expect(screen(m)).toContain(tickets[0]!.id);
    expect(m.ui.getState().mode).toBe('normal');
    expect(readFileSync(historyPath(m.t.root), 'utf8')).toBe('@agent create ticket "login page returns 500"\n');
  });

  test('a parse error is shown inline and nothing runs', async () => {
    const m = mount();
    await m.press(':');
    await m.type('create ticket login fails --priority extreme');
    await m.press(KEYS.enter);
    await waitFor(() => expect(screen(m)).toMatch(/✗ .*priority/));
    expect(m.ui.getState().mode).toBe('prompt');
    expect(m.ui.getState().pending).toHaveLength(0);
    expect((m.t.state.db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n).toBe(0);
    // Esc leaves the prompt and the error.
    await m.press(KEYS.esc);
    expect(m.ui.getState().mode).toBe('normal');
    expect(screen(m)).not.toContain('✗');
  });

  test('history is kept across sessions and walked with up/down', async () => {
    const first = mount();
    await first.press(':');
    await first.type('status');
    await first.press(KEYS.enter);
    await waitFor(() => expect(first.ui.getState().pending).toHaveLength(0));
    const second = mount({ root: first.t.root });
    await second.press(':');
    await second.type('dra');
    await second.press(KEYS.up);
    expect(screen(second)).toContain('› status');
    await second.press(KEYS.up);
    expect(screen(second)).toContain('› status');
    await second.press(KEYS.down);
    expect(screen(second)).toContain('› dra');
  });

  test('Tab completes from the registry and lists the candidates', async () => {
    const m = mount();
    await m.press(':');
    await m.type('create tic');
    await m.press(KEYS.tab);
    expect(m.ui.getState().prompt).toBe('create ticket ');
    await m.press(KEYS.esc);
    await m.press(':');
    expect(m.ui.getState().prompt).toBe('');
    await m.type('d');
    await m.press(KEYS.tab);
    await waitFor(() => expect(screen(m)).toMatch(/Tab: .*deploy/));
    await m.type('ep');
    await m.press(KEYS.tab);
    expect(m.ui.getState().prompt).toBe('deploy ');
  });
});

describe('approval dialog', () => {
  test('Cancel has the focus; Esc and Cancel leave the approval pending', async () => {
    const m = mount();
    const id = await pendingApproval(m);
    m.flush();
    await waitFor(() => expect(screen(m)).toContain(`⚑ APPROVAL ${id}`));
    await m.press('a');
    expect(screen(m)).toContain(`Approve ${id}?`);
    expect(m.ui.getState().dialog?.button).toBe(0);
    expect(screen(m)).toContain('[Cancel]   Approve');
    await m.press(KEYS.enter);
    expect(m.ui.getState().mode).toBe('normal');
    await m.press('a');
    await m.press(KEYS.esc);
    expect(m.ui.getState().dialog).toBeNull();
    expect(getApproval(m.t.state, id)?.status).toBe('pending');
  });

  test('approving needs the typed ticket id, then approves that approval', async () => {
    const m = mount();
    const id = await pendingApproval(m, 'BUG-2026-007');
    m.flush();
    await waitFor(() => expect(screen(m)).toContain(id));
    await m.press('a');
    expect(screen(m)).toContain('Type BUG-2026-007 to confirm');
    await m.press(KEYS.tab);
    await m.press(KEYS.enter);
    expect(screen(m)).toContain('Type BUG-2026-007 exactly to confirm');
    expect(getApproval(m.t.state, id)?.status).toBe('pending');
    await m.type('BUG-2026-007');
    await m.press(KEYS.tab);
    await m.press(KEYS.tab);
    expect(m.ui.getState().dialog?.button).toBe(1);
    await m.press(KEYS.enter);
    await waitFor(() => expect(getApproval(m.t.state, id)?.status).toBe('approved'));
    await waitFor(() => expect(screen(m)).not.toContain(`⚑ APPROVAL ${id}`));
  });

  test('x rejects after a confirmation; a with nothing selected explains', async () => {
    const m = mount();
    await m.press('a');
    expect(screen(m)).toContain('No approval selected');
    const id = await pendingApproval(m);
    m.flush();
    await waitFor(() => expect(screen(m)).toContain(id));
    await m.press('x');
    expect(screen(m)).toContain(`Reject ${id}?`);
    await m.press(KEYS.right);
    await m.press(KEYS.enter);
    await waitFor(() => expect(getApproval(m.t.state, id)?.status).toBe('rejected'));
  });
});

describe('overlays', () => {
  test('? opens help generated from the keymap and the registry; Esc closes it', async () => {
    const m = mount();
    await m.press('?');
    const help = screen(m);
    expect(help).toContain('Dashboard keys');
    expect(help).toContain('Filter logs: agent:<name> level:<level> or text');
    await m.press('G');
    expect(screen(m)).toContain('create');
    expect(m.ui.getState().helpScroll).toBeGreaterThan(0);
    await m.press('g');
    expect(m.ui.getState().helpScroll).toBe(0);
    await m.press(KEYS.esc);
    expect(m.ui.getState().mode).toBe('normal');
    await m.press('H');
    expect(m.ui.getState().mode).toBe('help');
    await m.press('H');
    expect(m.ui.getState().mode).toBe('normal');
  });

  test('Enter opens the detail of the selected ticket; Esc goes back', async () => {
    const m = mount();
    await m.press(':');
    await m.type('create ticket checkout is slow --priority high');
    await m.press(KEYS.enter);
    await waitFor(() => expect(screen(m)).toContain('checkout is slow'));
    const ticket = listTickets(m.t.state)[0]!;
    await selectInQueue(m, ticket.id);
    await m.press(KEYS.enter);
    await waitFor(() => expect(screen(m)).toContain(`Ticket ${ticket.id}`));
    expect(screen(m)).toContain('checkout is slow');
    await m.press(KEYS.esc);
    expect(m.ui.getState().mode).toBe('normal');
  });

  test('D opens the deploy confirmation; production asks for the ticket id', async () => {
    const m = mount();
    await m.press(':');
    await m.type('create ticket deploy me');
    await m.press(KEYS.enter);
    await waitFor(() => expect(screen(m)).toContain('deploy me'));
    const ticket = listTickets(m.t.state)[0]!.id;
    await selectInQueue(m, ticket);
    await m.press('D');
    expect(screen(m)).toContain(`Deploy ${ticket}?`);
    expect(m.ui.getState().dialog?.button).toBe(0);
    await m.press(KEYS.left);
    await m.press(KEYS.enter);
    expect(screen(m)).toContain(`Deploy ${ticket} to PRODUCTION?`);
    expect(screen(m)).toContain(`Type ${ticket} to confirm`);
    await m.press(KEYS.esc);
    expect(m.ui.getState().mode).toBe('normal');
  });
});

describe('log pane', () => {
  test('follows the tail, pauses when scrolled up, and G follows again', async () => {
    const m = mount();
    emitLogs(m, 60);
    await waitFor(() => expect(logPane(m)).toContain('event number 60'));
    expect(screen(m)).toContain('following');
    await m.press('3');
    await m.press('k');
    await m.press('k');
    await waitFor(() => expect(screen(m)).toContain('paused'));
    expect(logPane(m)).not.toContain('event number 60');
    expect(logPane(m)).toContain('event number 58');
    emitLogs(m, 5, 60);
    await waitFor(() => expect(screen(m)).toContain('7 newer'));
    expect(logPane(m)).not.toContain('event number 65');
    expect(logPane(m)).toContain('event number 58');
    await m.press('G');
    await waitFor(() => expect(logPane(m)).toContain('event number 65'));
    expect(screen(m)).toContain('following');
    await m.press(KEYS.pageUp);
    expect(screen(m)).toContain('paused');
    await m.press('g');
    expect(logPane(m)).toContain('event number 1 ');
  });

  test('/ filters by level, agent and text; n/N jump between matches; Esc clears', async () => {
    const m = mount();
    emitLogs(m, 40);
    await waitFor(() => expect(logPane(m)).toContain('event number 40'));
    await m.press('/');
    expect(m.ui.getState().mode).toBe('filter');
    await m.type('level:error');
    await m.press(KEYS.enter);
    const filtered = logPane(m);
    expect(filtered).toContain('10 matches in history');
    expect(filtered).toContain('event number 40');
    expect(filtered).not.toContain('event number 39');
    await m.press('/');
    await m.type(' agent:migrator');
    await m.press(KEYS.enter);
    // Words must appear too.
    await m.press('/');
    await m.type(' zzz');
    await m.press(KEYS.enter);
    expect(logPane(m)).toContain('No line matches the filter');
    await m.press('n');
    expect(screen(m)).toContain('No line matches');
    await m.press('/');
    for (let i = 0; i < ' zzz'.length; i++) await m.press(KEYS.backspace);
    await m.press(KEYS.enter);
    expect(m.ui.getState().filter).toBe('level:error agent:migrator');
    expect(logPane(m)).toContain('10 matches in history');
    expect(logPane(m)).not.toContain('[BUGHUNTER]');
    await m.press('n');
    expect(screen(m)).toContain('match 1 of 10');
    await m.press('n');
    expect(screen(m)).toContain('match 2 of 10');
    await m.press('N');
    await m.press('N');
    expect(screen(m)).toContain('match 10 of 10');
    // The current match is drawn inverted.
    const selected = m.lastFrame().split('\n').find((l) => l.includes('[MIGRATOR] ✗ event number 40'));
    expect(selected).toContain(`${String.fromCharCode(27)}[7m`);
    await m.press(KEYS.esc);
    expect(m.ui.getState().filter).toBe('');
    expect(logPane(m)).toContain('[BUGHUNTER]');
    await m.press('/');
    await m.type('number 17');
    await m.press(KEYS.enter);
    expect(screen(m)).toContain('1 match in history');
    await m.press('/');
    await m.press(KEYS.esc);
    expect(m.ui.getState().filter).toBe('');
  });
});

describe('size', () => {
  test('the frame is exactly the terminal, re-lays out on resize, and too small asks for 80x24', async () => {
    const m = mount({ columns: 120, rows: 40 });
    const lines = (): string[] => screen(m).split('\n');
    expect(lines()).toHaveLength(40);
    expect(lines()[0]).toContain('Active agents 0/6 │ Queue 0 │ Last deployment: none │ crm-app → local');
    expect(Math.max(...lines().map((l) => [...l].length))).toBeLessThanOrEqual(120);
    m.stdout.resize(80, 24);
    await waitFor(() => expect(lines()).toHaveLength(24));
    expect(Math.max(...lines().map((l) => [...l].length))).toBeLessThanOrEqual(80);
    expect(screen(m)).toContain('Queue');
    // The header keeps the project and target visible with short labels.
    expect(lines()[0]).toMatch(/Agents 0\/6 │ Queue 0 │ Deploy: none │ crm-app → local/);
    m.stdout.resize(79, 30);
    await waitFor(() => expect(screen(m)).toContain('needs at least 80x24'));
    expect(screen(m).trim().split('\n')).toHaveLength(1);
    m.stdout.resize(100, 23);
    await waitFor(() => expect(screen(m)).toContain('(this terminal is 100x23)'));
    m.stdout.resize(100, 30);
    await waitFor(() => expect(lines()).toHaveLength(30));
    await m.press('q');
    expect(m.exitCode()).toBe(0);
  });

  test('L enlarges the log pane; Tab and Shift-Tab move the focus', async () => {
    const m = mount();
    await m.press('L');
    expect(screen(m)).not.toContain('1 Agents');
    expect(m.ui.getState().focus).toBe('logs');
    await m.press('L');
    expect(screen(m)).toContain('1 Agents');
    await m.press(KEYS.tab);
    expect(m.ui.getState().focus).toBe('activity');
    await m.press(KEYS.shiftTab);
    await m.press(KEYS.shiftTab);
    expect(m.ui.getState().focus).toBe('queue');
  });
});

describe('quitting', () => {
  test('q asks first while a run is active; Ctrl+C quits at once', async () => {
    const m = mount();
    m.t.engine.context({ agent: 'bughunter', run: true, line: 'fix ticket BUG-2026-001' });
    m.t.bus.emit({ agent: 'bughunter', kind: 'run', level: 'debug', message: 'started', data: { run: { id: 'run-x', status: 'running', line: 'fix ticket BUG-2026-001' } } });
    m.flush();
    await waitFor(() => expect(screen(m)).toContain('fix ticket BUG-2026-001'));
    await m.press('q');
    expect(screen(m)).toContain('Quit while 1 run is active?');
    await m.press(KEYS.enter);
    expect(m.exitCode()).toBeNull();
    await m.press('q');
    await m.press(KEYS.tab);
    await m.press(KEYS.enter);
    expect(m.exitCode()).toBe(0);
    const other = mount();
    await other.press(KEYS.ctrlC);
    expect(other.exitCode()).toBe(0);
  });
});
