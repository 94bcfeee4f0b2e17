// Kill and resume: real `agentdeck run` processes (the built binary) are killed with SIGKILL at
// seeded random points of each run-mode command (chosen by the lines they print, plus a random
// delay so kills also land inside steps), then `resume RUN-n` finishes them. After each trial:
// nothing lost (every side effect happened), nothing repeated (a deploy command that finished
// before the kill never ran again, one merge or revert commit, one row), no ghost rows (nothing
// left `running` or in flight), and every line the killed process printed is in the state db.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureStaged } from '../../src/agents/stage/worktrees.js';
import { buildSampleApp, type SampleApp } from '../fixtures/sample-app/build.js';
import { BIN, buildIfStale, runBinary } from '../helpers/binary.js';
import { makeContext, type TestContext } from '../helpers/context.js';
import { tempDir } from '../helpers/tmp.js';

/** Kills per command; 52 in all. */
// The slow ones (a Postgres to open, code to type-check and test) get fewer kills.
const TRIALS = { staging: 10, production: 6, rollback: 6, backup: 3, email: 24, migrate: 1, generate: 2 };

// mulberry32: the same kill points on every run of the test.
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(20261204);

let app: SampleApp;
let t: TestContext;
let scratch: { dir: string; cleanup: () => void };
let env: Record<string, string>;
const script = (): string => join(scratch.dir, 'deploy.cjs');
const invocations = (): string[] => lines(join(scratch.dir, 'invocations.log'));
const effects = (): string[] => lines(join(scratch.dir, 'effects.log'));

// Colour codes (ESC [ ... m), which a terminal's output carries.
const SGR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

