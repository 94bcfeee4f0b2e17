// Dry run: on a scratch database (a copy of the target where one can be made, else a fresh one
// with the existing migrations replayed), the new migrations applied in order, each measured
// (duration, rows, schema change) and safety-checked; then their rollbacks in reverse order,
// checking each puts the catalog back where it was (one snapshot per step, compared by fingerprint).
import { describeDiff, diffCatalog, sameCatalog, snapshotCatalog, type CatalogDiff, type CatalogSnapshot } from '../../services/postgres/catalog.js';
import type { Db } from '../../services/postgres/types.js';
import { applyMigration, type ApplyOutcome } from './apply.js';
import { ms } from './common.js';
import { readSql, type MigrationFile } from './files.js';
import { checkMigration, describeFindings, type SafetyReport } from './safety.js';
import { SqlSyntaxError } from './sql.js';
import { openScratch, SHIM_SCHEMAS } from './scratch.js';
import { NOT_IN_DATA_API, noDataApiGrantsSql } from '../../services/supabase/data-api.js';

export interface RollbackCheck {
  readonly file: string | null;
  readonly outcome?: ApplyOutcome;
  /** True when the catalog after the rollback equals the catalog before the migration. */
  readonly restored: boolean;
  /** What differs after the rollback (empty when restored). */
  readonly leftover: CatalogDiff;
}

export interface CandidateReport {
  readonly file: string;
  readonly outcome: ApplyOutcome;
  readonly change: CatalogDiff;
  readonly safety: SafetyReport | null;
  /** Tables and views this migration creates that the Data API cannot see (no grant to its roles). */
  readonly notInDataApi: readonly string[];
  rollback?: RollbackCheck;
}

export interface DryRunReport {
  readonly ok: boolean;
  /** The existing migrations replayed first; the first failure stops the run. */
  readonly base: readonly ApplyOutcome[];
  readonly candidates: readonly CandidateReport[];
  readonly errors: number;
  readonly durationMs: number;
  /** The catalog after the base migrations (what the new ones were written against). */
  readonly baseCatalog: CatalogSnapshot;
  /** Set when the scratch database was a copy of this target rather than a replay. */
  copyOf?: string;
}

export interface DryRunOptions {
  /** The project (whose local server hosts a fresh scratch database when `scratch` is absent). */
  readonly root: string;
  /** An open scratch database to use (and leave open); default a fresh one, closed at the end. */
  readonly scratch?: Db;
  readonly signal?: AbortSignal;
}

const EMPTY: CatalogDiff = { added: [], removed: [] };

/** `relation table public.x rls=...` -> `public.x`: the relations a catalog diff adds. */
function addedRelations(change: CatalogDiff): Set<string> {
  return new Set(change.added.flatMap((l) => /^relation (?:table|view|materialized-view|foreign-table) (\S+)/.exec(l)?.[1] ?? []));
}

/** Of the relations `change` adds, those no Data API role may use (the scan's table_not_in_data_api). */
async function notInDataApi(db: Db, change: CatalogDiff): Promise<string[]> {
  const added = addedRelations(change);
  if (added.size === 0) return [];
  const { rows } = await db.query<{ schema: string; name: string }>(noDataApiGrantsSql());
  return rows.map((r) => `${r.schema}.${r.name}`).filter((name) => added.has(name));
}

async function safetyOf(sql: string): Promise<SafetyReport | null> {
  try {
    return await checkMigration(sql);
  } catch (err) {
    if (err instanceof SqlSyntaxError) return null; // the apply step reports it with its line
    throw err;
  }
}

