// The prompt edits like readline's emacs mode, fed the bytes terminals send (xterm, tmux, rxvt),
// one key per write and several keys per write, through the real Ink renderer and dispatcher.
import { describe, expect, test } from 'vitest';
import { listTickets } from '../../src/services/state/tickets.js';
import { buildQueue } from '../../src/ui/queue.js';
import { keymapLines } from '../../src/ui/help.js';
import { KEYS, plain, tick, waitFor } from './harness.js';
import { useMounts, type Mounted } from './mount.js';

const mount = useMounts();

const screen = (m: Mounted): string => plain(m.lastFrame());

/** The prompt's text with `|` where the cursor is. */
function line(m: Mounted): string {
  const s = m.ui.getState();
  const text = s.mode === 'filter' ? s.filter : s.mode === 'dialog' ? (s.dialog?.input ?? '') : s.prompt;
  const at = s.cursor ?? text.length;
  return `${text.slice(0, at)}|${text.slice(at)}`;
}

/** Opens the prompt and types `text` in one write, as a paste or fast typing arrives. */
async function prompt(m: Mounted, text: string): Promise<void> {
  await m.press(':');
  m.stdin.write(text);
  await tick(10);
}

const SEQ = {
  ctrlA: '\u0001',
  ctrlB: '\u0002',
  ctrlD: '\u0004',
  ctrlE: '\u0005',
  ctrlF: '\u0006',
  ctrlK: '\u000b',
  ctrlR: '\u0012',
  ctrlU: '\u0015',
  ctrlW: '\u0017',
  ctrlY: '\u0019',
  altB: '\u001bb',
  altF: '\u001bf',
  altD: '\u001bd',
  altBackspace: '\u001b\u007f',
  ctrlLeft: '\u001b[1;5D',
  ctrlRight: '\u001b[1;5C',
  altLeft: '\u001b[1;3D',
  delete: '\u001b[3~',
} as const;

describe('moving the cursor', () => {
  test.each([
    ['Home as xterm sends it', '\u001b[H'],
    ['Home as tmux and the console send it', '\u001b[1~'],
    ['Home in application mode', '\u001bOH'],
    ['Ctrl+A', SEQ.ctrlA],
  ])('%s goes to the start of the line', async (_name, seq) => {
    const m = mount();
    await prompt(m, 'status --json');
    await m.press(seq);
    expect(line(m)).toBe('|status --json');
  });

  test.each([
    ['End as xterm sends it', '\u001b[F'],
    ['End as tmux sends it', '\u001b[4~'],
    ['End in application mode', '\u001bOF'],
    ['Ctrl+E', SEQ.ctrlE],
  ])('%s goes to the end of the line', async (_name, seq) => {
    const m = mount();
    await prompt(m, 'status --json');
    await m.press(SEQ.ctrlA);
    await m.press(seq);
    expect(line(m)).toBe('status --json|');
  });

  test('characters and words, with Ctrl, Alt and the arrows', async () => {
    const m = mount();
    await prompt(m, 'fix ticket BUG-2026-001');
    await m.press(SEQ.ctrlB);
    await m.press(KEYS.left);
    expect(line(m)).toBe('fix ticket BUG-2026-0|01');
    await m.press(SEQ.ctrlF);
    expect(line(m)).toBe('fix ticket BUG-2026-00|1');
    await m.press(SEQ.altB);
    expect(line(m)).toBe('fix ticket BUG-2026-|001');
    await m.press(SEQ.ctrlLeft);
    expect(line(m)).toBe('fix ticket BUG-|2026-001');
    await m.press(SEQ.altLeft);
    expect(line(m)).toBe('fix ticket |BUG-2026-001');
    await m.press(SEQ.altF);
    expect(line(m)).toBe('fix ticket BUG|-2026-001');
    await m.press(SEQ.ctrlRight);
    expect(line(m)).toBe('fix ticket BUG-2026|-001');
    await m.press(KEYS.right);
    expect(line(m)).toBe('fix ticket BUG-2026-|001');
  });

  test('typing in the middle inserts at the cursor, and the screen shows the cursor there', async () => {
    const m = mount();
    await prompt(m, 'create ticket "x"');
    await m.press(SEQ.ctrlA);
    await m.press(SEQ.altF);
    await m.type(' new');
    expect(line(m)).toBe('create new| ticket "x"');
    await waitFor(() => expect(screen(m)).toContain('› create new ticket "x"'));
  });
});

