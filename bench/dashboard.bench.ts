// The dashboard in a real terminal (tmux, 120x40), driven from outside like a user:
//   1. time to first full frame of the built binary, median of 5, against a bundled Ink
//      hello-world (bench/fixtures/ink-hello.tsx) measured in the same run;
//   2. with a synthetic 5,000 events/s stream into the bus for 10 s (the hidden hook
//      AGENTDECK_SYNTHETIC_EVENTS, see src/ui/synthetic.ts): keystroke-to-echo p50/p95 and the
//      process's CPU use in % of one core; then with 5,000 and 20,000 events/s written into the
//      state db by another process, which the dashboard follows;
//   3. RSS after 1,000,000 events (ring buffers bounded; the events are all in the state db);
//   4. the first frame again in that project, with its history in the state db.
// Prints figures and ratios; asserts nothing.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { build, type Plugin } from 'esbuild';
import { openStateAt } from '../src/services/state/db.js';

const run = promisify(execFile);
const repo = process.env.AGENTDECK_ROOT ?? process.cwd();
const node = process.execPath;
const bin = join(repo, 'bin', 'agentdeck.js');
const socket = `agentdeck-bench-${process.pid}`;
const COLS = 120;
const ROWS = 40;
const work = mkdtempSync(join(tmpdir(), 'agentdeck-bench-dash-'));

const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const capture = async (from?: number, to?: number): Promise<string> =>
  (await run('tmux', ['-L', socket, 'capture-pane', '-p', '-t', 'bench', ...(from === undefined ? [] : ['-S', String(from), '-E', String(to ?? from)])])).stdout;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] ?? NaN;
const ms = (x: number): string => `${x.toFixed(0)} ms`;

// The same bundling as scripts/build.mjs: one file, react-devtools-core replaced by nothing.
const emptyDevtools: Plugin = {
  name: 'empty-devtools',
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'empty' }));
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export default {}; export const connectToDevTools = () => {};', loader: 'js' }));
  },
};

