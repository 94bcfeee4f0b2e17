// `bugs scan`: TypeScript diagnostics, ESLint findings, failing tests and database findings.
import { OWN_DIRS, runTests, summarizeTests, wholeSuite, type TestRunResult, type TestRunner } from '../../services/exec/test-runner.js';
import { setKv } from '../../services/state/kv.js';
import { lint } from '../codesmith/lint.js';
import { outputStream } from '../stage/output.js';
import { testRunnerFor } from '../stage/project.js';
import { withState } from '../stage/state.js';
import type { CommandContext, NotRun } from '../types.js';
import { databaseFindings } from './db-checks.js';
import { countBySeverity, uniqueFindings, type Finding } from './findings.js';
import { openScanTarget } from './target-db.js';
import { projectDiagnostics } from './tsc.js';

/** Files in agentdeck's own folders or in node_modules: not the project's code. */
const NOT_PROJECT = new RegExp(`^(${[...OWN_DIRS, 'node_modules'].map((d) => d.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})/`);

export interface ScanReport {
  readonly findings: Finding[];
  /** Per check: what ran and how it went, one line each. */
  readonly checks: Record<string, string>;
  /** Checks that are configured but could not run: the scan is incomplete, never clean. */
  readonly notRun: NotRun[];
  readonly at: string;
}

export const LAST_SCAN_KEY = 'bughunter:last-scan';

async function startTests(ctx: CommandContext, dir: string): Promise<{ skipped: string } | { runner: TestRunner; run: TestRunResult }> {
  let runner: TestRunner;
  try {
    runner = testRunnerFor(ctx.root, dir);
  } catch (error) {
    return { skipped: error instanceof Error ? error.message : String(error) };
  }
  const suite = await wholeSuite(dir, runner);
  if (suite.files && suite.files.length === 0) return { skipped: 'the project has no test files' };
  const run = await runTests(dir, runner, { ...suite, signal: ctx.signal, onLine: outputStream(ctx.as('bughunter'), 'tests') });
  return { runner, run };
}

export async function scanProject(ctx: CommandContext, dir: string = ctx.root): Promise<ScanReport> {
  const hunter = ctx.as('bughunter');
  const checks: Record<string, string> = {};
  const notRun: NotRun[] = [];

  // ESLint and the test suite are subprocesses: start them first, so they run while the
  // compiler works on this thread.
  const tscRun = projectDiagnostics(dir, ctx.signal);
  const lintRun = lint(dir, ['.'], ctx.signal);
  const testRun = startTests(ctx, dir);
  // Settled here as well, so a step that is skipped on resume leaves no unhandled rejection.
  for (const p of [tscRun, lintRun, testRun]) p.catch(() => undefined);

  const tsStep = await ctx.step('ANALYZE', 'typescript diagnostics', async () => {
    const run = await tscRun;
    if ('skipped' in run) return { findings: [] as Finding[], via: null, skipped: run.skipped };
    const { diagnostics, via } = run;
    const findings = diagnostics
      .filter((d) => !NOT_PROJECT.test(d.file))
      .map<Finding>((d) => ({ source: 'typescript', severity: d.severity === 'error' ? 'medium' : 'low', location: `${d.file}:${d.line}`, message: d.message, rule: d.code }));
    return { findings, via, skipped: null };
  });
  const ts = tsStep.findings;
  if (tsStep.skipped !== null) {
    // Not a clean check: the scan says it is incomplete, and why.
    checks.typescript = `skipped: ${tsStep.skipped}`;
    notRun.push({ check: 'typescript', why: tsStep.skipped });
    hunter.log('error', `TypeScript: ${checks.typescript}`);
  } else {
    checks.typescript = `${ts.length} diagnostic(s) (${tsStep.via})`;
    hunter.log(ts.length ? 'warn' : 'success', `TypeScript: ${ts.length} diagnostic(s)`);
  }

  const eslint = await ctx.step('ANALYZE', 'eslint', async () => {
    const run = await lintRun;
    return {
      ran: run.ran,
      failed: run.failed ?? false,
      note: run.note ?? null,
      findings: run.findings
        .filter((f) => !NOT_PROJECT.test(f.file))
        .map<Finding>((f) => ({ source: 'eslint', severity: f.severity === 'error' ? 'medium' : 'low', location: `${f.file}:${f.line}`, message: f.message, ...(f.rule ? { rule: f.rule } : {}) })),
    };
  });
  checks.eslint = eslint.ran ? `${eslint.findings.length} finding(s)` : eslint.failed ? `could not run: ${eslint.note ?? 'no report'}` : `skipped: ${eslint.note ?? 'not configured'}`;
  if (eslint.failed) notRun.push({ check: 'eslint', why: eslint.note ?? 'no report' });
  hunter.log(eslint.ran ? (eslint.findings.length ? 'warn' : 'success') : eslint.failed ? 'error' : 'info', `ESLint: ${checks.eslint}`);

  const tests = await ctx.step('ANALYZE', 'tests', async () => {
    const started = await testRun;
    if ('skipped' in started) return { summary: `skipped: ${started.skipped}`, findings: [] as Finding[] };
    const { runner, run } = started;
    const findings = run.failures.map<Finding>((f) => ({
      source: 'tests',
      severity: 'high',
      location: f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : runner.argv.join(' '),
      message: `failing test: ${f.name}${f.message ? ` (${f.message})` : ''}`,
    }));
    if (!run.ok && findings.length === 0) {
      findings.push({ source: 'tests', severity: 'high', location: run.argv.join(' '), message: `test command failed: ${summarizeTests(run)}` });
    }
    return { summary: summarizeTests(run), findings };
  });
  checks.tests = tests.summary;
  hunter.log(tests.findings.length ? 'warn' : 'success', `Tests: ${tests.summary}`);

  const db = await ctx.step('ANALYZE', 'database checks', async () => {
    try {
      const target = await openScanTarget(ctx.root);
      if (!target) return { summary: 'skipped: no target database and no supabase/migrations', findings: [] as Finding[], failed: null };
      try {
        const findings = await databaseFindings(target.query);
        return { summary: `${findings.length} finding(s) on the ${target.label}`, findings, failed: null };
      } finally {
        await target.close();
      }
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return { summary: `could not run: ${why}`, findings: [] as Finding[], failed: why };
    }
  });
  checks.database = db.summary;
  if (db.failed !== null) notRun.push({ check: 'database checks', why: db.failed });
  hunter.log(db.failed !== null ? 'error' : db.findings.length ? 'warn' : 'success', `Database: ${db.summary}`);

  const report: ScanReport = { findings: uniqueFindings([...tests.findings, ...db.findings, ...ts, ...eslint.findings]), checks, notRun, at: new Date().toISOString() };
  withState(ctx, (state) => setKv(state, LAST_SCAN_KEY, report));
  const c = countBySeverity(report.findings);
  if (notRun.length) hunter.log('error', `Scan incomplete: ${notRun.map((n) => n.check).join(', ')} could not run`);
  else hunter.log(report.findings.length ? 'warn' : 'success', `Scan found ${report.findings.length} issue(s): ${c.critical} critical, ${c.high} high, ${c.medium} medium, ${c.low} low`);
  return report;
}
