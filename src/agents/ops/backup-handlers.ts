// backup list | get | create | delete | restore | schedule list | schedule create, on either target.
import type { OutputFormat } from '../../services/format/output.js';
import { renderOutput } from '../../services/format/output.js';
import { CommandError, ok, type CommandContext, type CommandResult } from '../types.js';
import { verifyArchive } from './archive.js';
import { listBackups, markDeleted } from './backup-records.js';
import { approve, resolveTarget, type LinkedTarget, type OpsTarget } from './context.js';
import { findPlatformBackup, isPlatformId, platformBackupView, restorePlatformBackup, scheduleCreate, scheduleList } from './linked-backups.js';
import { backupOfCurrentState, checkArchive, createBackup, deleteArchive, findRecord, LOCAL_TARGET, restoreArchive, type BackupSource } from './local.js';
import { withLocalDb } from './local-open.js';
import { PLATFORM_SCHEMAS } from './pg-backup.js';
import { listSchedules, upsertSchedule } from './schedules.js';
import { withOpsState } from './state.js';
import { BACKUP_COLUMNS, backupView, humanBytes, SCHEDULE_COLUMNS, type BackupView, type ScheduleView } from './views.js';

export interface OutputArgs {
  readonly output?: OutputFormat;
}

export const fmt = (a: OutputArgs): OutputFormat => a.output ?? 'table';

function targetName(t: OpsTarget): string {
  return t.kind === 'linked' ? t.ref : LOCAL_TARGET;
}

function where(t: OpsTarget): string {
  return t.kind === 'linked' ? `project ${t.ref}` : 'the local database';
}

/** The linked project's database by its direct connection, for pg_dump / pg_restore. */
function linkedDatabase(t: LinkedTarget): BackupSource {
  const url = t.env.SUPABASE_DB_URL ?? t.env.DATABASE_URL;
  if (!url) {
    throw new CommandError(
      'needs_db_url',
      `the platform has no endpoint for this, so it needs the database's direct connection: set SUPABASE_DB_URL (dashboard: Connect > Direct connection)`,
    );
  }
  return { engine: 'postgres', label: `project ${t.ref}`, url };
}

/** A linked project's dump leaves out the schemas the platform manages. */
function excludedSchemas(t: OpsTarget): readonly string[] | undefined {
  return t.kind === 'linked' ? PLATFORM_SCHEMAS : undefined;
}

/** Runs `fn` on the target's database: the linked one by its direct connection, or the local one (closed after). */
async function onDatabase<T>(ctx: CommandContext, t: OpsTarget, fn: (db: BackupSource) => Promise<T>): Promise<T> {
  if (t.kind === 'linked') return fn(linkedDatabase(t));
  return withLocalDb(ctx.root, t.env, fn);
}

export async function backupListHandler(ctx: CommandContext, a: OutputArgs): Promise<CommandResult> {
  const t = resolveTarget(ctx);
  const own = (await withOpsState(ctx, (s) => listBackups(s, targetName(t)))).map(backupView);
  let rows: BackupView[] = own;
  let note = '';
  let platform: unknown = null;
  if (t.kind === 'linked') {
    const list = await t.api.listBackups();
    platform = { region: list.region, pitrEnabled: list.pitr_enabled, walgEnabled: list.walg_enabled, physicalBackupData: list.physical_backup_data };
    rows = [...list.backups.map(platformBackupView).sort((x, y) => y.createdAt.localeCompare(x.createdAt)), ...own];
    note = ` (${list.backups.length} on the platform${list.pitr_enabled ? ', point-in-time recovery on' : ''}, ${own.length} made by agentdeck)`;
  }
  const data = { target: targetName(t), backups: rows, platform };
  return ok(`${rows.length} backup${rows.length === 1 ? '' : 's'} of ${where(t)}${note}`, data, renderOutput(fmt(a), data, { rows, columns: BACKUP_COLUMNS, empty: '(no backups yet: "backup create" takes one)' }));
}

