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

/** The migration files here against the target's history table. */
async function historyStatus(ctx: CommandContext, db: Db): Promise<MigrationStatus<MigrationFile>> {
  return compareHistory(listMigrations(ctx.root), await readHistory(db));
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

async function planExecution(ctx: CommandContext, db: Db): Promise<Plan> {
  return ctx.step('ANALYZE', 'read the migration history', async () => {
    const s = await historyStatus(ctx, db);
    return { target: db.target, existing: s.applied, pending: s.pending, unknown: s.unknown.map((u) => u.version) };
  });
}

async function executeDryRun(ctx: CommandContext, db: Db): Promise<CommandResult> {
  const plan = await planExecution(ctx, db);
  let existing = plan.existing;
  let candidates = plan.pending;
  const all = [...plan.existing, ...plan.pending];
  if (all.length === 0) return ok('No migrations in supabase/migrations', { pending: 0 });
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
  const lines = [...(note ? [note] : []), ...describeDryRun(report)];
  const applied = report.candidates.filter((c) => c.outcome.ok);
  const duration = applied.reduce((sum, c) => sum + c.outcome.durationMs, 0);
  const rows = applied.reduce((sum, c) => sum + c.outcome.rowsAffected, 0);
  const data = { target: plan.target, ok: report.ok, errors: report.errors, durationMs: duration, rowsAffected: rows, migrations: report.candidates };
  if (!report.ok) {
    ctx.log('error', `Dry run failed - ${report.errors} error(s)`);
    return { ...fail('dry_run_failed', `Dry run failed - ${report.errors} error(s); see the report`), data, lines };
  }
  ctx.log('success', `Dry run successful - 0 errors`);
  ctx.log('success', `Estimated time: ${ms(duration)}`);
  ctx.log('success', `Impact: ${rows} rows affected`);
  return ok(`Dry run successful - 0 errors, ${candidates.length} migration(s), ${ms(duration)}, ${rows} rows affected`, data, lines);
}

async function execute(ctx: CommandContext, args: { dryRun: boolean }): Promise<CommandResult> {
  return withTarget(ctx, async (db) => {
    // The whole execute (history read, checks, applies, verify) is one turn on the database: a
    // second execute (or a backup) waits in the queue instead of finding the database in use.
    await ctx.hold([`db:${db.target}`]);
    if (args.dryRun) return executeDryRun(ctx, db);
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
  handle(migrateExecute, (ctx, args) => execute(ctx, { dryRun: args.dryRun })),
  handle(dbAnalyzePerformance, (ctx) => analyze(ctx)),
  handle(dbOptimizeTable, (ctx, args) => maintain(ctx, dbOptimizeTable.id, { name: args.name }, args.dryRun, (db) => planOptimize(db, args.name))),
  handle(dbVacuumFull, (ctx, args) => maintain(ctx, dbVacuumFull.id, {}, args.dryRun, (db) => planVacuumFull(db))),
]);


