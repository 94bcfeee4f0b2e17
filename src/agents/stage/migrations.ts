// Undoing the database side of a deployment: the rollback file the Migrator writes for each
// migration (`supabase/rollbacks/<version>_<name>.down.sql`), run on the target database in one
// transaction, with the version removed from the migration history the Supabase CLI shares.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { openTarget, type Db } from '../../services/postgres/index.js';
import { HISTORY_TABLE, readHistory } from '../migrator/history.js';
import { checkMigration } from '../migrator/safety.js';
import { ApprovalPending, ApprovalRejected, type CommandContext } from '../types.js';

/** Where a rollback of `supabase/migrations/<name>.sql` may live, in order of preference. */
export function rollbackCandidates(migration: string): string[] {
  const name = basename(migration).replace(/\.sql$/, '');
  return [`supabase/rollbacks/${name}.down.sql`, `supabase/rollbacks/${name}.sql`, `supabase/migrations/${name}.down.sql`];
}

export interface MigrationRollback {
  readonly migration: string;
  readonly rollbackFile: string | null;
  readonly status: 'rolled_back' | 'skipped' | 'failed';
  readonly detail: string;
}

export interface RollbackMigrationsOptions {
  /** Emergency rollbacks do not stop for approvals (they are audited instead). */
  readonly emergency?: boolean;
  /** Opens the target database; default the project's configured target. */
  readonly open?: (root: string) => Db;
}

const versionOf = (migration: string): string => /^(\d+)/.exec(basename(migration))?.[1] ?? basename(migration);

/**
 * Rolls back the given migrations, newest first, reading rollback files from `dir` (the deploy
 * branch's worktree, which still has them). Each outcome is reported; a migration without a
 * rollback file, or not applied to the target, is skipped with a line.
 */
export async function rollbackMigrations(
  ctx: CommandContext,
  dir: string,
  migrations: readonly string[],
  options: RollbackMigrationsOptions = {},
): Promise<MigrationRollback[]> {
  if (migrations.length === 0) return [];
  const migrator = ctx.as('migrator');
  const results: MigrationRollback[] = [];
  let db: Db | null = null;
  try {
    db = (options.open ?? ((root: string) => openTarget(root)))(ctx.root);
    const applied = new Set((await readHistory(db)).map((m) => m.version));
    for (const migration of [...migrations].sort().reverse()) {
      const rollbackFile = rollbackCandidates(migration).find((c) => existsSync(join(dir, c))) ?? null;
      const version = versionOf(migration);
      if (!applied.has(version)) {
        migrator.log('info', `${basename(migration)} is not applied to ${db.target}: nothing to roll back there`);
        results.push({ migration, rollbackFile, status: 'skipped', detail: `not applied to ${db.target}` });
        continue;
      }
      if (!rollbackFile) {
        migrator.log('warn', `No rollback file for ${basename(migration)}: database left as is`);
        results.push({ migration, rollbackFile, status: 'skipped', detail: 'no rollback file' });
        continue;
      }
      const sql = readFileSync(join(dir, rollbackFile), 'utf8');
      const safety = await checkMigration(sql);
      if (safety.needsApproval && !options.emergency) {
        await ctx.requireApproval({
          tool: 'rollback migration',
          args: { migration, rollbackFile },
          // Bound to the SQL read above, which is what runs: an edit after approval asks again.
          bind: { sql: createHash('sha256').update(sql).digest('hex') },
          target: db.target,
          summary: `Run ${rollbackFile} on ${db.target}: ${safety.findings.filter((f) => f.destructive).map((f) => f.message).join('; ')}`,
        });
      }
      try {
        await db.transaction(async (tx) => {
          await tx.exec(sql);
          await tx.query(`delete from ${HISTORY_TABLE} where version = $1`, [version]);
        });
        migrator.log('success', `Rolled back database migration ${basename(migration)} on ${db.target}`);
        results.push({ migration, rollbackFile, status: 'rolled_back', detail: `${rollbackFile} on ${db.target}` });
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        migrator.log('error', `Rollback of ${basename(migration)} failed (nothing changed): ${detail}`);
        results.push({ migration, rollbackFile, status: 'failed', detail });
      }
    }
  } catch (error) {
    if (error instanceof ApprovalPending || error instanceof ApprovalRejected) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    migrator.log('error', `Could not reach the target database: ${detail}`);
    for (const migration of migrations) {
      if (!results.some((r) => r.migration === migration)) results.push({ migration, rollbackFile: null, status: 'failed', detail });
    }
  } finally {
    await db?.close();
  }
  return results;
}