export async function dryRun(existing: readonly MigrationFile[], candidates: readonly MigrationFile[], options: DryRunOptions): Promise<DryRunReport> {
  const started = performance.now();
  const db = options.scratch ?? (await openScratch(options.root));
  const snapshot = (): Promise<CatalogSnapshot> => snapshotCatalog(db, SHIM_SCHEMAS);
  const base: ApplyOutcome[] = [];
  const reports: CandidateReport[] = [];
  try {
    for (const m of existing) {
      options.signal?.throwIfAborted();
      const outcome = await applyMigration(db, m.file, readSql(m.path));
      base.push(outcome);
      if (!outcome.ok) {
        return { ok: false, base, candidates: [], errors: 1, durationMs: performance.now() - started, baseCatalog: [] };
      }
    }
    const baseCatalog = await snapshot();
    const befores: CatalogSnapshot[] = [];
    let before = baseCatalog;
    for (const m of candidates) {
      options.signal?.throwIfAborted();
      const sql = readSql(m.path);
      const outcome = await applyMigration(db, m.file, sql);
      const after = outcome.ok ? await snapshot() : before;
      const change = diffCatalog(before, after);
      reports.push({ file: m.file, outcome, change, safety: await safetyOf(sql), notInDataApi: outcome.ok ? await notInDataApi(db, change) : [] });
      befores.push(before);
      if (!outcome.ok) break;
      before = after;
    }
    // Roll back the applied candidates, newest first.
    for (let i = reports.length - 1; i >= 0; i--) {
      const report = reports[i]!;
      if (!report.outcome.ok) continue;
      const file = candidates[i]!;
      if (!file.rollbackPath) {
        // Older candidates cannot be checked on top of a change that stays: stop here.
        report.rollback = { file: null, restored: false, leftover: EMPTY };
        break;
      }
      const rollbackFile = file.rollbackPath.slice(file.rollbackPath.lastIndexOf('supabase/'));
      const outcome = await applyMigration(db, rollbackFile, readSql(file.rollbackPath));
      const now = outcome.ok ? await snapshot() : null;
      const leftover = now ? diffCatalog(befores[i]!, now) : EMPTY;
      report.rollback = { file: rollbackFile, outcome, restored: now !== null && sameCatalog(befores[i]!, now), leftover };
      if (!outcome.ok) break;
    }
    // A missing rollback is a warning (shown in the report); a rollback that fails or leaves changes is an error.
    const errors = reports.filter((r) => !r.outcome.ok || (r.rollback?.file && !r.rollback.restored)).length;
    return { ok: errors === 0, base, candidates: reports, errors, durationMs: performance.now() - started, baseCatalog };
  } finally {
    if (!options.scratch) await db.close();
  }
}

/** The report as lines for `migrate execute --dry-run` and `migrate "..."`. */
export function describeDryRun(report: DryRunReport): string[] {
  const lines: string[] = [];
  const failedBase = report.base.find((b) => !b.ok);
  if (report.copyOf) lines.push(`Dry run on a copy of ${report.copyOf} (its applied history and schema)`);
  else lines.push(`Replayed ${report.base.length} existing migration(s)${failedBase ? '' : ' in a scratch Postgres'}`);
  if (failedBase?.error) lines.push(`✗ ${failedBase.error.file}:${failedBase.error.line}: ${failedBase.error.message}`);
  for (const c of report.candidates) {
    const o = c.outcome;
    if (o.ok) {
      lines.push(`✓ ${c.file}: ${o.statements} statement(s) in ${ms(o.durationMs)}, ${o.rowsAffected} row(s) affected${o.transactional ? '' : ' (runs outside a transaction)'}`);
    } else if (o.error) lines.push(`✗ ${o.error.file}:${o.error.line}: ${o.error.message}`);
    const change = describeDiff(c.change);
    if (change.length > 0) lines.push('  schema change:', ...change.map((l) => `    ${l}`));
    for (const name of c.notInDataApi) lines.push(`  ⚠ ${name} is ${NOT_IN_DATA_API}: grant the roles that use it what they need`);
    if (c.safety) {
      for (const f of describeFindings(c.safety.findings)) lines.push(`  ⚠ ${f}`);
      if (c.safety.needsApproval) lines.push('  executing it needs an approval (destructive changes)');
    }
    const r = c.rollback;
    if (!r) continue;
    if (!r.file) lines.push('  ⚠ no rollback file: this migration cannot be undone automatically');
    else if (r.outcome && !r.outcome.ok && r.outcome.error) lines.push(`  ✗ rollback ${r.outcome.error.file}:${r.outcome.error.line}: ${r.outcome.error.message}`);
    else if (r.restored) lines.push(`  ✓ rollback ${r.file} restores the schema`);
    else lines.push(`  ✗ rollback ${r.file} leaves the schema changed:`, ...describeDiff(r.leftover).map((l) => `    ${l}`));
  }
  return lines;
}
