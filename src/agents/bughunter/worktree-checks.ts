// The checks a fix in a ticket's worktree must pass: the type check and ESLint on the changed
// code, and the project's tests. One function for `verify` and the pipeline's repair loop, so the
// diagnostics a person reads and the ones a model is given back are the same lines.
import { changedFiles } from '../../services/git/git.js';
import { failureLabel, runTests, summarizeTests, type TestRunResult } from '../../services/exec/test-runner.js';
import { formatLintFinding, lint, type LintFinding } from '../codesmith/lint.js';
import { formatDiagnostic, typecheck, type Diagnostic } from '../codesmith/typecheck.js';
import { outputStream } from '../stage/output.js';
import { testRunnerFor } from '../stage/project.js';
import type { Staged } from '../stage/worktrees.js';
import type { CommandContext } from '../types.js';

export interface WorktreeChecks {
  readonly changed: string[];
  readonly diagnostics: Diagnostic[];
  readonly lintRan: boolean;
  readonly lint: LintFinding[];
  readonly tests: TestRunResult;
  readonly summary: string;
  /** True when something changed and every check passed. */
  readonly ok: boolean;
  /** What fails, as exact diagnostics (file:line message), one per line. */
  readonly failures: string[];
  /** The report for people: a mark per check, then the diagnostics. */
  readonly lines: string[];
}

/** Runs the checks in the worktree; `wrapTests` lets a caller make the test run a durable step. */
export async function checkWorktree(
  ctx: CommandContext,
  staged: Staged,
  wrapTests: (run: () => Promise<TestRunResult>) => Promise<TestRunResult> = (run) => run(),
): Promise<WorktreeChecks> {
  const hunter = ctx.as('bughunter');
  const changed = (await changedFiles(staged.path, staged.baseSha)).filter((f) => f.status !== 'D').map((f) => f.path);
  const code = changed.filter((f) => /\.(c|m)?tsx?$/.test(f));
  const diagnostics = code.length ? typecheck(staged.path, code).filter((d) => d.severity === 'error') : [];
  const lintRun = code.length ? await lint(staged.path, code, ctx.signal) : { ran: false, findings: [] };
  const lintErrors = lintRun.findings.filter((f) => f.severity === 'error');
  const tests = await wrapTests(() => runTests(staged.path, testRunnerFor(ctx.root, staged.path), { signal: ctx.signal, onLine: outputStream(hunter, 'tests') }));
  const summary = summarizeTests(tests);
  const testFailures = tests.failures.map((f) => `${failureLabel(f)}${f.message ? `: ${f.message}` : ''}`);
  if (!tests.ok && testFailures.length === 0) testFailures.push(`tests failed (${summary}): ${tests.tail.slice(-5).join(' | ')}`);
  const failures = [
    ...(changed.length === 0 ? ['nothing changed in the worktree'] : []),
    ...diagnostics.map((d) => `TypeScript ${formatDiagnostic(d)}`),
    ...lintErrors.map((f) => `ESLint ${formatLintFinding(f)}`),
    ...(tests.ok ? [] : testFailures.map((f) => `Test ${f}`)),
  ];
  const lines = [
    `  changed: ${changed.join(', ') || 'nothing'}`,
    `  ${diagnostics.length ? '✗' : '✓'} TypeScript: ${diagnostics.length} error(s)`,
    ...diagnostics.map((d) => `    ${formatDiagnostic(d)}`),
    `  ${lintErrors.length ? '✗' : '✓'} ESLint: ${lintRun.ran ? `${lintErrors.length} error(s)` : 'skipped'}`,
    ...lintErrors.map((f) => `    ${formatLintFinding(f)}`),
    `  ${tests.ok ? '✓' : '✗'} Tests: ${summary}`,
    ...tests.failures.map((f) => `    ${f.file ?? ''}${f.line ? `:${f.line}` : ''} ${f.name}`),
  ];
  const ok = changed.length > 0 && diagnostics.length === 0 && lintErrors.length === 0 && tests.ok;
  return { changed, diagnostics, lintRan: lintRun.ran, lint: lintRun.findings, tests, summary, ok, failures, lines };
}
