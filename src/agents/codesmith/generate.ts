// CodeSmith's generators: templates written into the ticket's staged worktree, checked with the
// TypeScript compiler API and the target's ESLint, their generated tests run, then committed.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createTicket, ticketOfStep, TICKET_ID } from '../../services/state/tickets.js';
import { runTests, summarizeTests } from '../../services/exec/test-runner.js';
import { stepCommit, withStepTrailer } from '../../services/git/step-commit.js';
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

/**
 * The ticket the work belongs to: the one given, the run's, or a new FEAT ticket. Opening one is
 * a durable step keyed into the ticket's data, so a resumed run keeps the ticket it opened.
 */
export async function ticketFor(ctx: CommandContext, given: string | undefined, title: string): Promise<{ id: string; opened: boolean }> {
  const id = given ?? ctx.ticketId;
  if (id) {
    // An id in ticket form must name an existing ticket; any other name is taken as given.
    if (TICKET_ID.test(id)) requireTicket(ctx, id);
    return { id: id.toUpperCase(), opened: false };
  }
  return ctx.step('PLAN', 'open a ticket', async (step) => {
    const ticket = withState(ctx, (state) => ticketOfStep(state, step.id) ?? createTicket(state, { kind: 'FEAT', title, createdBy: ctx.initiator, data: { step: step.id }, runId: ctx.runId }));
    ctx.as('orchestrator').log('success', `Ticket created: ${ticket.id}`, { ticket: { id: ticket.id, title: ticket.title, kind: ticket.kind } });
    return { id: ticket.id, opened: true };
  });
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
  const { id: ticketId, opened } = await ticketFor(ctx, req.ticket, req.title);
  const { staged } = await ensureStaged(ctx, ticketId);
  const conventions = detectConventions(staged.path, projectConfig(ctx.root).test);
  smith.log('success', `Analyzed project conventions (${conventions.appDir ? `Next.js app router in ${conventions.appDir}/` : 'no app router'}, tests: ${conventions.runner ?? 'none'})`);
  let files: GeneratedFile[];
  try {
    files = req.files(conventions, staged);
  } catch (error) {
    throw new CommandError('bad_request', error instanceof Error ? error.message : String(error));
  }
  // Recorded before anything is written: the files must not exist yet, and their content hashes
  // are kept, so a resumed run recognises the files it wrote itself before a kill.
  const planned = await ctx.step('PLAN', `plan ${req.what}`, async () => {
    const existing = files.filter((f) => f.original === undefined && existsSync(join(staged.path, f.path)));
    if (existing.length > 0) {
      throw new CommandError('exists', `${existing.map((f) => f.path).join(', ')} already exist(s) in ${ticketId}'s worktree: choose another name`);
    }
    return { files: files.map((f) => ({ path: f.path, sha256: sha256Of(f.content), ...(f.original !== undefined ? { before: sha256Of(f.original) } : {}) })) };
  });
  await ctx.step('EXECUTE', `write ${req.what}`, async () => {
    const changed = planned.files.filter((p) => {
      const path = join(staged.path, p.path);
      if (!existsSync(path)) return false;
      // An edited file may still hold its content from before the edit.
      const sha = sha256Of(readFileSync(path));
      return sha !== p.sha256 && sha !== (p as { before?: string }).before;
    });
    // Files this run wrote before a kill have the planned content; anything else is someone's edit.
    if (changed.length > 0) throw new CommandError('exists', `${changed.map((p) => p.path).join(', ')} changed in ${ticketId}'s worktree since this run planned them: not overwritten`);
    for (const f of files) {
      const path = join(staged.path, f.path);
      mkdirSync(dirname(path), { recursive: true });
      // Written whole or not at all: a kill mid-write leaves no partial file to refuse on resume.
      writeFileSync(`${path}.agentdeck-tmp`, f.content);
      renameSync(`${path}.agentdeck-tmp`, path);
    }
    return planned;
  });
  const paths = files.map((f) => f.path);
  const nodeTypes = existsSync(join(staged.path, 'node_modules', '@types', 'node'));
  // Without @types/node the compiler cannot know `node:test`; that is the project's setup, not
  // the generated code: said once as a warning instead of reported as errors.
  // Edge functions run on Deno, whose imports name the .ts file: TS5097 is not an error there.
  const all = typecheck(staged.path, paths).filter((d) => !(d.code === 'TS5097' && d.file.startsWith('supabase/functions/')));
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
  await ctx.step('EXECUTE', `commit ${req.what}`, async (step) => {
    // Only the files written here, once: a resumed run finds its commit by the step's trailer.
    const sha = (await stepCommit(staged.path, 'HEAD', step.id)) ?? (await commitWritten(ctx, staged, paths, withStepTrailer(`${ticketId}: generate ${req.what}`, step.id)));
    return { commit: sha };
  });
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

function sha256Of(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
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