export async function backupGetHandler(ctx: CommandContext, a: OutputArgs & { id: string }): Promise<CommandResult> {
  const t = resolveTarget(ctx);
  if (t.kind === 'linked' && isPlatformId(a.id)) {
    const { backup } = await findPlatformBackup(t, a.id);
    const view = platformBackupView(backup);
    return ok(`platform backup ${a.id}: ${backup.status}, ${backup.inserted_at}`, view, renderOutput(fmt(a), view, { record: { ...view } }));
  }
  const record = await withOpsState(ctx, (s) => findRecord(s, a.id, targetName(t)));
  const check = record.status === 'completed' ? await verifyArchive(ctx.root, record) : null;
  const data = { ...record, checksumOk: check?.ok ?? null };
  const status = check && !check.ok ? `${record.status}, ${check.reason}` : record.status;
  return ok(
    `backup ${record.id}: ${status}, ${humanBytes(record.sizeBytes)}, ${record.createdAt}`,
    data,
    renderOutput(fmt(a), data, {
      record: {
        id: record.id,
        target: record.target,
        kind: record.kind,
        status: record.status,
        created: record.createdAt,
        finished: record.finishedAt,
        size: humanBytes(record.sizeBytes),
        checksum: record.checksum,
        verified: check ? (check.ok ? 'yes' : check.reason) : '-',
        label: record.meta.label ?? null,
        reason: record.meta.reason ?? null,
        path: record.path,
      },
    }),
  );
}

export async function backupCreateHandler(ctx: CommandContext, a: OutputArgs & { label?: string }, command: string): Promise<CommandResult> {
  const t = resolveTarget(ctx);
  if (t.kind === 'linked') linkedDatabase(t); // a missing SUPABASE_DB_URL fails before the run's step
  const record = await ctx.step(
    'EXECUTE',
    `back up ${where(t)}`,
    async () => {
      ctx.log('info', `Backing up ${where(t)}...`);
      return onDatabase(ctx, t, (db) =>
        withOpsState(ctx, (s) => createBackup(ctx, s, db, { target: targetName(t), excludeSchemas: excludedSchemas(t), label: a.label ?? null, reason: ctx.initiator, env: t.env })),
      );
    },
    { locks: [`db:${targetName(t)}`] },
  );
  await ctx.step('VERIFY', 'verify the archive', async () => {
    const check = await verifyArchive(ctx.root, record);
    if (!check.ok) throw new CommandError('backup_corrupt', check.reason);
    return { verified: true };
  });
  ctx.log('success', `Backup ${record.id} created (${humanBytes(record.sizeBytes)}, ${record.checksum?.slice(0, 19)}...)`);
  const view = backupView(record);
  // The platform has no on-demand backup: on a linked project this is our own logical dump.
  const how = t.kind === 'linked' ? '; the platform offers no on-demand backup, so this is a logical dump (pg_dump) through SUPABASE_DB_URL, kept in .agentdeck/backups' : '';
  return ok(`backup ${record.id} of ${where(t)} created (${humanBytes(record.sizeBytes)}) by ${command}${how}`, record, renderOutput(fmt(a), record, { rows: [view], columns: BACKUP_COLUMNS }));
}

export async function backupDeleteHandler(ctx: CommandContext, a: OutputArgs & { id: string }): Promise<CommandResult> {
  const t = resolveTarget(ctx);
  if (t.kind === 'linked' && isPlatformId(a.id)) {
    throw new CommandError('platform_backup', `platform backup ${a.id} cannot be deleted: the platform has no endpoint to delete backups and keeps them for the plan's retention period; only backups agentdeck made can be deleted`);
  }
  const record = await withOpsState(ctx, (s) => findRecord(s, a.id, targetName(t)));
  await approve(ctx, 'databaseDestructive', {
    tool: 'backup delete',
    args: { id: record.id },
    target: targetName(t),
    summary: `delete backup ${record.id} of ${where(t)} (${record.createdAt}, ${humanBytes(record.sizeBytes)})`,
  });
  await ctx.step('EXECUTE', `delete backup ${record.id}`, async () => {
    await deleteArchive(ctx, record);
    await withOpsState(ctx, (s) => markDeleted(s, record.id));
    return { deleted: record.id };
  });
  ctx.log('success', `Backup ${record.id} deleted`);
  const data = { deleted: record.id };
  return ok(`backup ${record.id} deleted`, data, renderOutput(fmt(a), data, { record: data }));
}