describe('cutting and pasting back', () => {
  test('Ctrl+U clears what is before the cursor, so the command that runs is the one typed after', async () => {
    const m = mount();
    await prompt(m, 'deploy production --ticket BUG-2026-001');
    await m.press(SEQ.ctrlU);
    expect(line(m)).toBe('|');
    m.stdin.write('create ticket "login fails"');
    await tick(10);
    await m.press(KEYS.enter);
    await waitFor(() => expect(listTickets(m.t.state).map((t) => t.title)).toEqual(['login fails']));
    expect(m.ui.getState().history.at(-1)).toBe('create ticket "login fails"');
  });

  test('Ctrl+K, Ctrl+W, Alt+D, Alt+Backspace cut; Ctrl+Y pastes the last cut', async () => {
    const m = mount();
    await prompt(m, 'migrate execute --dry-run --target local');
    await m.press(SEQ.ctrlW);
    expect(line(m)).toBe('migrate execute --dry-run --target |');
    await m.press(SEQ.ctrlW);
    expect(line(m)).toBe('migrate execute --dry-run |');
    await m.press(SEQ.altBackspace);
    expect(line(m)).toBe('migrate execute --dry-|');
    await m.press(SEQ.ctrlA);
    await m.press(SEQ.altD);
    expect(line(m)).toBe('| execute --dry-');
    await m.press(SEQ.ctrlY);
    expect(line(m)).toBe('migrate| execute --dry-');
    await m.press(SEQ.ctrlK);
    expect(line(m)).toBe('migrate|');
    await m.press(SEQ.ctrlY);
    expect(line(m)).toBe('migrate execute --dry-|');
  });

  test('Backspace, Delete and Ctrl+D delete around the cursor; Ctrl+D on an empty line leaves', async () => {
    const m = mount();
    await prompt(m, 'statuss');
    await m.press(KEYS.backspace);
    expect(line(m)).toBe('status|');
    await m.press(SEQ.ctrlA);
    await m.press(SEQ.delete);
    expect(line(m)).toBe('|tatus');
    await m.press(SEQ.ctrlD);
    expect(line(m)).toBe('|atus');
    await m.press(SEQ.ctrlK);
    await m.press(SEQ.ctrlD);
    expect(m.ui.getState().mode).toBe('normal');
  });

  test('an emoji moves and deletes as one character', async () => {
    const m = mount();
    await prompt(m, 'create ticket "🚀 launch"');
    for (let i = 0; i < 9; i++) await m.press(SEQ.ctrlB);
    expect(line(m)).toBe('create ticket "|🚀 launch"');
    await m.press(SEQ.ctrlF);
    expect(line(m)).toBe('create ticket "🚀| launch"');
    await m.press(KEYS.backspace);
    expect(line(m)).toBe('create ticket "| launch"');
  });

  test('Ctrl and Alt keys with no binding type nothing', async () => {
    const m = mount();
    await prompt(m, 'status');
    for (const seq of ['\u0007', '\u000f', '\u001bz', '\u001bq', '\u0010']) await m.press(seq);
    expect(line(m)).toBe('status|');
  });
});

describe('pasted and typed-ahead text', () => {
  test('a bracketed paste is one insertion at the cursor', async () => {
    const m = mount();
    await prompt(m, 'create ticket ""');
    await m.press(SEQ.ctrlB);
    m.stdin.write('\u001b[200~login page\treturns 500\u001b[201~');
    await tick(20);
    expect(line(m)).toBe('create ticket "login page returns 500|"');
  });

  test('Esc leaves the prompt with the line as typed; reopening starts clean', async () => {
    const m = mount();
    await prompt(m, 'garbled');
    await m.press(SEQ.ctrlU);
    await m.press(KEYS.esc);
    expect(m.ui.getState().mode).toBe('normal');
    expect(screen(m)).not.toContain('garbled');
  });
});

