// The key actions against the UI store and a deck store, with an engine that records what it is
// asked to run (the dashboard tests drive the real engine; these cover the edges).
import { describe, expect, test } from 'vitest';
import type { CommandResult } from '../../src/agents/types.js';
import { createDeckStore, initialState } from '../../src/store/index.js';
import type { DeckState, LogLine } from '../../src/store/types.js';
import { createController, type CommandsApi } from '../../src/ui/controller.js';
import { computeLayout } from '../../src/ui/layout.js';
import { createUiStore } from '../../src/ui/state/ui-store.js';

const commands: CommandsApi = {
  parse: (line) =>
    line.startsWith('bad') ? { ok: false, error: 'unknown command "bad"', suggestion: 'did you mean "status"?', usage: 'status' } : { ok: true, kind: 'text', text: line },
  complete: (line) => (line === 'zz' ? { line, candidates: [] } : { line, candidates: ['alpha', 'alpine', 'beta', ...Array.from({ length: 12 }, (_, i) => `c${i}`)] }),
  confirmOf: (line) => (line.startsWith('purge') ? { summary: 'Purge: this destroys data.', typed: line.includes('BUG') ? 'BUG-2026-001' : undefined } : null),
};

function setup(deckInit: Partial<DeckState> = {}, engine?: (line: string) => Promise<CommandResult>) {
  const ran: string[] = [];
  const ui = createUiStore(['first', 'second']);
  const deck = createDeckStore(deckInit);
  let exited = 0;
  let refreshed = 0;
  const c = createController({
    ui,
    deck,
    engine: {
      dispatch: async (line) => {
        ran.push(line);
        return engine ? engine(line) : { ok: true, status: 'done', message: `ran ${line}` };
      },
    },
    commands,
    exit: () => exited++,
    view: () => ({ layout: computeLayout(100, 30), overlayLines: 100 }),
    refresh: async () => {
      refreshed++;
      if (refreshed > 1) throw new Error('db locked');
    },
    now: () => 1000,
  });
  return { c, ui, deck, ran, exited: () => exited, refreshed: () => refreshed };
}

const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
const logs = (n: number): LogLine[] => Array.from({ length: n }, (_, i) => ({ id: i + 1, ts: 0, agent: 'ops', level: 'info', message: `m${i + 1}`, runId: i === 4 ? 'RUN-0005' : undefined, ticketId: i === 5 ? 'BUG-2026-006' : undefined }));