async function bundleHello(): Promise<string> {
  const outfile = join(work, 'ink-hello.mjs');
  await build({
    entryPoints: [join(repo, 'bench', 'fixtures', 'ink-hello.tsx')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    jsx: 'automatic',
    minifySyntax: true,
    plugins: [emptyDevtools],
    define: { 'process.env.NODE_ENV': '"production"' },
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
    logLevel: 'warning',
  });
  return outfile;
}

/** Starts `argv` in the bench pane and returns ms until `ready` holds for the screen. */
async function firstFrame(argv: readonly string[], ready: (screen: string) => boolean): Promise<number> {
  const t0 = performance.now();
  tmux('respawn-pane', '-k', '-t', 'bench', '-c', work, ...argv);
  for (;;) {
    const screen = await capture();
    if (ready(screen)) return performance.now() - t0;
    if (performance.now() - t0 > 20_000) throw new Error(`no frame after 20 s; the screen was:\n${screen}`);
  }
}

function panePid(): number {
  return Number(tmux('list-panes', '-t', 'bench', '-F', '#{pane_pid}').trim());
}

/** CPU seconds (user + system) the process used so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** Starts the dashboard, types one key at a time into its prompt for `forMs`, and times each echo. */
async function typing(argv: readonly string[], forMs: number): Promise<{ echoes: number[]; cpu: number; secs: number }> {
  await firstFrame(argv, dashboardReady);
  const pid = panePid();
  const promptRow = ROWS - 2;
  tmux('send-keys', '-t', 'bench', ':');
  await sleep(200);
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  const echoes: number[] = [];
  let typed = '';
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  while (performance.now() - t0 < forMs) {
    if (typed.length >= 60) {
      // Clear the prompt (Esc, then : again) so the line never wraps.
      tmux('send-keys', '-t', 'bench', 'Escape');
      await sleep(60);
      tmux('send-keys', '-t', 'bench', ':');
      typed = '';
      await sleep(120);
    }
    const ch = letters[echoes.length % letters.length] ?? 'a';
    typed += ch;
    const k0 = performance.now();
    tmux('send-keys', '-t', 'bench', '-l', ch);
    for (;;) {
      const line = await capture(promptRow);
      if (line.includes(`› ${typed}`)) break;
      if (performance.now() - k0 > 5000) break;
    }
    echoes.push(performance.now() - k0);
    await sleep(100);
  }
  const secs = (performance.now() - t0) / 1000;
  return { echoes, cpu: ((cpuSeconds(pid) - cpu0) / secs) * 100, secs };
}

/**
 * Another process appending `rate` events a second to the project's state db, in batches every
 * 50 ms as a bus writes them (the dashboard's first start created the db).
 */
function writeElsewhere(rate: number): ChildProcess {
  const script = `
    import { DatabaseSync } from 'node:sqlite';
    const db = new DatabaseSync(process.argv[1]);
    db.exec('PRAGMA busy_timeout = 5000');
    const insert = db.prepare("INSERT INTO events (ts, agent, kind, level, message) VALUES (?, 'migrator', 'log', 'info', ?)");
    let n = 0;
    setInterval(() => {
      db.exec('BEGIN IMMEDIATE');
      for (let i = 0; i < ${rate / 20}; i++) insert.run(Date.now(), 'event from elsewhere ' + n++);
      db.exec('COMMIT');
    }, 50);`;
  return spawn(node, ['--input-type=module', '-e', script, join(work, '.agentdeck', 'state.db')], { stdio: 'ignore' });
}

const dashboardReady = (s: string): boolean => s.includes('AGENTDECK') && s.includes('Queue') && s.includes('press @');
// As a user runs it: the executable itself (its shebang carries the V8 flags), on this Node.
const withNode = `PATH=${dirname(node)}:${process.env.PATH ?? ''}`;
const dashboard = (env: Record<string, string> = {}): string[] => ['env', withNode, ...Object.entries(env).map(([k, v]) => `${k}=${v}`), bin];

try {
  execFileSync('git', ['init', '-q', '.'], { cwd: work });
  execFileSync(node, [join(repo, 'scripts', 'build.mjs'), '--if-stale'], { cwd: repo, stdio: 'inherit' });
  const hello = await bundleHello();
  tmux('new-session', '-d', '-s', 'bench', '-x', String(COLS), '-y', String(ROWS), '-c', work, 'sleep', '3600');
  tmux('set-option', '-t', 'bench', 'remain-on-exit', 'on');

  // 1. Time to first full frame, alternating so both see the same machine load.
  const helloTimes: number[] = [];
  const deckTimes: number[] = [];
  // One warm-up of each (file cache), not counted.
  await firstFrame([node, hello], (s) => s.includes('Hello from Ink'));
  await firstFrame(dashboard(), dashboardReady);
  for (let i = 0; i < 5; i++) {
    helloTimes.push(await firstFrame([node, hello], (s) => s.includes('Hello from Ink')));
    deckTimes.push(await firstFrame(dashboard(), dashboardReady));
  }
  const h = median(helloTimes);
  const d = median(deckTimes);
  console.log(`first full frame, bundled Ink hello-world (tmux ${COLS}x${ROWS}, median of 5): ${ms(h)} [${helloTimes.map((x) => x.toFixed(0)).join(', ')}]`);
  console.log(`first full frame, agentdeck dashboard (tmux ${COLS}x${ROWS}, median of 5): ${ms(d)} [${deckTimes.map((x) => x.toFixed(0)).join(', ')}]`);
  console.log(`first frame ratio dashboard / Ink hello-world: ${(d / h).toFixed(2)}x`);

  // 1b. CPU at rest: the dashboard open, nothing typed, nothing happening (it still follows the db).
  await firstFrame(dashboard(), dashboardReady);
  await sleep(2000);
  const restPid = panePid();
  const rest0 = cpuSeconds(restPid);
  await sleep(10_000);
  console.log(`CPU at rest (10 s, following the state db): ${(((cpuSeconds(restPid) - rest0) / 10) * 100).toFixed(1)} % of one core`);

  // 2. Keystroke to echo and CPU: idle (what the measuring itself costs), then under 5,000 events/s.
  const RATE = 5000;
  const idle = await typing(dashboard(), 5_000);
  console.log(`keystroke to echo, idle (${idle.echoes.length} keys): p50 ${ms(pct(idle.echoes, 50))}, p95 ${ms(pct(idle.echoes, 95))}; CPU ${idle.cpu.toFixed(0)} % of one core`);
  const busy = await typing(dashboard({ AGENTDECK_SYNTHETIC_EVENTS: String(RATE) }), 10_000);
  console.log(
    `keystroke to echo at ${RATE.toLocaleString('en-US')} events/s (${busy.echoes.length} keys over ${busy.secs.toFixed(1)} s): p50 ${ms(pct(busy.echoes, 50))}, p95 ${ms(pct(busy.echoes, 95))}, max ${ms(Math.max(...busy.echoes))}`,
  );
  console.log(`keystroke p95 ratio loaded / idle: ${(pct(busy.echoes, 95) / pct(idle.echoes, 95)).toFixed(2)}x`);
  console.log(`CPU at ${RATE.toLocaleString('en-US')} events/s: ${busy.cpu.toFixed(0)} % of one core`);

  // 2b. The same, with the events written by ANOTHER process into the project's state db (as
  // `agentdeck run` or Claude Code over MCP write them): the dashboard follows the db.
  for (const rate of [5000, 20_000]) {
    const writer = writeElsewhere(rate);
    try {
      const other = await typing(dashboard(), 10_000);
      console.log(
        `keystroke to echo at ${rate.toLocaleString('en-US')} events/s from another process (${other.echoes.length} keys): p50 ${ms(pct(other.echoes, 50))}, p95 ${ms(pct(other.echoes, 95))}, p99 ${ms(pct(other.echoes, 99))}; CPU ${other.cpu.toFixed(0)} % of one core`,
      );
    } finally {
      writer.kill();
    }
  }

  // 3. RSS after 1,000,000 events, as `agentdeck` runs by default, and with a smaller V8 young
  // generation and old-space cap (the live heap stays ~25 MB; the default sizing lets garbage
  // from Ink's frames and the event stream pile up before V8 collects it).
  const TOTAL = 1_000_000;
  const FAST = 50_000;
  const synthetic = { AGENTDECK_SYNTHETIC_EVENTS: String(FAST), AGENTDECK_SYNTHETIC_TOTAL: String(TOTAL) };
  // As agentdeck runs (the executable, with its V8 flags), and as plain `node bin/agentdeck.js`.
  for (const [label, argv] of [
    ['', dashboard(synthetic)],
    [' with plain node (no V8 flags)', ['env', ...Object.entries(synthetic).map(([k, v]) => `${k}=${v}`), node, bin]],
  ] as const) {
    await firstFrame(argv, dashboardReady);
    const rssPid = panePid();
    const s0 = performance.now();
    let seen = 0;
    while (seen < TOTAL) {
      const screen = await capture(); // the log pane's title says "<n> lines"
      seen = Number(/(\d+) lines ·/.exec(screen)?.[1] ?? seen);
      if (performance.now() - s0 > 240_000) break;
      await sleep(250);
    }
    await sleep(500);
    const rss = rssMb(rssPid);
    const took = (performance.now() - s0) / 1000;
    console.log(
      `RSS after ${seen.toLocaleString('en-US')} events (${(seen / took).toFixed(0)} events/s through bus, store and state db)${label}: ${rss.toFixed(0)} MB`,
    );
  }
  tmux('send-keys', '-t', 'bench', 'q');
  await sleep(1500);
  const state = openStateAt(join(work, '.agentdeck', 'state.db'));
  const stored = (state.db.prepare("SELECT count(*) AS n FROM events WHERE message LIKE 'synthetic event %'").get() as { n: number }).n;
  state.close();
  console.log(`events kept in the state db (both streams): ${stored.toLocaleString('en-US')}`);

  // 4. The first frame again, now that the project has history: the store hydrates the recent
  // log lines, runs and tickets from that state db, and the panes draw them.
  const busyTimes: number[] = [];
  for (let i = 0; i < 5; i++) busyTimes.push(await firstFrame(dashboard(), dashboardReady));
  console.log(
    `first full frame with ${stored.toLocaleString('en-US')} events in the state db (median of 5): ${ms(median(busyTimes))} [${busyTimes.map((x) => x.toFixed(0)).join(', ')}]`,
  );
} finally {
  try {
    tmux('kill-server');
  } catch {
    // Not started.
  }
  rmSync(work, { recursive: true, force: true });
}
