// CodeSmith's generators: templates written into the ticket's staged worktree, checked with the
// TypeScript compiler API and the target's ESLint, their generated tests run, then committed.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createTicket, TICKET_ID } from '../../services/state/tickets.js';
import { runTests, summarizeTests } from '../../services/exec/test-runner.js';
import { CommandError, needsModel, type CommandContext, type CommandResult } from '../types.js';
import { outputStream } from '../stage/output.js';
import { projectConfig, testRunnerFor } from '../stage/project.js';
import { requireTicket, withState } from '../stage/state.js';
import { commitWritten, ensureStaged, type Staged } from '../stage/worktrees.js';
import { shownPath } from '../stage/layout.js';
import { detectConventions, type Conventions } from './conventions.js';
import { formatLintFinding, lint } from './lint.js';
import type { GeneratedFile } from './templates.js';
import { formatDiagnostic, typecheck } from './typecheck.js';
import { engineOf } from '../orchestrator/internals.js';

/** The ticket the work belongs to: the one given, the run's, or a new FEAT ticket. */
export function ticketFor(ctx: CommandContext, given: string | undefined, title: string): { id: string; opened: boolean } {
  const id = given ?? ctx.ticketId;
  if (id) {
    // An id in ticket form must name an existing ticket; any other name is taken as given.
    if (TICKET_ID.test(id)) requireTicket(ctx, id);
    return { id: id.toUpperCase(), opened: false };
  }
  const ticket = withState(ctx, (state) => createTicket(state, { kind: 'FEAT', title, createdBy: ctx.initiator, runId: ctx.runId }));
  ctx.as('orchestrator').log('success', `Ticket created: ${ticket.id}`, { ticket: { id: ticket.id, title: ticket.title, kind: ticket.kind } });
  return { id: ticket.id, opened: true };
}

/** True when a model runtime is available to this context. */
export function hasModel(ctx: CommandContext): boolean {
  try {
    return engineOf(ctx).runtime.hasModel;
  } catch {
    return false;
  }
}

export interface GenerateRequest {
  readonly what: string;
  readonly ticket: string | undefined;
  readonly title: string;
  readonly files: (c: Conventions, staged: Staged) => GeneratedFile[];
}

export async function generate(ctx: CommandContext, req: GenerateRequest): Promise<CommandResult> {
  const smith = ctx.as('codesmith');
  const { id: ticketId, opened } = ticketFor(ctx, req.ticket, req.title);
  const { staged } = await ensureStaged(ctx, ticketId);
  const conventions = detectConventions(staged.path, projectConfig(ctx.root).test);
  smith.log('success', `Analyzed project conventions (${conventions.appDir ? `Next.js app router in ${conventions.appDir}/` : 'no app router'}, tests: ${conventions.runner ?? 'none'})`);
  let files: GeneratedFile[];
  try {
    files = req.files(conventions, staged);
  } catch (error) {
    throw new CommandError('bad_request', error instanceof Error ? error.message : String(error));
  }
  const existing = files.filter((f) => existsSync(join(staged.path, f.path)));
  if (existing.length > 0) {
    throw new CommandError('exists', `${existing.map((f) => f.path).join(', ')} already exist(s) in ${ticketId}'s worktree: choose another name`);
  }
  await ctx.step('EXECUTE', `write ${req.what}`, async () => {
    for (const f of files) {
      mkdirSync(dirname(join(staged.path, f.path)), { recursive: true });
      writeFileSync(join(staged.path, f.path), f.content);
    }
    return { files: files.map((f) => f.path) };
  });
  const paths = files.map((f) => f.path);
  const nodeTypes = existsSync(join(staged.path, 'node_modules', '@types', 'node'));
  // Without @types/node the compiler cannot know `node:test`; that is the project's setup, not
  // the generated code: said once as a warning instead of reported as errors.
  const all = typecheck(staged.path, paths);
  const missingNodeTypes = nodeTypes ? [] : all.filter((d) => d.code === 'TS2307' && d.message.includes("'node:"));
  const diagnostics = all.filter((d) => !missingNodeTypes.includes(d));
  if (missingNodeTypes.length > 0) smith.log('warn', 'The project has no @types/node: node: imports in the generated tests are not type-checked (npm install -D @types/node)');
  const lintRun = await lint(staged.path, paths, ctx.signal);
  const lintErrors = lintRun.findings.filter((f) => f.severity === 'error');
  const tsErrors = diagnostics.filter((d) => d.severity === 'error');
  if (tsErrors.length === 0) smith.log('success', `TypeScript strict check passed (${paths.length} file(s))`);
  else for (const d of tsErrors.slice(0, 10)) smith.log('error', formatDiagnostic(d));
  if (lintRun.ran) {
    if (lintErrors.length === 0) smith.log('success', `ESLint passed (${lintRun.findings.length} warning(s))`);
    else for (const f of lintErrors.slice(0, 10)) smith.log('error', formatLintFinding(f));
  } else smith.log('info', `ESLint skipped: ${lintRun.note ?? 'not configured'}`);

  // Run the generated tests the runner can load (node --test does not load .tsx).
  const tests = files.filter((f) => f.kind === 'test' && !(conventions.runner === 'node' && f.path.endsWith('.tsx'))).map((f) => f.path);
  let testSummary = 'not run';
  let testsOk = true;
  if (tests.length > 0 && conventions.runner) {
    const run = await runTests(staged.path, testRunnerFor(ctx.root, staged.path), { files: tests, signal: ctx.signal, onLine: outputStream(smith, 'tests') });
    testSummary = summarizeTests(run);
    // A run that found none of the generated tests is not a pass.
    testsOk = run.ok && run.passed !== 0;
    smith.log(run.ok ? 'success' : 'error', `Generated tests ${run.ok ? 'pass' : 'fail'}: ${testSummary}`);
  }
  const ok = tsErrors.length === 0 && lintErrors.length === 0 && testsOk;
  await commitWritten(ctx, staged, paths, `${ticketId}: generate ${req.what}`);
  const where = shownPath(ctx.root, staged.path);
  ctx.as('stage').log('success', `${ok ? 'Feature ready' : 'Changes staged with problems'}: ${where}`);
  const lines = [
    ...files.map((f) => `  + ${f.path}`),
    ...tsErrors.map((d) => `  ✗ ${formatDiagnostic(d)}`),
    ...lintErrors.map((f) => `  ✗ ${formatLintFinding(f)}`),
  ];
  const message = `${ok ? 'generated' : 'generated with problems'} ${req.what} in ${ticketId}${opened ? ' (new ticket)' : ''}: ${paths.join(', ')} in ${where} (tests: ${testSummary})`;
  const data = { ticketId, ticketOpened: opened, worktree: staged.path, files: paths, diagnostics, lint: lintRun.findings, tests: testSummary };
  if (ok) return { ok: true, status: 'done', message, data, lines };
  return { ok: false, status: 'failed', message, data, lines, error: { code: 'checks_failed', message } };
}

/** Generates a test for an existing file of the project (read from the worktree). */
export function readSource(staged: Staged, file: string): string {
  const path = join(staged.path, file);
  if (!existsSync(path)) throw new Error(`${file} does not exist in the project: give a path relative to the project root`);
  return readFileSync(path, 'utf8');
}

/** A free-form request: only a model can do it. */
export function freeForm(ctx: CommandContext, what: string): CommandResult | null {
  if (!hasModel(ctx)) {
    ctx.as('codesmith').log('warn', `"${what}" is a free-form request: it needs a model runtime`);
    return needsModel(`generating "${what}"`);
  }
  return null;
}
