// A process dies (SIGKILL) in the middle of a multi-step run; a new process marks the run
// interrupted, `resume` finishes it, and no step's side effect happens twice.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { getRun, listSteps } from '../../../src/agents/orchestrator/runs-repo.js';
import { makeContext } from '../../helpers/context.js';
import { TEST_SPECS, appendCommand, appendHandlers, parsed } from './fixtures.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'agentdeck-restart-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Starts the child run and resolves with its run id once it hangs inside step `hangAt`. */
function runUntilHang(file: string, count: number, hangAt: number, locks?: string): Promise<{ runId: string; kill: () => Promise<number | null> }> {
  const child = spawn(
    process.execPath,
    ['--experimental-transform-types', '--no-warnings', '--import', join(here, 'child/register.mjs'), join(here, 'child/run-append.ts'), root, file, String(count), String(hangAt), ...(locks ? [locks] : [])],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal === 'SIGKILL' ? 9 : _code)));
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /HANG (\S+) (\d+)/.exec(out);
      if (m) resolve({ runId: m[1] as string, kill: () => (child.kill('SIGKILL'), exited) });
    });
    void exited.then((code) => reject(new Error(`child ended (${code}) before hanging: ${out}${err}`)));
  });
}

describe('locks across processes', () => {
  it('queues behind a lock held by another process and takes it over when that process dies', async () => {
    const other = join(root, 'other.txt');
    const mine = join(root, 'mine.txt');
    const { runId, kill } = await runUntilHang(other, 2, 1, 'db:local');
    const t = makeContext({ root, run: false, extra: { specs: TEST_SPECS, handlers: appendHandlers() } });
    try {
      const waiting = t.engine.dispatch(parsed(appendCommand, { file: mine, count: 1, locks: ['db:local'] }), { initiator: 'you' });
      const seen = await until(() => t.events.find((e) => e.kind === 'step' && e.message.includes('waiting for db:local')));
      expect(seen.message).toBe(`append 1: waiting for db:local held by ${runId}`);
      expect(existsSync(mine)).toBe(false);
      await kill();
      expect(await waiting).toMatchObject({ ok: true });
      expect(readFileSync(mine, 'utf8')).toBe('1\n');
    } finally {
      t.cleanup();
    }
  });
});

async function until<T>(probe: () => T | undefined): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const v = probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('timed out');
}

describe('restarts', () => {
  it('marks a killed run interrupted and resumes it without repeating side effects', async () => {
    const file = join(root, 'side.txt');
    const { runId, kill } = await runUntilHang(file, 5, 3);
    expect(await kill()).toBe(9);
    expect(readFileSync(file, 'utf8')).toBe('1\n2\n');

    // A new process (this one) opens the project: the run's owner is gone.
    const t = makeContext({ root, extra: { specs: TEST_SPECS, handlers: appendHandlers() } });
    try {
      expect(getRun(t.state, runId)).toMatchObject({ status: 'interrupted' });
      expect(listSteps(t.state, runId).map((s) => s.status)).toEqual(['done', 'done', 'running']);

      const r = await t.engine.dispatch(`resume ${runId.toLowerCase()}`, { initiator: 'you' });
      expect(r).toMatchObject({ ok: true, status: 'done', runId });
      expect(readFileSync(file, 'utf8')).toBe('1\n2\n3\n4\n5\n');
      expect(listSteps(t.state, runId).map((s) => s.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
      expect(t.events.filter((e) => e.message.endsWith('already done (recorded)')).map((e) => e.message)).toEqual([
        'append 1: already done (recorded)',
        'append 2: already done (recorded)',
      ]);
      expect(getRun(t.state, runId)).toMatchObject({ status: 'done', pid: process.pid });

      const again = await t.engine.dispatch(`resume ${runId}`, { initiator: 'you' });
      expect(again).toMatchObject({ ok: false, message: `${runId} already finished: appended 5 lines` });
    } finally {
      t.cleanup();
    }
  });
});
