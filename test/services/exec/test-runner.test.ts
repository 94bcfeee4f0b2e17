import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  argvForSelection,
  detectTestRunner,
  listTestFiles,
  parseTestOutput,
  readPackageJson,
  resolveArgv,
  runTests,
  summarizeTests,
  testFilesFor,
  testOutcome,
  wholeSuite,
  type TestRunResult,
} from '../../../src/services/exec/test-runner.js';

const root = process.cwd();

function project(pkg: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'runner-'));
  if (pkg !== undefined) writeFileSync(join(dir, 'package.json'), typeof pkg === 'string' ? pkg : JSON.stringify(pkg));
  return dir;
}

describe('detectTestRunner', () => {
  const dirs: string[] = [];
  const make = (pkg: unknown): string => {
    const d = project(pkg);
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('prefers the configured command', () => {
    expect(detectTestRunner(make({ scripts: { test: 'jest' } }), ['npx', 'vitest', 'run'])).toEqual({ kind: 'vitest', argv: ['npx', 'vitest', 'run'] });
    expect(detectTestRunner(make({}), ['node', '--test'])?.kind).toBe('node');
    expect(detectTestRunner(make({}), ['make', 'check'])?.kind).toBe('command');
  });

  it('reads package.json scripts and dependencies', () => {
    expect(detectTestRunner(make({ scripts: { test: 'node --test test/' } }))).toEqual({ kind: 'node', argv: ['node', '--test', 'test/'] });
    expect(detectTestRunner(make({ scripts: { test: 'vitest run' } }))?.kind).toBe('vitest');
    expect(detectTestRunner(make({ devDependencies: { vitest: '1' } }))?.kind).toBe('vitest');
    expect(detectTestRunner(make({ scripts: { test: 'jest --ci' } }))?.kind).toBe('jest');
    expect(detectTestRunner(make({ devDependencies: { jest: '29' } }))?.kind).toBe('jest');
    expect(detectTestRunner(make({ scripts: { test: 'cross-env CI=1 vitest' }, devDependencies: { vitest: '1' } }))?.kind).toBe('vitest');
    expect(detectTestRunner(make({ scripts: { test: 'cross-env jest' }, devDependencies: { jest: '1' } }))?.kind).toBe('jest');
    expect(detectTestRunner(make({ scripts: { test: 'mocha' } }))).toEqual({ kind: 'command', argv: ['npm', 'test', '--silent'] });
  });

  it('finds nothing without a usable test script', () => {
    expect(detectTestRunner(make({ scripts: { test: 'echo "Error: no test specified" && exit 1' } }))).toBeNull();
    expect(detectTestRunner(make(undefined))).toBeNull();
    expect(readPackageJson(make('{ not json'))).toBeNull();
  });
});

describe('resolveArgv and selections', () => {
  it('runs node and package binaries with this Node', () => {
    expect(resolveArgv(root, ['node', '--test'])).toEqual({ cmd: process.execPath, args: ['--test'] });
    const vitest = resolveArgv(root, ['npx', 'vitest', 'run']);
    expect(vitest.cmd).toBe(process.execPath);
    expect(vitest.args[0]).toMatch(/vitest/);
    expect(vitest.args.slice(1)).toEqual(['run']);
    expect(resolveArgv(root, ['make', 'test'])).toEqual({ cmd: 'make', args: ['test'] });
  });

  it('selects files or test names per runner', () => {
    expect(argvForSelection({ kind: 'node', argv: ['node', '--test'] }, ['a.test.ts'])).toEqual(['node', '--test', 'a.test.ts']);
    expect(argvForSelection({ kind: 'command', argv: ['npm', 'test'] }, ['a.test.ts'])).toEqual(['npm', 'test', '--', 'a.test.ts']);
    expect(argvForSelection({ kind: 'node', argv: ['node', '--test'] }, [], 'login')).toEqual(['node', '--test', '--test-name-pattern=login']);
    expect(argvForSelection({ kind: 'vitest', argv: ['vitest', 'run'] }, [], 'login')).toEqual(['vitest', 'run', '-t', 'login']);
    expect(argvForSelection({ kind: 'jest', argv: ['jest'] }, [], 'login')).toEqual(['jest', '-t', 'login']);
    expect(argvForSelection({ kind: 'command', argv: ['npm', 'test'] }, [], 'login')).toEqual(['npm', 'test', '--', 'login']);
    expect(argvForSelection({ kind: 'jest', argv: ['jest'] }, [])).toEqual(['jest']);
  });
});

describe('parseTestOutput', () => {
  it('reads vitest output', () => {
    const out = ` FAIL  src/a.test.ts > math > adds
AssertionError: expected 3 to be 4
 Test Files  1 failed (1)
      Tests  1 failed | 3 passed (4)`;
    expect(parseTestOutput(out)).toEqual({ passed: 3, failed: 1, failures: [{ name: 'math > adds', file: 'src/a.test.ts' }] });
  });

  it('reads jest output', () => {
    const out = `  ● login › refuses a bad password
Tests:       2 failed, 5 passed, 7 total`;
    expect(parseTestOutput(out)).toEqual({ passed: 5, failed: 2, failures: [{ name: 'login › refuses a bad password' }] });
  });

  it('reads TAP output with locations', () => {
    const out = `TAP version 13
not ok 1 - totals add up
  ---
  location: '/app/lib/t.test.ts:12:3'
  ...
ok 2 - other
# pass 1
# fail 1`;
    expect(parseTestOutput(out)).toEqual({ passed: 1, failed: 1, failures: [{ name: 'totals add up', file: '/app/lib/t.test.ts', line: 12 }] });
  });

  it('strips colours', () => {
    expect(parseTestOutput('\u001b[32mℹ pass 2\u001b[39m\nℹ fail 0').passed).toBe(2);
  });
});

describe('runTests on a real node --test project', () => {
  let dir: string;
  beforeAll(() => {
    dir = project({ type: 'module', scripts: { test: 'node --test' } });
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'lib/login.test.mjs'), "import { test } from 'node:test';\nimport assert from 'node:assert';\ntest('login works', () => assert.ok(true));\n");
    writeFileSync(
      join(dir, 'lib/cart.test.mjs'),
      "import { test } from 'node:test';\nimport assert from 'node:assert';\ntest('cart sums', () => assert.equal(1, 2));\ntest('cart empty', () => assert.ok(true));\n",
    );
    writeFileSync(join(dir, 'lib/cart.mjs'), 'export const x = 1;\n');
    execFileSync('git', ['init', '-q'], { cwd: dir });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists test files and matches them to a feature', async () => {
    expect((await listTestFiles(dir)).sort()).toEqual(['lib/cart.test.mjs', 'lib/login.test.mjs']);
    expect(await testFilesFor(dir, 'Login')).toEqual(['lib/login.test.mjs']);
    expect(await testFilesFor(dir, '---')).toEqual([]);
  });

  it('runs the selection, streams lines and parses failures', async () => {
    const runner = detectTestRunner(dir);
    if (!runner) throw new Error('no runner');
    const lines: string[] = [];
    const failing = await runTests(dir, runner, { files: ['lib/cart.test.mjs'], onLine: (l) => lines.push(l) });
    expect(failing.ok).toBe(false);
    expect(failing.passed).toBe(1);
    expect(failing.failed).toBe(1);
    expect(failing.failures).toEqual([expect.objectContaining({ name: 'cart sums', file: 'lib/cart.test.mjs', line: 3 })]);
    expect(lines.some((l) => l.includes('cart sums'))).toBe(true);
    expect(summarizeTests(failing)).toMatch(/^1 passed, 1 failed in [\d.]+ s$/);

    const passing = await runTests(dir, runner, { feature: 'login works' });
    expect(passing.ok).toBe(true);
    expect(passing.failed).toBe(0);
  });

  it('summarizes runs that could not start or timed out', () => {
    const base: TestRunResult = { ok: false, argv: ['x'], exitCode: null, passed: null, failed: null, failures: [], durationMs: 1500, timedOut: false, tail: [] };
    expect(summarizeTests({ ...base, spawnError: 'ENOENT' })).toBe('could not start x (ENOENT)');
    expect(summarizeTests({ ...base, timedOut: true })).toBe('timed out after 1.5 s');
    expect(summarizeTests({ ...base, exitCode: 2 })).toBe('exit code 2 in 1.5 s');
  });

  it('says what a run showed without its time, so two runs with the same result read the same', () => {
    const run: TestRunResult = { ok: true, argv: ['x'], exitCode: 0, passed: 4, failed: 0, failures: [], durationMs: 1500, timedOut: false, tail: [] };
    expect(testOutcome(run)).toBe('4 passed, 0 failed');
    expect(testOutcome({ ...run, durationMs: 2730 })).toBe(testOutcome(run));
    expect(summarizeTests({ ...run, durationMs: 2730 })).toBe('4 passed, 0 failed in 2.7 s');
  });
});

