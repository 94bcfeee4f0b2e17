// A ticket's analysis, fix and verification. The root cause and the change itself are the
// model's work: without a model runtime they stop at needs_model, evidence and worktree ready.
import { recordModelUse } from '../runtime/usage.js';
import { hasModel } from '../codesmith/generate.js';
import { engineOf } from '../orchestrator/internals.js';
import { ensureStaged, onlyInWorktree, requireStaged } from '../stage/worktrees.js';
import { needsModel, type CommandContext, type CommandResult } from '../types.js';
import { markTicket, requireTicket } from '../stage/state.js';
import { shownPath } from '../stage/layout.js';
import { ticketLabel } from '../../services/state/tickets.js';
import { collectEvidence, type Evidence } from './evidence.js';
import { findingLines } from './findings.js';
import { checkWorktree } from './worktree-checks.js';
import { handsOff } from '../pipeline/model-step.js';
import { runTicketPipeline } from '../pipeline/ticket-run.js';

function evidenceLines(e: Evidence): string[] {
  return [
    `Evidence for ${e.ticket.id} (${e.keywords.join(', ') || 'no keywords'}):`,
    ...(e.findings.length ? findingLines(e.findings) : ['  no scan finding mentions this ticket']),
    ...(e.codeHits.length ? ['', 'Code mentioning it:', ...e.codeHits.slice(0, 15).map((h) => `  ${h}`)] : []),
  ];
}

/** Asks the model for the root cause, read only (the fix itself is the planned run's). */
async function askRootCause(ctx: CommandContext, prompt: string) {
  const engine = engineOf(ctx);
  const result = await engine.runtime.run(
    {
      agent: 'bughunter',
      cwd: ctx.root,
      prompt,
      outputSchema: { type: 'object', properties: { rootCause: { type: 'string' }, confidence: { type: 'number' }, files: { type: 'array', items: { type: 'string' } } }, required: ['rootCause'] },
    },
    {
      signal: ctx.signal,
      emit: (e) => engine.bus.emit({ ...e, agent: 'bughunter' }),
      requestPermission: onlyInWorktree(ctx.root, false),
    },
  );
  recordModelUse(engine.state, ctx.runId, result);
  return result;
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
  const answer = await askRootCause(
    ctx,
    `Ticket ${ticket.id}: ${ticket.title}\n${ticket.description}\n\nEvidence:\n${lines.join('\n')}\n\nFind the root cause. Answer with rootCause, confidence (0-100) and the files involved.`,
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
  const checks = await checkWorktree(ctx, staged, (run) => ctx.step('VERIFY', `tests ${ticketId}`, run));
  const { changed, diagnostics, tests, summary, lines, ok } = checks;
  const lintErrors = checks.lint.filter((f) => f.severity === 'error');
  if (changed.length === 0) {
    hunter.log('warn', `${ticketId}'s worktree has no changes to verify`);
    return { ok: false, status: 'failed', message: `${ticketId}'s worktree has no changes yet: make the fix in ${staged.path}`, lines, error: { code: 'no_changes', message: 'nothing changed' } };
  }
  hunter.log(ok ? 'success' : 'error', ok ? `Fix for ${ticketId} verified (${summary})` : `Fix for ${ticketId} does not hold yet`);
  const data = { ticketId, changed, diagnostics, lint: checks.lint, tests };
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
  // The evidence comes first, model or not: it is what a hand fix starts from too, and what the
  // plan is made from (so it belongs to UNDERSTAND).
  const evidence = await ctx.step('UNDERSTAND', `collect evidence ${ticket.id}`, () => collectEvidence(ctx, ticket));
  hunter.log('success', `Collected evidence: ${evidence.findings.length} related finding(s), ${evidence.codeHits.length} code reference(s)`);
  if (!hasModel(ctx) && !handsOff(ctx)) {
    hunter.log('warn', `No model runtime: ${ticket.id}'s worktree is ready for a manual fix at ${where}`);
    const base = needsModel(`fixing ${ticket.id}`);
    return {
      ...base,
      message: `${base.message}; or fix it by hand in ${where} and run "verify ${ticket.ref ?? ticket.id}"`,
      data: { ticketId: ticket.id, worktree: staged.path, branch: staged.branch, evidence },
      lines: evidenceLines(evidence),
    };
  }
  return runTicketPipeline(ctx, { ticket, staged, evidence, evidenceLines: evidenceLines(evidence) });
}