describe('controller', () => {
  test('text with line breaks (typed ahead, pasted) runs line by line, as if Enter followed each', async () => {
    const { c, ui, ran } = setup();
    c.prompt('@create ticket "a"\r@create ticket "b"\n@create', ['@']);
    await flush();
    expect(ran).toEqual(['@create ticket "a"', '@create ticket "b"']);
    expect(ui.getState()).toMatchObject({ mode: 'prompt', prompt: '@create', history: ['first', 'second', '@create ticket "a"', '@create ticket "b"'] });
    // Typed into the open prompt: what was there is the start of the first line.
    c.setPrompt('@create ticket "c"\r');
    await flush();
    expect(ran.at(-1)).toBe('@create ticket "c"');
    expect(ui.getState().mode).toBe('normal');
  });

  test('the lines stop at one that needs attention, and say how many did not run', async () => {
    const { c, ui, ran } = setup();
    c.prompt(':bad one\rstatus\rstatus', [':']);
    await flush();
    expect(ran).toEqual([]);
    expect(ui.getState()).toMatchObject({ mode: 'prompt', prompt: 'bad one', notice: '2 more typed lines not run: this one needs attention first' });
    c.setPrompt('purge BUG-2026-001\rstatus');
    expect(ui.getState().mode).toBe('dialog');
    expect(ui.getState().notice).toBe('1 more typed line not run: this one needs attention first');
    expect(ran).toEqual([]);
  });

  test('refresh reports success and failure as a notice', async () => {
    const { c, ui } = setup();
    c.refresh('R', ['R']);
    expect(ui.getState().notice).toBe('refreshing…');
    await flush();
    expect(ui.getState().notice).toBe('refreshed');
    c.refresh('R', ['R']);
    await flush();
    expect(ui.getState().notice).toBe('refresh failed: db locked');
    c.back('', ['esc']);
    expect(ui.getState().notice).toBeNull();
  });

  test('a parse error names the suggestion and usage; nothing runs', () => {
    const { c, ui, ran } = setup();
    c.prompt(':', [':']);
    c.setPrompt('bad thing');
    c.submitPrompt('', ['enter']);
    expect(ui.getState().promptError).toBe('unknown command "bad" (did you mean "status"? · usage: status)');
    expect(ran).toEqual([]);
    c.setPrompt('   ');
    c.submitPrompt('', ['enter']);
    expect(ui.getState().mode).toBe('normal');
  });

  test('destructive commands open a dialog first, typed when asked; Run then dispatches', async () => {
    const { c, ui, ran } = setup();
    c.prompt(':', [':']);
    c.setPrompt('purge logs');
    c.submitPrompt('', ['enter']);
    expect(ui.getState().mode).toBe('dialog');
    expect(ui.getState().dialog?.title).toBe('Run "purge logs"?');
    c.dialogToggle('', ['tab']);
    c.dialogPress('', ['enter']);
    await flush();
    expect(ran).toEqual(['purge logs']);
    expect(ui.getState().outcome?.message).toBe('ran purge logs');
    c.prompt(':', [':']);
    c.setPrompt('purge BUG-2026-001');
    c.submitPrompt('', ['enter']);
    c.dialogToggle('', ['S-tab']);
    c.dialogPress('', ['enter']);
    expect(ui.getState().dialog?.error).toContain('Type BUG-2026-001 exactly');
    c.setDialogInput('BUG-2026-001');
    expect(ui.getState().dialog?.error).toBeNull();
    c.dialogPress('', ['enter']);
    await flush();
    expect(ran).toEqual(['purge logs', 'purge BUG-2026-001']);
  });

  test('an engine that throws still ends with an outcome, and the spinner goes away', async () => {
    const { c, ui } = setup({}, async () => {
      throw new Error('kaput');
    });
    const r = await c.run('status');
    expect(r?.ok).toBe(false);
    expect(ui.getState().pending).toEqual([]);
    expect(ui.getState().outcome).toMatchObject({ ok: false, message: 'kaput' });
  });

  test('history walks back and forth and restores the draft', () => {
    const { c, ui } = setup();
    c.prompt('@', ['@']);
    c.setPrompt('@dr');
    c.historyNext('', ['down']);
    expect(ui.getState().prompt).toBe('@dr');
    c.historyPrev('', ['up']);
    c.historyPrev('', ['up']);
    c.historyPrev('', ['up']);
    expect(ui.getState().prompt).toBe('first');
    c.historyNext('', ['down']);
    expect(ui.getState().prompt).toBe('second');
    c.historyNext('', ['down']);
    expect(ui.getState().prompt).toBe('@dr');
    const empty = setup();
    empty.ui.setState({ history: [] });
    empty.c.historyPrev('', ['up']);
    expect(empty.ui.getState().prompt).toBe('');
  });

  test('completion extends to the common prefix and lists at most twelve', () => {
    const { c, ui } = setup();
    c.prompt(':', [':']);
    c.setPrompt('zz');
    c.complete('', ['tab']);
    expect(ui.getState().promptHint).toBe('no completion here');
    c.setPrompt('al');
    c.complete('', ['tab']);
    expect(ui.getState().promptHint).toMatch(/^Tab: alpha · alpine · beta .* · \(\+3\)$/);
  });

  test('lists move within bounds; pages use the pane height; overlays scroll to their end', () => {
    const activity = Array.from({ length: 40 }, (_, i) => ({ ts: 0, level: 'success' as const, text: `BUG-2026-0${10 + i}: done` }));
    const { c, ui } = setup({ activity });
    c.focusPane('4', ['4']);
    c.pageDown('', ['pgdn']);
    expect(ui.getState().selection.activity).toBe(computeLayout(100, 30).activityRows - 1);
    c.bottom('G', ['G']);
    expect(ui.getState().selection.activity).toBe(39);
    c.down('j', ['j']);
    expect(ui.getState().selection.activity).toBe(39);
    c.top('g', ['g']);
    c.up('k', ['k']);
    expect(ui.getState().selection.activity).toBe(0);
    c.open('', ['enter']);
    expect(ui.getState().detail).toEqual({ kind: 'ticket', id: 'BUG-2026-010' });
    c.back('', ['esc']);
    c.help('?', ['?']);
    c.bottom('G', ['G']);
    const last = ui.getState().helpScroll;
    expect(last).toBe(100 - (30 - 4 - 2));
    c.pageDown('', ['pgdn']);
    expect(ui.getState().helpScroll).toBe(last);
    c.pageUp('', ['pgup']);
    expect(ui.getState().helpScroll).toBeLessThan(last);
    c.back('', ['esc']);
    expect(ui.getState().mode).toBe('normal');
  });

  test('Enter opens what the focused pane points at, or says there is nothing', () => {
    const s = initialState();
    const { c, ui, deck } = setup({
      logs: logs(10),
      agents: { ...s.agents, migrator: { kind: 'migrator', state: 'working', since: 0, runId: 'RUN-0003' } },
      approvals: [{ id: 'APR-1', summary: 'x', status: 'pending', target: 'staging', tool: 'deploy', ticketId: 'BUG-2026-002' }],
    });
    c.focusPane('1', ['1']);
    c.open('', ['enter']);
    expect(ui.getState().notice).toContain('Nothing to open here');
    c.down('j', ['j']);
    c.down('j', ['j']);
    c.down('j', ['j']);
    c.open('', ['enter']);
    expect(ui.getState().detail).toEqual({ kind: 'run', id: 'RUN-0003' });
    c.back('', ['esc']);
    c.focusPane('2', ['2']);
    c.open('', ['enter']);
    expect(ui.getState().detail).toEqual({ kind: 'ticket', id: 'BUG-2026-002' });
    // In the detail view, a/x act on the approval of what is shown.
    c.approve('a', ['a']);
    expect(ui.getState().dialog?.title).toBe('Approve APR-1?');
    c.back('', ['esc']);
    expect(ui.getState().mode).toBe('detail');
    c.back('', ['esc']);
    // The logs: the current match's run or ticket.
    c.focusPane('3', ['3']);
    ui.setState({ filter: 'm', match: 5 });
    c.open('', ['enter']);
    expect(ui.getState().detail).toEqual({ kind: 'run', id: 'RUN-0005' });
    c.back('', ['esc']);
    ui.setState({ match: 6 });
    c.open('', ['enter']);
    expect(ui.getState().detail).toEqual({ kind: 'ticket', id: 'BUG-2026-006' });
    c.reject('x', ['x']);
    expect(ui.getState().notice).toContain('No approval selected');
    expect(deck.getState().approvals).toHaveLength(1);
  });

  test("the approve dialog shows the approval's diff and sends the exact approve line", () => {
    const detail = ['agentdeck.config.json:', '  - approvals.ttlMinutes: 60', '  + approvals.ttlMinutes: 10080'];
    const { c, ui } = setup({
      approvals: [{ id: 'APR-7', summary: 'Lower guards', status: 'pending', target: 'config', tool: 'agents update config', confirmText: 'my app', detail }],
    });
    c.focusPane('2', ['2']);
    c.approve('a', ['a']);
    const dialog = ui.getState().dialog;
    expect(dialog?.body).toEqual(['Lower guards', ...detail, 'target: config · action: agents update config']);
    // The same line the console hint and the email give, quoted where the confirmation has a space.
    expect(dialog?.buttons[1]?.action).toEqual({ kind: 'command', line: "approve APR-7 --confirm 'my app'" });
  });

  test('n/N explain themselves without a filter or a match; D needs a ticket', () => {
    const { c, ui } = setup({ logs: logs(3) });
    c.nextMatch('n', ['n']);
    expect(ui.getState().notice).toContain('No filter');
    ui.setState({ filter: 'nothing-like-this' });
    c.prevMatch('N', ['N']);
    expect(ui.getState().notice).toBe('No line matches "nothing-like-this"');
    ui.setState({ filter: 'm', match: 999 });
    c.nextMatch('n', ['n']);
    expect(ui.getState().match).toBe(1);
    c.filter('/', ['/']);
    c.setFilter('agent:nobody');
    c.applyFilter('', ['enter']);
    expect(ui.getState().notice).toContain('filter: unknown agent "nobody"');
    c.focusPane('3', ['3']);
    c.deploy('D', ['D']);
    expect(ui.getState().notice).toContain('Select a ticket in the queue first');
    c.focusPane('9', ['9']);
    expect(ui.getState().focus).toBe('logs');
  });

  test('D offers staging or production; production needs the ticket id typed', async () => {
    const { c, ui, ran } = setup({ tickets: [{ id: 'BUG-2026-001', kind: 'BUG', title: 't', status: 'open', priority: 'normal', updatedAt: 0 }] });
    c.focusPane('2', ['2']);
    c.deploy('D', ['D']);
    c.dialogToggle('', ['right']);
    c.dialogPress('', ['enter']);
    await flush();
    expect(ran).toEqual(['deploy staging --ticket BUG-2026-001']);
    c.deploy('D', ['D']);
    c.dialogToggle('', ['left']);
    c.dialogPress('', ['enter']);
    expect(ui.getState().dialog?.typed).toBe('BUG-2026-001');
    c.setDialogInput('BUG-2026-001');
    c.dialogToggle('', ['tab']);
    c.dialogPress('', ['enter']);
    await flush();
    expect(ran).toEqual(['deploy staging --ticket BUG-2026-001', 'deploy production --ticket BUG-2026-001']);
  });

  test('quit asks while an engine call is pending, and quits when confirmed', async () => {
    let release: (r: CommandResult) => void = () => undefined;
    const { c, ui, exited } = setup({}, () => new Promise((r) => (release = r)));
    void c.run('slow thing');
    c.quit('q', ['q']);
    expect(ui.getState().dialog?.title).toBe('Quit while 1 run is active?');
    c.dialogToggle('', ['tab']);
    c.dialogPress('', ['enter']);
    expect(exited()).toBe(1);
    release({ ok: true, status: 'done', message: 'ok' });
    await flush();
    c.quitNow('', ['C-c']);
    expect(exited()).toBe(2);
    // Dialog keys with no dialog do nothing.
    ui.setState({ dialog: null });
    c.dialogToggle('', ['tab']);
    c.dialogPress('', ['enter']);
    c.setDialogInput('x');
    expect(ui.getState().dialog).toBeNull();
  });

  test('L toggles the enlarged logs; logs scroll with g', () => {
    const { c, ui } = setup({ logs: logs(200) });
    c.logs('L', ['L']);
    expect(ui.getState()).toMatchObject({ logsMaximized: true, focus: 'logs' });
    c.top('g', ['g']);
    expect(ui.getState().logAnchor).toBe(computeLayout(100, 30).logRows);
    c.pageDown('', ['pgdn']);
    expect(ui.getState().logAnchor).not.toBeNull();
    c.bottom('G', ['G']);
    expect(ui.getState().logAnchor).toBeNull();
    c.focusNext('', ['tab']);
    c.focusPrev('', ['S-tab']);
    expect(ui.getState().focus).toBe('logs');
  });
});
