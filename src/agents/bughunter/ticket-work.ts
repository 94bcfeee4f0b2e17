// A ticket's analysis, fix and verification. The root cause and the change itself are the
// model's work: without a model runtime they stop at needs_model, evidence and worktree ready.
import { changedFiles } from '../../services/git/git.js';
import { runTests, summarizeTests } from '../../services/exec/test-runner.js';
import { formatLintFinding, lint } from '../codesmith/lint.js';
import { formatDiagnostic, typecheck } from '../codesmith/typecheck.js';
import { hasModel } from '../codesmith/generate.js';
import { engineOf } from '../orchestrator/internals.js';
import { outputStream } from '../stage/output.js';
import { testRunnerFor } from '../stage/project.js';
import { ensureStaged, onlyInWorktree, requireStaged } from '../stage/worktrees.js';
import { needsModel, type CommandContext, type CommandResult } from '../types.js';
import { markTicket, requireTicket } from '../stage/state.js';
import { shownPath } from '../stage/layout.js';
import { ticketLabel } from '../../services/state/tickets.js';
import { collectEvidence, type Evidence } from './evidence.js';
import { findingLines } from './findings.js';

function evidenceLines(e: Evidence): string[] {
  return [
    `Evidence for ${e.ticket.id} (${e.keywords.join(', ') || 'no keywords'}):`,
    ...(e.findings.length ? findingLines(e.findings) : ['  no scan finding mentions this ticket']),
    ...(e.codeHits.length ? ['', 'Code mentioning it:', ...e.codeHits.slice(0, 15).map((h) => `  ${h}`)] : []),
  ];
}

async function askModel(ctx: CommandContext, cwd: string, prompt: string, edit: boolean) {
  const engine = engineOf(ctx);
  return engine.runtime.run(
    {
      agent: 'bughunter',
      cwd,
      prompt,
      ...(edit ? { allowedTools: ['Read', 'Glob', 'Grep', 'Edit', 'Write'] } : {}),
      ...(edit ? {} : { outputSchema: { type: 'object', properties: { rootCause: { type: 'string' }, confidence: { type: 'number' }, files: { type: 'array', items: { type: 'string' } } }, required: ['rootCause'] } }),
    },
    {
      signal: ctx.signal,
      emit: (e) => engine.bus.emit({ ...e, agent: 'bughunter' }),
      requestPermission: onlyInWorktree(cwd, edit),
    },
  );
}

export async function analyze(ctx: CommandContext, id: string): Promise<CommandResult> {
  const hunter = ctx.as('bughunter');
  const ticket = requireTicket(ctx, id);
  hunter.log('info', `Analyzing ${ticket.id}...`);
  const evidence = await ctx.step('ANALYZE', `collect evidence ${ticket.id}`, () => collectEvidence(ctx, ticket));
  hunter.log('success', `Collected evidence: ${evidence.findings.length} related finding(s), ${evidence.codeHits.length} code reference(s)`);
  const lines = evidenceLines(evidence);
  if (!hasModel(ctx)) {
    return { ...needsModel(`the root cause of ${ticket.id}`), data: { evidence }, lines };
  }
  const answer = await askModel(
    ctx,
    ctx.root,
    `Ticket ${ticket.id}: ${ticket.title}\n${ticket.description}\n\nEvidence:\n${lines.join('\n')}\n\nFind the root cause. Answer with rootCause, confidence (0-100) and the files involved.`,
    false,
  );
  if (answer.status !== 'done') return { ok: false, status: answer.status === 'needs_model' ? 'needs_model' : 'failed', message: answer.text, data: { evidence }, lines, error: { code: answer.status, message: answer.text } };
  const structured = (answer.structured ?? {}) as { rootCause?: string; confidence?: number; files?: string[] };
  const rootCause = structured.rootCause ?? answer.text;
  hunter.log('success', `Root cause found: ${rootCause}`);
  return { ok: true, status: 'done', message: `${ticket.id}: ${rootCause}`, data: { evidence, rootCause, confidence: structured.confidence ?? null, files: structured.files ?? [] }, lines };
}

