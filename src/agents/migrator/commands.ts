// The Migrator's commands: migrate status / "<description>" / execute [--dry-run], generate
// migration, and database maintenance (db analyze performance, db optimize table, db vacuum full).
import { dbAnalyzePerformance, dbOptimizeTable, dbVacuumFull } from '../../commands/defs/db.js';
import { generateMigration as generateMigrationSpec } from '../../commands/defs/generate.js';
import { migrateCreate, migrateExecute, migrateStatus } from '../../commands/defs/migrate.js';
import type { Db } from '../../services/postgres/types.js';
import { clipRedacted } from '../../services/secrets/redact.js';
import { fail, handle, ok, type CommandContext, type CommandResult, type HandlerTable } from '../types.js';
import { applyMigration, type ApplyOutcome } from './apply.js';
import { ms, sha256, withTarget } from './common.js';
import { generateNamed, migrateFromText } from './create.js';
import { dryRun, describeDryRun, type DryRunReport } from './dry-run.js';
import { copyTarget } from './target-copy.js';
import { listMigrations, readSql, type MigrationFile } from './files.js';
import { compareHistory, ensureHistory, readHistory, type MigrationStatus } from './history.js';
import { analyzePerformance, describePerformance, planOptimize, planVacuumFull, runPlan, type MaintenancePlan } from './maintenance.js';
import { checkMigration, describeFindings, type SafetyReport } from './safety.js';
import { SqlSyntaxError } from './sql.js';
import { shownPath } from '../stage/layout.js';
import { getStaged, listStaged, requireStaged, type Staged } from '../stage/worktrees.js';

/** The migration files in `dir` (the project, or a ticket's worktree) against the target's history table. */
async function historyStatus(ctx: CommandContext, db: Db, dir: string = ctx.root): Promise<MigrationStatus<MigrationFile>> {
  return compareHistory(listMigrations(dir), await readHistory(db));
}

// ---- migrate status ------------------------------------------------------------------------

async function status(ctx: CommandContext): Promise<CommandResult> {
  return withTarget(ctx, async (db) => {
    const s = await historyStatus(ctx, db);
    const lines = [
      ...s.applied.map((m) => `applied  ${m.version}  ${m.name}`),
      ...s.pending.map((m) => `pending  ${m.version}  ${m.name}`),
      ...s.unknown.map((m) => `unknown  ${m.version}  ${m.name ?? ''}  (in the history table, no file here)`),
    ];
    const message = `${s.applied.length} applied, ${s.pending.length} pending, ${s.unknown.length} unknown on ${db.target}`;
    return ok(message, {
      target: db.target,
      applied: s.applied.map(({ version, name, file }) => ({ version, name, file })),
      pending: s.pending.map(({ version, name, file }) => ({ version, name, file })),
      unknown: s.unknown,
    }, lines.length ? lines : ['no migrations in supabase/migrations']);
  });
}

// ---- migrate execute --------------------------------------------------------------------------

interface Plan {
  readonly target: string;
  readonly existing: MigrationFile[];
  readonly pending: MigrationFile[];
  readonly unknown: string[];
}

async function planExecution(ctx: CommandContext, db: Db, dir: string = ctx.root): Promise<Plan> {
  return ctx.step('ANALYZE', `read the migration history${dir === ctx.root ? '' : ` for ${dir}`}`, async () => {
    const s = await historyStatus(ctx, db, dir);
    return { target: db.target, existing: s.applied, pending: s.pending, unknown: s.unknown.map((u) => u.version) };
  });
}

/** Where a dry run reads its migrations: the project, or a ticket's staged worktree. */
export interface DryRunSource {
  readonly dir: string;
  readonly ticketId: string | null;
  /** Said first in the report (which worktree, and why it was chosen). */
  readonly note: string | null;
  /** Nothing pending: report that instead of dry-running the latest migration again. */
  readonly pendingOnly?: boolean;
}

function worktreeSource(ctx: CommandContext, staged: Staged, why: string): DryRunSource {
  return { dir: staged.path, ticketId: staged.ticketId, note: `${why}${staged.ticketId}'s staged migrations (worktree ${shownPath(ctx.root, staged.path)})` };
}

/**
 * The migrations a dry run takes: the named ticket's worktree; else the run's ticket's; else the
 * project's when it has pending ones; else the one ticket whose worktree has migrations the
 * target has not applied and the project lacks (`migrate "<spec>"` writes them there).
 */
