// runDashboard's ways out: each leaves the alternate screen (Ink unmounted) and says how it ended.
import { afterEach, expect, test } from 'vitest';
import { listTickets } from '../../src/services/state/tickets.js';
import { connectStore, createDeckStore, hydrate } from '../../src/store/index.js';
import { runDashboard, startDashboard } from '../../src/ui/index.js';
import { makeContext, type TestContext } from '../helpers/context.js';
import { FakeStdin, FakeStdout, tick, waitFor, plain } from './harness.js';

const ENTER_ALT = '\u001B[?1049h';
const LEAVE_ALT = '\u001B[?1049l';

let contexts: TestContext[] = [];
afterEach(() => {
  for (const t of contexts) t.cleanup();
  contexts = [];
});

function setup() {
  const t = makeContext({ run: false });
  contexts.push(t);
  const store = createDeckStore();
  hydrate(store, t.state);
  const ingestion = connectStore(store, t.bus, { flushMs: 20 });
  const stdout = new FakeStdout(100, 30);
  const stderr = new FakeStdout(100, 30);
  const stdin = new FakeStdin();
  const options = {
    root: t.root,
    engine: t.engine,
    store,
    bus: t.bus,
    env: {},
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    interactive: true,
    patchConsole: false,
    handleProcess: false,
  };
  return { t, store, ingestion, stdout, stderr, stdin, options, all: () => stdout.frames.join('') };
}

test('q leaves the alternate screen and resolves 0', async () => {
  const s = setup();
  const done = runDashboard(s.options);
  await waitFor(() => expect(plain(s.all())).toContain('AGENTDECK'));
  expect(s.all()).toContain(ENTER_ALT);
  // The health checks ran off the render path and lit the header.
  await waitFor(() => expect(s.store.getState().health).not.toBeNull());
  s.stdin.write('q');
  expect(await done).toBe(0);
  expect(s.all().lastIndexOf(LEAVE_ALT)).toBeGreaterThan(s.all().indexOf(ENTER_ALT));
  s.ingestion.stop();
});

test('runs its after-first-frame work once the first frame is drawn', async () => {
  const s = setup();
  let framesThen = -1;
  const done = runDashboard({
    ...s.options,
    afterFirstFrame: () => {
      framesThen = plain(s.all()).includes('AGENTDECK') ? 1 : 0;
    },
  });
  await waitFor(() => expect(framesThen).not.toBe(-1));
  expect(framesThen).toBe(1);
  s.stdin.write('q');
  expect(await done).toBe(0);
  s.ingestion.stop();
});

test('keys typed before the dashboard takes input wait unread and unechoed, then run in order', async () => {
  const s = setup();
  let release = (): void => undefined;
  const starting = new Promise<void>((r) => (release = r));
  const d = startDashboard({ ...s.options, afterFirstFrame: () => starting });
  await waitFor(() => expect(plain(s.all())).toContain('AGENTDECK'));
  // Raw mode from the first frame on, so the terminal does not echo what is typed.
  expect(s.stdin.rawMode).toBe(true);
  s.stdin.write('@agent create ticket "typed ahead"');
  s.stdin.write('\r');
  await tick(60);
  expect(plain(s.all())).not.toContain('typed ahead');
  release();
  await waitFor(() => expect(listTickets(s.t.state).map((t) => t.title)).toEqual(['typed ahead']));
  s.stdin.write('q');
  expect(await d.done).toBe(0);
  expect(s.stdin.rawMode).toBe(false);
  s.ingestion.stop();
});

test('ending before the dashboard takes input leaves raw mode off', async () => {
  const s = setup();
  const d = startDashboard({ ...s.options, afterFirstFrame: () => new Promise<void>(() => undefined) });
  await waitFor(() => expect(plain(s.all())).toContain('AGENTDECK'));
  expect(s.stdin.rawMode).toBe(true);
  d.exit(143);
  expect(await d.done).toBe(143);
  expect(s.stdin.rawMode).toBe(false);
  expect(s.all()).toContain(LEAVE_ALT);
  s.ingestion.stop();
});

test('a hangup while the terminal is already gone still ends the dashboard cleanly', async () => {
  const s = setup();
  // A closed terminal: changing raw mode emits EIO, which throws where nobody listens.
  s.stdin.setRawMode = (on: boolean): void => {
    if (!on) s.stdin.emit('error', Object.assign(new Error('setRawMode EIO'), { code: 'EIO' }));
    s.stdin.rawMode = on;
  };
  const before = process.listenerCount('SIGHUP');
  const d = startDashboard({ ...s.options, handleProcess: true, afterFirstFrame: () => new Promise<void>(() => undefined) });
  await waitFor(() => expect(plain(s.all())).toContain('AGENTDECK'));
  process.emit('SIGHUP', 'SIGHUP');
  expect(await d.done).toBe(129);
  expect(s.all()).toContain(LEAVE_ALT);
  expect(process.listenerCount('SIGHUP')).toBe(before);
  await tick(5);
  s.ingestion.stop();
});

test('when the start after the first frame fails, the dashboard ends with 1 and says why', async () => {
  const s = setup();
  const d = startDashboard({ ...s.options, afterFirstFrame: () => Promise.reject(new Error('the state db is locked')) });
  expect(await d.done).toBe(1);
  expect(s.all()).toContain(LEAVE_ALT);
  expect(s.stderr.frames.join('')).toContain('agentdeck: the dashboard could not start: the state db is locked');
  expect(s.stdin.rawMode).toBe(false);
  s.ingestion.stop();
});

test('a crash while rendering unmounts first, then says why, and resolves 1', async () => {
  const s = setup();
  const d = startDashboard(s.options);
  await waitFor(() => expect(plain(s.all())).toContain('AGENTDECK'));
  // A state the panes cannot draw: the agents map is gone.
  s.store.setState({ agents: {} as never });
  expect(await d.done).toBe(1);
  expect(s.all()).toContain(LEAVE_ALT);
  expect(s.stderr.frames.join('')).toContain('the dashboard stopped');
  s.ingestion.stop();
});

test('signals and crashes end the dashboard through the same exit', async () => {
  const s = setup();
  const d = startDashboard({ ...s.options, handleProcess: true });
  await waitFor(() => expect(plain(s.all())).toContain('AGENTDECK'));
  const before = process.listenerCount('SIGTERM');
  process.emit('SIGTERM', 'SIGTERM');
  expect(await d.done).toBe(143);
  expect(s.all()).toContain(LEAVE_ALT);
  expect(process.listenerCount('SIGTERM')).toBe(before - 1);
  await tick(5);
  s.ingestion.stop();
});

test('the synthetic stream hook feeds the bus while the dashboard runs', async () => {
  const s = setup();
  const d = startDashboard({ ...s.options, env: { AGENTDECK_SYNTHETIC_EVENTS: '2000', AGENTDECK_SYNTHETIC_TOTAL: '300' } });
  await waitFor(() => expect(s.store.getState().logs.filter((l) => l.message.startsWith('synthetic')).length).toBe(300));
  d.exit();
  expect(await d.done).toBe(0);
  s.t.bus.flush();
  const stored = s.t.state.db.prepare("SELECT count(*) AS n FROM events WHERE message LIKE 'synthetic event %'").get() as { n: number };
  expect(stored.n).toBe(300);
  s.ingestion.stop();
});
