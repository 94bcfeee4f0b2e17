// Backups of a linked project on the platform: list, restore and point-in-time restore (both
// followed until the project is healthy again), and the platform's daily schedule.
import { renderOutput, type OutputFormat } from '../../services/format/output.js';
import { ManagementApiError } from '../../services/supabase/management-errors.js';
import type { PlatformBackup, PlatformBackups } from '../../services/supabase/platform.js';
import { CommandError, ok, type CommandContext, type CommandResult } from '../types.js';
import { approve, type LinkedTarget } from './context.js';
import { pollUntil } from './poll.js';
import { SCHEDULE_COLUMNS, type BackupView, type ScheduleView } from './views.js';

export function platformBackupView(b: PlatformBackup): BackupView {
  return {
    id: String(b.id),
    source: 'platform',
    kind: b.is_physical_backup ? 'physical' : 'logical',
    status: b.status,
    createdAt: b.inserted_at,
    sizeBytes: null,
    checksum: null,
    label: null,
    path: null,
  };
}

/** A platform backup id is a whole number; agentdeck's own are `bk-...`. */
export function isPlatformId(id: string): boolean {
  return /^\d+$/.test(id);
}

export async function findPlatformBackup(t: LinkedTarget, id: string): Promise<{ list: PlatformBackups; backup: PlatformBackup }> {
  const list = await t.api.listBackups();
  const backup = list.backups.find((b) => String(b.id) === id);
  if (!backup) {
    const known = list.backups.map((b) => b.id).slice(-5).join(', ');
    throw new CommandError('backup_not_found', `no platform backup ${id} on project ${t.ref}${known ? ` (recent: ${known})` : ''}: see "backup list"`);
  }
  return { list, backup };
}

/** Follows a restore through the project's status until it is healthy again or failed. */
export async function followRestore(ctx: CommandContext, t: LinkedTarget, operation: string): Promise<void> {
  const end = await pollUntil(ctx, operation, async () => {
    const p = await t.api.getProject();
    return { status: p.status, done: p.status === 'ACTIVE_HEALTHY', failed: p.status === 'RESTORE_FAILED' || p.status === 'INIT_FAILED' };
  });
  if (end.failed) throw new CommandError('restore_failed', `${operation} failed on the platform (project status ${end.status}): see the project's dashboard and contact Supabase support`);
}

export async function restorePlatformBackup(ctx: CommandContext, t: LinkedTarget, id: string, dryRun: boolean, command: string): Promise<CommandResult> {
  const { backup } = await ctx.step('VALIDATE', 'find the backup', () => findPlatformBackup(t, id));
  if (backup.status !== 'COMPLETED') throw new CommandError('backup_not_restorable', `platform backup ${id} is ${backup.status}: only COMPLETED backups can be restored`);
  const summary = `restore project ${t.ref} from platform backup ${id} (${backup.inserted_at}); the database is overwritten`;
  if (dryRun) return ok(`dry run: would ${summary}`, { dryRun: true, backup: platformBackupView(backup) });
  await approve(ctx, 'databaseDestructive', { tool: command, args: { id }, target: t.ref, summary, confirmText: id });
  await ctx.step('EXECUTE', 'request the restore', async () => {
    try {
      await t.api.restoreBackup(backup.id);
    } catch (error) {
      // Restore by id is marked internal in the platform's spec: personal tokens may be refused.
      if (error instanceof ManagementApiError && (error.status === 401 || error.status === 403 || error.status === 404)) {
        throw new CommandError(
          'restore_not_public',
          `the platform refused to restore backup ${id} (HTTP ${error.status}): restore by id is an internal endpoint that may refuse access tokens; restore it in the dashboard (Database > Backups), or use "backup pitr restore <time>" when point-in-time recovery is on`,
        );
      }
      throw error;
    }
    ctx.log('info', `restore of backup ${id} requested; following its progress`);
    return { requested: true };
  });
  await ctx.step('VERIFY', 'follow the restore', async () => {
    await followRestore(ctx, t, `restore of backup ${id}`);
    return { restored: true };
  });
  ctx.log('success', `Project ${t.ref} restored from backup ${id}`);
  return ok(`project ${t.ref} restored from platform backup ${id}`, { backup: platformBackupView(backup), project: t.ref });
}

export async function pitrRestore(ctx: CommandContext, t: LinkedTarget, iso: string, dryRun: boolean, output: OutputFormat): Promise<CommandResult> {
  const when = Math.floor(Date.parse(iso) / 1000);
  const list = await ctx.step('VALIDATE', 'check the recovery window', () => t.api.listBackups());
  if (!list.pitr_enabled) {
    throw new CommandError('pitr_not_enabled', `point-in-time recovery is not enabled on project ${t.ref}: add the PITR add-on in the dashboard (Database > Backups)`);
  }
  const lo = list.physical_backup_data.earliest_physical_backup_date_unix;
  const hi = list.physical_backup_data.latest_physical_backup_date_unix;
  if (lo !== undefined && hi !== undefined && (when < lo || when > hi)) {
    throw new CommandError(
      'pitr_outside_window',
      `${iso} is outside the recovery window of project ${t.ref}: choose a time from ${new Date(lo * 1000).toISOString()} to ${new Date(hi * 1000).toISOString()}`,
    );
  }
  const summary = `restore project ${t.ref} to ${iso} (point in time); later changes are lost`;
  const data = { project: t.ref, time: iso, recoveryTimeTargetUnix: when };
  if (dryRun) return ok(`dry run: would ${summary}`, { dryRun: true, ...data }, renderOutput(output, data, { record: data }));
  await approve(ctx, 'databaseDestructive', { tool: 'backup pitr restore', args: { time: iso }, target: t.ref, summary, confirmText: t.ref });
  await ctx.step('EXECUTE', 'request the point-in-time restore', async () => {
    await t.api.restorePitr(when);
    return { requested: true };
  });
  await ctx.step('VERIFY', 'follow the restore', async () => {
    await followRestore(ctx, t, `point-in-time restore to ${iso}`);
    return { restored: true };
  });
  ctx.log('success', `Project ${t.ref} restored to ${iso}`);
  return ok(`project ${t.ref} restored to ${iso}`, data, renderOutput(output, data, { record: data }));
}

export async function scheduleList(t: LinkedTarget, output: OutputFormat): Promise<CommandResult> {
  const s = await t.api.getSchedule();
  const rows: ScheduleView[] = [{ time: s.schedule_for.slice(0, 5), target: t.ref, keep: null, lastRun: null, updatedAt: s.updated_at }];
  return ok(`daily platform backup at ${s.schedule_for.slice(0, 5)} UTC on project ${t.ref}`, { schedules: rows }, renderOutput(output, { schedules: rows }, { rows, columns: SCHEDULE_COLUMNS }));
}

export async function scheduleCreate(ctx: CommandContext, t: LinkedTarget, time: string, output: OutputFormat): Promise<CommandResult> {
  const s = await ctx.step('EXECUTE', 'set the backup schedule', () => t.api.setSchedule(`${time}:00`));
  const rows: ScheduleView[] = [{ time: s.schedule_for.slice(0, 5), target: t.ref, keep: null, lastRun: null, updatedAt: s.updated_at }];
  ctx.log('success', `Daily backup scheduled at ${time} UTC on project ${t.ref}`);
  return ok(`daily backup of project ${t.ref} scheduled at ${time} UTC`, { schedules: rows }, renderOutput(output, { schedules: rows }, { rows, columns: SCHEDULE_COLUMNS }));
}