export async function verify(ctx: CommandContext, id: string): Promise<CommandResult> {
  const hunter = ctx.as('bughunter');
  const ticketId = requireTicket(ctx, id).id;
  const staged = requireStaged(ctx, ticketId);
  const changed = (await changedFiles(staged.path, staged.baseSha)).filter((f) => f.status !== 'D').map((f) => f.path);
  const code = changed.filter((f) => /\.(c|m)?tsx?$/.test(f));
  const diagnostics = code.length ? typecheck(staged.path, code).filter((d) => d.severity === 'error') : [];
  const lintRun = code.length ? await lint(staged.path, code, ctx.signal) : { ran: false, findings: [] };
  const lintErrors = lintRun.findings.filter((f) => f.severity === 'error');
  const tests = await ctx.step('VERIFY', `tests ${ticketId}`, () =>
    runTests(staged.path, testRunnerFor(ctx.root, staged.path), { signal: ctx.signal, onLine: outputStream(hunter, 'tests') }),
  );
  const summary = summarizeTests(tests);
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
  if (changed.length === 0) {
    hunter.log('warn', `${ticketId}'s worktree has no changes to verify`);
    return { ok: false, status: 'failed', message: `${ticketId}'s worktree has no changes yet: make the fix in ${staged.path}`, lines, error: { code: 'no_changes', message: 'nothing changed' } };
  }
  hunter.log(ok ? 'success' : 'error', ok ? `Fix for ${ticketId} verified (${summary})` : `Fix for ${ticketId} does not hold yet`);
  const data = { ticketId, changed, diagnostics, lint: lintRun.findings, tests };
  if (ok) markTicket(ctx, ticketId, 'staged', 'fix verified');
  if (ok) return { ok: true, status: 'done', message: `${ticketId} verified: ${changed.length} changed file(s), type check and lint clean, tests ${summary}`, data, lines };
  return { ok: false, status: 'failed', message: `${ticketId} not verified: ${[diagnostics.length ? `${diagnostics.length} type error(s)` : '', lintErrors.length ? `${lintErrors.length} lint error(s)` : '', tests.ok ? '' : `tests ${summary}`].filter(Boolean).join(', ')}`, data, lines, error: { code: 'not_verified', message: 'checks failed' } };
}

export async function fix(ctx: CommandContext, id: string): Promise<CommandResult> {
  const hunter = ctx.as('bughunter');
  const ticket = requireTicket(ctx, id);
  const { staged } = await ensureStaged(ctx, ticket.id);
  const where = shownPath(ctx.root, staged.path);
  hunter.log('info', `Analyzing ${ticketLabel(ticket)}...`);
  // The evidence comes first, model or not: it is what a hand fix starts from too.
  const evidence = await ctx.step('ANALYZE', `collect evidence ${ticket.id}`, () => collectEvidence(ctx, ticket));
  hunter.log('success', `Collected evidence: ${evidence.findings.length} related finding(s), ${evidence.codeHits.length} code reference(s)`);
  if (!hasModel(ctx)) {
    hunter.log('warn', `No model runtime: ${ticket.id}'s worktree is ready for a manual fix at ${where}`);
    const base = needsModel(`fixing ${ticket.id}`);
    return {
      ...base,
      message: `${base.message}; or fix it by hand in ${where} and run "verify ${ticket.ref ?? ticket.id}"`,
      data: { ticketId: ticket.id, worktree: staged.path, branch: staged.branch, evidence },
      lines: evidenceLines(evidence),
    };
  }
  const answer = await askModel(
    ctx,
    staged.path,
    `Fix ticket ${ticket.id}: ${ticket.title}\n${ticket.description}\n\n${evidenceLines(evidence).join('\n')}\n\nMake the smallest change that fixes it, with a test. Work only in this directory.`,
    true,
  );
  if (answer.status !== 'done') return { ok: false, status: answer.status === 'needs_model' ? 'needs_model' : 'failed', message: answer.text, error: { code: answer.status, message: answer.text } };
  hunter.log('success', `Generated fix for ${ticket.id}; verifying`);
  return verify(ctx, ticket.id);
}
