// The target project's test runner: detected from its package.json (vitest, jest, node --test)
// or taken from `agentdeck.config.json` (`test`), run with argument arrays, output parsed.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess, succeeded, type RunOptions } from './run.js';
import { git } from '../git/git.js';
import { splitCommand } from '../config/argv.js';
import { appNode, appPath } from './app-node.js';

export type RunnerKind = 'vitest' | 'jest' | 'node' | 'command';

export interface TestRunner {
  readonly kind: RunnerKind;
  /** The command that runs the whole suite. */
  readonly argv: readonly string[];
}

interface PackageJson {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export function readPackageJson(dir: string): PackageJson | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return null;
  }
}

/** `npm test` and its spellings: they run package.json's `test` script, which says the runner. */
const NPM_TEST = /^npm (run |run-script )?(test|t)( --silent| -s)?$/;

/**
 * Which runner the project uses; `configured` (the config's `test`) wins when given, except
 * `npm test` (what `init` writes), which is read through to the script it runs.
 */
export function detectTestRunner(dir: string, configured?: readonly string[] | null): TestRunner | null {
  if (configured && configured.length > 0 && !NPM_TEST.test(configured.join(' '))) return { kind: kindOfArgv(configured), argv: configured };
  const pkg = readPackageJson(dir);
  if (!pkg) return null;
  const script = pkg.scripts?.test?.trim();
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  if (script && /^node\b.*--test\b/.test(script)) {
    const split = splitCommand(script);
    if (split.ok) return { kind: 'node', argv: split.argv };
  }
  if (script?.startsWith('vitest') || (!script && deps.vitest)) return { kind: 'vitest', argv: ['vitest', 'run'] };
  if (script?.startsWith('jest') || (!script && deps.jest)) return { kind: 'jest', argv: ['jest'] };
  if (script && !script.includes('no test specified')) {
    if (deps.vitest && script.includes('vitest')) return { kind: 'vitest', argv: ['vitest', 'run'] };
    if (deps.jest && script.includes('jest')) return { kind: 'jest', argv: ['jest'] };
    return { kind: 'command', argv: ['npm', 'test', '--silent'] };
  }
  return null;
}

function kindOfArgv(argv: readonly string[]): RunnerKind {
  const words = argv.join(' ');
  if (/\bvitest\b/.test(words)) return 'vitest';
  if (/\bjest\b/.test(words)) return 'jest';
  if (argv[0] === 'node' && argv.includes('--test')) return 'node';
  return 'command';
}

/**
 * Turns argv into something spawnable without a shell: `node` becomes the project's Node (the
 * one it pins or the user's on PATH, not agentdeck's own), and a package binary (`vitest`,
 * `npx vitest`) runs its JavaScript entry with that Node.
 */
export function resolveArgv(dir: string, argv: readonly string[]): { cmd: string; args: string[] } {
  let words = [...argv];
  if (words[0] === 'npx' && words.length > 1) words = words.slice(1).filter((w, i) => i > 0 || !w.startsWith('-'));
  const [first = '', ...rest] = words;
  if (first === 'node') return { cmd: appNode(dir), args: rest };
  const bin = join(dir, 'node_modules', '.bin', first);
  if (!first.includes('/') && existsSync(bin)) {
    const entry = realpathSync(bin);
    if (/\.(c|m)?js$/.test(entry) || !/\.(sh|exe)$/.test(entry)) return { cmd: appNode(dir), args: [entry, ...rest] };
  }
  return { cmd: first, args: rest };
}

/** The environment of a project's own tools: the user's PATH without agentdeck's package binaries. */
export function appEnv(dir: string): Record<string, string> {
  return { PATH: appPath(dir) };
}

const TEST_FILE = /(\.|-|_)(test|spec)\.(c|m)?(t|j)sx?$|(^|\/)__tests__\//;

/** Tracked and untracked (not ignored) test files of the work tree. */
export async function listTestFiles(dir: string): Promise<string[]> {
  const out = await git(dir, ['ls-files', '--cached', '--others', '--exclude-standard', '-z']);
  return out.split('\0').filter((p) => p.length > 0 && TEST_FILE.test(p) && existsSync(join(dir, p)));
}

const squash = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Test files whose path names the feature (`customer-portal` matches `customerPortal.test.ts`). */
export async function testFilesFor(dir: string, feature: string): Promise<string[]> {
  const wanted = squash(feature);
  if (!wanted) return [];
  return (await listTestFiles(dir)).filter((f) => squash(f).includes(wanted));
}

