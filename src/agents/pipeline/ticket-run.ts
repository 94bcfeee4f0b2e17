// The planned, multi-specialist run for a ticket (the plan's sections 4.1-4.4 through the six
// phases): the orchestrator plans (and, below the understanding gate, asks the admin one
// question), BugHunter finds the root cause read-only, CodeSmith or BugHunter edits the ticket's
// worktree, the Migrator writes migration and rollback SQL when the plan changes the schema, and
// the checks run in the worktree. A failed check goes back to the specialist that edited, in its
// own model session, as the exact diagnostics, for up to `agents.repairRounds` rounds; then the
// run is verified, or `needs_manual` with what still fails and where the worktree is.
import { basename } from 'node:path';
import { loadProject } from '../../services/config/project.js';
import { DEFAULT_REPAIR_ROUNDS } from '../../services/config/schema.js';
import { ticketLabel, type Ticket } from '../../services/state/tickets.js';
import { checkWorktree } from '../bughunter/worktree-checks.js';
import type { Evidence } from '../bughunter/evidence.js';
import { describeFindings } from '../migrator/safety.js';
import { dryRun, describeDryRun } from '../migrator/dry-run.js';
import { listMigrations } from '../migrator/files.js';
import { engineOf } from '../orchestrator/internals.js';
import { MIN_CONFIDENCE } from '../orchestrator/gates.js';
import { getRun } from '../orchestrator/runs-repo.js';
import { askAdmin } from './questions.js';
import { markTicket } from '../stage/state.js';
import { shownPath } from '../stage/layout.js';
import type { Staged } from '../stage/worktrees.js';
import { messageOf } from '../orchestrator/errors.js';
import type { CommandContext, CommandResult } from '../types.js';
import { DEFAULT_ALLOWED_TOOLS } from '../runtime/types.js';
import { runModelStep, type StepAnswer } from './model-step.js';
import { EDIT_JSON_SCHEMA, PLAN_JSON_SCHEMA, ROOT_CAUSE_JSON_SCHEMA, parsePlan, parseRootCause, planLine, type Plan } from './plan.js';

const READ_ONLY = ['Read', 'Glob', 'Grep'];
const EDITING = ['Read', 'Glob', 'Grep', 'Edit', 'Write'];

export function repairRounds(root: string): number {
  try {
    return loadProject(root).config.agents.repairRounds;
  } catch {
    return DEFAULT_REPAIR_ROUNDS;
  }
}

function ticketText(ticket: Ticket, evidenceLines: readonly string[]): string {
  return [`Ticket ${ticketLabel(ticket)}: ${ticket.title}`, ticket.description, '', ...evidenceLines].join('\n');
}

interface RunChecks {
  readonly ok: boolean;
  readonly failures: string[];
  readonly lines: string[];
  readonly summary: string;
}

/** The worktree's checks, with the dry run (safety check and rollback compare) of any new migration. */
async function runChecks(ctx: CommandContext, staged: Staged): Promise<RunChecks> {
  const checks = await checkWorktree(ctx, staged);
  const failures = [...checks.failures];
  const lines = [...checks.lines];
  const known = new Set(listMigrations(ctx.root).map((m) => m.file));
  const all = listMigrations(staged.path);
  const fresh = all.filter((m) => !known.has(m.file));
  if (fresh.length > 0) {
    try {
      const report = await dryRun(all.filter((m) => known.has(m.file)), fresh, { root: ctx.root, signal: ctx.signal });
      lines.push(...describeDryRun(report).map((l) => `  ${l}`));
      for (const c of report.candidates) {
        if (!c.outcome.ok) failures.push(`Dry run ${c.file}: ${c.outcome.error ? `line ${c.outcome.error.line}: ${c.outcome.error.message}` : 'failed'}`);
        if (!c.rollback?.file) failures.push(`Dry run ${c.file}: no rollback (write supabase/rollbacks/${basename(c.file, '.sql')}.down.sql)`);
        else if (!c.rollback.restored) failures.push(`Dry run ${c.file}: the rollback does not restore the schema (${[...c.rollback.leftover.added.map((a) => `left ${a}`), ...c.rollback.leftover.removed.map((r) => `lost ${r}`)].join(', ') || 'it failed'})`);
        for (const f of c.safety?.findings ?? []) if (f.severity === 'high') failures.push(`Safety ${c.file}:${f.line}: ${f.message} (${f.safer})`);
        if (c.safety?.findings.length) lines.push(...describeFindings(c.safety.findings, c.file).map((l) => `    ${l}`));
      }
    } catch (error) {
      // The dry run could not run at all: the run cannot call the migration checked.
      failures.push(`Dry run could not run: ${messageOf(error)}`);
    }
  }
  return { ok: checks.ok && failures.length === 0, failures, lines, summary: checks.summary };
}

