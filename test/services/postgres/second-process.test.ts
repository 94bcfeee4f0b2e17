// Two real processes and one local database: the second gets a clear line naming the holder, and
// a holder killed with SIGKILL leaves a stale lock that the next process takes over.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { localDataDir, openTarget, type Db } from '../../../src/services/postgres/index.js';
import { tempDir } from '../../helpers/tmp.js';

// The PGlite fallback (where no server binary exists): one process per data dir, so a lock.
process.env.AGENTDECK_LOCAL_ENGINE = 'pglite';
const tmp = tempDir('agentdeck-2proc-');
let script: string;

beforeAll(async () => {
  // Bundled under node_modules/ so the child resolves the packages and the worker script as agentdeck does.
  const out = join(process.cwd(), 'node_modules', '.cache', 'agentdeck-test');
  mkdirSync(out, { recursive: true });
  script = join(out, `open-local-${process.pid}.mjs`);
  await build({ entryPoints: [join(import.meta.dirname, 'fixtures', 'open-local.ts')], outfile: script, bundle: true, packages: 'external', format: 'esm', platform: 'node', logLevel: 'silent' });
});

afterAll(() => {
  rmSync(script, { force: true });
  tmp.cleanup();
});

/** Runs the fixture; resolves with its first output line (and the child, still running for `hold`). */
function child(mode: 'once' | 'hold'): Promise<{ line: string; pid: number; kill(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [script, tmp.dir, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      const kill = async (): Promise<void> => {
        p.kill('SIGKILL');
        await exited;
      };
      if (nl >= 0) resolve({ line: out.slice(0, nl), pid: p.pid!, kill });
    });
    p.once('error', reject);
    p.once('exit', (code) => {
      if (!out.includes('\n')) reject(new Error(`the fixture exited ${code} without output`));
    });
  });
}

it('a second process is refused with the holder named; a killed holder is taken over', async () => {
  const db: Db = openTarget({ root: tmp.dir, env: {} });
  await db.query('select 1');
  const refused = await child('once');
  expect(refused.line).toMatch(new RegExp(`^error the local database ${localDataDir(tmp.dir).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is in use by process ${process.pid} \\(`));
  await db.close();

  const holder = await child('hold');
  expect(holder.line).toBe('holding');
  const mine = openTarget({ root: tmp.dir, env: {} });
  await expect(mine.query('select 1')).rejects.toThrow(`in use by process ${holder.pid}`);
  await holder.kill();
  await expect(mine.query('select 41 + 1 as n')).resolves.toMatchObject({ rows: [{ n: 42 }] });
  await mine.close();

  const after = await child('once');
  expect(after.line).toBe('ok 42');
}, 120_000);