export async function backupRestoreHandler(ctx: CommandContext, a: OutputArgs & { id: string; dryRun?: boolean }, command: string): Promise<CommandResult> {
  const t = resolveTarget(ctx);
  if (t.kind === 'linked' && isPlatformId(a.id)) return restorePlatformBackup(ctx, t, a.id, a.dryRun ?? false, command);
  const target = targetName(t);
  const record = await withOpsState(ctx, (s) => findRecord(s, a.id, target));
  await ctx.step('VALIDATE', `verify the checksum of ${record.id}`, async () => {
    await checkArchive(ctx, record);
    ctx.log('info', `Checksum of ${record.id} verified`);
    return { verified: true, checksum: record.checksum };
  });
  const summary = `restore ${where(t)} from backup ${record.id} (${record.createdAt}); current data is replaced (a safety backup is taken first)`;
  if (a.dryRun) return ok(`dry run: would ${summary}`, { dryRun: true, backup: backupView(record) });
  await approve(ctx, 'databaseDestructive', { tool: 'backup restore', args: { id: record.id }, bind: { checksum: record.checksum ?? '' }, target, summary, confirmText: record.id });

  const env = t.env;
  const safety = await ctx.step(
    'EXECUTE',
    'take a safety backup',
    async () => {
      const made = await onDatabase(ctx, t, (db) =>
        withOpsState(ctx, async (s) => {
          // A backup that already holds this exact state (nothing written since) is the safety backup.
          const existing = await backupOfCurrentState(s, db, target, excludedSchemas(t));
          if (existing) return { id: existing.id, skipped: true };
          const fresh = await createBackup(ctx, s, db, { target, label: `before restoring ${record.id}`, reason: 'safety', env, excludeSchemas: excludedSchemas(t) });
          return { id: fresh.id, skipped: false };
        }),
      );
      if (made.skipped) ctx.log('info', `Safety backup skipped: backup ${made.id} already holds the current data (nothing was committed since it was taken)`);
      else ctx.log('info', `Safety backup ${made.id} taken`);
      return made;
    },
    { locks: [`db:${target}`] },
  );
  await ctx.step(
    'EXECUTE',
    `restore ${record.id}`,
    async () => {
      // Checked again right before it is used: the approval names this archive by its checksum.
      await checkArchive(ctx, record);
      await onDatabase(ctx, t, (db) => restoreArchive(ctx, db, record, env));
      return { restored: record.id };
    },
    { locks: [`db:${target}`] },
  );
  ctx.log('success', `Restored ${where(t)} from ${record.id} (safety backup ${safety.id})`);
  const data = { restored: record.id, safetyBackup: safety.id, safetySkipped: safety.skipped, target };
  const held = safety.skipped
    ? `no safety backup taken: backup ${safety.id} already holds the data it replaced`
    : `safety backup ${safety.id} holds the data it replaced`;
  return ok(`${where(t)} restored from backup ${record.id}; ${held}`, data, renderOutput(fmt(a), data, { record: data }));
}

export async function scheduleListHandler(ctx: CommandContext, a: OutputArgs): Promise<CommandResult> {
  const t = resolveTarget(ctx);
  if (t.kind === 'linked') return scheduleList(t, fmt(a));
  const rows: ScheduleView[] = (await withOpsState(ctx, (s) => listSchedules(s))).map((s) => ({
    time: s.time,
    target: LOCAL_TARGET,
    keep: s.keep,
    lastRun: s.lastRunAt ? `${s.lastRunAt}${s.lastError ? ` (failed: ${s.lastError})` : s.lastBackupId ? ` (${s.lastBackupId})` : ''}` : null,
    updatedAt: s.createdAt,
  }));
  const message = rows.length === 0 ? 'no backup schedules for the local database' : `${rows.length} daily backup schedule${rows.length === 1 ? '' : 's'} for the local database (${rows.map((r) => r.time).join(', ')} UTC)`;
  return ok(message, { schedules: rows }, renderOutput(fmt(a), { schedules: rows }, { rows, columns: SCHEDULE_COLUMNS, empty: '(no schedules: "backup schedule create 03:30" adds one)' }));
}

export async function scheduleCreateHandler(ctx: CommandContext, a: OutputArgs & { time: string; keep?: number }): Promise<CommandResult> {
  const t = resolveTarget(ctx);
  if (t.kind === 'linked') return scheduleCreate(ctx, t, a.time, fmt(a));
  const { schedule, created } = await ctx.step('EXECUTE', `schedule a daily backup at ${a.time} UTC`, async () =>
    await withOpsState(ctx, (s) => upsertSchedule(s, a.time, a.keep ?? null)),
  );
  const rows: ScheduleView[] = [{ time: schedule.time, target: LOCAL_TARGET, keep: schedule.keep, lastRun: schedule.lastRunAt, updatedAt: schedule.createdAt }];
  ctx.log('success', `Daily backup scheduled at ${a.time} UTC${schedule.keep ? `, keeping ${schedule.keep}` : ''}`);
  return ok(
    `${created ? 'daily backup scheduled' : 'schedule updated'} at ${a.time} UTC${schedule.keep ? ` (keeping the last ${schedule.keep})` : ''}; it runs in the console and with "agentdeck backup run-scheduled" (cron)`,
    { schedule },
    renderOutput(fmt(a), { schedule }, { rows, columns: SCHEDULE_COLUMNS }),
  );
}