function repairPrompt(round: number, failures: readonly string[], staged: Staged): string {
  return [
    `Repair round ${round}: the checks in ${staged.path} fail with these diagnostics:`,
    ...failures.map((f) => `- ${f}`),
    '',
    'Change the code (or the migration) so these pass. Work only in this directory; do not weaken or delete tests.',
  ].join('\n');
}

export interface TicketRunInput {
  readonly ticket: Ticket;
  readonly staged: Staged;
  readonly evidence: Evidence;
  readonly evidenceLines: readonly string[];
}

export async function runTicketPipeline(ctx: CommandContext, input: TicketRunInput): Promise<CommandResult> {
  const { ticket, staged } = input;
  const where = shownPath(ctx.root, staged.path);
  const orchestrator = ctx.as('orchestrator');
  const hunter = ctx.as('bughunter');
  const context = ticketText(ticket, input.evidenceLines);
  const verifyLine = `verify ${ticket.ref ?? ticket.id}`;

  // UNDERSTAND + PLAN: one structured plan; below the gate, one question to the admin.
  const first = await runModelStep(ctx, {
    phase: 'UNDERSTAND',
    key: 'plan',
    agent: 'orchestrator',
    cwd: staged.path,
    tools: DEFAULT_ALLOWED_TOOLS.orchestrator,
    outputSchema: PLAN_JSON_SCHEMA,
    prompt: `${context}\n\nPlan the work: which specialists (bughunter finds the root cause, codesmith changes code, migrator writes migration and rollback SQL), in order, what each delivers, and your confidence (0-100) that you understand what is asked. Below ${MIN_CONFIDENCE}, give the one question to the admin that would settle it.`,
  });
  let plan: Plan = parsePlan(first.structured);
  if (plan.confidence < MIN_CONFIDENCE) {
    const question = plan.question?.trim() || `The plan for ${ticket.id} is only ${Math.round(plan.confidence)}% sure: ${plan.summary}. Is that what you want?`;
    orchestrator.log('warn', `Plan confidence ${Math.round(plan.confidence)}% is below ${MIN_CONFIDENCE}%: asking the admin`);
    const answer = await askAdmin(ctx, 'plan', question);
    const revised = await runModelStep(ctx, {
      phase: 'UNDERSTAND',
      key: 'plan with the answer',
      agent: 'orchestrator',
      cwd: staged.path,
      tools: DEFAULT_ALLOWED_TOOLS.orchestrator,
      outputSchema: PLAN_JSON_SCHEMA,
      resumeSession: first.sessionId,
      prompt: `You asked the admin: ${question}\nThe admin answered: ${answer}\n\nGive the revised plan with your confidence now.`,
    });
    plan = parsePlan(revised.structured);
  }
  // The UNDERSTAND gate reads this step's confidence when the run moves on.
  await ctx.step('UNDERSTAND', 'understanding gate', () => Promise.resolve({ confidence: plan.confidence, plan }), { nothingToUndo: true });
  orchestrator.log('success', `Plan: ${planLine(plan)} (confidence ${Math.round(plan.confidence)}%): ${plan.summary}`);

  // ANALYZE: the root cause, read only.
  const analysis = await runModelStep(ctx, {
    phase: 'ANALYZE',
    key: 'root cause',
    agent: 'bughunter',
    cwd: staged.path,
    tools: READ_ONLY,
    outputSchema: ROOT_CAUSE_JSON_SCHEMA,
    prompt: `${context}\n\nThe plan: ${plan.summary}\nFind the root cause with read-only tools. Answer with rootCause, the files involved and the evidence.`,
  });
  const cause = parseRootCause(analysis.structured, analysis.text);
  hunter.log('success', `Identified root cause: ${cause.rootCause}`, { files: cause.files });

  // EXECUTE: the editing specialist, then the Migrator when the schema changes.
  const editor = plan.specialists.some((s) => s.agent === 'codesmith') ? 'codesmith' : 'bughunter';
  const deliverable = plan.specialists.find((s) => s.agent === editor)?.deliverable ?? 'the fix';
  const edit = await runModelStep(ctx, {
    phase: 'EXECUTE',
    key: 'edit',
    agent: editor,
    cwd: staged.path,
    tools: EDITING,
    edits: true,
    outputSchema: EDIT_JSON_SCHEMA,
    verifyLine,
    prompt: `${context}\n\nRoot cause: ${cause.rootCause}\nFiles: ${cause.files.join(', ') || 'not named'}\nDeliver: ${deliverable}\nMake the smallest change that fixes it, with a test. Work only in this directory.`,
  });
  ctx.as(editor).log('success', `${editor === 'codesmith' ? 'Generated' : 'Applied'} fix: ${summaryOf(edit)}`);
  const sessions = new Map<string, string | null>([[editor, edit.sessionId]]);
  const migrates = plan.schemaChange === true || plan.specialists.some((s) => s.agent === 'migrator');
  if (migrates) {
    const before = new Set(listMigrations(staged.path).map((m) => m.file));
    const migration = await runModelStep(ctx, {
      phase: 'EXECUTE',
      key: 'migration',
      agent: 'migrator',
      cwd: staged.path,
      tools: ['Read', 'Glob', 'Grep', 'Write'],
      edits: true,
      outputSchema: EDIT_JSON_SCHEMA,
      verifyLine,
      prompt: `${context}\n\nRoot cause: ${cause.rootCause}\nDeliver: ${plan.specialists.find((s) => s.agent === 'migrator')?.deliverable ?? 'the schema change'}\nWrite the migration as supabase/migrations/<timestamp>_<name>.sql and its rollback as supabase/rollbacks/<timestamp>_<name>.down.sql. No destructive statements.`,
    });
    sessions.set('migrator', migration.sessionId);
    const written = listMigrations(staged.path).filter((m) => !before.has(m.file));
    ctx.as('migrator').log('success', `Created migration: ${written.map((m) => m.file).join(', ') || summaryOf(migration)}`);
  }

  // VALIDATE + VERIFY with the repair loop.
  const rounds = repairRounds(ctx.root);
  for (let round = 0; ; round++) {
    const checks = await ctx.step('VERIFY', `checks round ${round}`, () => runChecks(ctx, staged), { nothingToUndo: true });
    if (checks.ok) {
      markTicket(ctx, ticket.id, 'staged', 'fix verified');
      hunter.log('success', `Fix for ${ticket.id} verified (${checks.summary})${round ? ` after ${round} repair round(s)` : ''}`);
      const message = `${ticket.id} verified and staged in ${where}: ${cause.rootCause}; tests ${checks.summary}${round ? `, ${round} repair round(s)` : ', first try'}`;
      return { ok: true, status: 'done', message, data: { ticketId: ticket.id, plan, rootCause: cause, repairRounds: round, worktree: staged.path, branch: staged.branch, costUsd: costOf(ctx) }, lines: checks.lines };
    }
    const migrationFailure = checks.failures.some((f) => /^(Dry run|Safety) /.test(f));
    const responsible = migrationFailure && migrates ? 'migrator' : editor;
    if (round >= rounds) {
      const message = `${ticket.id} still fails after ${round} repair round(s): ${checks.failures.slice(0, 3).join('; ')}${checks.failures.length > 3 ? ` (and ${checks.failures.length - 3} more)` : ''}; fix it by hand in ${where} and run "${verifyLine}"`;
      hunter.log('error', `Needs manual work: ${checks.failures.length} check failure(s) left in ${where}`);
      return { ok: false, status: 'needs_manual', message, error: { code: 'needs_manual', message }, data: { ticketId: ticket.id, failures: checks.failures, repairRounds: round, worktree: staged.path, branch: staged.branch, costUsd: costOf(ctx) }, lines: checks.lines };
    }
    ctx.as(responsible).log('warn', `Checks failed (${checks.failures.length}); repair round ${round + 1}/${rounds}: ${checks.failures[0] ?? ''}`);
    const repair = await runModelStep(ctx, {
      phase: 'EXECUTE',
      key: `repair ${round + 1}`,
      agent: responsible,
      cwd: staged.path,
      tools: responsible === 'migrator' ? ['Read', 'Glob', 'Grep', 'Write'] : EDITING,
      edits: true,
      outputSchema: EDIT_JSON_SCHEMA,
      verifyLine,
      resumeSession: sessions.get(responsible) ?? null,
      prompt: repairPrompt(round + 1, checks.failures, staged),
    });
    if (repair.sessionId) sessions.set(responsible, repair.sessionId);
    ctx.as(responsible).log('success', `Repaired: ${summaryOf(repair)}`);
  }
}

function summaryOf(a: StepAnswer): string {
  const s = a.structured as { summary?: unknown } | null;
  return typeof s?.summary === 'string' && s.summary ? s.summary : a.text;
}

function costOf(ctx: CommandContext): number | null {
  return ctx.runId ? (getRun(engineOf(ctx).state, ctx.runId)?.costUsd ?? null) : null;
}
