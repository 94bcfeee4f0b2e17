import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeExit, runProcess, succeeded } from '../../../src/services/exec/run.js';

const node = process.execPath;

describe('runProcess', () => {
  it('streams stdout and stderr lines in order and collects them', async () => {
    const lines: string[] = [];
    const result = await runProcess(
      node,
      ['-e', 'process.stdout.write("a\\nb"); process.stdout.write("c\\r\\n"); console.error("oops"); process.exit(3)'],
      { onLine: (line, stream) => lines.push(`${stream}:${line}`) },
    );
    expect(result.code).toBe(3);
    expect(succeeded(result)).toBe(false);
    expect(lines.filter((l) => l.startsWith('stdout:'))).toEqual(['stdout:a', 'stdout:bc']);
    expect(lines).toContain('stderr:oops');
    expect(result.stdout).toBe('a\nbc\r\n');
    expect(describeExit(result)).toContain('exited with code 3');
  });

  it('passes arguments without a shell, so shell syntax stays literal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exec-'));
    const result = await runProcess(node, ['-e', 'console.log(process.argv[1], process.cwd(), process.env.EXTRA)', '$(echo hi); rm -rf /'], {
      cwd: dir,
      env: { EXTRA: 'x1' },
    });
    expect(succeeded(result)).toBe(true);
    expect(result.stdout.trim()).toBe(`$(echo hi); rm -rf / ${dir} x1`);
  });

  it('feeds stdin input', async () => {
    const result = await runProcess(node, ['-e', 'process.stdin.pipe(process.stdout)'], { input: 'hello\n' });
    expect(result.stdout).toBe('hello\n');
  });

  it('kills a process that runs past its timeout', async () => {
    const result = await runProcess(node, ['-e', 'setInterval(() => {}, 1000)'], { timeoutMs: 200 });
    expect(result.timedOut).toBe(true);
    expect(succeeded(result)).toBe(false);
    expect(describeExit(result)).toContain('timed out');
  });

  it('stops on abort, and does not start when already aborted', async () => {
    const controller = new AbortController();
    const pending = runProcess(node, ['-e', 'setInterval(() => {}, 1000)'], { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const result = await pending;
    expect(result.aborted).toBe(true);
    expect(describeExit(result)).toContain('cancelled');
    const again = await runProcess(node, ['-e', 'console.log(1)'], { signal: controller.signal });
    expect(again.aborted).toBe(true);
    expect(again.stdout).toBe('');
  });

  it('reports a missing binary without throwing', async () => {
    const result = await runProcess('definitely-not-a-binary-xyz', []);
    expect(result.spawnError).toBe('ENOENT');
    expect(result.code).toBeNull();
    expect(describeExit(result)).toContain('could not start');
  });

  it('names a signal kill', async () => {
    const result = await runProcess(node, ['-e', 'process.kill(process.pid, "SIGKILL")']);
    expect(result.signal).toBe('SIGKILL');
    expect(describeExit(result)).toContain('killed by SIGKILL');
  });
});