async function dryRunSource(ctx: CommandContext, db: Db, ticket: string | undefined): Promise<DryRunSource | CommandResult> {
  if (ticket) return worktreeSource(ctx, requireStaged(ctx, ticket), 'Dry run of ');
  const own = ctx.ticketId ? getStaged(ctx, ctx.ticketId) : null;
  if (own) return worktreeSource(ctx, own, 'Dry run of ');
  const history = await readHistory(db);
  const project = listMigrations(ctx.root);
  if (compareHistory(project, history).pending.length > 0) return { dir: ctx.root, ticketId: null, note: null };
  const inProject = new Set(project.map((m) => m.file));
  const staged = listStaged(ctx)
    .map((s) => ({ s, count: compareHistory(listMigrations(s.path), history).pending.filter((m) => !inProject.has(m.file)).length }))
    .filter((x) => x.count > 0);
  if (staged.length === 1) return worktreeSource(ctx, staged[0]!.s, `nothing pending in the project; dry-running `);
  if (staged.length > 1) {
    const which = staged.map((x) => `${x.s.ticketId} (${x.count})`).join(', ');
    return fail('ticket_required', `nothing pending in the project; staged migrations in ${which}: add --ticket <id> to dry-run one`);
  }
  return { dir: ctx.root, ticketId: null, note: null };
}

/**
 * The dry run of a ticket's staged migrations against the project's target (the deploy's dry
 * run): on a copy of the target, only those it has not applied.
 */
export async function dryRunStaged(ctx: CommandContext, staged: Staged): Promise<CommandResult> {
  // Without migrations of its own the ticket has nothing for the database: no need to reach it.
  const inProject = new Set(listMigrations(ctx.root).map((m) => m.file));
  if (listMigrations(staged.path).every((m) => inProject.has(m.file))) return ok('none staged', { pending: 0, ticketId: staged.ticketId });
  return withTarget(ctx, async (db) => {
    await ctx.hold([`db:${db.target}`]);
    return executeDryRun(ctx, db, { ...worktreeSource(ctx, staged, 'Dry run of '), pendingOnly: true });
  });
}

async function executeDryRun(ctx: CommandContext, db: Db, source: DryRunSource): Promise<CommandResult> {
  const plan = await planExecution(ctx, db, source.dir);
  let existing = plan.existing;
  let candidates = plan.pending;
  const all = [...plan.existing, ...plan.pending];
  const where = source.ticketId ? `${source.ticketId}'s worktree` : 'supabase/migrations';
  if (all.length === 0) return ok(`No migrations in ${where}`, { pending: 0, ticketId: source.ticketId });
  if (source.pendingOnly && candidates.length === 0) return ok(`No migrations to apply: ${where} has none that ${plan.target} lacks`, { pending: 0, ticketId: source.ticketId });
  let note = candidates.length === 0 ? `nothing pending on ${plan.target}; dry-ran the latest migration` : null;
  if (candidates.length === 0) {
    existing = all.slice(0, -1);
    candidates = all.slice(-1);
  }
  const report: DryRunReport = await ctx.step('VALIDATE', 'dry-run the pending migrations', async () => {
    // The pending migrations run on a copy of what the execute will meet; with nothing pending,
    // the latest one is replayed on a fresh database instead.
    const copy = plan.pending.length > 0 ? await copyTarget(ctx.root, db) : null;
    if (copy && 'reason' in copy) note = `could not copy ${plan.target} (${copy.reason}); replayed its applied migrations instead`;
    if (!copy || 'reason' in copy) return dryRun(existing, candidates, { root: ctx.root, signal: ctx.signal });
    try {
      const r = await dryRun([], candidates, { root: ctx.root, scratch: copy.scratch, signal: ctx.signal });
      r.copyOf = copy.copyOf;
      return r;
    } finally {
      await copy.scratch.close();
    }
  });
  const lines = [...(source.note ? [source.note] : []), ...(note ? [note] : []), ...describeDryRun(report)];
  const applied = report.candidates.filter((c) => c.outcome.ok);
  const duration = applied.reduce((sum, c) => sum + c.outcome.durationMs, 0);
  const rows = applied.reduce((sum, c) => sum + c.outcome.rowsAffected, 0);
  const data = { target: plan.target, ticketId: source.ticketId, dir: source.dir, ok: report.ok, errors: report.errors, durationMs: duration, rowsAffected: rows, migrations: report.candidates };
  if (!report.ok) {
    ctx.log('error', `Dry run failed - ${report.errors} error(s)`);
    return { ...fail('dry_run_failed', `Dry run failed - ${report.errors} error(s); see the report`), data, lines };
  }
  ctx.log('success', `Dry run successful - 0 errors`);
  ctx.log('success', `Estimated time: ${ms(duration)}`);
  ctx.log('success', `Impact: ${rows} rows affected`);
  const hidden = report.candidates.flatMap((c) => c.notInDataApi.map((name) => `${name} (${c.file})`));
  if (hidden.length > 0) ctx.log('warn', `Not visible to the Data API (no grants): ${hidden.join(', ')}`);
  const warning = hidden.length > 0 ? `; ${hidden.length} table(s) not visible to the Data API` : '';
  return ok(`Dry run successful - 0 errors, ${candidates.length} migration(s), ${ms(duration)}, ${rows} rows affected${warning}`, data, lines);
}