describe('wholeSuite', () => {
  it('keeps agentdeck folders out of vitest and jest runs', async () => {
    expect(await wholeSuite(root, { kind: 'vitest', argv: ['vitest', 'run'] })).toEqual({ extraArgs: ['--exclude', 'staged/**', '--exclude', '.agentdeck/**'] });
    expect((await wholeSuite(root, { kind: 'jest', argv: ['jest'] })).extraArgs).toEqual(['--testPathIgnorePatterns', '/node_modules/', '/staged/', '/\\.agentdeck/']);
    expect(await wholeSuite(root, { kind: 'command', argv: ['npm', 'test'] })).toEqual({});
  });
});

describe('file selections stay literal', () => {
  it('escapes glob characters for node --test and regex characters for jest', () => {
    expect(argvForSelection({ kind: 'node', argv: ['node', '--test'] }, ['app/[id]/route.test.ts'])).toEqual(['node', '--test', 'app/?id?/route.test.ts']);
    expect(argvForSelection({ kind: 'jest', argv: ['jest'] }, ['app/[id]/a.test.ts'])).toEqual(['jest', 'app/\\[id\\]/a\\.test\\.ts']);
    expect(argvForSelection({ kind: 'vitest', argv: ['vitest', 'run'] }, ['app/[id]/a.test.ts'])).toEqual(['vitest', 'run', 'app/[id]/a.test.ts']);
  });
});
