// The built binary in a real terminal: tmux at 120x40 in a temp git repository. Types a command,
// reads the ticket id off the screen, quits with q and checks the terminal came back; then the
// other ways out: SIGTERM, and the terminal closing under it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openStateAt } from '../../src/services/state/db.js';
import { getTicket } from '../../src/services/state/tickets.js';

const repo = resolve(import.meta.dirname, '../..');
const node = process.execPath;
const bin = join(repo, 'bin', 'agentdeck.js');
const socket = `agentdeck-e2e-${process.pid}`;
let dir = '';

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
}

function screen(pane = 'deck'): string {
  return tmux('capture-pane', '-p', '-t', pane);
}

/** Polls the pane (default: the first test's) until its screen passes `check`. */
async function until(what: string, check: (s: string) => boolean, pane = 'deck', timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = screen(pane);
    if (check(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen was:\n${s}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(() => {
  execFileSync(node, [join(repo, 'scripts', 'build.mjs'), '--if-stale'], { cwd: repo, stdio: 'inherit' });
  dir = mkdtempSync(join(tmpdir(), 'agentdeck-e2e-'));
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q', '.');
  git('-c', 'user.name=e2e', '-c', 'user.email=e2e@example.com', 'commit', '-q', '--allow-empty', '-m', 'init');
}, 120_000);

afterAll(() => {
  try {
    tmux('kill-server');
  } catch {
    // Already gone.
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the dashboard files a ticket typed at the prompt and restores the terminal on q', async () => {
  tmux('new-session', '-d', '-s', 'deck', '-x', '120', '-y', '40', '-c', dir, 'env', 'PS1=$ ', 'bash', '--norc', '--noprofile');
  tmux('send-keys', '-t', 'deck', '-l', 'echo BEFORE-THE-DASHBOARD');
  tmux('send-keys', '-t', 'deck', 'Enter');
  await until('the shell', (s) => s.includes('\nBEFORE-THE-DASHBOARD'));
  tmux('send-keys', '-t', 'deck', '-l', `'${node}' '${bin}'; echo "EXITED=$?"`);
  tmux('send-keys', '-t', 'deck', 'Enter');
  const first = await until('the dashboard', (s) => s.includes('AGENTDECK') && s.includes('Queue') && s.includes('press @'));
  // The alternate screen: the shell's lines are not on it.
  expect(first).not.toContain('BEFORE-THE-DASHBOARD');
  expect(first.split('\n').length).toBeLessThanOrEqual(41);

  tmux('send-keys', '-t', 'deck', '-l', '@agent create ticket "login page returns 500"');
  await until('the typed command', (s) => s.includes('› @agent create ticket "login page returns 500"'));
  tmux('send-keys', '-t', 'deck', 'Enter');
  const after = await until('the ticket in the queue', (s) => /BUG-\d{4}-\d{3}\s+\[normal\]\s+login page returns 500/.test(s));
  const id = /(BUG-\d{4}-\d{3})\s+\[normal\]\s+login page returns 500/.exec(after)?.[1];
  expect(id).toMatch(/^BUG-\d{4}-\d{3}$/);

  tmux('send-keys', '-t', 'deck', 'q');
  const back = await until('the shell again', (s) => /^EXITED=\d+/m.test(s));
  expect(back).toMatch(/^EXITED=0$/m);
  expect(back).toContain('BEFORE-THE-DASHBOARD');
  expect(back).not.toContain('AGENTDECK');
  // The terminal is usable again: the shell echoes what is typed (no raw mode left behind).
  tmux('send-keys', '-t', 'deck', '-l', 'echo TERMINAL-OK');
  tmux('send-keys', '-t', 'deck', 'Enter');
  await until('the shell answering', (s) => s.includes('\nTERMINAL-OK'));

  // The ticket on the screen is the one in the project's state db.
  const state = openStateAt(join(dir, '.agentdeck', 'state.db'));
  try {
    expect(getTicket(state, id!)?.title).toBe('login page returns 500');
  } finally {
    state.close();
  }
}, 60_000);

test('keys typed before the dashboard starts run there and leave no echo on the shell after quitting', async () => {
  tmux('new-session', '-d', '-s', 'ahead', '-x', '120', '-y', '40', '-c', dir, 'env', 'PS1=$ ', 'bash', '--norc', '--noprofile');
  tmux('send-keys', '-t', 'ahead', '-l', `'${node}' '${bin}'; echo "EXITED=$?"`);
  tmux('send-keys', '-t', 'ahead', 'Enter');
  // At once, while Node is still starting: the terminal is in cooked mode and echoes these.
  tmux('send-keys', '-t', 'ahead', '-l', '@agent create ticket "typed ahead of the frame"');
  tmux('send-keys', '-t', 'ahead', 'Enter');
  await until('the ticket in the queue', (s) => /\[normal\]\s+typed ahead of the frame/.test(s), 'ahead');
  tmux('send-keys', '-t', 'ahead', 'q');
  const back = await until('the shell again', (s) => /^EXITED=\d+/m.test(s), 'ahead');
  expect(back).toMatch(/^EXITED=0$/m);
  expect(back).not.toContain('typed ahead of the frame');
  tmux('kill-session', '-t', 'ahead');
}, 60_000);

test('SIGTERM restores the terminal too', async () => {
  tmux('new-session', '-d', '-s', 'term', '-x', '120', '-y', '40', '-c', dir, 'env', 'PS1=$ ', 'bash', '--norc', '--noprofile');
  tmux('send-keys', '-t', 'term', '-l', `echo BEFORE-TERM; '${node}' '${bin}'; echo "EXITED=$?"`);
  tmux('send-keys', '-t', 'term', 'Enter');
  await until('the dashboard', (s) => s.includes('AGENTDECK') && s.includes('press @'), 'term');
  const shell = tmux('list-panes', '-t', 'term', '-F', '#{pane_pid}').trim();
  const pid = execFileSync('pgrep', ['-P', shell], { encoding: 'utf8' }).trim().split('\n')[0]!;
  process.kill(Number(pid), 'SIGTERM');
  const back = await until('the shell again', (s) => /^EXITED=\d+/m.test(s), 'term');
  expect(back).toMatch(/^EXITED=143$/m);
  expect(back).toContain('BEFORE-TERM');
  expect(back).not.toContain('AGENTDECK');
}, 60_000);

test('closing the terminal ends the dashboard, with its work saved', async () => {
  tmux('new-session', '-d', '-s', 'hup', '-x', '120', '-y', '40', '-c', dir, node, bin);
  await until('the dashboard', (s) => s.includes('AGENTDECK') && s.includes('press @'), 'hup');
  const pid = Number(tmux('list-panes', '-t', 'hup', '-F', '#{pane_pid}').trim());
  tmux('send-keys', '-t', 'hup', '-l', '@agent create ticket "filed before the hangup"');
  tmux('send-keys', '-t', 'hup', 'Enter');
  await until('the ticket', (s) => s.includes('filed before the hangup') && /TASK-\d{4}-\d{3}/.test(s), 'hup');
  // The terminal goes away: the pty closes and the process gets SIGHUP; writes and raw-mode
  // changes to the dead terminal fail with EIO from then on.
  tmux('kill-session', '-t', 'hup');
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + 15_000;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(alive()).toBe(false);
  const state = openStateAt(join(dir, '.agentdeck', 'state.db'));
  try {
    const titles = (state.db.prepare('SELECT title FROM tickets').all() as { title: string }[]).map((t) => t.title);
    expect(titles).toContain('filed before the hangup');
  } finally {
    state.close();
  }
}, 60_000);