async function execute(ctx: CommandContext, args: { dryRun: boolean; ticket?: string | undefined }): Promise<CommandResult> {
  if (args.ticket && !args.dryRun) {
    return fail('dry_run_only', `migrate execute --ticket only dry-runs (add --dry-run): ${args.ticket}'s migrations reach the database when it deploys ("deploy ${args.ticket} to staging")`);
  }
  return withTarget(ctx, async (db) => {
    // The whole execute (history read, checks, applies, verify) is one turn on the database: a
    // second execute (or a backup) waits in the queue instead of finding the database in use.
    await ctx.hold([`db:${db.target}`]);
    if (args.dryRun) {
      const source = await dryRunSource(ctx, db, args.ticket);
      return 'dir' in source ? executeDryRun(ctx, db, source) : source;
    }
    const plan = await planExecution(ctx, db);
    if (plan.unknown.length > 0) ctx.log('warn', `${plan.target} has applied migrations with no file here: ${plan.unknown.join(', ')}`);
    if (plan.pending.length === 0) return ok(`Nothing to apply: ${plan.existing.length} migration(s) already applied on ${plan.target}`, { applied: [] });

    // Keyed by the files' content: an edit made while an approval waited is checked again (and the
    // approval, bound to the old content, no longer covers it).
    const content = sha256(plan.pending.map((m) => `${m.file}:${sha256(readSql(m.path))}`).join('\n')).slice(0, 12);
    const checks = await ctx.step('VALIDATE', `check the safety of the pending migrations (${content})`, async () => {
      const out: { file: string; version: string; sqlHash: string; safety: SafetyReport | null; syntax?: string }[] = [];
      for (const m of plan.pending) {
        const sql = readSql(m.path);
        const sqlHash = sha256(sql);
        try {
          out.push({ file: m.file, version: m.version, sqlHash, safety: await checkMigration(sql) });
        } catch (err) {
          if (!(err instanceof SqlSyntaxError)) throw err;
          out.push({ file: m.file, version: m.version, sqlHash, safety: null, syntax: `${m.file}:${err.line}: ${err.reason}` });
        }
      }
      return out;
    });
    const broken = checks.find((c) => c.syntax);
    if (broken) return fail('syntax_error', `syntax error in ${broken.syntax}`);
    for (const c of checks) for (const f of describeFindings(c.safety?.findings ?? [], c.file)) ctx.log('warn', f);

    const destructive = checks.filter((c) => c.safety?.needsApproval);
    if (destructive.length > 0) {
      // One approval for the batch, bound to the exact SQL of every destructive migration.
      await ctx.requireApproval({
        tool: migrateExecute.id,
        args: { versions: destructive.map((c) => c.version) },
        target: plan.target,
        diffHash: sha256(destructive.map((c) => c.sqlHash).join('\n')),
        bind: Object.fromEntries(destructive.map((c) => [c.file, c.sqlHash])),
        summary: `apply ${destructive.map((c) => c.file).join(', ')} to ${plan.target}: ${destructive
          .flatMap((c) => c.safety!.findings.filter((f) => f.destructive).map((f) => f.message))
          .join('; ')}`,
      });
    }

    const applied: ApplyOutcome[] = [];
    for (const m of plan.pending) {
      const check = checks.find((c) => c.version === m.version)!;
      const outcome = await ctx.step(
        'EXECUTE',
        `apply ${m.file}`,
        async () => {
          const sql = readSql(m.path);
          if (sha256(sql) !== check.sqlHash) throw new Error(`${m.file} changed after it was checked; run migrate execute again`);
          await ensureHistory(db);
          return applyMigration(db, m.file, sql, { record: { version: m.version, name: m.name } });
        },
        { locks: [`db:${plan.target}`] },
      );
      applied.push(outcome);
      if (!outcome.ok) {
        const e = outcome.error!;
        ctx.log('error', `${e.file}:${e.line}: ${e.message}`);
        const done = applied.length - 1;
        return {
          ...fail('migration_failed', `${e.file}:${e.line}: ${e.message} (rolled back; ${done} earlier migration(s) stay applied)`),
          data: { target: plan.target, applied },
        };
      }
      ctx.log('success', `Migration applied: ${m.file} (${ms(outcome.durationMs)}, ${outcome.rowsAffected} rows)`);
    }
    const after = await ctx.step('VERIFY', 'read the migration history again', async () => (await historyStatus(ctx, db)).pending.map((p) => p.file));
    if (after.length > 0) return fail('verify_failed', `still pending after execute: ${after.join(', ')}`);
    const lines = applied.map((a) => `✓ ${a.file}: ${a.statements} statement(s), ${ms(a.durationMs)}, ${a.rowsAffected} row(s)${a.transactional ? '' : ' (outside a transaction)'}`);
    return ok(`Applied ${applied.length} migration(s) to ${plan.target}`, { target: plan.target, applied }, lines);
  });
}