describe('Ctrl+R searches the history', () => {
  test('finds the newest match, older on Ctrl+R again, Enter runs it, Esc restores the line', async () => {
    const m = mount();
    for (const cmd of ['create ticket "first bug"', 'status', 'create ticket "second bug"']) {
      await prompt(m, cmd);
      await m.press(KEYS.enter);
      await waitFor(() => expect(m.ui.getState().pending).toHaveLength(0));
    }
    await prompt(m, 'half typed');
    await m.press(SEQ.ctrlR);
    m.stdin.write('ticket');
    await tick(10);
    await waitFor(() => expect(screen(m)).toContain(`(reverse-i-search)'ticket': create ticket "second bug"`));
    await m.press(SEQ.ctrlR);
    await waitFor(() => expect(screen(m)).toContain(`(reverse-i-search)'ticket': create ticket "first bug"`));
    await m.press(KEYS.esc);
    expect(m.ui.getState().search).toBeNull();
    expect(line(m)).toBe('half typed|');
    await m.press(SEQ.ctrlR);
    await m.type('sta');
    await m.press(SEQ.ctrlE);
    expect(line(m)).toBe('status|');
    await m.press(SEQ.ctrlU);
    await m.press(SEQ.ctrlR);
    m.stdin.write('second');
    await tick(10);
    await m.press(KEYS.enter);
    await waitFor(() => expect(listTickets(m.t.state).filter((t) => t.title === 'second bug')).toHaveLength(2));
  });

  test('a search with no match says so and leaves the line alone', async () => {
    const m = mount();
    await prompt(m, 'status');
    await m.press(KEYS.enter);
    await waitFor(() => expect(m.ui.getState().pending).toHaveLength(0));
    await m.press(':');
    await m.press(SEQ.ctrlR);
    m.stdin.write('nothing like it');
    await tick(10);
    await waitFor(() => expect(screen(m)).toContain(`(failing reverse-i-search)'nothing like it'`));
    await m.press(KEYS.backspace);
    expect(m.ui.getState().search?.query).toBe('nothing like i');
  });
});

describe('the filter and a typed confirmation edit the same way', () => {
  test('the log filter', async () => {
    const m = mount();
    await m.press('/');
    m.stdin.write('agent:migrator level:error');
    await tick(10);
    await m.press(SEQ.ctrlW);
    expect(line(m)).toBe('agent:migrator |');
    await m.press(SEQ.ctrlA);
    await m.press(SEQ.ctrlK);
    expect(line(m)).toBe('|');
  });
});

describe('every key counts', () => {
  async function withTickets(m: Mounted, n: number): Promise<string[]> {
    for (let i = 0; i < n; i++) await m.controller.run(`create ticket "ticket number ${i + 1}"`);
    await waitFor(() => {
      m.flush();
      expect(buildQueue(m.store.getState()).filter((q) => q.kind === 'ticket')).toHaveLength(n);
    });
    return buildQueue(m.store.getState()).map((q) => q.id);
  }

  test('jjjj in one chunk moves four rows; kkk back three', async () => {
    const m = mount();
    await withTickets(m, 6);
    await m.press('2');
    await m.press('g');
    m.stdin.write('jjjj');
    await tick(10);
    expect(m.ui.getState().selection.queue).toBe(4);
    m.stdin.write('kkk');
    await tick(10);
    expect(m.ui.getState().selection.queue).toBe(1);
  });

  test('"2gjj" then D in one chunk asks to deploy the third row, not another', async () => {
    const m = mount();
    const ids = await withTickets(m, 5);
    await m.press('1');
    m.stdin.write('2gjjD');
    await tick(20);
    expect(m.ui.getState().selection.queue).toBe(2);
    const dialog = m.ui.getState().dialog;
    expect(dialog?.title ?? m.ui.getState().notice ?? '').toContain(ids[2]!);
  });

  test('":status" and a line break in one chunk opens the prompt and runs it', async () => {
    const m = mount();
    m.stdin.write(':create ticket "typed fast"\r');
    await tick(10);
    await waitFor(() => expect(listTickets(m.t.state).map((t) => t.title)).toEqual(['typed fast']));
    expect(m.ui.getState().mode).toBe('normal');
  });
});

test('help lists the line-editing keys from the keymap', () => {
  const text = keymapLines().map(plain).join('\n');
  expect(text).toContain('Editing a line');
  for (const label of ['Ctrl+A Home', 'Ctrl+U', 'Ctrl+W', 'Alt+Backspace', 'Ctrl+Y', 'Ctrl+D', 'Ctrl+R', 'Alt+B Ctrl+← Alt+←']) expect(text).toContain(label);
});