/** Test files whose text mentions the feature (a test named after it), case-insensitively. */
export async function testFilesMentioning(dir: string, feature: string): Promise<string[]> {
  const needle = feature.trim().toLowerCase();
  if (!needle) return [];
  return (await listTestFiles(dir)).filter((f) => {
    try {
      return readFileSync(join(dir, f), 'utf8').toLowerCase().includes(needle);
    } catch {
      return false;
    }
  });
}

/** The argv that runs only `files` (or the tests named like `feature` when no file matched). */
export function argvForSelection(runner: TestRunner, files: readonly string[], feature?: string): string[] {
  const base = [...runner.argv];
  if (files.length > 0) {
    if (runner.kind === 'command') return [...base, '--', ...files];
    // node --test reads its arguments as globs (with no escape), jest as regular expressions:
    // `app/[id]/...` must still find its file, so glob characters become single-character wildcards.
    if (runner.kind === 'node') return [...base, ...files.map((f) => f.replace(/[[\]*?{}!]/g, '?'))];
    if (runner.kind === 'jest') return [...base, ...files.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))];
    return [...base, ...files];
  }
  if (!feature) return base;
  if (runner.kind === 'node') return [...base, `--test-name-pattern=${feature}`];
  if (runner.kind === 'vitest' || runner.kind === 'jest') return [...base, '-t', feature];
  return [...base, '--', feature];
}

export interface TestFailure {
  readonly name: string;
  readonly file?: string;
  readonly line?: number;
  readonly message?: string;
}

export interface TestRunResult {
  readonly ok: boolean;
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly passed: number | null;
  readonly failed: number | null;
  readonly failures: readonly TestFailure[];
  readonly durationMs: number;
  readonly timedOut: boolean;
  /** The last lines of output, for reports. */
  readonly tail: readonly string[];
  readonly spawnError?: string;
}