// ---- maintenance ------------------------------------------------------------------------------

async function analyze(ctx: CommandContext): Promise<CommandResult> {
  return withTarget(ctx, async (db) => {
    const report = await ctx.step('ANALYZE', 'read the statistics views', () => analyzePerformance(db));
    const findings = report.seqScanHeavy.length + report.unusedIndexes.length + report.duplicateIndexes.length + report.bloat.length;
    ctx.log('success', `Performance analysis of ${db.target}: ${findings} finding(s)`);
    return ok(`Performance analysis of ${db.target}: ${findings} finding(s)${report.slowQueries ? `, ${report.slowQueries.length} slow queries` : ''}`, report, describePerformance(report));
  });
}

/** Plan, show, approve (bound to the exact statements), then run under the database lock. */
async function maintain(
  ctx: CommandContext,
  tool: string,
  args: Record<string, unknown>,
  dryRunOnly: boolean,
  makePlan: (db: Db) => Promise<MaintenancePlan>,
): Promise<CommandResult> {
  return withTarget(ctx, async (db) => {
    const plan = await ctx.step('PLAN', 'plan the maintenance', () => makePlan(db));
    const lines = [...plan.notes, ...plan.statements.map((s) => `  ${s};`)];
    if (dryRunOnly) return ok(`Plan for ${tool} on ${db.target}: ${plan.statements.length} statement(s), nothing run (dry run)`, plan, lines);
    if (plan.statements.length === 0) return ok(`${tool}: nothing to do on ${db.target}`, plan, lines);
    await ctx.requireApproval({
      tool,
      args,
      target: db.target,
      diffHash: sha256(plan.statements.join(';\n')),
      summary: `${tool} on ${db.target}: ${clipRedacted(plan.statements.join('; '), 300)}`,
    });
    const took = await ctx.step('EXECUTE', `run ${tool}`, () => runPlan(db, plan, ctx.signal), { locks: [`db:${db.target}`] });
    ctx.log('success', `${tool} finished on ${db.target} in ${ms(took)}`);
    return ok(`${tool} finished on ${db.target} in ${ms(took)}`, { ...plan, durationMs: took }, lines);
  });
}

export const handlers: HandlerTable = Object.fromEntries([
  handle(migrateStatus, (ctx) => status(ctx)),
  handle(migrateCreate, (ctx, args) => migrateFromText(ctx, args.description, args.ticket)),
  handle(generateMigrationSpec, (ctx, args) => generateNamed(ctx, args.name, args.ticket)),
  handle(migrateExecute, (ctx, args) => execute(ctx, { dryRun: args.dryRun, ticket: args.ticket })),
  handle(dbAnalyzePerformance, (ctx) => analyze(ctx)),
  handle(dbOptimizeTable, (ctx, args) => maintain(ctx, dbOptimizeTable.id, { name: args.name }, args.dryRun, (db) => planOptimize(db, args.name))),
  handle(dbVacuumFull, (ctx, args) => maintain(ctx, dbVacuumFull.id, {}, args.dryRun, (db) => planVacuumFull(db))),
]);