/** Read-only queries on the project's state db (a separate connection, as another process). */
function query<T>(sql: string, ...params: (string | number)[]): T[] {
  const db = new DatabaseSync(join(app.root, '.agentdeck', 'state.db'), { readOnly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

interface Killed {
  readonly printed: string[];
  readonly killed: boolean;
}

/**
 * Runs `agentdeck run <line>` and kills it right after its `killAt`-th printed line (plus `delayMs`).
 * With `tty`, it runs at a pseudo-terminal (util-linux `script`), as a person's approval must, and
 * the kill goes to the agentdeck process itself (the pid its run row records), not to `script`.
 */
function runAndKill(args: readonly string[], killAt: number, delayMs: number, tty?: { runId: () => string }): Promise<Killed> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, BIN, 'run', ...args].map((w) => `'${w.replace(/'/g, "'\\''")}'`).join(' ');
    const child = tty
      ? spawn('script', ['-qec', command, '/dev/null'], { cwd: app.root, env: { ...env, SHELL: '/bin/sh' }, stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn(process.execPath, [BIN, 'run', ...args], { cwd: app.root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdin?.end();
    let buffer = '';
    const printed: string[] = [];
    let armed = false;
    let sent = false;
    const kill = (): void => {
      if (!tty) {
        child.kill('SIGKILL');
        return;
      }
      const pid = query<{ pid: number | null }>('SELECT pid FROM runs WHERE id = ?', tty.runId())[0]?.pid;
      try {
        if (pid) process.kill(pid, 'SIGKILL');
        sent = pid !== null && pid !== undefined;
      } catch {
        // It ended first.
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      // At a terminal the lines come coloured, with CR LF endings.
      buffer += chunk.toString().replace(/\r/g, '').replace(SGR, '');
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      printed.push(...parts);
      if (!armed && printed.length >= killAt) {
        armed = true;
        setTimeout(kill, delayMs);
      }
    });
    child.on('error', reject);
    // The shell `script` runs the command in says "Killed" when it is: that line is not agentdeck's.
    child.on('close', (_code, signal) => resolve({ printed: tty && sent ? printed.filter((l) => l.trim() !== 'Killed') : printed, killed: tty ? sent : signal === 'SIGKILL' }));
  });
}

function latestRun(): string {
  return query<{ id: string }>('SELECT id FROM runs ORDER BY created_at DESC, id DESC LIMIT 1')[0]!.id;
}

function runStatus(id: string): string {
  return query<{ status: string }>('SELECT status FROM runs WHERE id = ?', id)[0]!.status;
}

function stepsDone(id: string): string[] {
  return query<{ key: string }>("SELECT key FROM steps WHERE run_id = ? AND status = 'done'", id).map((s) => s.key);
}

/** Every printed line of a killed process is an event in the state db. */
function expectPrintedStored(printed: readonly string[]): void {
  // Events, and the results `run` prints last (message and lines), stored with their run.
  const results = query<{ result_json: string | null }>('SELECT result_json FROM runs').flatMap((r) => {
    const result = JSON.parse(r.result_json ?? 'null') as { message?: string; lines?: string[] } | null;
    return result ? [result.message ?? '', ...(result.lines ?? [])] : [];
  });
  const stored = [...query<{ message: string }>('SELECT message FROM events').map((e) => e.message), ...results].filter((m) => m.length > 0);
  const unstored = printed.filter((line) => line.trim() !== '' && !stored.some((m) => line.endsWith(m)));
  expect(unstored).toEqual([]);
}

function expectNoGhosts(): void {
  expect(query("SELECT id FROM backups WHERE status = 'running'")).toEqual([]);
  expect(query("SELECT id FROM deployments WHERE status = 'running'")).toEqual([]);
  expect(query('SELECT row_id FROM inflight')).toEqual([]);
}

interface Trial {
  readonly runId: string;
  readonly killed: boolean;
  /** Steps recorded done when the process died (before the resume). */
  readonly doneBefore: string[];
  readonly invocationsBefore: string[];
}

/**
 * One trial: the command is killed at a random printed line, then resumed (a command that ended
 * before the kill point is resumed only when it did not finish). `expectedLines` bounds the kill
 * point: about how many lines the command prints.
 */
async function trial(args: readonly string[], expectedLines: number, options: { runId?: () => string; tty?: boolean } = {}): Promise<Trial> {
  const killAt = 1 + Math.floor(random() * expectedLines);
  const delay = Math.floor(random() * 40);
  const out = await runAndKill(args, killAt, delay, options.tty ? { runId: options.runId ?? latestRun } : undefined);
  const runId = (options.runId ?? latestRun)();
  expectPrintedStored(out.printed);
  const doneBefore = stepsDone(runId);
  const invocationsBefore = invocations();
  if (runStatus(runId) !== 'done') {
    const resumed = await runBinary(['run', `resume ${runId}`], app.root, env);
    expect({ code: resumed.code, status: runStatus(runId) }, `${resumed.out}${resumed.err}`).toEqual({ code: 0, status: 'done' });
  }
  expectNoGhosts();
  return { runId, killed: out.killed, doneBefore, invocationsBefore };
}

/** Deploy command steps: each ran its effect exactly once; one that finished before the kill was never started again. */
function expectDeployCommandsOnce(tr: Trial, env: 'staging' | 'production', count: number): void {
  const commandSteps = Array.from({ length: count }, (_, i) => `EXECUTE:deploy.${env} command ${i + 1} of ${count}`);
  for (const key of commandSteps) {
    const id = `${tr.runId}/${key}`;
    expect(effects().filter((l) => l === id), `${id} effects`).toHaveLength(1);
    if (tr.doneBefore.includes(key)) {
      expect(invocations().filter((l) => l === id), `${id} finished before the kill, then ran again`).toHaveLength(tr.invocationsBefore.filter((l) => l === id).length);
    }
  }
}

function commitsOf(branch: string, runId: string): string[] {
  return app.git('log', '--format=%H', '--fixed-strings', `--grep=Agentdeck-Step: ${runId}/`, branch).split('\n').filter(Boolean);
}

let tickets = 0;
/** A ticket with one staged change (its own file, so merges never conflict). */
async function stagedTicket(): Promise<string> {
  const r = await t.engine.dispatch(`create ticket "change ${++tickets}" --kind task`, { initiator: 'you' });
  const id = /TASK-\d{4}-\d{3}/.exec(r.message)![0];
  const { staged } = await ensureStaged(t.engine.context({ agent: 'stage', run: false }), id);
  writeFileSync(join(staged.path, `change-${tickets}.txt`), `change ${tickets}\n`);
  return id;
}

beforeAll(() => {
  buildIfStale();
  scratch = tempDir('agentdeck-kill-');
  // A deploy command as a careful script would be: it logs every start, and applies its effect
  // once per AGENTDECK_STEP_ID (a command killed mid-run starts again on resume).
  writeFileSync(
    script(),
    `const fs = require('node:fs');
const id = process.env.AGENTDECK_STEP_ID;
fs.appendFileSync(${JSON.stringify(join(scratch.dir, 'invocations.log'))}, id + '\\n');
const effects = ${JSON.stringify(join(scratch.dir, 'effects.log'))};
const seen = fs.existsSync(effects) ? fs.readFileSync(effects, 'utf8').split('\\n') : [];
if (!seen.includes(id)) fs.appendFileSync(effects, id + '\\n');
console.log('deployed ' + process.argv[2]);
`,
  );
  const deploy = (envName: string) => [1, 2].map((n) => ['node', script(), `${envName}-${n}`]);
  app = buildSampleApp({
    allTestsPass: true,
    config: {
      test: ['node', '-e', "console.log('ok')"],
      deploy: { staging: deploy('staging'), production: deploy('production') },
      email: { to: 'ops@crm.test', from: 'deck@crm.test' },
    },
  });
  mkdirSync(join(app.root, 'supabase', 'migrations'), { recursive: true });
  writeFileSync(join(app.root, 'supabase', 'migrations', '20260101000000_notes.sql'), 'create table notes (id serial primary key, body text);\n');
  app.git('add', '-A');
  app.git('commit', '-q', '-m', 'notes migration');
  env = { PATH: `${join(process.execPath, '..')}:${process.env.PATH ?? ''}`, HOME: scratch.dir };
  t = makeContext({ root: app.root, run: false });
}, 120_000);

afterAll(() => {
  t?.cleanup();
  app?.cleanup();
  scratch?.cleanup();
});

describe('every run-mode command resumes after SIGKILL with nothing lost or repeated', () => {
  it('deploy staging', async () => {
    let killed = 0;
    for (let i = 0; i < TRIALS.staging; i++) {
      const ticket = await stagedTicket();
      const tr = await trial([`deploy staging --ticket ${ticket}`], 22);
      if (tr.killed) killed++;
      const rows = query<{ status: string }>('SELECT status FROM deployments WHERE run_id = ?', tr.runId);
      expect(rows).toEqual([{ status: 'succeeded' }]);
      expect(commitsOf('staging', tr.runId)).toHaveLength(1);
      expect(app.git('show', 'staging:change-' + tickets + '.txt')).toBe(`change ${tickets}`);
      expectDeployCommandsOnce(tr, 'staging', 2);
    }
    expect(killed).toBeGreaterThan(TRIALS.staging / 2);
  }, 900_000);

  it('deploy production, approved by a person, then killed while it deploys', async () => {
    let killed = 0;
    for (let i = 0; i < TRIALS.production; i++) {
      const ticket = await stagedTicket();
      const asked = await runBinary(['run', '--json', `deploy production --ticket ${ticket}`], app.root, env);
      const o = JSON.parse(asked.out) as { result: { status: string; runId: string; approvalId: string } };
      expect(o.result.status).toBe('waiting_approval');
      const runId = o.result.runId;
      // The person approves (typed confirmation); the approval resumes the deploy in that process.
      const tr = await trial([`approve ${o.result.approvalId} --confirm ${ticket}`], 20, { runId: () => runId, tty: true });
      if (tr.killed) killed++;
      expect(query<{ status: string }>('SELECT status FROM deployments WHERE run_id = ?', runId)).toEqual([{ status: 'succeeded' }]);
      expect(commitsOf('main', runId)).toHaveLength(1);
      expectDeployCommandsOnce(tr, 'production', 2);
    }
    expect(killed).toBeGreaterThan(TRIALS.production / 2);
  }, 900_000);

  it('rollback', async () => {
    let killed = 0;
    for (let i = 0; i < TRIALS.rollback; i++) {
      const ticket = await stagedTicket();
      const deployed = await runBinary(['run', `deploy staging --ticket ${ticket}`], app.root, env);
      expect(deployed.code, deployed.out + deployed.err).toBe(0);
      const tr = await trial([`rollback ${ticket}`], 14);
      if (tr.killed) killed++;
      expect(query<{ status: string }>('SELECT status FROM deployments WHERE ticket_id = ?', ticket)).toEqual([{ status: 'rolled_back' }]);
      expect(commitsOf('staging', tr.runId)).toHaveLength(1);
      expect(app.git('ls-tree', '--name-only', 'staging')).not.toContain(`change-${tickets}.txt`);
      expectDeployCommandsOnce(tr, 'staging', 2);
    }
    expect(killed).toBeGreaterThan(TRIALS.rollback / 2);
  }, 900_000);

  it('backup create', async () => {
    let killed = 0;
    const archives = (): string[] => {
      const dir = join(app.root, '.agentdeck', 'backups');
      return existsSync(dir) ? readdirSync(dir).filter((f) => /^bk-.*\.(tar\.gz|dump)$/.test(f)) : [];
    };
    for (let i = 0; i < TRIALS.backup; i++) {
      const before = query('SELECT id FROM backups WHERE status = ?', 'completed').length;
      const tr = await trial(['backup create'], 6);
      if (tr.killed) killed++;
      expect(query('SELECT id FROM backups WHERE status = ?', 'completed')).toHaveLength(before + 1);
      // No partial archive of an interrupted attempt is left behind.
      expect(archives()).toHaveLength(before + 1);
    }
    expect(killed).toBeGreaterThan(TRIALS.backup / 2);
  }, 900_000);

  it('email', async () => {
    let killed = 0;
    for (let i = 0; i < TRIALS.email; i++) {
      const tr = await trial([`email "release note ${i}"`], 4);
      if (tr.killed) killed++;
      const rows = query<{ status: string; next_attempt_at: string | null }>('SELECT status, next_attempt_at FROM outbox WHERE run_id = ?', tr.runId);
      const eml = readdirSync(join(app.root, '.agentdeck', 'outbox')).filter((f) => readFileSync(join(app.root, '.agentdeck', 'outbox', f), 'utf8').includes(`release note ${i}`));
      expect(rows).toHaveLength(1);
      if (rows[0]?.status === 'sending') {
        // Killed while it sent: the row stays claimed by the dead process until its lease ends, and
        // the next process to deliver sends it then. Never lost, never twice in the meantime.
        expect(Date.parse(rows[0].next_attempt_at ?? '')).toBeGreaterThan(Date.now());
        expect(eml.length).toBeLessThanOrEqual(1);
      } else {
        expect(rows[0]?.status).toBe('sent');
        expect(eml).toHaveLength(1);
      }
    }
    expect(killed).toBeGreaterThan(0);
  }, 900_000);

  it('migrate execute --dry-run', async () => {
    for (let i = 0; i < TRIALS.migrate; i++) {
      const tr = await trial(['migrate execute --dry-run'], 6);
      expect(runStatus(tr.runId)).toBe('done');
    }
  }, 900_000);

  it('generate api', async () => {
    let killed = 0;
    for (let i = 0; i < TRIALS.generate; i++) {
      const before = query("SELECT id FROM tickets WHERE kind = 'FEAT'").length;
      const tr = await trial([`generate api /api/thing${i}`], 20);
      if (tr.killed) killed++;
      const opened = query<{ id: string }>("SELECT id FROM tickets WHERE kind = 'FEAT' ORDER BY id");
      expect(opened).toHaveLength(before + 1);
      const branch = `agentdeck/${opened.at(-1)!.id}`;
      expect(commitsOf(branch, tr.runId)).toHaveLength(1);
      expect(app.git('ls-tree', '-r', '--name-only', branch)).toContain(`app/api/thing${i}/route.ts`);
    }
    expect(killed).toBeGreaterThan(0);
  }, 900_000);
});