// ANSI colour codes, stripped before parsing.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** Reads pass/fail counts and failing tests from node --test, vitest, jest or TAP output. */
export function parseTestOutput(text: string): { passed: number | null; failed: number | null; failures: TestFailure[] } {
  const lines = text.replace(ANSI, '').split('\n');
  let passed: number | null = null;
  let failed: number | null = null;
  const failures: TestFailure[] = [];
  const seen = new Set<string>();
  const add = (f: TestFailure): void => {
    const k = `${f.file ?? ''}:${f.line ?? ''}:${f.name}`;
    if (!seen.has(k)) {
      seen.add(k);
      failures.push(f);
    }
  };
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trimEnd();
    let m: RegExpMatchArray | null;
    // node --test (spec): "ℹ pass 3" / "ℹ fail 1" / "# pass 3" (tap)
    if ((m = /^(?:ℹ|#)\s+pass\s+(\d+)$/.exec(line.trim()))) passed = Number(m[1]);
    else if ((m = /^(?:ℹ|#)\s+fail\s+(\d+)$/.exec(line.trim()))) failed = Number(m[1]);
    // vitest: "Tests  1 failed | 3 passed (4)"; jest: "Tests:       1 failed, 3 passed, 4 total"
    else if ((m = /^\s*Tests:?\s+(.*)$/.exec(line))) {
      const f = /(\d+) failed/.exec(m[1] as string);
      const p = /(\d+) passed/.exec(m[1] as string);
      if (f || p) {
        failed = f ? Number(f[1]) : 0;
        passed = p ? Number(p[1]) : 0;
      }
    }
    // node --test spec failure block: "test at lib/a.test.ts:4:1" then "✖ name (1.2ms)"
    if ((m = /^test at (.+?):(\d+):\d+$/.exec(line.trim()))) {
      const next = (lines[i + 1] ?? '').trim();
      const name = /^✖\s+(.*?)(?:\s+\([\d.]+m?s\))?$/.exec(next)?.[1] ?? next;
      const message = (lines[i + 2] ?? '').trim();
      add({ name, file: m[1] as string, line: Number(m[2]), ...(message ? { message } : {}) });
    }
    // vitest: " FAIL  lib/a.test.ts > suite > name"
    else if ((m = /^\s*(?:FAIL|×|✗)\s+(\S+\.(?:c|m)?[jt]sx?)\s+>\s+(.+)$/.exec(line))) {
      add({ name: (m[2] as string).trim(), file: m[1] as string });
    }
    // TAP: "not ok 1 - name"
    else if ((m = /^\s*not ok \d+ - (.+)$/.exec(line))) {
      const loc = lines.slice(i + 1, i + 12).map((l) => /location: '(?:file:\/\/)?(.+?):(\d+):\d+'/.exec(l)).find(Boolean);
      add({ name: (m[1] as string).trim(), ...(loc ? { file: loc[1] as string, line: Number(loc[2]) } : {}) });
    }
    // jest: "  ● suite › name"
    else if ((m = /^\s*● (.+ › .+)$/.exec(line))) add({ name: (m[1] as string).trim() });
  }
  return { passed, failed, failures };
}

export interface RunTestsOptions extends Pick<RunOptions, 'signal' | 'onLine' | 'timeoutMs' | 'env'> {
  readonly feature?: string;
  readonly files?: readonly string[];
  /** Arguments added after the runner's own (exclusions). */
  readonly extraArgs?: readonly string[];
}

/** Where agentdeck puts the staged worktrees inside a project. */
export const STAGED_DIR = 'staged';
/**
 * Folders of agentdeck inside a project (worktrees, state) that a test run, a lint or a scan must
 * not enter, and that the project's git ignores. The one list every such rule is derived from.
 */
export const OWN_DIRS = [STAGED_DIR, '.agentdeck'] as const;

/**
 * How to run the whole suite of the project at `dir` without the tests of the staged worktrees
 * inside it: node --test gets the project's own test files (git lists them, worktrees are
 * ignored), vitest and jest get exclusions.
 */
export async function wholeSuite(dir: string, runner: TestRunner): Promise<Pick<RunTestsOptions, 'files' | 'extraArgs'>> {
  if (runner.kind === 'node' && runner.argv.length === 2) return { files: await listTestFiles(dir) };
  if (runner.kind === 'vitest') return { extraArgs: OWN_DIRS.flatMap((d) => ['--exclude', `${d}/**`]) };
  if (runner.kind === 'jest') return { extraArgs: ['--testPathIgnorePatterns', '/node_modules/', ...OWN_DIRS.map((d) => `/${d.replace('.', '\\.')}/`)] };
  return {};
}

/** Runs the suite (or the selection) in `dir` and parses the outcome. */
export async function runTests(dir: string, runner: TestRunner, options: RunTestsOptions = {}): Promise<TestRunResult> {
  const argv = [...argvForSelection(runner, options.files ?? [], options.feature), ...(options.extraArgs ?? [])];
  const { cmd, args } = resolveArgv(dir, argv);
  const result = await runProcess(cmd, args, {
    cwd: dir,
    env: { ...appEnv(dir), CI: '1', FORCE_COLOR: '0', NO_COLOR: '1', ...options.env },
    timeoutMs: options.timeoutMs ?? 600_000,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onLine ? { onLine: options.onLine } : {}),
  });
  const output = `${result.stdout}\n${result.stderr}`;
  const ok = succeeded(result);
  const parsed = parseTestOutput(output);
  const lines = output.replace(ANSI, '').split('\n').filter((l) => l.trim() !== '');
  return {
    ok,
    argv,
    exitCode: result.code,
    passed: parsed.passed,
    failed: parsed.failed ?? (ok ? 0 : null),
    failures: parsed.failures,
    durationMs: result.durationMs,
    timedOut: result.timedOut,
    tail: lines.slice(-20),
    ...(result.spawnError ? { spawnError: result.spawnError } : {}),
  };
}

/** A failing test as one line: `file:line name`, or the name alone when the file is unknown. */
export function failureLabel(f: TestFailure): string {
  return `${f.file ? `${f.file}${f.line ? `:${f.line}` : ''} ` : ''}${f.name}`;
}

/** "3 passed, 1 failed in 1.2 s" */
export function summarizeTests(r: TestRunResult): string {
  if (r.spawnError || r.timedOut) return testOutcome(r);
  return `${testOutcome(r)} in ${(r.durationMs / 1000).toFixed(1)} s`;
}

/**
 * What a test run showed, without how long it took: what an approval binds to, so the same tests
 * passing on the same commit again are the same action (their timing differs every run).
 */
export function testOutcome(r: TestRunResult): string {
  if (r.spawnError) return `could not start ${r.argv.join(' ')} (${r.spawnError})`;
  if (r.timedOut) return `timed out after ${(r.durationMs / 1000).toFixed(1)} s`;
  return r.passed !== null || r.failed !== null ? `${r.passed ?? 0} passed, ${r.failed ?? 0} failed` : `exit code ${r.exitCode}`;
}
